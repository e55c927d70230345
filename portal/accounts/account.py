"""A staff member's own password: changing it, and recovering a forgotten one.

- A change needs the current password; the new one follows the strength rule
  (portal.accounts.passwords). Every other session of the user ends.
- A forgotten password is recovered through an emailed link, valid one hour and
  once; only a hash of its token is stored. Asking for one enqueues the same job
  after the same statements whether or not the email address has an account, so
  the page never tells anyone who has one; the job decides whether to send.
  Using the link sets a new password and ends every session. It does not touch
  the lockout: a locked account stays locked until the lock ends, and the
  authenticator is still needed to sign in.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from flask import current_app
from sqlalchemy import func, select, update

from portal import audit, clock, jobs, notifications
from portal.accounts import auth, lockout, passwords
from portal.actions import Action
from portal.extensions import db
from portal.models import Job, PasswordReset, User

if TYPE_CHECKING:
    from sqlalchemy import CursorResult

RESET_VALID_FOR = timedelta(hours=1)
# At most this many reset emails per account per hour: the form cannot be used to
# flood someone's inbox. Further requests get the same answer and no email.
RESET_EMAILS_PER_HOUR = 3


class AccountProblem(ValueError):
    """A change the rules refuse; ``field`` names the form field to point at."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


def _user_inputs(user: User) -> list[str]:
    """Words a password must not lean on: the person's email address and name."""
    return [user.email, user.email.split("@")[0], *user.name.split()]


def new_password_problem(user: User, password: str, confirm: str) -> AccountProblem | None:
    problem = passwords.password_problem(password or "", _user_inputs(user))
    if problem:
        return AccountProblem("new_password", problem)
    if password != confirm:
        return AccountProblem("confirm", "The passwords do not match")
    return None


# Changing a password (signed in)


def change_password(
    user: User, current: str, new: str, confirm: str, *, keep_token: str | None, address: str | None = None
) -> int:
    """Set a new password for a signed-in user who knows the current one; every other
    session of the user ends (one left signed in elsewhere, perhaps by someone else,
    is signed out). Returns how many sessions ended.

    A wrong current password counts towards the account lockout like a failed
    sign-in, so a session left open cannot be used to guess the password; while
    the account is locked the change is refused.
    """
    key = lockout.account_key(auth.normalise_email(user.email))
    try:
        lockout.check(key, address, user_id=user.id)
    except lockout.LockedOut as locked:
        raise AccountProblem("current_password", locked.message) from locked
    if not passwords.verify_password(user.password_hash, current or ""):
        audit.record("account.password_change_failed", outcome="failed", object_type="user", object_id=user.id)
        lock = lockout.record_failure(key, address, user.id)
        db.session.commit()
        if lock is not None:
            raise AccountProblem("current_password", lockout.LockedOut(lock.scope, lock.until).message)
        raise AccountProblem("current_password", "Your current password is not right")
    problem = new_password_problem(user, new, confirm)
    if problem:
        raise problem
    if passwords.verify_password(user.password_hash, new):
        raise AccountProblem("new_password", "Your new password must be different from your current password")
    now = clock.now()
    user.password_hash = passwords.hash_password(new)
    user.password_changed_at = now
    _revoke_resets(user.id, now)
    audit.record("account.password_changed", object_type="user", object_id=user.id, user_id=user.id)
    ended = auth.revoke_sessions(user.id, "password_changed", keep_token=keep_token)
    notifications.notify(
        user.id,
        "account.password_changed",
        "Your password was changed. If you did not change it, tell your organisation’s administrator now.",
        "/",
        email_subject="Your partner portal password was changed",
    )
    db.session.commit()
    return ended


# Forgotten password


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def reset_path(token: str) -> str:
    return current_app.url_map.bind("").build("account.reset_password", {"token": token})


def request_password_reset(email: str) -> Job:
    """Ask for a reset link for ``email``: the request itself only enqueues the
    ``account.password_reset`` job with the address's account key, writes one audit
    event naming that job, and commits. It reads no account, so the answer, the
    statements run and the job enqueued are the same whether or not the address has an
    account (or one that can use a link); the job decides (``send_password_reset``).

    The key is lockout.account_key, an HMAC of the normalised address keyed by
    SECRET_KEY: neither the job row nor the audit trail holds the address.
    """
    key = lockout.account_key(auth.normalise_email(email))
    job = jobs.enqueue(send_password_reset, key, kind=Action.ACCOUNT_PASSWORD_RESET)
    audit.record("account.password_reset_asked", object_type="job", object_id=job.id)
    db.session.commit()
    return job


def _account_with_key(key: str) -> User | None:
    """The account whose normalised email has this account key (staff accounts are few:
    each key is computed and compared in constant time)."""
    found = None
    for user_id, email in db.session.execute(select(User.id, User.email).order_by(User.id)):
        if hmac.compare_digest(lockout.account_key(auth.normalise_email(email)), key) and found is None:
            found = user_id
    return db.session.get(User, found) if found is not None else None


