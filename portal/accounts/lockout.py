"""Account lockout: too many failed sign-ins lock the account, or block the address.

The rule (settings in portal/config.py, times from portal.clock):

- LOCKOUT_ACCOUNT_FAILURES failed attempts (wrong password or wrong code) for one
  account within LOCKOUT_ACCOUNT_WINDOW lock that account for
  LOCKOUT_ACCOUNT_DURATION, whatever addresses they came from;
- LOCKOUT_ADDRESS_FAILURES failed attempts from one address within
  LOCKOUT_ADDRESS_WINDOW block that address for LOCKOUT_ADDRESS_DURATION.

Only failures count, so many successful sign-ins from one address block nothing.
An account is keyed by an HMAC of its normalised email, computed the same way for
an email that has no account, so unknown emails are answered exactly like real
ones and no email is stored in clear. Locks and refusals are audited; the audit
events carry the user's id when the account exists, never the email or its HMAC.
"""

import hashlib
import hmac
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, func, select

from portal import audit, clock
from portal.extensions import db
from portal.models import SignInFailure, SignInLock

ACCOUNT = "account"
ADDRESS = "address"


class LockedOut(Exception):
    """Sign-in refused: the account is locked or the address blocked until ``until``."""

    def __init__(self, scope: str, until: datetime):
        self.scope = scope
        self.until = until
        super().__init__(self.message)

    @property
    def message(self) -> str:
        when = try_again_after(self.until)
        if self.scope == ADDRESS:
            return (
                "Sign-in from your network is temporarily blocked because of too many failed "
                f"attempts. Try again after {when}"
            )
        return f"This account is temporarily locked because of too many failed sign-in attempts. Try again after {when}"


def try_again_after(until: datetime) -> str:
    """``14:36 on 3 March 2026`` in Europe/London, rounded up to the minute so that
    trying at the time shown always works."""
    local = clock.local(until)
    if local.second or local.microsecond:
        local = local.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return f"{local:%H:%M} on {local.day} {local:%B %Y}"


def account_key(normalised_email: str) -> str:
    """The key an account is counted under: HMAC-SHA256 of the normalised email,
    keyed by SECRET_KEY (whether or not the account exists)."""
    secret = current_app.config["SECRET_KEY"]
    secret = secret if isinstance(secret, bytes) else str(secret).encode()
    return hmac.new(secret, normalised_email.encode(), hashlib.sha256).hexdigest()


def _rules() -> dict[str, tuple[int, timedelta, timedelta]]:
    config = current_app.config
    return {
        ACCOUNT: (
            config["LOCKOUT_ACCOUNT_FAILURES"],
            config["LOCKOUT_ACCOUNT_WINDOW"],
            config["LOCKOUT_ACCOUNT_DURATION"],
        ),
        ADDRESS: (
            config["LOCKOUT_ADDRESS_FAILURES"],
            config["LOCKOUT_ADDRESS_WINDOW"],
            config["LOCKOUT_ADDRESS_DURATION"],
        ),
    }


def current_lock(scope: str, key: str | None) -> SignInLock | None:
    """The lock in force now for this account key or address, if any."""
    if not key:
        return None
    return db.session.scalars(
        select(SignInLock)
        .where(SignInLock.scope == scope, SignInLock.key == key, SignInLock.until > clock.now())
        .order_by(SignInLock.until.desc())
        .limit(1)
    ).first()


def check(account: str, address: str | None, user_id: int | None = None) -> None:
    """Raise LockedOut if the address is blocked or the account locked now.

    The refused attempt is audited (and committed) but does not count as a failure:
    nothing was checked, and counting it would let anyone extend a lock for ever.
    """
    for scope, key in ((ADDRESS, address), (ACCOUNT, account)):
        lock = current_lock(scope, key)
        if lock is not None:
            audit.record_and_commit(
                "signin.refused_locked",
                outcome="refused",
                object_type="user" if user_id else None,
                object_id=user_id,
                detail={"scope": scope},
            )
            raise LockedOut(scope, lock.until)


def record_failure(account: str, address: str | None, user_id: int | None = None) -> SignInLock | None:
    """Count one failed attempt; lock the account or block the address when it
    reaches its threshold. Returns the lock placed (the account's first), if any.
    In the caller's transaction (the caller commits)."""
    now = clock.now()
    db.session.add(SignInFailure(at=now, account_key=account, address=address))
    db.session.flush()
    placed = None
    columns = {ACCOUNT: SignInFailure.account_key, ADDRESS: SignInFailure.address}
    for scope, (limit, window, duration) in _rules().items():
        key = account if scope == ACCOUNT else address
        if not key or current_lock(scope, key) is not None:
            continue
        since = now - window
        previous = db.session.scalar(
            select(func.max(SignInLock.until)).where(SignInLock.scope == scope, SignInLock.key == key)
        )
        if previous is not None and clock.as_utc(previous) > since:
            since = clock.as_utc(previous)  # failures before a lock ended were paid for by it
        failures = db.session.scalar(
            select(func.count()).select_from(SignInFailure).where(columns[scope] == key, SignInFailure.at >= since)
        )
        assert failures is not None  # COUNT(*) always gives a row
        if failures >= limit:
            lock = SignInLock(scope=scope, key=key, locked_at=now, until=now + duration)
            db.session.add(lock)
            audit.record(
                "signin.locked",
                outcome="locked",
                object_type="user" if scope == ACCOUNT and user_id else None,
                object_id=user_id if scope == ACCOUNT else None,
                detail={
                    "scope": scope,
                    "failures": failures,
                    "until": clock.as_utc(lock.until).strftime("%Y-%m-%dT%H:%M:%SZ"),
                },
            )
            placed = placed or lock
    _forget_old(now)
    return placed


def _forget_old(now: datetime) -> None:
    """Failures and locks older than every window no longer count for anything."""
    horizon = now - max(window for _, window, _ in _rules().values())
    db.session.execute(delete(SignInFailure).where(SignInFailure.at < horizon))
    db.session.execute(delete(SignInLock).where(SignInLock.until < horizon))
