"""Staff accounts and their per-organisation role grants."""

from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:

    class UserMixin:
        """Flask-Login's mixin as mypy sees it (the package ships no types)."""

        @property
        def is_authenticated(self) -> bool: ...
        @property
        def is_anonymous(self) -> bool: ...
        def get_id(self) -> str: ...
else:
    from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import Model
from portal.models.organisation import Organisation
from portal.models.types import UTCDateTime


class User(UserMixin, Model):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[str] = mapped_column(String(200), default="")
    password_hash: Mapped[str | None] = mapped_column(String(255))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_step: Mapped[int | None]
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    password_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dp_training_completed_on: Mapped[date | None]

    memberships: Mapped[list["Membership"]] = relationship(
        back_populates="user", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def is_active(self) -> bool:  # Flask-Login: a deactivated account is signed out
        return self.active

    def roles_in(self, org_id: int) -> frozenset[str]:
        return frozenset(m.role for m in self.memberships if m.org_id == org_id)

    def all_roles(self) -> frozenset[str]:
        return frozenset(m.role for m in self.memberships)

    def organisations(self) -> list[Organisation]:
        seen: dict[int, Organisation] = {}
        for m in self.memberships:
            seen.setdefault(m.org_id, m.organisation)
        return sorted(seen.values(), key=lambda o: o.name)

    def __repr__(self) -> str:
        return f"<User {self.id}>"


class Membership(Model):
    """One role of one user in one organisation."""

    __tablename__ = "membership"
    __table_args__ = (UniqueConstraint("user_id", "org_id", "role", name="uq_membership_grant"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    role: Mapped[str] = mapped_column(String(30))

    user: Mapped[User] = relationship(back_populates="memberships")
    organisation: Mapped[Organisation] = relationship(lazy="joined")
