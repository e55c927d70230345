"""The verbal-consent check and the time-boxed access it grants (DESIGN.md rule 4).

Who may do what, per participant (``call_level``): the assigned VRC and the
organisation's team managers have the full record and need no check; the
organisation's other VRCs, and out-of-hours staff of any organisation, go through
the check, which opens the limited view to that one worker, for that one
participant, until the end of their shift (never more than 12 hours).

The check compares the answers the worker types with the record (case and spaces
ignored) and says only whether identity is confirmed, never which answer was wrong.
Only then is the participant asked whether they agree. A third party calling on
someone's behalf is recorded as such and cannot consent. Every check is stored and
logged whatever its outcome; a refusal or an unconfirmed identity opens nothing.
"""

import re
from datetime import date, datetime, time, timedelta

from flask import current_app, url_for
from flask_login import AnonymousUserMixin
from sqlalchemy import func, select

from portal import clock, permissions, tenancy
from portal.access import ooh_log, participant_access
from portal.access.participant_access import CHECK, LIMITED, NONE
from portal.config import ConfigError
from portal.extensions import db
from portal.models import OohCheck, OohGrant, Organisation, Participant, User
from portal.validation import Invalid, Problems, clean_text

MAX_GRANT = timedelta(hours=12)
# The participant answers the consent question on the same call as the identity check.
ANSWER_WITHIN = timedelta(minutes=30)
# Wrong identity answers for one participant, by one worker, before the check locks:
# the answers cannot be guessed one field at a time.
MAX_FAILED_CHECKS = 3
FAILED_CHECKS_WINDOW = timedelta(hours=24)
valid_id = tenancy.valid_id


class CheckRefused(Exception):
    """The check cannot go on (``reason``: locked, answered, expired, not_confirmed)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


# ----------------------------------------------------------------- shift end


def parse_shift_end(value: str) -> time:
    """The configured shift end, ``HH:MM`` (24-hour clock, Europe/London)."""
    match = re.fullmatch(r"([01]?\d|2[0-3]):([0-5]\d)", str(value or "").strip())
    if not match:
        raise ConfigError(f"OOH_SHIFT_END must be a time like 08:00, not {value!r}")
    return time(int(match.group(1)), int(match.group(2)))


def grant_expiry(now: datetime | None = None) -> datetime:
    """When access given now ends: the next shift end (Europe/London), or 12 hours
    from now if that comes first."""
    now = now or clock.now()
    end = parse_shift_end(current_app.config.get("OOH_SHIFT_END", "08:00"))
    local = clock.local(now)
    day = local.date()
    candidate = datetime.combine(day, end, tzinfo=clock.LONDON)
    if candidate <= local:
        candidate = datetime.combine(day + timedelta(days=1), end, tzinfo=clock.LONDON)
    return min(clock.as_utc(candidate), now + MAX_GRANT)


# ----------------------------------------------------------------- who may call for whom


def organisation_of(participant: Participant) -> Organisation:
    return participant_access.org_of(participant)


def record_url(participant: Participant) -> str:
    """The casework record, for those who need no check."""
    return url_for("participants.record", org=organisation_of(participant).slug, participant_id=participant.id)


def call_level(user: User | AnonymousUserMixin | None, participant: Participant) -> str:
    """The access of ``user`` to ``participant`` on the out-of-hours pages: the
    casework rules, plus out-of-hours staff of other organisations (check, then the
    limited view)."""
    level = participant_access.access_level(user, participant)
    if level == NONE and user is not None and user.is_authenticated and permissions.takes_calls_anywhere(user):
        level = LIMITED if participant_access.has_live_grant(user, participant) else CHECK
    return level


# ----------------------------------------------------------------- the check


def _normal(text: str | None) -> str:
    """Compared ignoring case and spaces (and curly apostrophes typed on phones)."""
    return "".join(str(text or "").split()).casefold().replace("’", "'").replace("‘", "'")


def _normal_postcode(text: str | None) -> str:
    return "".join(str(text or "").split()).upper()


def failed_checks(worker_id: int, participant: Participant) -> int:
    since = clock.now() - FAILED_CHECKS_WINDOW
    count = db.session.scalar(
        select(func.count(OohCheck.id)).where(
            OohCheck.org_id == participant.org_id,
            OohCheck.participant_id == participant.id,
            OohCheck.worker_id == worker_id,
            OohCheck.caller == "participant",
            OohCheck.identity_confirmed.is_(False),
            OohCheck.started_at >= since,
        )
    )
    assert count is not None  # a count always has its one row
    return count


def locked(worker_id: int, participant: Participant) -> bool:
    return failed_checks(worker_id, participant) >= MAX_FAILED_CHECKS


def check_identity(
    participant: Participant, worker: User, caller: str, full_name: str, date_of_birth: date | None, postcode: str
) -> OohCheck:
    """Record the first step of the check: who is calling and whether the answers the
    worker typed match the record. Stored and logged whatever the outcome."""
    if caller not in ("participant", "third_party"):
        raise Problems([Invalid("Select who is calling", field="caller")])
    if caller == "participant":
        problems = []
        try:
            full_name = clean_text(full_name, "the caller’s full name", 200, required=True)
        except Invalid as problem:
            problem.field = "full_name"
            problems.append(problem)
        if date_of_birth is None:
            problems.append(Invalid("Enter the caller’s date of birth", field="date_of_birth"))
        if not _normal_postcode(postcode):
            problems.append(Invalid("Enter the caller’s postcode", field="postcode"))
        if problems:
            raise Problems(problems)
    check = OohCheck(
        org_id=participant.org_id,
        participant_id=participant.id,
        worker_id=worker.id,
        started_at=clock.now(),
        caller=caller,
        identity_confirmed=False,
        consent_note="",
    )
    if caller == "participant":
        if locked(worker.id, participant):
            ooh_log.record("check", worker.id, participant, outcome="locked")
            db.session.commit()
            raise CheckRefused("locked")
        check.name_matched = _normal(full_name) == _normal(f"{participant.first_name} {participant.last_name}")
        check.date_of_birth_matched = date_of_birth == participant.date_of_birth
        check.postcode_matched = _normal_postcode(postcode) == _normal_postcode(participant.postcode)
        check.identity_confirmed = bool(check.name_matched and check.date_of_birth_matched and check.postcode_matched)
    db.session.add(check)
    db.session.flush()
    outcome = "third_party" if caller == "third_party" else "confirmed" if check.identity_confirmed else "not_confirmed"
    ooh_log.record(
        "check",
        worker.id,
        participant,
        outcome=outcome,
        object_id=check.id,
        detail={"check_id": check.id, "caller": caller},
    )
    db.session.commit()
    return check


def worker_check(participant: Participant, worker_id: int, check_id: object) -> OohCheck | None:
    """One of this worker's checks of this participant, or None."""
    check_id = valid_id(check_id)
    if check_id is None:
        return None
    return db.session.scalars(
        select(OohCheck).where(
            OohCheck.id == check_id,
            OohCheck.org_id == participant.org_id,
            OohCheck.participant_id == participant.id,
            OohCheck.worker_id == worker_id,
        )
    ).first()


