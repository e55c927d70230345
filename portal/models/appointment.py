"""Appointments, with every reschedule kept (old time, new time, reason)."""

from datetime import datetime, timedelta

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import Model
from portal.models.types import UTCDateTime
from portal.models.user import User

CHANNELS = {"phone": "Phone", "video": "Video call", "in_person": "In person"}
APPOINTMENT_STATUSES = {
    "scheduled": "Scheduled",
    "attended": "Attended",
    "did_not_attend": "Did not attend",
    "cancelled": "Cancelled",
}
# Who asked for a cancellation. Only the participant's own request is still allowed
# while their record is restricted (DESIGN.md rule 5).
CANCELLED_BY = {"participant": "The participant", "staff": "Our staff", "employer": "The employer"}


class Appointment(Model):
    __tablename__ = "appointment"
    __table_args__ = (
        CheckConstraint("status IN ('scheduled', 'attended', 'did_not_attend', 'cancelled')", name="status"),
        Index("ix_appointment_participant_starts", "participant_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int]
    channel: Mapped[str] = mapped_column(String(20))
    location: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[str] = mapped_column(String(20), default="scheduled")
    cancellation_reason: Mapped[str] = mapped_column(String(500), default="")
    cancelled_by: Mapped[str] = mapped_column(String(20), default="")
    outcome_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    reschedules: Mapped[list["AppointmentReschedule"]] = relationship(
        order_by="AppointmentReschedule.id", lazy="selectin"
    )

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(minutes=self.duration_minutes)

    @property
    def channel_label(self) -> str:
        return CHANNELS.get(self.channel, self.channel)

    @property
    def status_label(self) -> str:
        return APPOINTMENT_STATUSES.get(self.status, self.status)

    @property
    def cancelled_by_label(self) -> str:
        return CANCELLED_BY.get(self.cancelled_by, self.cancelled_by)


class AppointmentReschedule(Model):
    __tablename__ = "appointment_reschedule"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointment.id"), index=True)
    old_starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    new_starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(String(500))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    changed_by: Mapped[User | None] = relationship(lazy="joined")
