"""The DPO's rights workflows on a linked request: finding the participant,
rectification, restriction, objection, portability and the privacy notice.

DESIGN.md rule 5: a restricted record stays read-only except for these workflows
(rectification goes through the same history-keeping edit as casework, with the
request as the reason). Searches for the participant never put what was typed in the
audit trail (rule 10): the event lists the ids shown.
"""

from collections.abc import Iterable
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, func, select

from portal import audit, clock, participant_fields, tenancy
from portal.access.participant_access import ensure_not_restricted
from portal.actions import Action
from portal.casework import participants
from portal.casework.participants import record_change
from portal.consent import objections
from portal.consent.authority_requests import required_text
from portal.extensions import db
from portal.models import Participant, PrivacyNotice
from portal.models.rights import RESPONSE_METHODS, Objection, RestrictionNotice, RightsRequest
from portal.rights.rights_requests import checked_choice, checked_date, open_for_dpo
from portal.validation import Invalid, Problems, clean_ni_number, parse_date


class NotLinked(ValueError):
    """The workflow needs the request linked to a participant first."""


def linked_participant(request: RightsRequest) -> Participant:
    if request.participant_id is None:
        raise NotLinked(request.id)
    participant = db.session.get(Participant, request.participant_id)
    assert participant is not None  # the request's foreign key
    return participant


# ---------------------------------------------------------------- objections


def record_objection(request: RightsRequest, scopes: Iterable[str] | None, user_id: int | None) -> list[Objection]:
    """UK GDPR Art. 21: the participant objects to research contact and/or
    statistics. Research objectors are refused as ``research_contact`` (consents);
    statistics objectors are left out of every statistics extract. Allowed while the
    record is restricted (rule 5)."""
    open_for_dpo(request, user_id)
    participant = linked_participant(request)
    ensure_not_restricted(participant, Action.OBJECTION_RECORD, "recording an objection")
    scopes = list(dict.fromkeys(scopes or []))
    if not scopes or any(s not in ("research", "statistics") for s in scopes):
        raise Problems([Invalid("Select what the participant objects to", field="scopes")])
    rows = []
    for scope in scopes:
        if objections.objects_to(participant.id, scope):
            continue
        row = Objection(
            org_id=participant.org_id,
            participant_id=participant.id,
            request_id=request.id,
            scope=scope,
            recorded_by_id=user_id,
            recorded_at=clock.now(),
        )
        db.session.add(row)
        rows.append(row)
    db.session.flush()
    audit.record(
        "rights_request.objection_recorded",
        object_type="rights_request",
        object_id=request.id,
        participant_id=participant.id,
        org_id=participant.org_id,
        user_id=user_id,
        detail={"scopes": scopes, "objection_ids": [r.id for r in rows]},
    )
    db.session.commit()
    return rows


# ---------------------------------------------------------------- linking


def search_participants(
    name: str | None, date_of_birth: str | None, ni_number: str | None, user_id: int | None, request: RightsRequest
) -> list[Participant]:
    """Participants of every organisation matching what the DPO typed (any of name,
    date of birth, NI number, normalised as at referral). The audit holds the ids
    found, never the terms."""
    conditions: list[ColumnElement[bool]] = []
    name = " ".join(str(name or "").split())
    for part in name.split(" ")[:3] if name else []:
        like = f"%{part.lower()}%"
        conditions.append(func.lower(Participant.first_name).like(like) | func.lower(Participant.last_name).like(like))
    if date_of_birth:
        try:
            conditions.append(Participant.date_of_birth == parse_date(date_of_birth))
        except Invalid:
            raise Problems([Invalid("Enter a real date of birth, like 27 3 1985", field="date_of_birth")]) from None
    if ni_number and str(ni_number).strip():
        try:
            conditions.append(Participant.ni_number == clean_ni_number(ni_number))
        except Invalid as problem:
            problem.field = "ni_number"
            raise Problems([problem]) from problem
    if not conditions:
        raise Problems([Invalid("Enter a name, a date of birth or a National Insurance number", field="name")])
    found = list(
        db.session.scalars(
            select(Participant).where(*conditions).order_by(Participant.last_name, Participant.id).limit(50)
        )
    )
    audit.record(
        "rights_request.participant_search",
        object_type="rights_request",
        object_id=request.id,
        user_id=user_id,
        detail={"participant_ids": [p.id for p in found]},
    )
    db.session.commit()
    return found


def link_participant(request: RightsRequest, participant_id: str | int | None, user_id: int | None) -> RightsRequest:
    open_for_dpo(request, user_id)
    participant_id = tenancy.valid_id(participant_id)
    participant = db.session.get(Participant, participant_id) if participant_id else None
    if participant is None:
        raise Problems([Invalid("Select the participant the request is about", field="participant_id")])
    request.participant_id = participant.id
    request.org_id = participant.org_id
    request.no_data_held = False
    request.linked_by_id = user_id
    request.linked_at = clock.now()
    audit.record(
        "rights_request.linked",
        object_type="rights_request",
        object_id=request.id,
        participant_id=participant.id,
        org_id=participant.org_id,
        user_id=user_id,
    )
    db.session.commit()
    return request


def record_no_data(request: RightsRequest, user_id: int | None) -> RightsRequest:
    """The search found no one: the portal holds no data about the requester."""
    open_for_dpo(request, user_id)
    request.participant_id = None
    request.org_id = None
    request.no_data_held = True
    request.linked_by_id = user_id
    request.linked_at = clock.now()
    audit.record("rights_request.no_data_held", object_type="rights_request", object_id=request.id, user_id=user_id)
    db.session.commit()
    return request


