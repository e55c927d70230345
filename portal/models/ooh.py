"""The out-of-hours service: verbal-consent checks, the time-boxed access they grant,
callbacks for the assigned VRC, call notes, and the log the DPO and team managers read.

DESIGN.md rule 4. A check keeps whether each identity answer matched the record, never
the answers themselves (a wrong answer may be someone else's data, a right one is the
record's). Searches keep no terms: only who searched, when, how many matched (as a
bucket) and which participants were shown (``OohSearchHit``).
"""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal.extensions import Model
from portal.models.participant import Participant
from portal.models.types import UTCDateTime
from portal.models.user import User

# The out-of-hours search finds callers by date of birth across every organisation
# (portal.ooh.ooh_search): an index on the participant table, declared here with
# the search that needs it (migration 0009_ooh).
Index("ix_participant_date_of_birth", Participant.date_of_birth)

CALLERS = {"participant": "The participant", "third_party": "Someone calling on their behalf"}
CONSENT_ANSWERS = {"agreed": "Agrees", "refused": "Refuses"}

# What the log records, in the words the oversight pages use.
EVENT_KINDS = {
    "search": "Search",
    "check": "Identity check",
    "grant": "Consent given: access granted",
    "refusal": "Consent refused",
    "grant_ended": "Access ended early",
    "view": "Record viewed",
    "appointment_rescheduled": "Appointment rescheduled",
    "appointment_cancelled": "Appointment cancelled",
    "consent_withdrawn": "Consent withdrawn",
    "call_note": "Call note",
    "callback": "Callback requested",
    "callback_closed": "Callback done",
    "emergency_override": "Emergency override",
}
OUTCOMES = {
    # searches: how many matched, as a bucket (never the terms)
    "none": "No match",
    "one_to_five": "One to five matches",
    "too_many": "More than five matches",
    # identity checks
    "confirmed": "Identity confirmed",
    "not_confirmed": "Identity not confirmed",
    "third_party": "Third party: cannot consent",
    "locked": "Refused: too many attempts",
}


class OohEvent(Model):
    """One line of the out-of-hours log: a search, a check, a grant or refusal, a view
    or an action, by whom and when. Ids and codes only."""

    __tablename__ = "ooh_event"
    __table_args__ = (Index("ix_ooh_event_org_at", "org_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    # The participant's organisation; none for a search (its hits say whose records it showed).
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"))
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(30), default="")
    # The row the event is about: a check, grant, appointment, call note or callback.
    object_id: Mapped[int | None]
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    worker: Mapped[User] = relationship(lazy="joined")
    hits: Mapped[list["OohSearchHit"]] = relationship(order_by="OohSearchHit.id", lazy="selectin")

    @property
    def kind_label(self) -> str:
        return EVENT_KINDS.get(self.kind, self.kind)

    @property
    def outcome_label(self) -> str:
        return OUTCOMES.get(self.outcome, self.outcome.replace("_", " ").capitalize())


class OohSearchHit(Model):
    """A participant a search showed (so a team manager's log includes the searches
    that showed their organisation's participants)."""

    __tablename__ = "ooh_search_hit"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("ooh_event.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)


class OohCheck(Model):
    """A verbal-consent check: who called, whether the identity answers the worker
    typed matched the record (as compared by the service), then the participant's
    answer to "may I look at your records to help you with this call?"."""

    __tablename__ = "ooh_check"
    __table_args__ = (
        CheckConstraint("caller IN ('participant', 'third_party')", name="caller"),
        CheckConstraint("consent IS NULL OR consent IN ('agreed', 'refused')", name="consent"),
        Index("ix_ooh_check_worker_participant", "worker_id", "participant_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    caller: Mapped[str] = mapped_column(String(20))
    # Each answer compared with the record (None: not asked, for a third party).
    name_matched: Mapped[bool | None]
    date_of_birth_matched: Mapped[bool | None]
    postcode_matched: Mapped[bool | None]
    identity_confirmed: Mapped[bool] = mapped_column(default=False)
    consent: Mapped[str | None] = mapped_column(String(10))
    consent_note: Mapped[str] = mapped_column(String(300), default="")
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    worker: Mapped[User] = relationship(lazy="joined")

    @property
    def caller_label(self) -> str:
        return CALLERS[self.caller]

    @property
    def outcome(self) -> str:
        """third_party, not_confirmed, awaiting_answer, agreed or refused."""
        if self.caller == "third_party":
            return "third_party"
        if not self.identity_confirmed:
            return "not_confirmed"
        return self.consent or "awaiting_answer"


class OohGrant(Model):
    """Access to one participant's limited view for one worker, given by the
    participant's agreement, until the end of the worker's shift (12 hours at most)."""

    __tablename__ = "ooh_grant"
    __table_args__ = (Index("ix_ooh_grant_worker_participant", "worker_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    check_id: Mapped[int] = mapped_column(ForeignKey("ooh_check.id"), unique=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def live(self, now: datetime) -> bool:
        return self.ended_at is None and self.expires_at > now

    def ends_at(self) -> datetime:
        return self.ended_at or self.expires_at


class OohCallback(Model):
    """A note for the assigned VRC to call the participant back: why they called,
    the best time and number. Shown at the top of the VRC's caseload until done."""

    __tablename__ = "ooh_callback"
    __table_args__ = (Index("ix_ooh_callback_vrc_open", "vrc_id", "closed_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    check_id: Mapped[int | None] = mapped_column(ForeignKey("ooh_check.id"))
    worker_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    # The VRC assigned when the note was left (none: the team managers pick it up).
    vrc_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    reason: Mapped[str] = mapped_column(String(500))
    best_time: Mapped[str] = mapped_column(String(200))
    phone: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    worker: Mapped[User] = relationship(foreign_keys=[worker_id], lazy="joined")
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id], lazy="joined")


class OohCallNote(Model):
    """A short note of an out-of-hours call for the assigned VRC (not a case note)."""

    __tablename__ = "ooh_call_note"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id"), index=True)
    worker_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    grant_id: Mapped[int | None] = mapped_column(ForeignKey("ooh_grant.id"))
    text: Mapped[str] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)

    worker: Mapped[User] = relationship(lazy="joined")
