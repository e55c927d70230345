"""Case notes: written after each appointment or contact, never edited in place.

A note is its first version; an amendment adds a new version with a reason, so
what was written, by whom and when stays readable (the notice tells participants
their VRC makes notes; rectification works on versions, not on erasing history).
"""

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import Model
from portal.models.types import UTCDateTime
from portal.models.user import User

NOTE_TYPES = {"appointment": "Appointment", "phone": "Phone call", "email": "Email", "other": "Other"}
# Contact logged by one of these types counts as first contact (DESIGN.md, Words).
CONTACT_NOTE_TYPES = ("phone", "email")


class CaseNote(Model):
    __tablename__ = "case_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    contact_date: Mapped[date]
    note_type: Mapped[str] = mapped_column(String(20))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    author: Mapped[User | None] = relationship(lazy="joined")
    versions: Mapped[list["CaseNoteVersion"]] = relationship(
        order_by="CaseNoteVersion.number", lazy="selectin", back_populates="note"
    )

    @property
    def current(self) -> "CaseNoteVersion":
        return self.versions[-1]

    @property
    def amended(self) -> bool:
        return len(self.versions) > 1

    @property
    def type_label(self) -> str:
        return NOTE_TYPES.get(self.note_type, self.note_type)


class CaseNoteVersion(Model):
    __tablename__ = "case_note_version"
    __table_args__ = (UniqueConstraint("note_id", "number", name="uq_case_note_version_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    note_id: Mapped[int] = mapped_column(ForeignKey("case_note.id"), index=True)
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    # Empty for the first version; why it was amended for every later one.
    reason: Mapped[str] = mapped_column(String(500), default="")
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    author: Mapped[User | None] = relationship(lazy="joined")
    note: Mapped[CaseNote] = relationship(back_populates="versions")