# ---------------------------------------------------------------- rectification

RECTIFIABLE = dict(participant_fields.SECTIONS.items())


def rectify(request: RightsRequest, section: str, raw: dict[str, Any], user_id: int | None) -> list[str]:
    """UK GDPR Art. 16: correct one section through the same history-keeping edit as
    casework (each changed field kept, old and new), the request as the reason.
    Allowed while the record is restricted: it is a rights workflow (rule 5)."""
    open_for_dpo(request, user_id)
    participant = linked_participant(request)
    if section not in RECTIFIABLE:
        raise LookupError(section)
    fields = RECTIFIABLE[section][1]
    cleaned = participant_fields.clean(raw, fields)
    changed = []
    for field in fields:
        old, new = getattr(participant, field), cleaned[field]
        if old != new:
            record_change(participant, field, old, new, user_id, reason=f"Rectification, request {request.reference}")
            setattr(participant, field, new)
            changed.append(field)
    if changed:
        participant.updated_at = clock.now()
    audit.record(
        "rights_request.rectified",
        object_type="rights_request",
        object_id=request.id,
        participant_id=participant.id,
        org_id=participant.org_id,
        user_id=user_id,
        detail={"section": section, "fields": changed},
    )
    db.session.commit()
    return changed


def audit_rectify_view(request: RightsRequest, participant: Participant, section: str, user_id: int | None) -> None:
    """Record that the rectification form showed ``section`` of the linked record
    (rule 1) and commit."""
    audit.record(
        "rights_request.rectify_viewed",
        object_type="rights_request",
        object_id=request.id,
        participant_id=participant.id,
        org_id=participant.org_id,
        user_id=user_id,
        detail={"section": section},
    )
    db.session.commit()


# ---------------------------------------------------------------- restriction


def set_restriction(request: RightsRequest, reason: str | None, user_id: int | None) -> RestrictionNotice:
    """UK GDPR Art. 18: restrict the record (read-only, no sharing, no individual
    reporting) through ``participants.set_restriction``."""

    open_for_dpo(request, user_id)
    participant = linked_participant(request)
    problems: list[Invalid] = []
    reason = required_text(problems, "reason", reason, "why processing is restricted", 500)
    if participant.restricted:
        problems.append(Invalid("The record is already restricted", field="reason"))
    if problems:
        raise Problems(problems)
    notice = RestrictionNotice(
        org_id=participant.org_id,
        participant_id=participant.id,
        request_id=request.id,
        action="set",
        reason=reason,
        recorded_by_id=user_id,
        recorded_at=clock.now(),
    )
    db.session.add(notice)
    db.session.flush()
    participants.set_restriction(participant, True, reason, user_id)  # audits and commits
    return notice


def lift_restriction(
    request: RightsRequest, reason: str | None, told_on: date | None, told_method: str | None, user_id: int | None
) -> RestrictionNotice:
    """Lift the restriction; Art. 18(3): the person is told before it is lifted, so
    the lifting records when and how they were told."""

    open_for_dpo(request, user_id)
    participant = linked_participant(request)
    problems: list[Invalid] = []
    reason = required_text(problems, "reason", reason, "why the restriction is lifted", 500)
    if not participant.restricted:
        problems.append(Invalid("The record is not restricted", field="reason"))
    told_on = checked_date(problems, "told_on", told_on, "the date the person was told")
    checked_choice(problems, "told_method", told_method, RESPONSE_METHODS, "Select how the person was told")
    if problems:
        raise Problems(problems)
    notice = RestrictionNotice(
        org_id=participant.org_id,
        participant_id=participant.id,
        request_id=request.id,
        action="lifted",
        reason=reason,
        recorded_by_id=user_id,
        recorded_at=clock.now(),
        told_on=told_on,
        told_method=told_method,
    )
    db.session.add(notice)
    db.session.flush()
    participants.set_restriction(participant, False, reason, user_id)
    return notice


def restriction_notices(request: RightsRequest) -> list[RestrictionNotice]:
    return list(
        db.session.scalars(
            select(RestrictionNotice).where(RestrictionNotice.request_id == request.id).order_by(RestrictionNotice.id)
        )
    )


# ---------------------------------------------------------------- to be informed


def record_notice_sent(
    request: RightsRequest, notice_id: str | int, sent_on: date | None, method: str | None, user_id: int | None
) -> RightsRequest:
    """The right to be informed: the current privacy notice was sent."""

    open_for_dpo(request, user_id)
    problems: list[Invalid] = []
    notice = db.session.get(PrivacyNotice, int(notice_id)) if str(notice_id or "").isdigit() else None
    if notice is None or notice.status != "published":
        problems.append(Invalid("Select the version of the notice sent", field="notice_id"))
    sent_on = checked_date(
        problems, "sent_on", sent_on, "the date it was sent", request.received_on, "the date the request arrived"
    )
    checked_choice(problems, "method", method, RESPONSE_METHODS, "Select how it was sent")
    if problems:
        raise Problems(problems)
    assert notice is not None and method is not None  # checked above
    request.notice_id = notice.id
    request.notice_sent_on = sent_on
    request.notice_method = method
    audit.record(
        "rights_request.notice_sent",
        object_type="rights_request",
        object_id=request.id,
        participant_id=request.participant_id,
        user_id=user_id,
        detail={"notice_id": notice.id},
    )
    db.session.commit()
    return request


# ---------------------------------------------------------------- portability
