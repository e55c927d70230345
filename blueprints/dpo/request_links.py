"""Linking a rights request to the participant it is about (a search across every
organisation) and rectifying their record from it. Views of the ``requests`` blueprint."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.common import show_problems
from blueprints.dpo.requests import bp as bp  # re-exported: these views are the requests blueprint's
from blueprints.dpo.requests import request_form_page
from blueprints.dpo.requests_forms import LinkForm, NoDataForm, SearchForm
from blueprints.participants.forms import SECTION_FORMS
from portal import participant_fields, tenancy
from portal.access.participant_access import reads_participant_data
from portal.actions import Action
from portal.extensions import db
from portal.models import Participant
from portal.models.rights import RightsRequest
from portal.permissions import requires
from portal.rights import rights_requests, rights_workflows
from portal.validation import Problems


@bp.route("/requests/<int:request_id>/link", methods=["GET", "POST"])
@requires(Action.RIGHTS_REQUEST_MANAGE)
@reads_participant_data
def link(request_id):
    """Search participants of every organisation; link one, or record no data held."""
    found = tenancy.service_wide_get(RightsRequest, request_id)
    form = SearchForm(request.args, meta={"csrf": False})
    results = None
    if any(request.args.get(k) for k in ("name", "date_of_birth", "ni_number")):
        try:
            results = rights_workflows.search_participants(
                form.name.data, form.date_of_birth.data, form.ni_number.data, current_user.id, found
            )
        except Problems as problems:
            show_problems(form, problems)
    link_form, no_data_form = LinkForm(), NoDataForm()
    if request.method == "POST":
        try:
            if request.form.get("no_data"):
                if no_data_form.validate_on_submit():
                    rights_workflows.record_no_data(found, current_user.id)
                    flash("Recorded that no data is held about the requester", "success")
                    return redirect(url_for(".show", request_id=found.id))
            elif link_form.validate_on_submit():
                rights_workflows.link_participant(found, link_form.participant_id.data, current_user.id)
                flash("Request linked to the participant", "success")
                return redirect(url_for(".show", request_id=found.id))
        except Problems as problems:
            show_problems(form, problems)
        except rights_requests.RequestClosed:
            abort(404)
    return render_template(
        "rights/link.html",
        found=found,
        form=form,
        results=results,
        link_form=link_form,
        no_data_form=no_data_form,
        title="Link the request to a participant",
    )


@bp.route("/requests/<int:request_id>/rectify/<section>", methods=["GET", "POST"])
@requires(Action.RIGHTS_REQUEST_MANAGE)
@reads_participant_data
def rectify(request_id, section):
    found = tenancy.service_wide_get(RightsRequest, request_id)
    if section not in SECTION_FORMS or found.participant_id is None:
        abort(404)
    participant = db.session.get(Participant, found.participant_id)
    form = SECTION_FORMS[section](obj=participant if request.method == "GET" else None)
    if request.method == "GET":
        assert participant is not None  # the request's participant (its participant_id is a foreign key)
        if section == "preferences":
            form.safe_to_call_at_work.data = "yes" if participant.safe_to_call_at_work else "no"
        rights_workflows.audit_rectify_view(found, participant, section, current_user.id)
    if form.validate_on_submit():
        try:
            changed = rights_workflows.rectify(found, section, form.data, current_user.id)
        except Problems as problems:
            show_problems(form, problems)
        except rights_requests.RequestClosed:
            abort(404)
        else:
            flash(
                f"{participant_fields.SECTIONS[section][0]} corrected" if changed else "Nothing was changed", "success"
            )
            return redirect(url_for(".show", request_id=found.id))
    return request_form_page(found, form, request.path, f"Rectify: {participant_fields.SECTIONS[section][0]}")


# ----------------------------------------------------------------- complaints
