"""Appointments: scheduled, rescheduled (old time and reason kept), cancelled (reason
and who asked), then marked attended or did-not-attend.

While a record is restricted only one thing still happens here: cancelling at the
participant's own request (DESIGN.md rule 5).
"""

from datetime import datetime, timedelta

from sqlalchemy import select

from portal import audit, clock
from portal.access.participant_access import ensure_not_restricted
from portal.actions import Action
from portal.casework.participants import record_first_contact
from portal.extensions import db
from portal.models import Appointment, AppointmentReschedule, Participant
from portal.models.appointment import CANCELLED_BY, CHANNELS
from portal.validation import Invalid, Problems, clean_text

DURATIONS = (15, 30, 45, 60, 90, 120)
# How far ahead an appointment may be booked: the programme lasts up to nine months.
BOOKING_HORIZON = timedelta(days=400)


def _time_problems(starts_at: datetime | None, field: str = "starts_at") -> list[Invalid]:
    if starts_at is None:
        return [Invalid("Enter the date and time of the appointment", field=field)]
    if starts_at <= clock.now():
        return [Invalid("The appointment must be in the future", field=field)]
    if starts_at > clock.now() + BOOKING_HORIZON:
        return [Invalid("The appointment must be within the next year", field=field)]
    return []


def schedule(
    participant: Participant,
    starts_at: datetime | None,
    duration_minutes: str | int,
    channel: str,
    location: str,
    user_id: int | None,
) -> Appointment:
    """Book an appointment (date, time, length, channel, location)."""
    ensure_not_restricted(participant, Action.APPOINTMENT_SCHEDULE, "booking an appointment")
    problems = _time_problems(starts_at)
    if participant.closed:
        problems.append(Invalid("This case is closed: appointments cannot be booked", field="starts_at"))
    try:
        minutes: int | None = int(duration_minutes)
    except (TypeError, ValueError):
        minutes = None
    if minutes not in DURATIONS:
        problems.append(Invalid("Select how long the appointment is", field="duration_minutes"))
    if channel not in CHANNELS:
        problems.append(Invalid("Select how the appointment takes place", field="channel"))
    try:
        location = clean_text(location, "where the appointment takes place", 300, required=channel == "in_person")
    except Invalid as problem:
        problem.field = "location"
        problems.append(problem)
    if problems:
        raise Problems(problems)
    now = clock.now()
    appointment = Appointment(
        org_id=participant.org_id,
        participant_id=participant.id,
        starts_at=starts_at,
        duration_minutes=minutes,
        channel=channel,
        location=location,
        status="scheduled",
        created_by_id=user_id,
        created_at=now,
        updated_by_id=user_id,
        updated_at=now,
    )
    db.session.add(appointment)
    db.session.flush()
    audit.record(
        "appointment.scheduled",
        object_type="appointment",
        object_id=appointment.id,
        participant_id=participant.id,
        user_id=user_id,
    )
    db.session.commit()
    return appointment


def _must_be_scheduled(appointment: Appointment, field: str) -> list[Invalid]:
    if appointment.status != "scheduled":
        return [Invalid(f"This appointment is already {appointment.status_label.lower()}", field=field)]
    return []


def reschedule(
    participant: Participant, appointment: Appointment, starts_at: datetime | None, reason: str, user_id: int | None
) -> AppointmentReschedule:
    """Move an appointment to a new time, keeping the old time and the reason."""
    ensure_not_restricted(participant, Action.APPOINTMENT_RESCHEDULE, "rescheduling an appointment")
    problems = _must_be_scheduled(appointment, "starts_at") or _time_problems(starts_at)
    if not problems and starts_at == appointment.starts_at:
        problems.append(Invalid("Enter a different date or time from the current one", field="starts_at"))
    try:
        reason = clean_text(reason, "the reason for rescheduling", 500, required=True)
    except Invalid as problem:
        problem.field = "reason"
        problems.append(problem)
    if problems:
        raise Problems(problems)
    assert starts_at is not None  # else a problem was raised above
    change = AppointmentReschedule(
        org_id=participant.org_id,
        appointment_id=appointment.id,
        old_starts_at=appointment.starts_at,
        new_starts_at=starts_at,
        reason=reason,
        changed_by_id=user_id,
        changed_at=clock.now(),
    )
    db.session.add(change)
    db.session.expire(appointment, ["reschedules"])  # loaded before this one was added
    appointment.starts_at = starts_at
    appointment.updated_by_id = user_id
    appointment.updated_at = clock.now()
    audit.record(
        "appointment.rescheduled",
        object_type="appointment",
        object_id=appointment.id,
        participant_id=participant.id,
        user_id=user_id,
    )
    db.session.commit()
    return change


