"""Milestones and outcomes: what the DWP contract report counts."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import Model
from portal.models.types import UTCDateTime
from portal.models.user import User

MILESTONE_KINDS = {
    "support_plan_agreed": "Support plan agreed",
    "month_of_support": "Month of support completed",
    "job_retained": "Job retained",
    "moved_to_suitable_work": "Moved to more suitable work",
    "programme_completed": "Programme completed",
    "left_early": "Left early",
}
# The AtW MHSS offers up to nine months of support.
MAX_SUPPORT_MONTHS = 9
# Why someone left early: a fixed list, so the contract report can count them.
LEFT_EARLY_REASONS = {
    "no_longer_wanted": "No longer wanted support",
    "health_worsened": "Health condition got worse",
    "left_employment": "Left their employment",
    "moved_away": "Moved out of the area",
    "not_contactable": "Could not be contacted",
    "other_support": "Getting support from another service",
}


class Milestone(Model):
    __tablename__ = "milestone"
    # Each milestone once per participant; months of support once per month number
    # (0 for the other kinds).
    __table_args__ = (UniqueConstraint("participant_id", "kind", "month_number", name="uq_milestone_once"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    month_number: Mapped[int] = mapped_column(default=0)
    achieved_on: Mapped[date]
    left_early_reason: Mapped[str] = mapped_column(String(40), default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    recorded_by: Mapped[User | None] = relationship(lazy="joined")

    @property
    def label(self) -> str:
        text = MILESTONE_KINDS.get(self.kind, self.kind)
        if self.kind == "month_of_support":
            return f"{text}: month {self.month_number}"
        if self.kind == "left_early" and self.left_early_reason:
            return f"{text}: {LEFT_EARLY_REASONS.get(self.left_early_reason, self.left_early_reason)}"
        return text
