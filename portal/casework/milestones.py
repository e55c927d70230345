"""Milestones and outcomes, which feed the DWP contract report.

Support plan agreed, each month of support completed, job retained, moved to more
suitable work, programme completed, left early (reason from a fixed list). The two
that end the programme close the case through ``participants.close_case``, so the
status, closure date and milestone always agree.
"""

from datetime import date

from sqlalchemy import select

from portal import audit, clock
from portal.access.participant_access import ensure_not_restricted
from portal.actions import Action
from portal.casework import participants
from portal.extensions import db
from portal.models import Milestone, Participant
from portal.models.milestone import MAX_SUPPORT_MONTHS, MILESTONE_KINDS
from portal.validation import Invalid, Problems

CLOSING_KINDS = {"programme_completed": "completed", "left_early": "left_early"}


def milestones_of(participant: Participant) -> list[Milestone]:
    return list(
        db.session.scalars(
            select(Milestone)
            .where(Milestone.org_id == participant.org_id, Milestone.participant_id == participant.id)
            .order_by(Milestone.achieved_on, Milestone.id)
        )
    )


def record_milestone(
    participant: Participant,
    kind: str,
    achieved_on: date | None,
    month_number: str | int,
    left_early_reason: str,
    reason: str,
    user_id: int | None,
) -> None:
    """Record a milestone once (months of support once per month number)."""
    ensure_not_restricted(participant, Action.MILESTONE_RECORD, "recording a milestone")
    if kind in CLOSING_KINDS:
        try:
            participants.close_case(participant, CLOSING_KINDS[kind], achieved_on, reason, left_early_reason, user_id)
        except Problems as refused:
            for problem in refused.problems:
                problem.field = {"status": "kind", "closed_on": "achieved_on"}.get(problem.field or "", problem.field)
            raise
        return
    problems = []
    if kind not in MILESTONE_KINDS:
        problems.append(Invalid("Select the milestone", field="kind"))
    if achieved_on is None:
        problems.append(Invalid("Enter the date of the milestone", field="achieved_on"))
    elif achieved_on > clock.today():
        problems.append(Invalid("The date of the milestone must be today or in the past", field="achieved_on"))
    elif achieved_on < clock.local(participant.referred_at).date():
        problems.append(Invalid("The date of the milestone must be on or after the referral date", field="achieved_on"))
    month = 0
    if kind == "month_of_support":
        try:
            month = int(month_number)
        except (TypeError, ValueError):
            month = 0
        if not 1 <= month <= MAX_SUPPORT_MONTHS:
            problems.append(
                Invalid(
                    f"Enter which month of support was completed, from 1 to {MAX_SUPPORT_MONTHS}", field="month_number"
                )
            )
    if participant.closed:
        problems.append(Invalid("This case is closed: record milestones before closing it", field="kind"))
    if not problems:
        exists = db.session.scalars(
            select(Milestone.id).where(
                Milestone.org_id == participant.org_id,
                Milestone.participant_id == participant.id,
                Milestone.kind == kind,
                Milestone.month_number == month,
            )
        ).first()
        if exists:
            what = f"Month {month} of support" if month else MILESTONE_KINDS[kind]
            problems.append(Invalid(f"{what} is already recorded", field="kind"))
    if problems:
        raise Problems(problems)
    milestone = Milestone(
        org_id=participant.org_id,
        participant_id=participant.id,
        kind=kind,
        month_number=month,
        achieved_on=achieved_on,
        recorded_by_id=user_id,
        recorded_at=clock.now(),
    )
    db.session.add(milestone)
    db.session.flush()
    audit.record(
        "milestone.recorded",
        object_type="milestone",
        object_id=milestone.id,
        participant_id=participant.id,
        detail={"kind": kind, "month_number": month},
        user_id=user_id,
    )
    db.session.commit()
