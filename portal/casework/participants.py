"""The participant record: edits with history, programme status, closure, restriction.

Every change is refused while the record is restricted (``ensure_not_restricted``),
keeps a field-level history (who, which field, from what, to what, when: needed for
rectification requests) and is audited with field names only, never values.
"""

from datetime import date, datetime
from typing import Any

from sqlalchemy import select

from portal import audit, clock, participant_fields
from portal.access.participant_access import ensure_not_restricted
from portal.actions import Action
from portal.extensions import db
from portal.models import Milestone, Participant, ParticipantChange, StatusChange
from portal.models.milestone import LEFT_EARLY_REASONS
from portal.models.participant import CLOSED_STATUSES, STATUS_LABELS
from portal.validation import Invalid, Problems, clean_text


def record_change(
    participant: Participant, field: str, old: object, new: object, user_id: int | None, reason: str = ""
) -> ParticipantChange:
    """Keep one field's change in the history (the caller commits)."""
    change = ParticipantChange(
        org_id=participant.org_id,
        participant_id=participant.id,
        field=field,
        old_value=participant_fields.as_text(old),
        new_value=participant_fields.as_text(new),
        reason=reason,
        changed_by_id=user_id,
        changed_at=clock.now(),
    )
    db.session.add(change)
    return change


def update_section(participant: Participant, section: str, raw: dict[str, Any], user_id: int | None) -> list[str]:
    """Change one section of the record; returns the fields that changed.

    Values are cleaned as at referral (NI number normalised, postcode checked, date of
    birth 16 or over); each changed field is kept in the history; nothing is written
    when nothing changed.
    """
    if section not in participant_fields.SECTIONS:
        raise LookupError(section)
    title, fields = participant_fields.SECTIONS[section]
    ensure_not_restricted(participant, Action.PARTICIPANT_EDIT, f"a change to the {title.lower()}")
    cleaned = participant_fields.clean(raw, fields)
    changed = []
    for field in fields:
        old, new = getattr(participant, field), cleaned[field]
        if old != new:
            record_change(participant, field, old, new, user_id)
            setattr(participant, field, new)
            changed.append(field)
    if changed:
        participant.updated_at = clock.now()
        audit.record(
            "participant.updated",
            object_type="participant",
            object_id=participant.id,
            participant_id=participant.id,
            detail={"section": section, "fields": changed},
            user_id=user_id,
        )
    db.session.commit()
    return changed


def set_status(participant: Participant, status: str, on: date, reason: str, user_id: int | None) -> None:
    """Move the programme status on, keeping the date and reason (the caller commits)."""
    participant.status = status
    participant.status_changed_on = on
    participant.updated_at = clock.now()
    db.session.add(
        StatusChange(
            org_id=participant.org_id,
            participant_id=participant.id,
            status=status,
            changed_on=on,
            reason=reason,
            changed_by_id=user_id,
            changed_at=clock.now(),
        )
    )


def record_first_contact(participant: Participant, at: datetime, user_id: int | None) -> bool:
    """The first attended appointment or logged phone/email contact after allocation
    (DESIGN.md, Words): recorded once, and a referred participant becomes active."""
    if participant.first_contact_at is not None or participant.allocated_at is None:
        return False
    if at < participant.allocated_at:
        at = participant.allocated_at
    participant.first_contact_at = at
    if participant.status == "referred":
        set_status(participant, "active", clock.local(at).date(), "First contact", user_id)
    return True


def close_case(
    participant: Participant,
    status: str,
    closed_on: date | None,
    reason: str,
    left_early_reason: str,
    user_id: int | None,
) -> None:
    """Close the case as completed, left early or withdrawn, with a reason and date.

    The closure date starts the retention clock (rule 7). Completing records the
    "programme completed" milestone; leaving early records the "left early" milestone
    with its reason from the fixed list the contract report counts.
    """
    ensure_not_restricted(participant, Action.PARTICIPANT_CLOSE, "closing the case")
    problems = []
    if participant.closed:
        problems.append(Invalid("This case is already closed", field="status"))
    if status not in CLOSED_STATUSES:
        problems.append(Invalid("Select how the case ended", field="status"))
    if closed_on is None:
        problems.append(Invalid("Enter the closure date", field="closed_on"))
    elif closed_on > clock.today():
        problems.append(Invalid("The closure date must be today or in the past", field="closed_on"))
    elif closed_on < clock.local(participant.referred_at).date():
        problems.append(Invalid("The closure date must be on or after the referral date", field="closed_on"))
    if status == "left_early" and left_early_reason not in LEFT_EARLY_REASONS:
        problems.append(Invalid("Select why the participant left early", field="left_early_reason"))
    try:
        reason = clean_text(reason, "the reason for closing the case", 500, required=status != "left_early")
    except Invalid as problem:
        problem.field = "reason"
        problems.append(problem)
    if problems:
        raise Problems(problems)
    assert closed_on is not None  # else a problem was raised above
    if status == "left_early":
        label = LEFT_EARLY_REASONS[left_early_reason]
        reason = f"{label}: {reason}" if reason else label
    set_status(participant, status, closed_on, reason, user_id)
    participant.closed_on = closed_on
    participant.closure_reason = reason
    kind = {"completed": "programme_completed", "left_early": "left_early"}.get(status)
    if kind:
        db.session.add(
            Milestone(
                org_id=participant.org_id,
                participant_id=participant.id,
                kind=kind,
                month_number=0,
                achieved_on=closed_on,
                left_early_reason=left_early_reason if kind == "left_early" else "",
                recorded_by_id=user_id,
                recorded_at=clock.now(),
            )
        )
    audit.record(
        "participant.closed",
        object_type="participant",
        object_id=participant.id,
        participant_id=participant.id,
        detail={"status": status},
        user_id=user_id,
    )
    db.session.commit()


def set_restriction(participant: Participant, restricted: bool, reason: str, user_id: int | None) -> None:
    """Restrict processing of the record (UK GDPR Art. 18), or lift the restriction.

    This is the DPO's rights workflow's to call; the change is kept in the history
    and audited. While restricted, ``ensure_not_restricted`` refuses changes.
    """
    reason = clean_text(reason, "the reason", 500, required=restricted)
    if participant.restricted == restricted:
        return
    record_change(participant, "restricted", participant.restricted, restricted, user_id, reason=reason)
    participant.restricted = restricted
    participant.restriction_reason = reason if restricted else ""
    participant.restricted_at = clock.now() if restricted else None
    participant.updated_at = clock.now()
    audit.record(
        "participant.restricted" if restricted else "participant.restriction_lifted",
        object_type="participant",
        object_id=participant.id,
        participant_id=participant.id,
        user_id=user_id,
    )
    db.session.commit()


def change_history(participant: Participant) -> list[ParticipantChange]:
    """Field changes, newest first."""
    return list(
        db.session.scalars(
            select(ParticipantChange)
            .where(ParticipantChange.org_id == participant.org_id, ParticipantChange.participant_id == participant.id)
            .order_by(ParticipantChange.changed_at.desc(), ParticipantChange.id.desc())
        )
    )


def status_history(participant: Participant) -> list[StatusChange]:
    """Status changes, oldest first."""
    return list(
        db.session.scalars(
            select(StatusChange)
            .where(StatusChange.org_id == participant.org_id, StatusChange.participant_id == participant.id)
            .order_by(StatusChange.changed_at, StatusChange.id)
        )
    )


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)
