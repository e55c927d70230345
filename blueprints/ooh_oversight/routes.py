"""Oversight of the out-of-hours service in an organisation: the team manager's log
(``/<org>/ooh-log``) and the VRC's "called back" button for a callback note;
``show_log`` also draws the DPO's log (``blueprints.dpo.ooh``)."""

from datetime import date

from flask import flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.common import options
from blueprints.ooh.forms import LogFilterForm
from portal.access import ooh_access, ooh_log, participant_access
from portal.access.ooh_log import LogFilters
from portal.actions import Action
from portal.models import Organisation
from portal.ooh import callbacks
from portal.permissions import requires
from portal.tenancy import org_blueprint, refuse

bp = org_blueprint("ooh_oversight", __name__)
bp.before_request(participant_access.gate_casework_lists)


def int_arg(value) -> int | None:
    """A positive id or page number from the query string, or None (a number too big
    to be a row id filters on nothing rather than failing)."""
    return ooh_access.valid_id(value)


def show_log(only_org: Organisation | None, endpoint: str):
    form = LogFilterForm(formdata=request.args)
    form.worker.choices = options(
        [("", "Every worker")] + [(w.id, w.name) for w in ooh_log.workers_in_log(only_org.id if only_org else None)]
    )
    delivering = sorted((o for o in ooh_log.organisations() if o.delivers), key=lambda o: o.name)
    form.organisation.choices = options([("", "Every organisation")] + [(o.id, o.name) for o in delivering])
    if request.args:
        form.validate()
        if (request.args.get("participant") or "").strip() and int_arg(request.args.get("participant")) is None:
            form.participant.errors = list(form.participant.errors or []) + [
                "Enter the participant’s number, like 1042"
            ]
        if form.date_from.data and form.date_to.data and form.date_from.data > form.date_to.data:
            form.date_to.errors = list(form.date_to.errors or []) + ["The end date must be on or after the start date"]
    filters = LogFilters(
        date_from=date_arg(form.date_from.data, form.date_from.errors),
        date_to=date_arg(form.date_to.data, form.date_to.errors),
        worker_id=int_arg(request.args.get("worker")),
        org_id=None if only_org else int_arg(request.args.get("organisation")),
        participant_id=int_arg(request.args.get("participant")),
        page=int_arg(request.args.get("page")) or 1,
    )
    result = ooh_log.log_page(filters, only_org_id=only_org.id if only_org else None, viewer_id=current_user.id)
    query = {k: request.args.getlist(k) for k in request.args if k != "page"}
    return render_template(
        "ooh/log.html",
        title="Out-of-hours log",
        form=form,
        result=result,
        only_org=only_org,
        endpoint=endpoint,
        query=query,
    )


def date_arg(value, errors) -> date | None:
    return None if errors else value


@bp.route("/ooh-log")
@requires(Action.OOH_LOG_ORG)
def org_log():
    return show_log(g.org, "ooh_oversight.org_log")


@bp.route("/callbacks/<int:callback_id>/done", methods=["POST"])
@requires(Action.OOH_CALLBACK_CLOSE)
def callback_done(callback_id):
    callback = callbacks.callback_for_closing(g.org, callback_id, current_user)
    if callback is None:
        refuse(404, object_type="ooh_callback", object_id=callback_id)
    if callbacks.close_callback(callback, current_user.id):
        flash("Callback marked as done", "success")
    if request.form.get("back") == "record":
        return redirect(url_for("participants.record", participant_id=callback.participant_id))
    if "vrc" in current_user.roles_in(g.org.id) and callback.vrc_id == current_user.id:
        return redirect(url_for("caseload.mine"))
    return redirect(url_for("caseload.team_caseload"))
