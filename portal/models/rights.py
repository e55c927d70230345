"""Data-subject rights requests (UK GDPR Arts. 12–22), their clock stops, the
objections and restriction notices they lead to, and complaints to the DPO.

A request is logged on the day it arrives by any staff member but DWP; the DPO then
links it to a participant (``org_id``/``participant_id``) or records that no data is
held. The rights asked for are rows (``RightsRequestRight``), one request often asking
for several. ``due_on`` is the result of
``portal.deadlines.response_due`` over the clock start, the extension and the
clarification stops, stored at each change for sorting; pages, jobs and figures read
the live clock (``portal.rights.rights_clock.clock_of``), which also lapses an
extension the person was not told of in time. It is ``None`` while the clock waits for
identity or authority evidence.
"""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import Model
from portal.models.types import UTCDateTime
from portal.models.user import User

RIGHTS = {
    "access": "Access (a copy of their data)",
    "rectification": "Rectification (correct their data)",
    "erasure": "Erasure (delete their data)",
    "restriction": "Restriction (limit how their data is used)",
    "objection": "Objection (to research and statistics)",
    "portability": "Portability (the data they gave, in a reusable format)",
    "informed": "To be informed (a copy of the privacy notice)",
}
CHANNELS = {"email": "Email", "letter": "Letter", "phone": "Phone", "in_person": "In person", "vrc": "Through a VRC"}
RESPONSE_METHODS = {
    "email": "Email",
    "letter": "Letter",
    "phone": "Phone",
    "in_person": "In person",
    "secure_download": "Secure download",
}
STATUSES = {"open": "Open", "closed": "Closed"}
IDENTITY_STATES = {
    "not_needed": "Not needed",
    "pending": "Waiting for evidence",
    "proved": "Proved",
    "failed": "Not proved: request closed",
}
EXTENSION_REASONS = {"complex": "The request is complex", "numerous": "Several requests from the person"}
OUTCOMES = {"done": "Done", "partly_done": "Partly done", "refused": "Refused"}
OBJECTION_SCOPES = {"research": "Research contact", "statistics": "Statistics"}


class RightsRequest(Model):
    __tablename__ = "rights_request"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'closed')", name="status"),
        CheckConstraint("identity_status IN ('not_needed', 'pending', 'proved', 'failed')", name="identity_status"),
        CheckConstraint("outcome IS NULL OR outcome IN ('done', 'partly_done', 'refused')", name="outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"), index=True)
    no_data_held: Mapped[bool] = mapped_column(default=False)
    linked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    linked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    requester_name: Mapped[str] = mapped_column(String(200))
    requester_contact: Mapped[str] = mapped_column(String(500))
    on_behalf: Mapped[bool] = mapped_column(default=False)
    # Whom the requester acts for, and in what capacity, as they said it.
    on_behalf_of: Mapped[str] = mapped_column(String(500), default="")
    what_requested: Mapped[str] = mapped_column(Text)
    received_on: Mapped[date]
    channel: Mapped[str] = mapped_column(String(20))
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    logged_by_org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime)

    identity_status: Mapped[str] = mapped_column(String(20), default="not_needed")
    identity_asked_for: Mapped[str] = mapped_column(Text, default="")
    # The day identity evidence arrived and started the clock. A request closed because
    # identity failed keeps here the day its clock had started (None if it waited for
    # evidence), so an overdue request stays overdue (rights_requests.record_identity).
    identity_received_on: Mapped[date | None]
    identity_method: Mapped[str] = mapped_column(String(200), default="")
    # Who recorded the identity outcome (proved, not needed, failed) and why: only the
    # DPO does, so "not needed" counts for a disclosure only once the DPO said so with
    # a reason (a colleague logging the request cannot waive the check).
    identity_decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    identity_decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    identity_reason: Mapped[str] = mapped_column(Text, default="")

    status: Mapped[str] = mapped_column(String(20), default="open")
    due_on: Mapped[date | None] = mapped_column(index=True)

    extension_reason: Mapped[str | None] = mapped_column(String(20))
    extension_detail: Mapped[str] = mapped_column(Text, default="")
    extended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    extension_notice_sent_on: Mapped[date | None]
    extension_notice_method: Mapped[str] = mapped_column(String(20), default="")

    dwp_informed_on: Mapped[date | None]
    dwp_informed_note: Mapped[str] = mapped_column(Text, default="")

    notice_id: Mapped[int | None] = mapped_column(ForeignKey("privacy_notice.id"))
    notice_sent_on: Mapped[date | None]
    notice_method: Mapped[str] = mapped_column(String(20), default="")

    outcome: Mapped[str | None] = mapped_column(String(20))
    outcome_reason: Mapped[str] = mapped_column(Text, default="")
    exemption: Mapped[str] = mapped_column(String(300), default="")
    response_sent_on: Mapped[date | None]
    response_method: Mapped[str] = mapped_column(String(20), default="")
    # Why a response dated by its due date was recorded only after that date (required
    # then, so an overdue request cannot quietly become "answered on time").
    response_late_reason: Mapped[str] = mapped_column(Text, default="")
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    logged_by: Mapped[User | None] = relationship(foreign_keys=[logged_by_id], lazy="joined")
    rights: Mapped[list["RightsRequestRight"]] = relationship(
        back_populates="request", order_by="RightsRequestRight.id", cascade="all, delete-orphan", lazy="selectin"
    )
    stops: Mapped[list["ClockStop"]] = relationship(
        back_populates="request", order_by="ClockStop.id", cascade="all, delete-orphan", lazy="selectin"
    )

    @property
    def reference(self) -> str:
        return f"RR-{self.id:05d}"

    @property
    def right_codes(self) -> list[str]:
        return [r.right for r in self.rights]

    @property
    def channel_label(self) -> str:
        return CHANNELS.get(self.channel, self.channel)

    @property
    def open(self) -> bool:
        return self.status == "open"

    @property
    def outcome_label(self) -> str:
        return OUTCOMES.get(self.outcome or "", self.outcome or "")

    @property
    def extension_reason_label(self) -> str:
        return EXTENSION_REASONS.get(self.extension_reason or "", self.extension_reason or "")

    @staticmethod
    def method_label(code: str) -> str:
        return RESPONSE_METHODS.get(code, code)

    @property
    def clock_start(self) -> date | None:
        """The day the clock started: receipt, or the day identity evidence arrived."""
        if self.identity_status == "pending":
            return None
        if self.identity_status == "failed":  # the clock it had when it closed, if it ran
            return self.identity_received_on
        if self.identity_status == "proved" and self.identity_received_on:
            return self.identity_received_on
        return self.received_on

    @property
    def identity_verified(self) -> bool:
        """DESIGN.md rule 5: nothing is disclosed to a requester until this holds —
        identity (or authority) proved, or recorded as not needed by the DPO with a
        reason."""
        if self.identity_status == "proved":
            return True
        return (
            self.identity_status == "not_needed"
            and self.identity_decided_by_id is not None
            and bool(self.identity_reason.strip())
        )

    @property
    def identity_label(self) -> str:
        if self.identity_status == "not_needed" and not self.identity_verified:
            return "Not needed, said when logged: not yet confirmed by the DPO"
        return IDENTITY_STATES.get(self.identity_status, self.identity_status)

    @property
    def clock_stopped(self) -> bool:
        return any(s.answered_on is None for s in self.stops)


