"""What a worker does on an out-of-hours call once the participant agreed: the limited
view, cancelling and rescheduling appointments, a call note; and, whatever the check
said, a callback note for the assigned VRC.

Every action goes through the casework services (appointments keep their own
history), is logged, and is told to the assigned VRC (or, with none, the
organisation's team managers), who also sees it on the record. Notifications carry
ids and links only: they are emailed.
"""

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import select

from portal import clock, notifications
from portal.access import ooh_log
from portal.access.participant_access import ensure_not_restricted
from portal.actions import Action
from portal.casework import appointments
from portal.consent import consents, emergency, recording
from portal.extensions import db
from portal.models import (
    Appointment,
    Consent,
    ConsentWithdrawal,
    EmergencyContact,
    Membership,
    OohCallNote,
    OohGrant,
    Organisation,
    Participant,
    User,
)
from portal.models.appointment import CANCELLED_BY
from portal.validation import Invalid, Problems, clean_text

if TYPE_CHECKING:
    from portal.consent.consents import PurposeState

T = TypeVar("T")

RECENT_APPOINTMENTS = 5
# A callback can be left on the call the check was made on (or while access lasts).
CALLBACK_WITHIN = timedelta(hours=2)


def organisation_of(participant: Participant) -> Organisation:
    org = db.session.get(Organisation, participant.org_id)
    assert org is not None  # the participant's organisation (a foreign key)
    return org


def record_url(participant: Participant) -> str:
    """The participant's casework record (for the assigned VRC and team managers)."""
    return f"/{organisation_of(participant).slug}/participants/{participant.id}"


def recipients_for(participant: Participant) -> list[int]:
    """Who hears of out-of-hours activity: the assigned VRC, or with none, the
    organisation's team managers."""
    if participant.assigned_vrc_id:
        return [participant.assigned_vrc_id]
    return list(
        db.session.scalars(
            select(User.id)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.org_id == participant.org_id, Membership.role == "team_manager", User.active.is_(True))
            .order_by(User.id)
        )
    )


def tell_casework(participant: Participant, kind: str, text: str, link: str | None = None) -> None:
    for user_id in recipients_for(participant):
        notifications.notify(
            user_id,
            kind,
            text,
            link or record_url(participant),
            email_subject="Out-of-hours call about one of your participants",
        )


# ----------------------------------------------------------------- the limited view


def limited_view(participant: Participant, grant: OohGrant) -> dict[str, object]:
    """What a call needs (DESIGN.md "limited view"): contact details and preferences,
    the assigned VRC, upcoming and recent appointments, current consents, and the
    worker's own notes of this call. Never case notes or health information."""
    now = clock.now()
    items = appointments.appointments_of(participant)
    upcoming = [a for a in items if a.status == "scheduled" and a.starts_at >= now]
    recent = [a for a in items if not (a.status == "scheduled" and a.starts_at >= now)]
    recent = recent[-RECENT_APPOINTMENTS:][::-1]
    notes = list(
        db.session.scalars(
            select(OohCallNote)
            .where(
                OohCallNote.org_id == participant.org_id,
                OohCallNote.participant_id == participant.id,
                OohCallNote.grant_id == grant.id,
            )
            .order_by(OohCallNote.created_at)
        )
    )
    return {
        "upcoming": upcoming,
        "recent": recent,
        "grant": grant,
        "call_notes": notes,
        "consents": current_consents(participant),
        "organisation": organisation_of(participant),
    }


def current_consents(participant: Participant) -> "list[PurposeState]":
    """Each consent purpose's current state (given, refused, withdrawn...)."""

    return consents.purpose_states(participant)


# ----------------------------------------------------------------- actions


def reschedule_appointment(
    participant: Participant,
    appointment: Appointment,
    starts_at: datetime | None,
    reason: str,
    requested_by: str,
    worker: User,
) -> None:
    """Move an appointment on a call (the casework service keeps the old time and the
    reason), recording who asked for it (required)."""
    if requested_by not in CANCELLED_BY:
        raise Problems([Invalid("Select who asked for the change", field="requested_by")])
    detail = {"appointment_id": appointment.id, "requested_by": requested_by}
    _stage_action(
        participant,
        "appointment_rescheduled",
        appointment.id,
        detail,
        worker,
        f"Out-of-hours call: appointment {appointment.id} of participant {participant.id} was "
        f"rescheduled by {worker.name}.",
    )
    _through_casework(appointments.reschedule, participant, appointment, starts_at, reason, worker.id)


