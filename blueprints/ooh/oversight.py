"""Oversight of the out-of-hours service: the log of searches, checks, grants,
refusals, views and actions, for the DPO (``/dpo/ooh-log``, every organisation) and
for team managers (``/<org>/ooh-log``, their organisation); and the VRC's "called
back" button for a callback note."""
from datetime import date

from flask import Blueprint, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.ooh.forms import LogFilterForm
from blueprints.participants.forms import options
from portal.actions import Action
from portal.models import Organisation
from portal.permissions import requires
from portal.access import ooh_access, ooh_log, participant_access
from portal.ooh import ooh_calls
from portal.access.ooh_log import LogFilters
from portal.tenancy import org_blueprint, refuse

dpo_bp = Blueprint("ooh_dpo", __name__, url_prefix="/dpo")
org_bp = org_blueprint("ooh_org", __name__)
org_bp.before_request(participant_access.gate_casework_lists)


def _int(value) -> int | None:
    """A positive id or page number from the query string, or None (a number too big
    to be a row id filters on nothing rather than failing)."""
    return ooh_access.valid_id(value)


def _log(only_org: Organisation | None, endpoint: str):
    form = LogFilterForm(formdata=request.args)
    form.worker.choices = options([("", "Every worker")] + [(w.id, w.name) for w in ooh_log.workers_in_log(
        only_org.id if only_org else None)])
    delivering = sorted((o for o in ooh_log.organisations() if o.delivers), key=lambda o: o.name)
    form.organisation.choices = options([("", "Every organisation")] + [(o.id, o.name) for o in delivering])
    if request.args:
        form.validate()
        if (request.args.get("participant") or "").strip() and _int(request.args.get("participant")) is None:
            form.participant.errors = list(form.participant.errors or []) + [
                "Enter the participant’s number, like 1042"]
        if (form.date_from.data and form.date_to.data and form.date_from.data > form.date_to.data):
            form.date_to.errors = list(form.date_to.errors or []) + ["The end date must be on or after the start date"]
    filters = LogFilters(
        date_from=_date(form.date_from.data, form.date_from.errors),
        date_to=_date(form.date_to.data, form.date_to.errors),
        worker_id=_int(request.args.get("worker")),
        org_id=None if only_org else _int(request.args.get("organisation")),
        participant_id=_int(request.args.get("participant")),
        page=_int(request.args.get("page")) or 1,
    )
    result = ooh_log.log_page(filters, only_org_id=only_org.id if only_org else None, viewer_id=current_user.id)
    query = {k: request.args.getlist(k) for k in request.args if k != "page"}
    return render_template("ooh/log.html", title="Out-of-hours log", form=form, result=result,
                           only_org=only_org, endpoint=endpoint, query=query)


def _date(value, errors) -> date | None:
    return None if errors else value


@dpo_bp.route("/ooh-log")
@requires(Action.OOH_LOG)
@participant_access.reads_participant_data
def dpo_log():
    return _log(None, "ooh_dpo.dpo_log")


@org_bp.route("/ooh-log")
@requires(Action.OOH_LOG_ORG)
def org_log():
    return _log(g.org, "ooh_org.org_log")


@org_bp.route("/callbacks/<int:callback_id>/done", methods=["POST"])
@requires(Action.OOH_CALLBACK_CLOSE)
def callback_done(callback_id):
    callback = ooh_calls.callback_for_closing(g.org, callback_id, current_user)
    if callback is None:
        refuse(404, object_type="ooh_callback", object_id=callback_id)
    if ooh_calls.close_callback(callback, current_user.id):
        flash("Callback marked as done", "success")
    if request.form.get("back") == "record":
        return redirect(url_for("participants.record", participant_id=callback.participant_id))
    if "vrc" in current_user.roles_in(g.org.id) and callback.vrc_id == current_user.id:
        return redirect(url_for("caseload.mine"))
    return redirect(url_for("caseload.team_caseload"))
