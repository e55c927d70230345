"""The disclosures register, and the emergency contacts made without consent.

Every action that shares a participant's data outside the service (a GP letter, a
conversation with the employer, an emergency call, an answer to an authority, a
publication to DWP) writes one ``Disclosure`` naming the consent it relied on or
the legal basis (DESIGN.md rule 2). The table is what the participant's register
shows and what an access request hands over.
"""

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import Model
from portal.models.consent import Consent
from portal.models.types import UTCDateTime
from portal.models.user import User

RECIPIENT_TYPES = {
    "gp": "GP or health practitioner",
    "employer": "Employer",
    "emergency_services": "Emergency services",
    "authority": "Authority (HMRC, police or other)",
    "dwp": "Department for Work and Pensions",
    "other": "Other",
}

# Lawful bases a disclosure may rely on when it does not rely on a consent.
LEGAL_BASES = {
    "vital_interests": "Vital interests (UK GDPR Articles 6(1)(d) and 9(2)(c))",
    "legal_obligation": "Legal obligation (UK GDPR Article 6(1)(c))",
    "public_task": "Public task (UK GDPR Article 6(1)(e))",
    "crime_and_taxation": "Crime and taxation (DPA 2018 Schedule 2 paragraph 2)",
    "legal_proceedings": "Legal claims and proceedings (DPA 2018 Schedule 2 paragraph 5)",
    "safeguarding": "Safeguarding (DPA 2018 Schedule 1 paragraph 18)",
}


class Disclosure(Model):
    __tablename__ = "disclosure"
    __table_args__ = (
        CheckConstraint("consent_id IS NOT NULL OR legal_basis IS NOT NULL", name="consent_or_basis"),
        Index("ix_disclosure_participant", "participant_id", "disclosed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"))
    recipient_type: Mapped[str] = mapped_column(String(30))
    recipient_name: Mapped[str] = mapped_column(String(300))
    purpose: Mapped[str] = mapped_column(String(300))
    data_categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    consent_id: Mapped[int | None] = mapped_column(ForeignKey("consent.id"))
    legal_basis: Mapped[str | None] = mapped_column(String(40))
    legal_basis_detail: Mapped[str] = mapped_column(String(500), default="")
    summary: Mapped[str] = mapped_column(Text, default="")
    # How it went (post, secure email, phone call, meeting, API...).
    method: Mapped[str] = mapped_column(String(40), default="")
    # A copy of what was sent, in the private file store.
    copy_key: Mapped[str | None] = mapped_column(String(200))
    copy_content_type: Mapped[str] = mapped_column(String(60), default="")
    disclosed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    disclosed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # What made it: gp_letter, employer_contact, emergency_contact, authority_request,
    # dwp_publication... and that row's id.
    source: Mapped[str] = mapped_column(String(40), default="other")
    source_id: Mapped[int | None]

    consent: Mapped[Consent | None] = relationship(lazy="joined")
    disclosed_by: Mapped[User | None] = relationship(lazy="joined")

    @property
    def recipient_type_label(self) -> str:
        return RECIPIENT_TYPES.get(self.recipient_type, self.recipient_type)

    @property
    def basis_label(self) -> str:
        """What it relied on, as the register shows it."""
        if self.consent_id is not None:
            assert self.consent is not None  # the relationship of a set consent_id
            return f"Consent: {self.consent.purpose.name} (receipt {self.consent.receipt_id[:8]})"
        label = LEGAL_BASES.get(self.legal_basis or "", self.legal_basis or "")
        return f"{label}: {self.legal_basis_detail}" if self.legal_basis_detail else label


EMERGENCY_RECIPIENTS = {"emergency_services": "Emergency services", "gp": "The participant’s GP"}
REVIEW_OUTCOMES = {
    "appropriate": "The override was appropriate",
    "not_appropriate": "The override was not appropriate: follow-up needed",
}


class EmergencyContact(Model):
    """A contact with the emergency services or the GP made without consent in a
    high-risk situation (DESIGN.md rule 3): a written reason, legal basis
    ``vital_interests``, and on the DPO's review list until reviewed."""

    __tablename__ = "emergency_contact"
    __table_args__ = (
        CheckConstraint("recipient_type IN ('emergency_services', 'gp')", name="recipient_type"),
        Index("ix_emergency_contact_unreviewed", "reviewed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    recipient_type: Mapped[str] = mapped_column(String(30))
    recipient_name: Mapped[str] = mapped_column(String(300))
    reason: Mapped[str] = mapped_column(Text)
    what_shared: Mapped[str] = mapped_column(Text)
    data_categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    contacted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    made_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    # The role it was made in: vrc, or ooh (through an out-of-hours grant).
    made_as: Mapped[str] = mapped_column(String(20))
    made_while_restricted: Mapped[bool] = mapped_column(default=False)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    disclosure_id: Mapped[int | None] = mapped_column(ForeignKey("disclosure.id"))
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    review_outcome: Mapped[str | None] = mapped_column(String(30))
    review_notes: Mapped[str] = mapped_column(Text, default="")

    made_by: Mapped[User | None] = relationship(foreign_keys=[made_by_id], lazy="joined")
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id], lazy="joined")
    disclosure: Mapped[Disclosure | None] = relationship(lazy="joined")

    @property
    def recipient_label(self) -> str:
        return EMERGENCY_RECIPIENTS[self.recipient_type]

    @property
    def review_outcome_label(self) -> str:
        return REVIEW_OUTCOMES.get(self.review_outcome or "", "")


# Why a disclosure already made went onto the DPO's review list (a one-off check
# found it); other checks add their kind here.
DISCLOSURE_REVIEW_KINDS = {
    "consent_not_live": "Relied on a consent that was not live at the time",
    "identity_not_verified": "Disclosed to a requester before their identity was verified",
}
DISCLOSURE_REVIEW_OUTCOMES = {
    "breach": "A personal data breach: recorded in the breach register",
    "not_breach": "Not a breach: the sharing had a lawful basis after all",
}


class DisclosureReview(Model):
    """A disclosure already made that a check found questionable (a possible
    breach). Like an emergency override, it waits on the DPO's review list
    (``/dpo/overrides``) until the DPO records a review. One row per disclosure and
    kind, so running the check again adds nothing twice."""

    __tablename__ = "disclosure_review"
    __table_args__ = (
        UniqueConstraint("disclosure_id", "kind", name="uq_disclosure_review_disclosure_kind"),
        Index("ix_disclosure_review_unreviewed", "reviewed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    disclosure_id: Mapped[int] = mapped_column(ForeignKey("disclosure.id"))
    kind: Mapped[str] = mapped_column(String(40))
    # What the check found, in ids, dates and states (no personal data).
    finding: Mapped[str] = mapped_column(Text)
    found_by: Mapped[str] = mapped_column(String(80))
    found_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    review_outcome: Mapped[str | None] = mapped_column(String(30))
    review_notes: Mapped[str] = mapped_column(Text, default="")

    disclosure: Mapped[Disclosure] = relationship(lazy="joined")
    reviewed_by: Mapped[User | None] = relationship(foreign_keys=[reviewed_by_id], lazy="joined")

    @property
    def kind_label(self) -> str:
        return DISCLOSURE_REVIEW_KINDS.get(self.kind, self.kind)

    @property
    def review_outcome_label(self) -> str:
        return DISCLOSURE_REVIEW_OUTCOMES.get(self.review_outcome or "", "")