def send_password_reset(key: str) -> None:
    """Job: email a reset link to the account with this account key, if there is one
    that can use it (active, already set up, not over the hourly limit). Its outcome is
    audited (``ok``, ``unknown``, ``not_eligible`` or ``throttled``); the event of an
    unknown address holds no trace of it. Its writes commit with the job, so a retried
    attempt never sends a second link."""
    now = clock.now()
    user = _account_with_key(key) if isinstance(key, str) else None
    outcome = "unknown"
    if user is not None:
        if not user.active or user.password_hash is None:
            outcome = "not_eligible"
        elif _recent_resets(user.id, now) >= RESET_EMAILS_PER_HOUR:
            outcome = "throttled"
        else:
            outcome = "ok"
    if outcome != "ok":
        audit.record(
            "account.password_reset_requested",
            outcome=outcome,
            object_type="user" if user is not None else None,
            object_id=user.id if user is not None else None,
        )
        return
    assert user is not None  # the outcome is "ok" only for an account
    token = secrets.token_urlsafe(32)
    _revoke_resets(user.id, now)
    reset = PasswordReset(
        user_id=user.id, token_hash=token_hash(token), created_at=now, expires_at=now + RESET_VALID_FOR
    )
    db.session.add(reset)
    db.session.flush()
    minutes = int(RESET_VALID_FOR.total_seconds() // 60)
    notifications.queue_email(
        user.id,
        "account.password_reset",
        "Reset your partner portal password",
        "Someone, probably you, asked to reset the password of your account on the Access to Work "
        "Mental Health Support partner portal.\n\n"
        f"To choose a new password, open this link within {minutes} minutes. It works once:\n\n"
        f"{notifications.absolute_url(reset_path(token))}\n\n"
        "You will still need the security code from your authenticator app to sign in. "
        "If you did not ask for this, you can ignore this email: your password has not changed.",
        sensitive=True,
    )
    audit.record(
        "account.password_reset_requested",
        object_type="password_reset",
        object_id=reset.id,
        outcome="ok",
        detail={"account": user.id},
    )


def _recent_resets(user_id: int, now: datetime) -> int:
    return cast(
        int,
        db.session.scalar(  # COUNT(*) always gives a row
            select(func.count())
            .select_from(PasswordReset)
            .where(PasswordReset.user_id == user_id, PasswordReset.created_at > now - timedelta(hours=1))
        ),
    )


def _revoke_resets(user_id: int, now: datetime) -> None:
    db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.user_id == user_id, PasswordReset.used_at.is_(None), PasswordReset.revoked_at.is_(None))
        .values(revoked_at=now)
    )


def usable_reset(token: str) -> PasswordReset | None:
    """The reset behind a link if it can still be used: not used, not replaced, less
    than an hour old, for an active account. Else None, whatever the reason."""
    if not token or len(token) > 200:
        return None
    reset = db.session.scalars(select(PasswordReset).where(PasswordReset.token_hash == token_hash(token))).first()
    if reset is None or not reset.usable_at(clock.now()):
        return None
    user = db.session.get(User, reset.user_id)
    if user is None or not user.active:
        return None
    return reset


@dataclass
class ResetDone:
    user: User
    locked_until: datetime | None


def reset_password(token: str, new: str, confirm: str) -> ResetDone:
    """Set a new password through a reset link, once. Every session of the user ends.
    The lockout is left as it is: a locked account stays locked until the lock ends
    (``locked_until`` says when, for the page to tell the person)."""
    reset = usable_reset(token)
    if reset is None:
        raise LookupError("reset link not usable")
    user = db.session.get(User, reset.user_id)
    assert user is not None  # usable_reset found the account
    problem = new_password_problem(user, new, confirm)
    if problem:
        raise problem
    now = clock.now()
    # Used up in one conditional statement: of two tabs racing, only one wins.
    claimed = cast(
        "CursorResult[Any]",
        db.session.execute(
            update(PasswordReset)
            .where(
                PasswordReset.id == reset.id,
                PasswordReset.used_at.is_(None),
                PasswordReset.revoked_at.is_(None),
                PasswordReset.expires_at > now,
            )
            .values(used_at=now)
        ),
    ).rowcount
    if claimed != 1:
        db.session.rollback()
        raise LookupError("reset link not usable")
    user.password_hash = passwords.hash_password(new)
    user.password_changed_at = now
    _revoke_resets(user.id, now)
    audit.record(
        "account.password_reset",
        object_type="password_reset",
        object_id=reset.id,
        user_id=user.id,
        detail={"account": user.id},
    )
    auth.revoke_sessions(user.id, "password_reset")
    notifications.notify(
        user.id,
        "account.password_reset",
        "Your password was reset with a link sent to your email address. If you did not do this, "
        "tell your organisation’s administrator now.",
        "/",
        email_subject="Your partner portal password was reset",
    )
    db.session.commit()
    lock = lockout.current_lock(lockout.ACCOUNT, lockout.account_key(auth.normalise_email(user.email)))
    return ResetDone(user, lock.until if lock is not None else None)