def cancel_appointment(
    participant: Participant, appointment: Appointment, cancelled_by: str, reason: str, worker: User
) -> None:
    """Cancel an appointment on a call, recording who asked. While the record is
    restricted only a cancellation at the participant's own request is allowed."""
    _stage_action(
        participant,
        "appointment_cancelled",
        appointment.id,
        {"appointment_id": appointment.id, "requested_by": cancelled_by if cancelled_by in CANCELLED_BY else None},
        worker,
        f"Out-of-hours call: appointment {appointment.id} of participant {participant.id} was "
        f"cancelled by {worker.name}.",
    )
    _through_casework(appointments.cancel, participant, appointment, cancelled_by, reason, worker.id)


def withdraw_consent(
    participant: Participant, consent: Consent, withdrawn_at: datetime | None, method: str, words: str, worker: User
) -> ConsentWithdrawal:
    """Record a consent withdrawal the participant asked for on a call (the consent
    service keeps the history), logged and told to the assigned VRC."""

    _stage_action(
        participant,
        "consent_withdrawn",
        consent.id,
        {"consent_id": consent.id, "purpose": consent.purpose.code},
        worker,
        f"Out-of-hours call: a consent of participant {participant.id} was withdrawn, recorded by {worker.name}.",
    )
    return _through_casework(recording.withdraw_consent, participant, consent, withdrawn_at, method, words, worker.id)


def _stage_action(
    participant: Participant, kind: str, object_id: int, detail: dict[str, Any], worker: User, text: str
) -> None:
    """Log and notify in the same transaction as the change the casework service
    commits (or rolls back, with the change, when it refuses)."""
    ooh_log.record(kind, worker.id, participant, object_id=object_id, detail=detail)
    tell_casework(participant, "ooh.action", text)


def _through_casework(action: Callable[..., T], *args: object) -> T:
    """Run the casework service that makes the change; its refusal rolls back the staged log."""
    try:
        return action(*args)
    except Exception:
        db.session.rollback()
        raise


def ensure_may_add_call_note(participant: Participant) -> None:
    """A restricted record takes no call note: the page refuses as the note would."""
    ensure_not_restricted(participant, Action.OOH_CALL_NOTE, "adding a call note")


def add_call_note(participant: Participant, grant: OohGrant, text: str, worker: User) -> OohCallNote:
    """A short note of the call for the assigned VRC: not a case note, shown on the
    record's out-of-hours section (``ensure_may_add_call_note``)."""
    ensure_may_add_call_note(participant)
    try:
        text = clean_text(text, "the call note", 1000, required=True)
    except Invalid as problem:
        problem.field = "text"
        raise Problems([problem]) from problem
    note = OohCallNote(
        org_id=participant.org_id,
        participant_id=participant.id,
        worker_id=worker.id,
        grant_id=grant.id,
        text=text,
        created_at=clock.now(),
    )
    db.session.add(note)
    db.session.flush()
    ooh_log.record("call_note", worker.id, participant, object_id=note.id, detail={"call_note_id": note.id})
    tell_casework(
        participant,
        "ooh.action",
        f"Out-of-hours call: {worker.name} left a call note on participant {participant.id}'s record.",
    )
    db.session.commit()
    return note


def may_override_consent(user: User, participant: Participant) -> bool:

    return emergency.may_make_emergency_contact(user, participant) is not None


def record_emergency_contact(
    participant: Participant,
    worker: User,
    recipient_type: str,
    recipient_name: str,
    reason: str,
    what_shared: str,
    data_categories: list[str],
    contacted_at: datetime | None,
) -> EmergencyContact:
    """The consent service's emergency override (a written reason, vital interests, the
    DPO's review list), made on a call: logged, and the assigned VRC told."""

    if not may_override_consent(worker, participant):
        # The consent service refuses (and audits the refusal) with nothing staged here.
        return emergency.record_emergency_contact(
            participant, worker.id, recipient_type, recipient_name, reason, what_shared, data_categories, contacted_at
        )
    event = ooh_log.record("emergency_override", worker.id, participant, detail={"recipient_type": recipient_type})
    tell_casework(
        participant,
        "ooh.action",
        f"Out-of-hours call: {worker.name} contacted "
        f"{'the emergency services' if recipient_type == 'emergency_services' else 'the GP'} without consent "
        f"about participant {participant.id}. The Data Protection Officer will review it.",
    )
    try:
        contact = emergency.record_emergency_contact(
            participant, worker.id, recipient_type, recipient_name, reason, what_shared, data_categories, contacted_at
        )
    except Exception:
        db.session.rollback()
        raise
    event.object_id = contact.id
    db.session.commit()
    return contact


# ----------------------------------------------------------------- callbacks