class RightsRequestRight(Model):
    """One right asked for in a request."""

    __tablename__ = "rights_request_right"
    __table_args__ = (UniqueConstraint("request_id", "right", name="request_right"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("rights_request.id"), index=True)
    right: Mapped[str] = mapped_column(String(20))

    request: Mapped[RightsRequest] = relationship(back_populates="rights")

    @property
    def label(self) -> str:
        return RIGHTS.get(self.right, self.right)


class ClockStop(Model):
    """The DPO asked what the request covers (clock stopped) and, later, the answer
    arrived (clock restarted). Both days count as stopped."""

    __tablename__ = "rights_clock_stop"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("rights_request.id"), index=True)
    asked_on: Mapped[date]
    question: Mapped[str] = mapped_column(Text)
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    answered_on: Mapped[date | None]
    answer_note: Mapped[str] = mapped_column(Text, default="")
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    request: Mapped[RightsRequest] = relationship(back_populates="stops")


class Objection(Model):
    """A participant's objection to research contact or to statistics (UK GDPR Art. 21).
    Objectors are left out of identifiable research contact and of participant-level
    statistics extracts while ``withdrawn_at`` is empty."""

    __tablename__ = "rights_objection"
    __table_args__ = (CheckConstraint("scope IN ('research', 'statistics')", name="scope"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("rights_request.id"))
    scope: Mapped[str] = mapped_column(String(20))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RestrictionNotice(Model):
    """A restriction set or lifted through a rights request, and when and how the
    person was told (a lifting must be told to them: UK GDPR Art. 18(3))."""

    __tablename__ = "rights_restriction_notice"
    __table_args__ = (CheckConstraint("action IN ('set', 'lifted')", name="action"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("rights_request.id"), index=True)
    action: Mapped[str] = mapped_column(String(10))
    reason: Mapped[str] = mapped_column(String(500))
    recorded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    told_on: Mapped[date | None]
    told_method: Mapped[str] = mapped_column(String(20), default="")


class PortabilityExport(Model):
    """The ZIP of the data a participant provided (CSV and JSON), kept as a private
    file; its release to the participant is a disclosure."""

    __tablename__ = "rights_portability_export"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("rights_request.id"), index=True)
    file_key: Mapped[str] = mapped_column(String(200))
    sha256: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    disclosure_id: Mapped[int | None] = mapped_column(ForeignKey("disclosure.id"))


class Complaint(Model):
    """A complaint to the DPO about how personal data is used."""

    __tablename__ = "rights_complaint"
    __table_args__ = (CheckConstraint("status IN ('open', 'closed')", name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"), index=True)
    complainant_name: Mapped[str] = mapped_column(String(200))
    complainant_contact: Mapped[str] = mapped_column(String(500))
    received_on: Mapped[date]
    channel: Mapped[str] = mapped_column(String(20))
    about: Mapped[str] = mapped_column(Text)
    investigation: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="open")
    outcome: Mapped[str] = mapped_column(Text, default="")
    outcome_on: Mapped[date | None]
    ico_told_on: Mapped[date | None]
    ico_told_method: Mapped[str] = mapped_column(String(20), default="")
    logged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    logged_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def reference(self) -> str:
        return f"CP-{self.id:05d}"

    @property
    def ico_told_method_label(self) -> str:
        return RESPONSE_METHODS.get(self.ico_told_method, self.ico_told_method)
