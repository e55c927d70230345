"""Searching the audit trail for the Data Protection Officer (DESIGN.md rule 10).

Every query here is bounded (a page size, or a hard cap) and reads ids only: the audit
trail holds no personal data, so names are looked up from the staff table when shown.

``viewers_of(participant_id)`` answers "who has viewed this record": every event that
showed the participant's data (a page, a download, a copy), with the staff member,
when and which page. It is the shared contract used by the access package (right of
access), so its shape is kept small and stable.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import ColumnElement, func, or_, select

from portal import audit, clock
from portal.extensions import db
from portal.models import AuditEvent, AuditVerification, User

# Audit actions that mean a person's data was shown to a member of staff.
VIEW_ACTIONS = frozenset(
    {"participant.viewed", "consent.evidence_viewed", "disclosure.copy_viewed", "gp_letter.downloaded"}
)

# Hard cap on rows read by any one query (the page size is smaller).
MAX_ROWS = 5000
PAGE_SIZE = 50


@dataclass(frozen=True)
class Viewer:
    """One view of a participant's record."""

    at: datetime
    user_id: int | None
    name: str  # the staff member's name ("System" when no user)
    email: str
    org_id: int | None
    action: str
    page: str  # the view or page name recorded with the event
    event_seq: int


def _users(user_ids: Iterable[int | None]) -> dict[int | None, User]:
    ids = {uid for uid in user_ids if uid is not None}
    if not ids:
        return {}
    return {u.id: u for u in db.session.scalars(select(User).where(User.id.in_(ids)))}


def viewers_of(participant_id: int, *, limit: int = MAX_ROWS) -> list[Viewer]:
    """Every recorded view of ``participant_id``'s record, newest first (at most
    ``limit``): staff member, when, and which page (from the event's ``view``)."""
    events = db.session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.participant_id == participant_id, AuditEvent.action.in_(VIEW_ACTIONS), AuditEvent.outcome == "ok"
        )
        .order_by(AuditEvent.seq.desc())
        .limit(min(limit, MAX_ROWS))
    ).all()
    users = _users(e.user_id for e in events)
    result = []
    for event in events:
        user = users.get(event.user_id)
        detail = event.detail or {}
        result.append(
            Viewer(
                at=clock.as_utc(event.at),
                user_id=event.user_id,
                name=user.name if user else "System",
                email=user.email if user else "",
                org_id=event.org_id,
                action=event.action,
                page=str(detail.get("view") or event.action),
                event_seq=event.seq,
            )
        )
    return result


def audit_viewers_listed(participant_id: int, shown: int) -> None:
    """Listing who viewed a record is itself audited against the participant (rule 10)."""
    audit.record(
        "audit.viewers_listed",
        object_type="participant",
        object_id=participant_id,
        participant_id=participant_id,
        detail={"shown": shown},
    )
    db.session.commit()


# ----------------------------------------------------------------- search


@dataclass
class SearchFilters:
    participant_id: int | None = None
    user_id: int | None = None
    action: str | None = None  # exact, or a prefix ending in "." ("participant.")
    date_from: date | None = None
    date_to: date | None = None  # inclusive

    def is_empty(self) -> bool:
        return not any([self.participant_id, self.user_id, self.action, self.date_from, self.date_to])


@dataclass
class SearchPage:
    events: Sequence[AuditEvent]
    users: dict[int | None, User]  # by the events' user_id (None: no user)
    page: int
    has_next: bool
    total: int  # capped at MAX_ROWS


def _to_utc_start(day: date) -> datetime:
    """Midnight at the start of ``day`` in London, as UTC."""
    return datetime.combine(day, time.min, tzinfo=clock.LONDON).astimezone(UTC)


def _where(filters: SearchFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.participant_id:
        conditions.append(AuditEvent.participant_id == filters.participant_id)
    if filters.user_id:
        conditions.append(AuditEvent.user_id == filters.user_id)
    if filters.action:
        if filters.action.endswith("."):
            conditions.append(AuditEvent.action.startswith(filters.action))
        else:
            conditions.append(
                or_(AuditEvent.action == filters.action, AuditEvent.action.startswith(filters.action + "."))
            )
    if filters.date_from:
        conditions.append(AuditEvent.at >= _to_utc_start(filters.date_from))
    if filters.date_to:
        conditions.append(AuditEvent.at < _to_utc_start(filters.date_to + timedelta(days=1)))
    return conditions


def search(filters: SearchFilters, page: int = 1, page_size: int = PAGE_SIZE) -> SearchPage:
    """One page of events matching ``filters``, newest first. Bounded: at most
    ``page_size`` rows are loaded and the count stops at ``MAX_ROWS``."""
    page = max(1, page)
    conditions = _where(filters)
    capped = select(AuditEvent.seq).where(*conditions).limit(MAX_ROWS).subquery()
    total = db.session.scalar(select(func.count()).select_from(capped)) or 0
    offset = (page - 1) * page_size
    if offset >= MAX_ROWS:
        return SearchPage([], {}, page, False, total)
    rows = db.session.scalars(
        select(AuditEvent).where(*conditions).order_by(AuditEvent.seq.desc()).offset(offset).limit(page_size + 1)
    ).all()
    has_next = len(rows) > page_size and offset + page_size < MAX_ROWS
    rows = rows[:page_size]
    return SearchPage(rows, _users(e.user_id for e in rows), page, has_next, total)


def audit_search_made(filters: SearchFilters, page: int, shown: int) -> None:
    """Searching is itself audited: which filters were used (their names, never the
    values typed: rule 10) and how many rows were shown."""
    audit.record(
        "audit.searched",
        object_type="audit",
        object_id="search",
        detail={"filters": sorted(k for k, v in vars(filters).items() if v), "page": page, "shown": shown},
    )
    db.session.commit()


def last_verification() -> AuditVerification | None:
    return db.session.scalars(
        select(AuditVerification)
        .where(AuditVerification.kind == "verify")
        .order_by(AuditVerification.id.desc())
        .limit(1)
    ).first()
