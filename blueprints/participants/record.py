"""The record itself: overview, edits by section, history, allocation, closure."""

from flask import abort, flash, redirect, request, url_for
from flask_login import current_user

from blueprints.common import options, show_problems
from blueprints.participants.common import bp, render_participant
from blueprints.participants.forms import SECTION_FORMS, AllocateForm, CloseForm, PassOnForm
from portal.access import participant_access
from portal.access.participant_access import FULL, LIMITED, get_participant
from portal.actions import Action
from portal.casework import allocation, participants, record_view
from portal.participant_fields import HEALTH_SECTIONS, SECTIONS
from portal.permissions import requires
from portal.validation import Problems


@bp.route("/<int:participant_id>")
@requires(Action.PARTICIPANT_VIEW)
def record(participant_id):
    participant = get_participant(participant_id, LIMITED)
    if participant_access.current_level() == LIMITED:
        return render_participant(
            "participants/limited.html", participant, "record.limited", **record_view.limited(participant)
        )
    return render_participant(
        "participants/record.html",
        participant,
        "record",
        shows=("health",),
        **record_view.overview(participant, current_user),
    )


@bp.route("/<int:participant_id>/edit/<section>", methods=["GET", "POST"])
@requires(Action.PARTICIPANT_EDIT)
def edit(participant_id, section):
    participant = get_participant(participant_id, FULL)
    if section not in SECTION_FORMS:
        abort(404)
    form = SECTION_FORMS[section](obj=participant if request.method == "GET" else None)
    if request.method == "GET" and section == "preferences":
        form.safe_to_call_at_work.data = "yes" if participant.safe_to_call_at_work else "no"
    if form.validate_on_submit():
        try:
            changed = participants.update_section(participant, section, form.data, current_user.id)
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash(f"{SECTIONS[section][0]} saved" if changed else "Nothing was changed", "success")
            return redirect(url_for(".record", participant_id=participant.id))
    title = SECTIONS[section][0]
    return render_participant(
        "participants/edit.html",
        participant,
        f"edit.{section}",
        shows=("health",) if section in HEALTH_SECTIONS else (),
        form=form,
        section=section,
        title=title,
    )


@bp.route("/<int:participant_id>/history")
@requires(Action.PARTICIPANT_VIEW)
def history(participant_id):
    participant = get_participant(participant_id, FULL)
    return render_participant(
        "participants/history.html", participant, "history", shows=("health",), **record_view.history(participant)
    )


@bp.route("/<int:participant_id>/allocate", methods=["GET", "POST"])
@requires(Action.PARTICIPANT_ALLOCATE)
def allocate(participant_id):
    participant = get_participant(participant_id, FULL)
    form = AllocateForm()
    vrcs = allocation.vrcs_of(participant.org_id)
    form.vrc.choices = options((v.id, v.name) for v in vrcs if v.id != participant.assigned_vrc_id)
    if form.validate_on_submit():
        try:
            vrc = allocation.allocate(participant, form.vrc.data, form.reason.data or "", current_user.id)
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash(f"Allocated to {vrc.name}, who has been notified", "success")
            return redirect(url_for(".record", participant_id=participant.id))
    return render_participant(
        "participants/allocate.html",
        participant,
        "allocate",
        form=form,
        title="Reallocate participant" if participant.assigned_vrc_id else "Allocate participant",
    )


@bp.route("/<int:participant_id>/pass-on", methods=["GET", "POST"])
@requires(Action.PARTICIPANT_ALLOCATE)
def pass_on(participant_id):
    """The lead partner's team manager passes an unallocated referral to a partner."""
    participant = get_participant(participant_id, FULL)
    if not allocation.may_pass_on(participant):
        abort(404)
    form = PassOnForm()
    form.organisation.choices = options((o.id, o.name) for o in allocation.partners_to_pass_to(participant))
    if form.validate_on_submit():
        try:
            target = allocation.pass_to_partner(
                participant, form.organisation.data, form.reason.data or "", current_user.id
            )
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash(f"Referral {participant.id} passed to {target.name}, whose team managers have been told", "success")
            return redirect(url_for("caseload.unallocated"))
    return render_participant(
        "participants/pass_on.html", participant, "pass_on", form=form, title="Pass the referral to another partner"
    )


@bp.route("/<int:participant_id>/close", methods=["GET", "POST"])
@requires(Action.PARTICIPANT_CLOSE)
def close(participant_id):
    participant = get_participant(participant_id, FULL)
    form = CloseForm()
    if form.validate_on_submit():
        try:
            participants.close_case(
                participant,
                form.status.data,
                form.closed_on.data,
                form.reason.data,
                form.left_early_reason.data,
                current_user.id,
            )
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash("The case is closed", "success")
            return redirect(url_for(".record", participant_id=participant.id))
    return render_participant("participants/close.html", participant, "close", form=form, title="Close the case")
