"""Callbacks: an out-of-hours worker leaves a note for the participant's own VRC to call
back (reason, best time, phone); it waits on the VRC's caseload until they mark it done."""

from dataclasses import dataclass

from sqlalchemy import select

from portal import clock, tenancy
from portal.access import ooh_access, ooh_log, participant_access
from portal.extensions import db
from portal.models import OohCallback, OohCheck, Organisation, Participant, User
from portal.ooh.ooh_calls import CALLBACK_WITHIN, organisation_of, tell_casework
from portal.validation import Invalid, Problems, clean_phone, clean_text


def _latest_check(participant: Participant, worker_id: int) -> OohCheck | None:
    return db.session.scalars(
        select(OohCheck)
        .where(
            OohCheck.org_id == participant.org_id,
            OohCheck.participant_id == participant.id,
            OohCheck.worker_id == worker_id,
        )
        .order_by(OohCheck.started_at.desc(), OohCheck.id.desc())
        .limit(1)
    ).first()


def may_leave_callback(participant: Participant, worker_id: int) -> bool:
    """On the call a check was made on, whatever its outcome (a locked check
    included), or while access lasts."""
    if participant_access.live_grant(worker_id, participant) is not None or ooh_access.locked(worker_id, participant):
        return True
    latest = _latest_check(participant, worker_id)
    return latest is not None and clock.as_utc(latest.started_at) >= clock.now() - CALLBACK_WITHIN


def leave_callback(participant: Participant, reason: str, best_time: str, phone: str, worker: User) -> OohCallback:
    """A note for the assigned VRC to call the participant back, tied to the worker's
    latest check of the participant. Allowed on a restricted record too: it changes
    nothing of it."""
    problems: list[Invalid] = []
    values: dict[str, str] = {}
    for field, value, label, size in (
        ("reason", reason, "the reason for the call", 500),
        ("best_time", best_time, "the best time to call back", 200),
    ):
        try:
            values[field] = clean_text(value, label, size, required=True)
        except Invalid as problem:
            problem.field = field
            problems.append(problem)
    try:
        values["phone"] = clean_phone(phone, required=True)
    except Invalid as problem:
        problem.field = "phone"
        problems.append(problem)
    if problems:
        raise Problems(problems)
    latest = _latest_check(participant, worker.id)
    callback = OohCallback(
        org_id=participant.org_id,
        participant_id=participant.id,
        check_id=latest.id if latest else None,
        worker_id=worker.id,
        vrc_id=participant.assigned_vrc_id,
        created_at=clock.now(),
        **values,
    )
    db.session.add(callback)
    db.session.flush()
    ooh_log.record("callback", worker.id, participant, object_id=callback.id, detail={"callback_id": callback.id})
    tell_casework(
        participant,
        "ooh.callback",
        f"Out-of-hours call: please call participant {participant.id} back. {worker.name} left a callback note "
        f"with the reason, the best time and number.",
        _caseload_link(participant),
    )
    db.session.commit()
    return callback


def _caseload_link(participant: Participant) -> str:
    slug = organisation_of(participant).slug
    return f"/{slug}/caseload" if participant.assigned_vrc_id else f"/{slug}/team/caseload"


@dataclass
class CallbackRow:
    callback: OohCallback
    participant_id: int
    participant_name: str
    restricted: bool


def open_callbacks(org: Organisation, vrc_id: int | None, view: str | None) -> list[CallbackRow]:
    """Open callbacks for a VRC's caseload (``vrc_id``), or for the team managers
    those of participants with no VRC (``vrc_id`` None), oldest first. The list is
    audited with the participant ids it shows under ``view``; with ``view`` None the
    caller names them in its own page's one list event."""
    condition = OohCallback.vrc_id == vrc_id if vrc_id is not None else OohCallback.vrc_id.is_(None)
    rows = db.session.execute(
        select(OohCallback, Participant.first_name, Participant.last_name, Participant.restricted)
        .join(Participant, Participant.id == OohCallback.participant_id)
        .where(OohCallback.org_id == org.id, Participant.org_id == org.id, condition, OohCallback.closed_at.is_(None))
        .order_by(OohCallback.created_at, OohCallback.id)
    ).all()
    result = [CallbackRow(c, c.participant_id, f"{first} {last}", restricted) for c, first, last, restricted in rows]
    if result and view is not None:
        participant_access.audit_list(view, [r.participant_id for r in result])
    return result


def callback_for_closing(org: Organisation, callback_id: object, user: User) -> OohCallback | None:
    """An open or closed callback the user may mark done: the VRC it was left for, or
    a team manager of the organisation. None (a 404) for anyone else."""
    callback_id = ooh_access.valid_id(callback_id)
    if callback_id is None:
        return None
    callback = db.session.scalars(
        select(OohCallback).where(OohCallback.org_id == org.id, OohCallback.id == callback_id)
    ).first()
    if callback is None:
        return None
    roles = user.roles_in(org.id)
    if "team_manager" in roles or ("vrc" in roles and callback.vrc_id == user.id):
        return callback
    return None


def close_callback(callback: OohCallback, user_id: int) -> bool:
    """The VRC called back: the note leaves the caseload. False if already done."""
    if callback.closed_at is not None:
        return False
    callback.closed_at = clock.now()
    callback.closed_by_id = user_id
    db.session.expire(callback, ["closed_by"])  # its joined relationship was loaded with the old value
    participant = tenancy.scoped_find(
        Participant, callback.participant_id, db.session.get(Organisation, callback.org_id)
    )
    ooh_log.record("callback_closed", user_id, participant, object_id=callback.id, detail={"callback_id": callback.id})
    db.session.commit()
    return True
