"""Privacy notice versions, consent purposes and per-purpose consent records.

DESIGN.md rule 2. A consent record is never changed once written: a later decision
is a new record, a withdrawal a ``ConsentWithdrawal`` row pointing at the consent it
ends, evidence a ``ConsentEvidence`` row. So the history a participant may ask for
(and the register of what they agreed to, under which notice) is the table itself.
"""

from datetime import date, datetime, timedelta

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import Model
from portal.models.types import UTCDateTime
from portal.models.user import User

DECISIONS = {"given": "Given", "refused": "Refused"}
METHODS = {"verbal": "Verbal", "written": "Written (signed form)"}
# A decision recorded later than this after the moment it took effect is back-dated:
# it needs a reason, and the consent page and the disclosures register say so.
BACKDATE_TOLERANCE = timedelta(minutes=15)
WITHDRAWAL_METHODS = {
    "phone": "By phone",
    "in_person": "In person",
    "email": "By email",
    "letter": "By letter",
    "text": "By text message",
}


class PrivacyNotice(Model):
    """One version of the participant privacy notice. A draft may be edited; a
    published version is read-only (the service refuses changes) because consents
    point at the exact text the participant saw."""

    __tablename__ = "privacy_notice"
    __table_args__ = (CheckConstraint("status IN ('draft', 'published')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[str] = mapped_column(String(20), unique=True)
    published_on: Mapped[date]
    text: Mapped[str] = mapped_column(Text)
    change_note: Mapped[str] = mapped_column(Text, default="")
    # The change alters what participants agreed to: consents given under earlier
    # versions stop being live once this version is in force, and must be asked again.
    reconsent_required: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id], lazy="joined")

    @property
    def published(self) -> bool:
        return self.status == "published"


class ConsentPurpose(Model):
    """A purpose a participant may consent to (gp_contact, employer_contact,
    research_contact, seeded by the migration). Purposes are data: the actions that
    need one refer to it by ``code``."""

    __tablename__ = "consent_purpose"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(120))
    # What the participant is agreeing to, in the words read or given to them.
    description: Mapped[str] = mapped_column(Text)
    # Categories of personal data the purpose may share, and with whom (the receipt).
    data_categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    recipients: Mapped[str] = mapped_column(String(300))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)


class Consent(Model):
    """One decision of a participant about one purpose: given or refused, how, in
    their words or with a signed form, under which notice version, recorded by whom."""

    __tablename__ = "consent"
    __table_args__ = (
        CheckConstraint("decision IN ('given', 'refused')", name="decision"),
        CheckConstraint("method IN ('verbal', 'written')", name="method"),
        Index("ix_consent_participant_purpose", "participant_id", "purpose_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    purpose_id: Mapped[int] = mapped_column(ForeignKey("consent_purpose.id"))
    decision: Mapped[str] = mapped_column(String(10))
    method: Mapped[str] = mapped_column(String(10))
    participant_words: Mapped[str] = mapped_column(Text, default="")
    notice_id: Mapped[int] = mapped_column(ForeignKey("privacy_notice.id"))
    # When the participant said so (may be a little before it was recorded).
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # The recorder's position at the time (the consent form's "position" line).
    recorded_by_position: Mapped[str] = mapped_column(String(200), default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # The consent receipt's id (Kantara consentReceiptID / ISO/IEC TS 27560 record id).
    receipt_id: Mapped[str] = mapped_column(String(36), unique=True)
    # Why a back-dated decision (recorded more than BACKDATE_TOLERANCE after the moment
    # it says it took effect) was recorded late; empty for a decision recorded at once.
    backdated_reason: Mapped[str] = mapped_column(Text, default="", server_default="")

    purpose: Mapped[ConsentPurpose] = relationship(lazy="joined")
    notice: Mapped[PrivacyNotice] = relationship(lazy="joined")
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id], lazy="joined")
    withdrawal: Mapped["ConsentWithdrawal | None"] = relationship(
        back_populates="consent", lazy="joined", uselist=False
    )
    evidence: Mapped[list["ConsentEvidence"]] = relationship(order_by="ConsentEvidence.id", lazy="selectin")

    @property
    def decision_label(self) -> str:
        return DECISIONS[self.decision]

    @property
    def backdated(self) -> bool:
        """Recorded more than ``BACKDATE_TOLERANCE`` after the moment it says it took effect."""
        return self.recorded_at - self.decided_at > BACKDATE_TOLERANCE

    @property
    def method_label(self) -> str:
        return METHODS[self.method]


class ConsentWithdrawal(Model):
    """The participant withdrew a consent: when and how they said so, who recorded
    it. It takes effect from ``withdrawn_at``; the consent row itself is untouched."""

    __tablename__ = "consent_withdrawal"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    consent_id: Mapped[int] = mapped_column(ForeignKey("consent.id"), unique=True)
    withdrawn_at: Mapped[datetime] = mapped_column(UTCDateTime)
    method: Mapped[str] = mapped_column(String(20))
    participant_words: Mapped[str] = mapped_column(Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_by_position: Mapped[str] = mapped_column(String(200), default="")
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    consent: Mapped[Consent] = relationship(back_populates="withdrawal")
    recorded_by: Mapped[User | None] = relationship(lazy="joined")

    @property
    def method_label(self) -> str:
        return WITHDRAWAL_METHODS.get(self.method, self.method)


class ConsentEvidence(Model):
    """A signed form (PDF, PNG or JPEG, checked by content) kept outside the web
    root under ``storage_key`` in the private file store."""

    __tablename__ = "consent_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    consent_id: Mapped[int] = mapped_column(ForeignKey("consent.id"), index=True)
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    content_type: Mapped[str] = mapped_column(String(40))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    original_filename: Mapped[str] = mapped_column(String(255), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime)

    uploaded_by: Mapped[User | None] = relationship(lazy="joined")
