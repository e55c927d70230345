"""The out-of-hours log: every search, check, grant, refusal, view and action, and
the oversight pages' query over it (the DPO: all; a team manager: their organisation).

``record`` writes one log line and the matching audit event in the caller's
transaction. Both hold ids and codes only: never a search term, a name, a date of
birth, nor anything derived from them (DESIGN.md rule 10).
"""

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from flask_login import current_user
from sqlalchemy import ColumnElement, exists, func, or_, select

from portal import audit, clock
from portal.extensions import db
from portal.models import OohCallback, OohCallNote, OohEvent, OohSearchHit, Organisation, Participant, User

PAGE_SIZE = 50


def record(
    kind: str,
    worker_id: int,
    participant: Participant | None = None,
    *,
    outcome: str = "",
    object_id: int | None = None,
    detail: dict[str, Any] | None = None,
    shown: Sequence[Participant] = (),
) -> OohEvent:
    """One line of the log (and its audit event), in the caller's transaction."""
    event = OohEvent(
        at=clock.now(),
        worker_id=worker_id,
        kind=kind,
        org_id=participant.org_id if participant else None,
        participant_id=participant.id if participant else None,
        outcome=outcome,
        object_id=object_id,
        detail=detail or None,
    )
    db.session.add(event)
    db.session.flush()
    for hit in shown:
        db.session.add(OohSearchHit(event_id=event.id, org_id=hit.org_id, participant_id=hit.id))
    audit_detail = {"ooh_event_id": event.id, **(detail or {})}
    if outcome:
        audit_detail["outcome"] = outcome
    if shown:
        audit_detail["participant_ids"] = [p.id for p in shown]
    audit.record(
        f"ooh.{kind}",
        object_type="ooh_event",
        object_id=event.id,
        participant_id=participant.id if participant else None,
        org_id=participant.org_id if participant else None,
        user_id=worker_id,
        detail=audit_detail,
    )
    return event


def record_view(participant: Participant, view: str) -> OohEvent:
    """A page of the limited view was shown under a grant (the page's own
    ``participant.viewed`` audit event covers the audit trail)."""

    event = OohEvent(
        at=clock.now(),
        worker_id=current_user.id,
        kind="view",
        org_id=participant.org_id,
        participant_id=participant.id,
        outcome="",
        detail={"view": view},
    )
    db.session.add(event)
    db.session.flush()
    return event


# ----------------------------------------------------------------- oversight


@dataclass
class LogFilters:
    date_from: date | None = None
    date_to: date | None = None
    worker_id: int | None = None
    org_id: int | None = None
    participant_id: int | None = None
    page: int = 1


@dataclass
class LogPage:
    events: list[OohEvent]
    participants: dict[int, Participant]
    organisations: dict[int, Organisation]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def _conditions(filters: LogFilters, only_org_id: int | None) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.date_from:
        conditions.append(OohEvent.at >= _start_of(filters.date_from))
    if filters.date_to:
        conditions.append(OohEvent.at < _start_of(filters.date_to + timedelta(days=1)))
    if filters.worker_id:
        conditions.append(OohEvent.worker_id == filters.worker_id)
    for org_id in {o for o in (only_org_id, filters.org_id) if o}:
        # A search belongs to every organisation whose participants it showed.
        conditions.append(
            or_(
                OohEvent.org_id == org_id,
                exists().where(OohSearchHit.event_id == OohEvent.id, OohSearchHit.org_id == org_id),
            )
        )
    if filters.participant_id:
        conditions.append(
            or_(
                OohEvent.participant_id == filters.participant_id,
                exists().where(
                    OohSearchHit.event_id == OohEvent.id, OohSearchHit.participant_id == filters.participant_id
                ),
            )
        )
    return conditions


def _start_of(day: date) -> datetime:
    return clock.as_utc(datetime.combine(day, time(0), tzinfo=clock.LONDON))


