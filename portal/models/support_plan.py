"""The initial assessment and the support plan's actions."""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import Model
from portal.models.types import UTCDateTime
from portal.models.user import User

SUPPORT_LEVELS = {
    "light": "Light touch: occasional check-ins",
    "standard": "Standard: regular appointments",
    "intensive": "Intensive: frequent appointments and employer work",
}


class Assessment(Model):
    """The initial assessment: one per participant, updated with history kept in
    ``participant_change`` (fields ``assessment.*``)."""

    __tablename__ = "assessment"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), unique=True)
    assessed_on: Mapped[date]
    support_level: Mapped[str] = mapped_column(String(20))
    work_obstacles: Mapped[str] = mapped_column(Text)
    goals: Mapped[str] = mapped_column(Text)
    assessed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    assessed_by: Mapped[User | None] = relationship(lazy="joined")

    @property
    def support_level_label(self) -> str:
        return SUPPORT_LEVELS.get(self.support_level, self.support_level)


class SupportPlanAction(Model):
    """One action of the support plan: what, who owns it, by when, and when done."""

    __tablename__ = "support_plan_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    description: Mapped[str] = mapped_column(String(500))
    owner: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date]
    done_on: Mapped[date | None]
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    def overdue(self, today: date) -> bool:
        return self.done_on is None and self.due_on < today
