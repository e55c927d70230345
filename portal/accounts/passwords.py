"""Password hashing (argon2id) and the strength rule for new passwords."""

from collections.abc import Sequence

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from zxcvbn import zxcvbn

MIN_LENGTH = 12
_hasher = PasswordHasher()  # argon2id with the library's current parameters
# Verified against when the account is unknown, so both paths cost the same.
_DUMMY_HASH = _hasher.hash("not a real password, only for timing")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str, user_inputs: Sequence[str] = ()) -> str | None:
    """Why a new password is not acceptable, or None: 12+ characters, not weak or common."""
    if len(password) < MIN_LENGTH:
        return f"Password must be {MIN_LENGTH} characters or more"
    # zxcvbn refuses (ValueError) anything longer than 72 characters: a long passphrase
    # is judged by its first 72.
    result = zxcvbn(password[:72], user_inputs=[u for u in user_inputs if u])
    if result["score"] < 3:
        warning = result["feedback"].get("warning") or "It is too easy to guess"
        return f"Choose a stronger password: {warning.rstrip('.')}"
    return None
