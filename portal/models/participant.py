"""Participants: the people the service supports, with the history of every change.

Each participant belongs to exactly one delivering organisation (``org_id``), and
every row describing a participant carries that id, so a query can be scoped
without a join (DESIGN.md, Tenancy). Changes are never silent: each edited field
leaves a ``ParticipantChange`` (who, which field, from what, to what, when), which
rectification requests rely on; each status change leaves a ``StatusChange``.
"""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import Model
from portal.models.types import UTCDateTime
from portal.models.user import User

STATUSES = ("referred", "active", "completed", "left_early", "withdrawn")
CLOSED_STATUSES = ("completed", "left_early", "withdrawn")
STATUS_LABELS = {
    "referred": "Referred",
    "active": "Active",
    "completed": "Completed",
    "left_early": "Left early",
    "withdrawn": "Withdrawn",
}
CONTACT_CHANNELS = {"phone": "Phone", "email": "Email", "text": "Text message", "letter": "Letter"}


class Participant(Model):
    __tablename__ = "participant"
    __table_args__ = (
        CheckConstraint("status IN ('referred', 'active', 'completed', 'left_early', 'withdrawn')", name="status"),
        Index("ix_participant_org_status", "org_id", "status"),
        Index("ix_participant_org_vrc", "org_id", "assigned_vrc_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    # The Access to Work reference: unique across the whole service, normalised upper case.
    atw_reference: Mapped[str] = mapped_column(String(30), unique=True)

    # Personal details
    first_name: Mapped[str] = mapped_column(String(100))
    last_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date]
    gender: Mapped[str] = mapped_column(String(60), default="")
    family_circumstances: Mapped[str] = mapped_column(Text, default="")
    # Stored normalised: upper case, no spaces (QQ123456C form). Not unique: a person
    # referred again has a new episode with the same number.
    ni_number: Mapped[str] = mapped_column(String(9), index=True)

    # Contact details and preferences
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(20), default="")
    address_line_1: Mapped[str] = mapped_column(String(200), default="")
    address_line_2: Mapped[str] = mapped_column(String(200), default="")
    town: Mapped[str] = mapped_column(String(100), default="")
    postcode: Mapped[str] = mapped_column(String(8), default="")
    preferred_channel: Mapped[str] = mapped_column(String(20), default="phone")
    safe_to_call_at_work: Mapped[bool] = mapped_column(default=False)
    times_to_avoid: Mapped[str] = mapped_column(String(200), default="")

    # Employment
    occupation: Mapped[str] = mapped_column(String(200), default="")
    employer: Mapped[str] = mapped_column(String(200), default="")
    employer_contact: Mapped[str] = mapped_column(String(300), default="")

    # GP or health practitioner
    gp_practice_name: Mapped[str] = mapped_column(String(200), default="")
    gp_practice_address: Mapped[str] = mapped_column(String(400), default="")

    # Health and wellbeing information: special category data (UK GDPR Art. 9).
    health_information: Mapped[str] = mapped_column(Text, default="")

    # Programme
    status: Mapped[str] = mapped_column(String(20), default="referred")
    status_changed_on: Mapped[date]
    closed_on: Mapped[date | None]
    closure_reason: Mapped[str] = mapped_column(String(500), default="")
    assigned_vrc_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    referred_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    allocated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_contact_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The organisation whose staff took the referral in (routing may place it elsewhere).
    taken_in_by_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    # A re-referral: the earlier, closed episode of the same person (matched by NI number).
    previous_episode_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"))

    # Restriction of processing (UK GDPR Art. 18): set by the DPO's rights workflow.
    restricted: Mapped[bool] = mapped_column(default=False)
    restriction_reason: Mapped[str] = mapped_column(String(500), default="")
    restricted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    assigned_vrc: Mapped[User | None] = relationship(foreign_keys=[assigned_vrc_id], lazy="joined")

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def closed(self) -> bool:
        return self.status in CLOSED_STATUSES

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def ni_number_display(self) -> str:
        n = self.ni_number
        return f"{n[0:2]} {n[2:4]} {n[4:6]} {n[6:8]} {n[8:]}" if len(n) == 9 else n

    def __repr__(self) -> str:
        return f"<Participant {self.id}>"


class ParticipantChange(Model):
    """One field of a participant changed: who, which field, from what, to what, when.

    Values are kept as text (dates ISO, booleans yes/no) so the history reads the
    same whatever the field. Kept for rectification requests and never edited.
    """

    __tablename__ = "participant_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    field: Mapped[str] = mapped_column(String(60))
    old_value: Mapped[str | None] = mapped_column(Text)
    new_value: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(500), default="")
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    changed_by: Mapped[User | None] = relationship(lazy="joined")


class StatusChange(Model):
    """The programme status history: each status, its date and the reason."""

    __tablename__ = "participant_status_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    status: Mapped[str] = mapped_column(String(20))
    changed_on: Mapped[date]
    reason: Mapped[str] = mapped_column(String(500), default="")
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)

    changed_by: Mapped[User | None] = relationship(lazy="joined")

    @property
    def status_label(self) -> str:
        return STATUS_LABELS.get(self.status, self.status)
