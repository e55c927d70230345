"""Requests from authorities (HMRC, the police) for a participant's data (``/authority-
requests/``): logged by any member of staff, decided by the DPO."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user

from blueprints.common import show_problems
from blueprints.consent.forms import AuthorityRequestForm
from portal import clock
from portal.actions import Action
from portal.consent import authority_requests
from portal.extensions import db
from portal.models import AuthorityRequest
from portal.permissions import requires
from portal.validation import Problems

bp = Blueprint("authority_requests", __name__, url_prefix="/authority-requests")


@bp.route("/")
@requires(Action.AUTHORITY_REQUEST_LOG)
def index():
    return render_template(
        "consent/authority/index.html",
        requests=authority_requests.logged_by(current_user.id),
        title="Requests from authorities you logged",
    )


@bp.route("/new", methods=["GET", "POST"])
@requires(Action.AUTHORITY_REQUEST_LOG)
def new():
    form = AuthorityRequestForm()
    if not form.is_submitted():
        form.received_on.data = clock.today()
    if form.validate_on_submit():
        try:
            found = authority_requests.log_request(
                form.authority_type.data,
                form.requester.data,
                form.reason.data,
                form.legal_basis_cited.data,
                form.what_requested.data,
                form.subject_details.data,
                form.received_on.data,
                form.respond_by.data,
                current_user.id,
            )
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash(
                "Request logged: the Data Protection Officer has been told and will decide on it. Do not "
                "disclose anything yourself",
                "success",
            )
            return redirect(url_for(".show", request_id=found.id))
    return render_template("consent/authority/new.html", form=form, title="Log a request from an authority")


@bp.route("/<int:request_id>")
@requires(Action.AUTHORITY_REQUEST_LOG)
def show(request_id):
    """The status of a request, for the person who logged it only (the DPO works on
    it under /dpo/); it never says which participant it was matched to."""
    found = db.session.get(AuthorityRequest, request_id)
    if found is None or found.logged_by_id != current_user.id:
        abort(404)
    return render_template("consent/authority/show.html", found=found, title="Request from an authority")
