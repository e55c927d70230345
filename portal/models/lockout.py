"""Failed sign-in attempts and the locks they cause (account lockout).

Accounts are keyed by an HMAC of the normalised email (keyed by SECRET_KEY), the
same way whether or not an account exists, so no email is kept in clear and an
unknown address is answered exactly like a real one.
"""

from datetime import datetime

from sqlalchemy import CheckConstraint, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import Model
from portal.models.types import UTCDateTime


class SignInFailure(Model):
    """One wrong password or wrong code. Only failures are kept: they alone count."""

    __tablename__ = "signin_failure"
    __table_args__ = (
        Index("ix_signin_failure_account_key_at", "account_key", "at"),
        Index("ix_signin_failure_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    account_key: Mapped[str] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(String(64))


class SignInLock(Model):
    """An account (by key) or an address that may not sign in until ``until``."""

    __tablename__ = "signin_lock"
    __table_args__ = (
        CheckConstraint("scope IN ('account', 'address')", name="scope"),
        Index("ix_signin_lock_scope_key_until", "scope", "key", "until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(String(64))
    locked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    until: Mapped[datetime] = mapped_column(UTCDateTime)