def cancel(
    participant: Participant, appointment: Appointment, cancelled_by: str, reason: str, user_id: int | None
) -> None:
    """Cancel an appointment with the reason and who asked. At the participant's own
    request this is allowed even while the record is restricted."""
    if cancelled_by not in CANCELLED_BY:
        raise Problems([Invalid("Select who asked for the cancellation", field="cancelled_by")])
    action = (
        Action.APPOINTMENT_CANCEL_AT_PARTICIPANT_REQUEST if cancelled_by == "participant" else Action.APPOINTMENT_CANCEL
    )
    ensure_not_restricted(participant, action, "cancelling an appointment other than at the participant’s request")
    problems = _must_be_scheduled(appointment, "cancelled_by")
    try:
        reason = clean_text(reason, "the reason for cancelling", 500, required=True)
    except Invalid as problem:
        problem.field = "reason"
        problems.append(problem)
    if problems:
        raise Problems(problems)
    appointment.status = "cancelled"
    appointment.cancelled_by = cancelled_by
    appointment.cancellation_reason = reason
    appointment.updated_by_id = user_id
    appointment.updated_at = clock.now()
    audit.record(
        "appointment.cancelled",
        object_type="appointment",
        object_id=appointment.id,
        participant_id=participant.id,
        detail={"cancelled_by": cancelled_by},
        user_id=user_id,
    )
    db.session.commit()


def record_outcome(participant: Participant, appointment: Appointment, outcome: str, user_id: int | None) -> None:
    """Mark an appointment attended or did-not-attend, once it has started. The first
    attended appointment after allocation is the participant's first contact."""
    ensure_not_restricted(participant, Action.APPOINTMENT_OUTCOME, "recording whether an appointment was attended")
    problems = _must_be_scheduled(appointment, "outcome")
    if outcome not in ("attended", "did_not_attend"):
        problems.append(Invalid("Select whether the participant attended", field="outcome"))
    elif not problems and appointment.starts_at > clock.now():
        problems.append(Invalid("Attendance can be recorded once the appointment has started", field="outcome"))
    if problems:
        raise Problems(problems)
    appointment.status = outcome
    appointment.outcome_recorded_at = clock.now()
    appointment.updated_by_id = user_id
    appointment.updated_at = clock.now()
    if outcome == "attended":
        record_first_contact(participant, appointment.starts_at, user_id)
    audit.record(
        "appointment.outcome",
        object_type="appointment",
        object_id=appointment.id,
        participant_id=participant.id,
        detail={"outcome": outcome},
        user_id=user_id,
    )
    db.session.commit()


def appointments_of(participant: Participant) -> list[Appointment]:
    """All the participant's appointments, soonest first."""
    return list(
        db.session.scalars(
            select(Appointment)
            .where(Appointment.org_id == participant.org_id, Appointment.participant_id == participant.id)
            .order_by(Appointment.starts_at, Appointment.id)
        )
    )


def next_appointment(participant: Participant) -> Appointment | None:
    return db.session.scalars(
        select(Appointment)
        .where(
            Appointment.org_id == participant.org_id,
            Appointment.participant_id == participant.id,
            Appointment.status == "scheduled",
            Appointment.starts_at >= clock.now(),
        )
        .order_by(Appointment.starts_at)
        .limit(1)
    ).first()
