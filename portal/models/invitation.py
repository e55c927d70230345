"""Invitations: the single-use link with which a new account sets its password and TOTP."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import Model
from portal.models.types import UTCDateTime


class Invitation(Model):
    __tablename__ = "invitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    # SHA-256 of the token in the link: the table alone never opens an account.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # Who sent it (None: the create-user command).
    created_by: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Replaced by a newer invitation, or the account was deactivated.
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def usable_at(self, moment: datetime) -> bool:
        return self.used_at is None and self.revoked_at is None and moment < self.expires_at