def log_page(filters: LogFilters, only_org_id: int | None = None, viewer_id: int | None = None) -> LogPage:
    """One page of the log, newest first. ``only_org_id`` confines a team manager to
    their organisation: its participants' events and the searches that showed them
    (a search that matched nobody belongs to no organisation: the DPO sees it).
    The page is audited as one event listing the participant ids it showed."""
    conditions = _conditions(filters, only_org_id)
    total = db.session.scalar(select(func.count(OohEvent.id)).where(*conditions))
    assert total is not None  # a count always has its one row
    page = max(1, min(filters.page, max(1, math.ceil(total / PAGE_SIZE))))
    events = list(
        db.session.scalars(
            select(OohEvent)
            .where(*conditions)
            .order_by(OohEvent.at.desc(), OohEvent.id.desc())
            .limit(PAGE_SIZE)
            .offset((page - 1) * PAGE_SIZE)
        )
    )
    ids = {e.participant_id for e in events if e.participant_id}
    for event in events:
        ids.update(h.participant_id for h in event.hits if only_org_id is None or h.org_id == only_org_id)
    participants = {}
    if ids:
        stmt = select(Participant).where(Participant.id.in_(ids))
        if only_org_id is not None:
            stmt = stmt.where(Participant.org_id == only_org_id)
        participants = {p.id: p for p in db.session.scalars(stmt)}
    organisations = {o.id: o for o in db.session.scalars(select(Organisation))}
    audit.record(
        "ooh.log.viewed",
        object_type="list",
        object_id="ooh.log",
        user_id=viewer_id,
        org_id=only_org_id,
        detail={"participant_ids": sorted(participants)},
    )
    db.session.commit()
    return LogPage(events, participants, organisations, total, page, PAGE_SIZE)


def workers_in_log(only_org_id: int | None = None) -> list[User]:
    """The workers who appear in the log (for the filter), by name."""
    stmt = select(User).where(User.id.in_(select(OohEvent.worker_id).where(*_conditions(LogFilters(), only_org_id))))
    return list(db.session.scalars(stmt.order_by(User.name)))


def organisations() -> list[Organisation]:
    return list(db.session.scalars(select(Organisation).order_by(Organisation.name)))


# ----------------------------------------------------------------- on the record


@dataclass
class ActivityItem:
    event: OohEvent
    call_note: OohCallNote | None = None
    callback: OohCallback | None = None
    # For a run of pages viewed by one worker: how many (the event is the latest).
    views: int = 0


ACTIVITY_KINDS = (
    "check",
    "grant",
    "refusal",
    "grant_ended",
    "view",
    "appointment_rescheduled",
    "appointment_cancelled",
    "consent_withdrawn",
    "call_note",
    "callback",
    "callback_closed",
    "emergency_override",
)
# Views are many (one a page); the record shows each run of them by one worker as one line.
VIEWS_READ = 500


def activity_for(participant: Participant, limit: int = 30) -> list[ActivityItem]:
    """What happened on out-of-hours calls about the participant, newest first, for
    the assigned VRC's record: checks and their outcome, grants, refusals, views of
    the limited view (a run of pages by one worker as one line), actions, call notes
    and callbacks."""
    events = list(
        db.session.scalars(
            select(OohEvent)
            .where(
                OohEvent.org_id == participant.org_id,
                OohEvent.participant_id == participant.id,
                OohEvent.kind.in_(ACTIVITY_KINDS),
            )
            .order_by(OohEvent.at.desc(), OohEvent.id.desc())
            .limit(limit + VIEWS_READ)
        )
    )
    notes: dict[int | None, OohCallNote] = {
        n.id: n
        for n in db.session.scalars(
            select(OohCallNote).where(
                OohCallNote.org_id == participant.org_id, OohCallNote.participant_id == participant.id
            )
        )
    }
    callbacks: dict[int | None, OohCallback] = {
        c.id: c
        for c in db.session.scalars(
            select(OohCallback).where(
                OohCallback.org_id == participant.org_id, OohCallback.participant_id == participant.id
            )
        )
    }
    items: list[ActivityItem] = []
    for e in events:
        if e.kind == "view":
            last = items[-1] if items else None
            if last is not None and last.views and last.event.worker_id == e.worker_id:
                last.views += 1
                continue
            items.append(ActivityItem(e, views=1))
        else:
            items.append(
                ActivityItem(
                    e,
                    notes.get(e.object_id) if e.kind == "call_note" else None,
                    callbacks.get(e.object_id) if e.kind in ("callback", "callback_closed") else None,
                )
            )
        if len(items) > limit:
            break
    return items[:limit]
