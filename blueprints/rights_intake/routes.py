"""Logging a data protection rights request (``/rights-requests/new``): any member of staff but DWP's."""

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user

from blueprints.common import show_problems
from blueprints.dpo.requests_forms import IntakeForm
from portal import clock, tenancy
from portal.actions import Action
from portal.models.rights import RightsRequest
from portal.permissions import requires
from portal.rights import rights_requests
from portal.validation import Problems

bp = Blueprint("rights_intake", __name__, url_prefix="/rights-requests")


@bp.route("/new", methods=["GET", "POST"])
@requires(Action.RIGHTS_REQUEST_LOG)
def new():
    form = IntakeForm()
    if not form.is_submitted():
        form.received_on.data = clock.today()
    if form.validate_on_submit():
        try:
            found = rights_requests.log_request(
                requester_name=form.requester_name.data,
                requester_contact=form.requester_contact.data,
                what_requested=form.what_requested.data,
                rights=form.rights.data,
                received_on=form.received_on.data,
                channel=form.channel.data,
                on_behalf=form.on_behalf.data,
                on_behalf_of=form.on_behalf_of.data,
                identity_needed=form.identity_needed.data,
                identity_asked_for=form.identity_asked_for.data,
                user_id=current_user.id,
            )
        except Problems as problems:
            show_problems(form, problems)
        else:
            if "dpo" in current_user.all_roles():
                return redirect(url_for("dpo.requests.show", request_id=found.id))
            return redirect(url_for(".logged", request_id=found.id))
    return render_template("rights/intake.html", form=form, title="Log a data protection rights request")


@bp.route("/<int:request_id>/logged")
@requires(Action.RIGHTS_REQUEST_LOG)
def logged(request_id):
    """The confirmation for whoever logged it: the reference, nothing else."""
    found = tenancy.service_wide_get(RightsRequest, request_id)
    if found.logged_by_id != current_user.id:
        abort(404)
    return render_template("rights/logged.html", found=found, title="Request logged")


# ----------------------------------------------------------------- DPO home and dashboard
