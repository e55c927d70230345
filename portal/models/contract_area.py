"""Contract areas: which organisation delivers the service in each postcode area.

A referral is routed by the postcode area of the participant's address (the
leading letters of the outward code: "LS" for "LS1 4AP"). An area with no row
here is unallocated: its referrals wait in the lead partner's queue.
"""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import Model
from portal.models.organisation import Organisation
from portal.models.types import UTCDateTime
from portal.models.user import User


class ContractArea(Model):
    __tablename__ = "contract_area"

    id: Mapped[int] = mapped_column(primary_key=True)
    area: Mapped[str] = mapped_column(String(2), unique=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    organisation: Mapped[Organisation] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<ContractArea {self.area}>"


class ContractAreaChange(Model):
    """One change to the table, kept for good: added, moved or removed."""

    __tablename__ = "contract_area_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    area: Mapped[str] = mapped_column(String(2), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    # None when the change was made by the system (the demo seed, a CLI command).
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # added: from is None; removed: to is None; changed: both.
    from_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    to_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))

    user: Mapped[User | None] = relationship(lazy="joined")
    from_organisation: Mapped[Organisation | None] = relationship(foreign_keys=[from_org_id], lazy="joined")
    to_organisation: Mapped[Organisation | None] = relationship(foreign_keys=[to_org_id], lazy="joined")

    @property
    def kind(self) -> str:
        if self.from_org_id is None:
            return "added"
        if self.to_org_id is None:
            return "removed"
        return "changed"
