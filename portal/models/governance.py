"""Governance (issue 10): the breach register, training lapse notices and quarterly
access reviews. DESIGN.md rules 8-10.

A breach record describes an incident in the reporter's words (it may hold personal
data: it is read by the DPO only); audit events about it hold its id only.
"""

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import Model
from portal.models.types import UTCDateTime
from portal.models.user import User

BREACH_STATUSES = {"reported": "Awaiting the DPO’s decision", "decided": "Decision recorded", "closed": "Closed"}
RISK_LEVELS = {
    "none": "Unlikely to result in a risk",
    "risk": "A risk to people’s rights and freedoms",
    "high": "A high risk to people’s rights and freedoms",
}


class Breach(Model):
    __tablename__ = "breach"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    reported_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    reported_at: Mapped[datetime] = mapped_column(UTCDateTime)
    discovered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    what_happened: Mapped[str] = mapped_column(Text)
    data_affected: Mapped[str] = mapped_column(Text)
    people_affected: Mapped[str] = mapped_column(Text)
    organisations_involved: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="reported", index=True)
    # The DPO's assessment and decision.
    risk_level: Mapped[str | None] = mapped_column(String(10))
    risk_assessment: Mapped[str] = mapped_column(Text, default="")
    report_to_ico: Mapped[bool | None]
    decision_reasons: Mapped[str] = mapped_column(Text, default="")
    delay_reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # What followed.
    ico_reference: Mapped[str] = mapped_column(String(60), default="")
    ico_reported_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    dwp_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    people_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    actions_taken: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    reported_by: Mapped[User] = relationship(foreign_keys=[reported_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])


class TrainingNotice(Model):
    """One "your training lapses soon" notice per user and lapse date (idempotent job)."""

    __tablename__ = "training_notice"
    __table_args__ = (UniqueConstraint("user_id", "lapses_on", name="uq_training_notice_user_id_lapses_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    lapses_on: Mapped[date]
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AccessReview(Model):
    """An organisation admin's quarterly confirmation of every active account's roles."""

    __tablename__ = "access_review"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    quarter: Mapped[str] = mapped_column(String(7))  # "2026-Q4"
    reviewed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    reviewed_by: Mapped[User] = relationship()
    decisions: Mapped[list["AccessReviewDecision"]] = relationship(
        back_populates="review", order_by="AccessReviewDecision.id"
    )


class AccessReviewDecision(Model):
    __tablename__ = "access_review_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("access_review.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    roles: Mapped[list[str]] = mapped_column(JSON)  # held when reviewed
    decision: Mapped[str] = mapped_column(String(10))  # keep | remove
    removed_roles: Mapped[list[str]] = mapped_column(JSON)

    review: Mapped[AccessReview] = relationship(back_populates="decisions")
    user: Mapped[User] = relationship()
