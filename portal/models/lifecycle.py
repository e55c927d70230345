"""Account lifecycle: forgotten-password links and two-admin MFA resets."""

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import Model
from portal.models.organisation import Organisation
from portal.models.types import UTCDateTime
from portal.models.user import User


class PasswordReset(Model):
    """A forgotten-password link: valid one hour, once."""

    __tablename__ = "password_reset"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    # SHA-256 of the token in the link: the table alone never resets a password.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Replaced by a newer link, or the password changed another way.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def usable_at(self, moment: datetime) -> bool:
        return self.used_at is None and self.revoked_at is None and moment < self.expires_at


class MfaReset(Model):
    """A request to clear a user's authenticator (a lost phone): one admin asks with a
    reason, a different admin approves; the user then enrols again at sign-in."""

    __tablename__ = "mfa_reset"
    __table_args__ = (CheckConstraint("status IN ('pending', 'approved', 'cancelled')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    # The organisation whose staff pages it was requested from.
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    reason: Mapped[str] = mapped_column(String(500))
    requested_by: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id], lazy="joined")
    organisation: Mapped[Organisation] = relationship(lazy="joined")
    requester: Mapped[User] = relationship(foreign_keys=[requested_by], lazy="joined")
    decider: Mapped[User | None] = relationship(foreign_keys=[decided_by], lazy="joined")