def answer_open(check: OohCheck) -> bool:
    """Whether the consent question may still be answered on this check."""
    return (
        check.caller == "participant"
        and check.identity_confirmed
        and check.consent is None
        and clock.now() - clock.as_utc(check.started_at) <= ANSWER_WITHIN
    )


def record_consent(participant: Participant, check: OohCheck, answer: str, note: str, worker: User) -> OohGrant | None:
    """The participant's answer to "may I look at your records to help you with this
    call?", with a short note. Agreement grants this worker access to this participant
    until the end of their shift; refusal opens nothing. Only after a confirmed
    identity, on the same call, once."""
    if check.caller != "participant":
        raise CheckRefused("third_party")
    if not check.identity_confirmed:
        raise CheckRefused("not_confirmed")
    if check.consent is not None:
        raise CheckRefused("answered")
    if not answer_open(check):
        raise CheckRefused("expired")
    problems = []
    if answer not in ("agreed", "refused"):
        problems.append(Invalid("Select whether the participant agrees", field="consent"))
    try:
        note = clean_text(note, "a short note of the call", 300, required=True)
    except Invalid as problem:
        problem.field = "note"
        problems.append(problem)
    if problems:
        raise Problems(problems)
    now = clock.now()
    check.consent = answer
    check.consent_note = note
    check.answered_at = now
    if answer == "refused":
        ooh_log.record("refusal", worker.id, participant, object_id=check.id, detail={"check_id": check.id})
        db.session.commit()
        return None
    grant = OohGrant(
        org_id=participant.org_id,
        participant_id=participant.id,
        worker_id=worker.id,
        check_id=check.id,
        granted_at=now,
        expires_at=grant_expiry(now),
    )
    db.session.add(grant)
    db.session.flush()
    ooh_log.record(
        "grant", worker.id, participant, object_id=grant.id, detail={"check_id": check.id, "grant_id": grant.id}
    )
    db.session.commit()
    return grant


# ----------------------------------------------------------------- grants


def grants_of(worker_id: int, since: timedelta = timedelta(hours=24)) -> tuple[list[OohGrant], list[OohGrant]]:
    """A worker's live grants (ending soonest first) and those that ended in the last day."""
    now = clock.now()
    rows = list(
        db.session.scalars(
            select(OohGrant)
            .where(OohGrant.worker_id == worker_id, OohGrant.granted_at >= now - since - MAX_GRANT)
            .order_by(OohGrant.expires_at)
        )
    )
    live = [g for g in rows if g.live(now)]
    ended = [g for g in rows if not g.live(now) and clock.as_utc(g.ends_at()) >= now - since]
    ended.sort(key=lambda g: g.ends_at(), reverse=True)
    return live, ended


def own_grant(worker_id: int, grant_id: object) -> OohGrant | None:
    grant_id = valid_id(grant_id)
    if grant_id is None:
        return None
    return db.session.scalars(select(OohGrant).where(OohGrant.id == grant_id, OohGrant.worker_id == worker_id)).first()


def end_grant(grant: OohGrant, worker_id: int) -> bool:
    """End a live grant early (the call is over). False when it had already ended."""
    now = clock.now()
    if not grant.live(now):
        return False
    grant.ended_at = now
    participant = tenancy.scoped_find(Participant, grant.participant_id, db.session.get(Organisation, grant.org_id))
    ooh_log.record("grant_ended", worker_id, participant, object_id=grant.id, detail={"grant_id": grant.id})
    db.session.commit()
    return True


def participants_of(grants: list[OohGrant]) -> dict[int, Participant]:
    """The participants of a worker's grants, each looked up in its own organisation."""
    found = {}
    for grant in grants:
        if grant.participant_id not in found:
            org = db.session.get(Organisation, grant.org_id)
            participant = tenancy.scoped_find(Participant, grant.participant_id, org)
            if participant is not None:
                found[participant.id] = participant
    return found


def organisations_by_id() -> dict[int, Organisation]:
    return {o.id: o for o in db.session.scalars(select(Organisation))}
