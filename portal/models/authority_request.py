"""Requests for a participant's data from HMRC, the police or another authority.

Any staff member (not DWP) logs one; only the DPO approves or refuses it, with
reasons; what is then disclosed goes in the participant's register under the legal
basis relied on. ``org_id``/``participant_id`` are set when the DPO links the
request to a participant (the person who logged it may not be able to see them).
"""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import Model
from portal.models.types import UTCDateTime
from portal.models.user import User

AUTHORITY_TYPES = {
    "hmrc": "HMRC",
    "police": "Police",
    "local_authority": "Local authority",
    "dwp_fraud": "DWP counter-fraud",
    "other": "Another authority",
}
REQUEST_REASONS = {"fraud": "Fraud", "crime": "Crime", "safeguarding": "Safeguarding", "other": "Other"}
REQUEST_STATUSES = {
    "awaiting_decision": "Awaiting the DPO’s decision",
    "approved": "Approved: to be disclosed",
    "refused": "Refused",
    "disclosed": "Disclosed",
}


class AuthorityRequest(Model):
    __tablename__ = "authority_request"
    __table_args__ = (
        CheckConstraint("status IN ('awaiting_decision', 'approved', 'refused', 'disclosed')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"), index=True)
    authority_type: Mapped[str] = mapped_column(String(30))
    # Who asked: the body, the officer, how to reach them.
    requester: Mapped[str] = mapped_column(String(500))
    reason: Mapped[str] = mapped_column(String(30))
    legal_basis_cited: Mapped[str] = mapped_column(String(500))
    what_requested: Mapped[str] = mapped_column(Text)
    # Who the request is about, as the authority described them.
    subject_details: Mapped[str] = mapped_column(Text)
    respond_by: Mapped[date | None]
    received_on: Mapped[date]
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(20), default="awaiting_decision")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_reasons: Mapped[str] = mapped_column(Text, default="")
    legal_basis: Mapped[str | None] = mapped_column(String(40))
    disclosure_id: Mapped[int | None] = mapped_column(ForeignKey("disclosure.id"))

    logged_by: Mapped[User | None] = relationship(foreign_keys=[logged_by_id], lazy="joined")
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id], lazy="joined")

    @property
    def authority_label(self) -> str:
        return AUTHORITY_TYPES.get(self.authority_type, self.authority_type)

    @property
    def reason_label(self) -> str:
        return REQUEST_REASONS.get(self.reason, self.reason)

    @property
    def status_label(self) -> str:
        return REQUEST_STATUSES[self.status]

    @property
    def open(self) -> bool:
        return self.status in ("awaiting_decision", "approved")
