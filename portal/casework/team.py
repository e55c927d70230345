"""Team figures for a team manager: each VRC's load and the month's times to contact.

Counts only, no participant data: time from referral to allocation and to first
contact (DESIGN.md, Words: the first attended appointment or logged phone/email
contact after allocation), over the participants first contacted this month.
"""

import statistics
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from sqlalchemy import func, select

from portal import clock
from portal.casework.allocation import vrcs_of
from portal.extensions import db
from portal.models import Organisation, Participant, SupportPlanAction
from portal.models.participant import CLOSED_STATUSES


@dataclass
class VrcLoad:
    vrc_id: int
    name: str
    open_cases: int
    awaiting_first_contact: int
    overdue_actions: int


@dataclass
class ContactTimes:
    month_label: str
    first_contacts: int
    median_days_to_first_contact: float | None
    average_days_to_first_contact: float | None
    median_days_to_allocation: float | None


def vrc_loads(org: Organisation) -> list[VrcLoad]:
    """Every active VRC of the organisation with their open cases (three queries in all)."""
    vrcs = vrcs_of(org.id)
    open_counts = dict(
        db.session.execute(
            select(Participant.assigned_vrc_id, func.count(Participant.id))
            .where(Participant.org_id == org.id, Participant.status.not_in(CLOSED_STATUSES))
            .group_by(Participant.assigned_vrc_id)
        ).all()
    )
    waiting = dict(
        db.session.execute(
            select(Participant.assigned_vrc_id, func.count(Participant.id))
            .where(
                Participant.org_id == org.id,
                Participant.status.not_in(CLOSED_STATUSES),
                Participant.first_contact_at.is_(None),
            )
            .group_by(Participant.assigned_vrc_id)
        ).all()
    )
    overdue = dict(
        db.session.execute(
            select(Participant.assigned_vrc_id, func.count(SupportPlanAction.id))
            .join(SupportPlanAction, SupportPlanAction.participant_id == Participant.id)
            .where(
                Participant.org_id == org.id,
                SupportPlanAction.org_id == org.id,
                Participant.status.not_in(CLOSED_STATUSES),
                SupportPlanAction.done_on.is_(None),
                SupportPlanAction.due_on < clock.today(),
            )
            .group_by(Participant.assigned_vrc_id)
        ).all()
    )
    return [VrcLoad(v.id, v.name, open_counts.get(v.id, 0), waiting.get(v.id, 0), overdue.get(v.id, 0)) for v in vrcs]


def unallocated_count(org: Organisation) -> int:
    count = db.session.scalar(
        select(func.count(Participant.id)).where(
            Participant.org_id == org.id,
            Participant.assigned_vrc_id.is_(None),
            Participant.status.not_in(CLOSED_STATUSES),
        )
    )
    assert count is not None  # a count always has its one row
    return count


def month_start(today: date) -> datetime:
    """Midnight on the first of this month in Europe/London, as a UTC time."""
    return datetime.combine(today.replace(day=1), time(0), tzinfo=clock.LONDON).astimezone(UTC)


def contact_times(org: Organisation, today: date | None = None) -> ContactTimes:
    """Days from referral to first contact (and to allocation) for the participants
    first contacted since the start of this month (Europe/London)."""
    today = today or clock.today()
    start = month_start(today)
    rows = db.session.execute(
        select(Participant.referred_at, Participant.allocated_at, Participant.first_contact_at).where(
            Participant.org_id == org.id, Participant.first_contact_at >= start
        )
    ).all()
    to_contact = [(r.first_contact_at - r.referred_at).total_seconds() / 86400 for r in rows]
    to_allocation = [(r.allocated_at - r.referred_at).total_seconds() / 86400 for r in rows if r.allocated_at]

    def _round(value: float | None) -> float | None:
        return None if value is None else round(value, 1)

    return ContactTimes(
        month_label=f"{today:%B %Y}",
        first_contacts=len(rows),
        median_days_to_first_contact=_round(statistics.median(to_contact)) if to_contact else None,
        average_days_to_first_contact=_round(statistics.fmean(to_contact)) if to_contact else None,
        median_days_to_allocation=_round(statistics.median(to_allocation)) if to_allocation else None,
    )
