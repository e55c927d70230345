"""Sharing that needs the participant's consent: GP letters and employer contact.

Each is refused by its service unless the matching consent (``gp_contact``,
``employer_contact``) is live at that moment, and each writes a ``Disclosure``.
"""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import Model
from portal.models.types import UTCDateTime
from portal.models.user import User

LETTER_STATUSES = {"draft": "Draft", "issued": "Issued, not yet sent", "sent": "Sent", "cancelled": "Cancelled"}
SEND_METHODS = {"post": "Post", "secure_email": "Secure email"}
EMPLOYER_CONTACT_KINDS = {"call": "Phone call", "email": "Email", "meeting": "Meeting"}


class GpLetter(Model):
    """A letter to the participant's GP: drafted from the template, previewed,
    issued (a PDF is generated and kept), then recorded as sent (how and when)."""

    __tablename__ = "gp_letter"
    __table_args__ = (CheckConstraint("status IN ('draft', 'issued', 'sent', 'cancelled')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    practice_name: Mapped[str] = mapped_column(String(200))
    practice_address: Mapped[str] = mapped_column(String(400))
    addressee: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    data_categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    issued_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consent.id"))
    pdf_key: Mapped[str | None] = mapped_column(String(200))
    pdf_sha256: Mapped[str] = mapped_column(String(64), default="")
    sent_method: Mapped[str | None] = mapped_column(String(20))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    sent_recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disclosure_id: Mapped[int | None] = mapped_column(ForeignKey("disclosure.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    cancel_reason: Mapped[str] = mapped_column(String(500), default="")

    created_by: Mapped[User | None] = relationship(foreign_keys=[created_by_id], lazy="joined")
    issued_by: Mapped[User | None] = relationship(foreign_keys=[issued_by_id], lazy="joined")

    @property
    def status_label(self) -> str:
        return LETTER_STATUSES[self.status]

    @property
    def sent_method_label(self) -> str:
        return SEND_METHODS.get(self.sent_method or "", "")


class EmployerContact(Model):
    """A call, email or meeting with the participant's employer and what was shared."""

    __tablename__ = "employer_contact"
    __table_args__ = (CheckConstraint("kind IN ('call', 'email', 'meeting')", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    contacted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    employer_name: Mapped[str] = mapped_column(String(200))
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    what_shared: Mapped[str] = mapped_column(Text)
    data_categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    consent_id: Mapped[int] = mapped_column(ForeignKey("consent.id"))
    disclosure_id: Mapped[int | None] = mapped_column(ForeignKey("disclosure.id"))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    recorded_by: Mapped[User | None] = relationship(lazy="joined")

    @property
    def kind_label(self) -> str:
        return EMPLOYER_CONTACT_KINDS[self.kind]
