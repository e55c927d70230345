"""The initial assessment and the support plan.

The notice: "During your initial meeting you will be asked questions that allow your
VRC to assess the level of support you require." The assessment records that level,
the work obstacles and the goals agreed; the support plan lists actions with owners
and dates, each marked done or, past its date, overdue.
"""

from datetime import date

from sqlalchemy import select

from portal import audit, clock
from portal.access.participant_access import ensure_not_restricted
from portal.actions import Action
from portal.casework.participants import record_change
from portal.extensions import db
from portal.models import Assessment, Participant, SupportPlanAction
from portal.models.support_plan import SUPPORT_LEVELS
from portal.validation import Invalid, Problems, clean_text

ASSESSMENT_FIELDS = ("assessed_on", "support_level", "work_obstacles", "goals")


def assessment_of(participant: Participant) -> Assessment | None:
    return db.session.scalars(
        select(Assessment).where(Assessment.org_id == participant.org_id, Assessment.participant_id == participant.id)
    ).first()


def record_assessment(
    participant: Participant,
    assessed_on: date | None,
    support_level: str,
    work_obstacles: str,
    goals: str,
    user_id: int | None,
) -> Assessment:
    """Record the initial assessment, or update it (each changed field kept in the
    record's history as ``assessment.<field>``)."""
    ensure_not_restricted(participant, Action.ASSESSMENT_RECORD, "recording the assessment")
    problems = []
    if assessed_on is None:
        problems.append(Invalid("Enter the date of the assessment", field="assessed_on"))
    elif assessed_on > clock.today():
        problems.append(Invalid("The date of the assessment must be today or in the past", field="assessed_on"))
    elif assessed_on < clock.local(participant.referred_at).date():
        problems.append(
            Invalid("The date of the assessment must be on or after the referral date", field="assessed_on")
        )
    if support_level not in SUPPORT_LEVELS:
        problems.append(Invalid("Select the level of support needed", field="support_level"))
    values = {"assessed_on": assessed_on, "support_level": support_level}
    for field, label, value in (
        ("work_obstacles", "the work obstacles", work_obstacles),
        ("goals", "the goals agreed", goals),
    ):
        try:
            values[field] = clean_text(value, label, 5000, required=True)
        except Invalid as problem:
            problem.field = field
            problems.append(problem)
    if problems:
        raise Problems(problems)
    now = clock.now()
    assessment = assessment_of(participant)
    if assessment is None:
        assessment = Assessment(
            org_id=participant.org_id,
            participant_id=participant.id,
            assessed_by_id=user_id,
            created_at=now,
            updated_at=now,
            **values,
        )
        db.session.add(assessment)
        db.session.flush()
        action = "assessment.recorded"
        changed = list(ASSESSMENT_FIELDS)
    else:
        changed = []
        for field in ASSESSMENT_FIELDS:
            if getattr(assessment, field) != values[field]:
                record_change(participant, f"assessment.{field}", getattr(assessment, field), values[field], user_id)
                setattr(assessment, field, values[field])
                changed.append(field)
        assessment.updated_at = now
        action = "assessment.updated"
    if changed:
        audit.record(
            action,
            object_type="assessment",
            object_id=assessment.id,
            participant_id=participant.id,
            detail={"fields": changed},
            user_id=user_id,
        )
    db.session.commit()
    return assessment


def actions_of(participant: Participant) -> list[SupportPlanAction]:
    """The plan's actions: open ones by due date first, then those done."""
    return list(
        db.session.scalars(
            select(SupportPlanAction)
            .where(SupportPlanAction.org_id == participant.org_id, SupportPlanAction.participant_id == participant.id)
            .order_by(SupportPlanAction.done_on.is_not(None), SupportPlanAction.due_on, SupportPlanAction.id)
        )
    )


def add_action(
    participant: Participant, description: str, owner: str, due_on: date | None, user_id: int | None
) -> SupportPlanAction:
    """Add an action to the support plan: what, who owns it, by when."""
    ensure_not_restricted(participant, Action.SUPPORT_PLAN_EDIT, "changing the support plan")
    problems = []
    values = {}
    for field, label, value, length in (
        ("description", "the action", description, 500),
        ("owner", "who owns the action", owner, 200),
    ):
        try:
            values[field] = clean_text(value, label, length, required=True)
        except Invalid as problem:
            problem.field = field
            problems.append(problem)
    if due_on is None:
        problems.append(Invalid("Enter the date the action is due", field="due_on"))
    elif due_on < clock.local(participant.referred_at).date():
        problems.append(Invalid("The due date must be on or after the referral date", field="due_on"))
    if problems:
        raise Problems(problems)
    action = SupportPlanAction(
        org_id=participant.org_id,
        participant_id=participant.id,
        due_on=due_on,
        created_by_id=user_id,
        created_at=clock.now(),
        **values,
    )
    db.session.add(action)
    db.session.flush()
    audit.record(
        "support_plan.action_added",
        object_type="support_plan_action",
        object_id=action.id,
        participant_id=participant.id,
        user_id=user_id,
    )
    db.session.commit()
    return action


def mark_action_done(participant: Participant, action: SupportPlanAction, user_id: int | None) -> None:
    """Mark an action done today."""
    ensure_not_restricted(participant, Action.SUPPORT_PLAN_EDIT, "changing the support plan")
    if action.done_on is not None:
        raise Problems([Invalid("This action is already done", field="action")])
    action.done_on = clock.today()
    action.done_by_id = user_id
    audit.record(
        "support_plan.action_done",
        object_type="support_plan_action",
        object_id=action.id,
        participant_id=participant.id,
        user_id=user_id,
    )
    db.session.commit()
