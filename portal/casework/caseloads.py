"""Caseload lists: a VRC's own, the organisation's, the unallocated queue.

Each page is one query for its rows (next appointment, last contact and overdue
actions come from correlated subqueries, the VRC's name from a join) and one for the
count, so it costs the same at 5 rows as at 50; each page writes one audit event
listing the participant ids shown. Search terms are never recorded (rule 10).
"""

import math
import re
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, case, func, or_, select

from portal import clock
from portal.access.participant_access import audit_list
from portal.extensions import db
from portal.models import Appointment, CaseNote, Organisation, Participant, SupportPlanAction, User
from portal.models.participant import CLOSED_STATUSES, STATUS_LABELS

PAGE_SIZE = 50
# Status filters offered on the caseload pages: "open" (referred or active) by default.
STATUS_FILTERS = {"open": "Open cases", **STATUS_LABELS, "all": "All cases"}


@dataclass
class CaseloadRow:
    id: int
    name: str
    atw_reference: str
    status: str
    restricted: bool
    assigned_vrc_id: int | None
    vrc_name: str | None
    referred_at: datetime
    allocated_at: datetime | None
    new: bool
    next_appointment_at: datetime | None
    last_contact_on: date | None
    overdue_actions: int

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class CaseloadPage:
    rows: list[CaseloadRow]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def _search_condition(term: str) -> ColumnElement[bool]:
    """Name words, an NI number or an AtW reference (prefixes match)."""
    compact = "".join(term.split()).upper()
    words = [w.lower() for w in re.split(r"\s+", term.strip()) if w]
    name = and_(
        *[
            or_(
                func.lower(Participant.first_name).contains(w, autoescape=True),
                func.lower(Participant.last_name).contains(w, autoescape=True),
            )
            for w in words
        ]
    )
    return or_(
        name,
        Participant.ni_number.startswith(compact, autoescape=True),
        Participant.atw_reference.startswith(compact, autoescape=True),
    )


def caseload(
    org: Organisation,
    *,
    vrc_id: int | None = None,
    unallocated: bool = False,
    search: str = "",
    status: str = "open",
    page: int = 1,
    per_page: int | None = None,
    view: str = "caseload",
    also_shown: tuple[int, ...] | list[int] = (),
) -> CaseloadPage:
    """One page of the organisation's participants, filtered; audited as one event,
    which also names ``also_shown`` (participants the page shows beside the list, such
    as out-of-hours callbacks).

    New allocations (allocated, no first contact yet) come first, newest first; then
    the rest by name.
    """
    now, today = clock.now(), clock.today()
    per_page = per_page or PAGE_SIZE
    conditions = [Participant.org_id == org.id]
    if vrc_id is not None:
        conditions.append(Participant.assigned_vrc_id == vrc_id)
    if unallocated:
        conditions.append(Participant.assigned_vrc_id.is_(None))
    if status == "open" or status not in STATUS_FILTERS:
        conditions.append(Participant.status.not_in(CLOSED_STATUSES))
    elif status != "all":
        conditions.append(Participant.status == status)
    if search.strip():
        conditions.append(_search_condition(search))

    next_appointment = (
        select(func.min(Appointment.starts_at))
        .where(
            Appointment.org_id == org.id,
            Appointment.participant_id == Participant.id,
            Appointment.status == "scheduled",
            Appointment.starts_at >= now,
        )
        .correlate(Participant)
        .scalar_subquery()
    )
    last_note = (
        select(func.max(CaseNote.contact_date))
        .where(CaseNote.org_id == org.id, CaseNote.participant_id == Participant.id)
        .correlate(Participant)
        .scalar_subquery()
    )
    last_attended = (
        select(func.max(Appointment.starts_at))
        .where(
            Appointment.org_id == org.id, Appointment.participant_id == Participant.id, Appointment.status == "attended"
        )
        .correlate(Participant)
        .scalar_subquery()
    )
    overdue = (
        select(func.count(SupportPlanAction.id))
        .where(
            SupportPlanAction.org_id == org.id,
            SupportPlanAction.participant_id == Participant.id,
            SupportPlanAction.done_on.is_(None),
            SupportPlanAction.due_on < today,
        )
        .correlate(Participant)
        .scalar_subquery()
    )
    is_new = and_(
        Participant.allocated_at.is_not(None), Participant.first_contact_at.is_(None), Participant.status == "referred"
    )
    total = db.session.scalar(select(func.count(Participant.id)).where(*conditions))
    assert total is not None  # a count always has its one row
    page = max(1, min(page, max(1, math.ceil(total / per_page))))
    result = db.session.execute(
        select(
            Participant.id,
            Participant.first_name,
            Participant.last_name,
            Participant.atw_reference,
            Participant.status,
            Participant.restricted,
            Participant.assigned_vrc_id,
            User.name.label("vrc_name"),
            Participant.referred_at,
            Participant.allocated_at,
            case((is_new, 1), else_=0).label("is_new"),
            next_appointment.label("next_appointment_at"),
            last_note.label("last_note_on"),
            last_attended.label("last_attended_at"),
            overdue.label("overdue_actions"),
        )
        .outerjoin(User, User.id == Participant.assigned_vrc_id)
        .where(*conditions)
        .order_by(
            case((is_new, 0), else_=1),
            case((is_new, Participant.allocated_at), else_=None).desc(),
            Participant.last_name,
            Participant.first_name,
            Participant.id,
        )
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    rows = []
    for r in result:
        contacts = [
            d for d in (r.last_note_on, clock.local(r.last_attended_at).date() if r.last_attended_at else None) if d
        ]
        rows.append(
            CaseloadRow(
                id=r.id,
                name=f"{r.first_name} {r.last_name}",
                atw_reference=r.atw_reference,
                status=r.status,
                restricted=r.restricted,
                assigned_vrc_id=r.assigned_vrc_id,
                vrc_name=r.vrc_name,
                referred_at=r.referred_at,
                allocated_at=r.allocated_at,
                new=bool(r.is_new),
                next_appointment_at=_aware(r.next_appointment_at),
                last_contact_on=max(contacts) if contacts else None,
                overdue_actions=r.overdue_actions or 0,
            )
        )
    audit_list(view, list(dict.fromkeys([*(row.id for row in rows), *also_shown])))
    return CaseloadPage(rows, total, page, per_page)


def _aware(value: datetime | str | None) -> datetime | None:
    """Aggregates bypass the column type: SQLite hands back a naive UTC time or a string."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return clock.as_utc(value)
