"""Assessment, support plan actions and milestones."""

from flask import flash, redirect, url_for
from flask_login import current_user

from blueprints.common import show_problems
from blueprints.participants.common import bp, render_participant
from blueprints.participants.forms import ActionForm, AssessmentForm, ConfirmForm, MilestoneForm
from portal import clock
from portal.access.participant_access import FULL, get_child, get_participant
from portal.actions import Action
from portal.casework import milestones, support_plans
from portal.models import SupportPlanAction
from portal.permissions import requires
from portal.validation import Problems


@bp.route("/<int:participant_id>/plan")
@requires(Action.PARTICIPANT_VIEW)
def plan(participant_id):
    participant = get_participant(participant_id, FULL)
    return render_participant(
        "participants/plan.html",
        participant,
        "plan",
        assessment=support_plans.assessment_of(participant),
        actions=support_plans.actions_of(participant),
        milestones=milestones.milestones_of(participant),
        today=clock.today(),
        done_form=ConfirmForm(),
    )


@bp.route("/<int:participant_id>/assessment", methods=["GET", "POST"])
@requires(Action.SUPPORT_PLAN_MANAGE)
def assessment(participant_id):
    participant = get_participant(participant_id, FULL)
    existing = support_plans.assessment_of(participant)
    form = AssessmentForm(obj=existing)
    if not form.is_submitted() and existing is None:
        form.assessed_on.data = clock.today()
    if form.validate_on_submit():
        try:
            support_plans.record_assessment(
                participant,
                form.assessed_on.data,
                form.support_level.data,
                form.work_obstacles.data or "",
                form.goals.data or "",
                current_user.id,
            )
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash("Assessment saved", "success")
            return redirect(url_for(".plan", participant_id=participant.id))
    return render_participant(
        "participants/assessment.html",
        participant,
        "assessment",
        form=form,
        title="Update the assessment" if existing else "Record the initial assessment",
    )


@bp.route("/<int:participant_id>/plan/actions/new", methods=["GET", "POST"])
@requires(Action.SUPPORT_PLAN_MANAGE)
def new_action(participant_id):
    participant = get_participant(participant_id, FULL)
    form = ActionForm()
    if form.validate_on_submit():
        try:
            support_plans.add_action(
                participant, form.description.data or "", form.owner.data or "", form.due_on.data, current_user.id
            )
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash("Action added to the support plan", "success")
            return redirect(url_for(".plan", participant_id=participant.id))
    return render_participant(
        "participants/simple_form.html",
        participant,
        "plan.new_action",
        form=form,
        title="Add an action to the support plan",
    )


@bp.route("/<int:participant_id>/plan/actions/<int:action_id>/done", methods=["POST"])
@requires(Action.SUPPORT_PLAN_MANAGE)
def action_done(participant_id, action_id):
    participant = get_participant(participant_id, FULL)
    action = get_child(SupportPlanAction, action_id, participant)
    if ConfirmForm().validate_on_submit():
        try:
            support_plans.mark_action_done(participant, action, current_user.id)
        except Problems as problems:
            flash(problems.problems[0].message)
        else:
            flash("Action marked done", "success")
    return redirect(url_for(".plan", participant_id=participant.id))


@bp.route("/<int:participant_id>/milestones/new", methods=["GET", "POST"])
@requires(Action.MILESTONE_RECORD)
def new_milestone(participant_id):
    participant = get_participant(participant_id, FULL)
    form = MilestoneForm()
    if not form.is_submitted():
        form.achieved_on.data = clock.today()
    if form.validate_on_submit():
        try:
            milestones.record_milestone(
                participant,
                form.kind.data,
                form.achieved_on.data,
                form.month_number.data,
                form.left_early_reason.data,
                form.reason.data or "",
                current_user.id,
            )
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash("Milestone recorded", "success")
            return redirect(url_for(".plan", participant_id=participant.id))
    return render_participant(
        "participants/milestone_form.html", participant, "milestones.new", form=form, title="Record a milestone"
    )
