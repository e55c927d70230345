"""Time-based one-time codes; each code works once (STACK.md)."""

import pyotp

from portal import clock

ISSUER = "AtW MHSS Portal"


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name=ISSUER)


def current_code(secret: str) -> str:
    return pyotp.TOTP(secret).at(clock.now())


def matching_step(secret: str, code: str, last_step: int | None) -> int | None:
    """The time step the code belongs to (allowing one step of drift), if it is
    valid and newer than the last step used; None otherwise."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    step_now = totp.timecode(clock.now())
    for step in (step_now, step_now - 1, step_now + 1):
        if last_step is not None and step <= last_step:
            continue
        if totp.generate_otp(step) == code:
            return step
    return None
