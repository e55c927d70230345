"""Signing in: a password, then a one-time code (MFA is mandatory).

Wrong email, wrong password and wrong code get the same answer, so the sign-in
pages never reveal whether an account exists. Failures count towards the lockout
(portal/accounts/lockout.py); every step, success or failure, is audited by id.
"""

import re

from sqlalchemy import func, select

from portal import audit, clock
from portal.accounts import lockout, passwords, totp
from portal.extensions import db
from portal.models import User
from portal.sessions import end_sessions_of

FAILURE_MESSAGE = "The email address, password or security code is not right. Check them and try again"


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalars(select(User).where(func.lower(User.email) == normalise_email(email))).first()


def check_password(email: str, password: str, address: str | None = None) -> User | None:
    """The account if the password is right and the account may sign in; audited.

    Raises lockout.LockedOut while the account (known or not) is locked or the
    address blocked; a wrong password counts towards both (portal/accounts/lockout.py).
    """
    key = lockout.account_key(normalise_email(email))
    user = find_user_by_email(email)
    lockout.check(key, address, user_id=user.id if user else None)
    ok = passwords.verify_password(user.password_hash if user else None, password) and user is not None and user.active
    if not ok:
        audit.record(
            "signin.password_failed",
            outcome="failed",
            object_type="user" if user else None,
            object_id=user.id if user else None,
        )
        _count_failure(key, address, user.id if user else None)
        return None
    return user


def check_code(user: User, code: str, address: str | None = None) -> bool:
    """Accept a code once: the step it belongs to must be newer than the last used.

    Raises lockout.LockedOut while the account is locked or the address blocked;
    a wrong code counts towards both, as a wrong password does.
    """
    key = lockout.account_key(normalise_email(user.email))
    lockout.check(key, address, user_id=user.id)
    step = None
    if user.active and user.totp_secret:
        step = totp.matching_step(user.totp_secret, code, user.totp_last_step)
    if step is None:
        audit.record("signin.code_failed", outcome="failed", object_type="user", object_id=user.id)
        _count_failure(key, address, user.id)
        return False
    user.totp_last_step = step
    audit.record("signin.success", user_id=user.id, object_type="user", object_id=user.id)
    db.session.commit()
    return True


def _count_failure(key: str, address: str | None, user_id: int | None) -> None:
    """Commit the failure (already audited by the caller); raise if it caused a lock."""
    lock = lockout.record_failure(key, address, user_id)
    db.session.commit()
    if lock is not None:
        raise lockout.LockedOut(lock.scope, lock.until)


def record_sign_out(user: User) -> None:
    audit.record("signout", user_id=user.id, object_type="user", object_id=user.id)
    db.session.commit()


def revoke_sessions(user_id: int, reason: str, keep_token: str | None = None) -> int:
    """End every session of a user at once (deactivation, password change, removed
    roles), leaving an audit event with the reason code and how many ended.
    ``keep_token`` spares the session making the change. The caller commits."""
    if not re.fullmatch(r"[a-z][a-z_]{0,39}", reason or ""):
        raise ValueError("reason must be a short code such as 'deactivated'")
    ended = end_sessions_of(user_id, keep_token=keep_token)
    audit.record("session.revoked", object_type="user", object_id=user_id, detail={"reason": reason, "sessions": ended})
    return ended


def signed_in_at_iso() -> str:
    return clock.now().isoformat()
