"""The DPO's home (``/dpo/``), the rights requests dashboard, each request's workflows, and complaints."""

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_login import current_user

from blueprints.common import submit_form
from blueprints.dpo.requests_forms import (
    AnswerForm,
    CloseForm,
    DwpForm,
    ExtendForm,
    IdentityForm,
    LiftForm,
    NoticeForm,
    ObjectionForm,
    PortabilityForm,
    RestrictForm,
    SentForm,
    StopForm,
)
from portal import clock, deadlines, tenancy
from portal.access.participant_access import ParticipantRestricted, reads_participant_data, training_current
from portal.accounts import home as home_links
from portal.actions import Action
from portal.consent import objections, privacy_notices
from portal.extensions import db
from portal.models import Participant
from portal.models.rights import PortabilityExport, RightsRequest
from portal.permissions import ACTIONS, requires
from portal.rights import (
    clock_changes,
    request_lists,
    rights_clock,
    rights_figures,
    rights_identity,
    rights_requests,
    rights_workflows,
)
from portal.rights import portability as portability_exports
from portal.rights.rights_workflows import NotLinked

bp = Blueprint("requests", __name__)

# Parts of a request done on the access/erasure pages (built by that area).
OTHER_WORKFLOWS = (
    ("access", "dpo.rights.access_package", "Build the access package"),
    ("erasure", "dpo.rights.erasure", "Plan and confirm erasure"),
    (None, "dpo.rights.participant_record", "Read the participant’s full record"),
)


@bp.app_template_global()
def open_rights_requests(participant_id) -> int:
    """How many open rights requests a participant has (existence only, for the
    record page of the assigned VRC and team managers)."""
    return request_lists.open_count_for(participant_id)


# ----------------------------------------------------------------- intake


@bp.route("/")
@requires(Action.RIGHTS_REQUEST_MANAGE)
def home():
    today = clock.today()
    rows = request_lists.open_requests()
    states = [rights_clock.state_of(r, today) for r in rows]
    counts = {s: states.count(s) for s in (deadlines.OVERDUE, deadlines.DUE_SOON, deadlines.ON_TRACK)}
    # Every page of the portal's home list that only the DPO may use (others' areas
    # add theirs there), so this home links notices, overrides, authority requests...
    links = [
        (endpoint, text, hint)
        for action, text, endpoint, hint in home_links.GLOBAL_LINKS
        if ACTIONS.get(action) == frozenset({"dpo"}) and endpoint in current_app.view_functions
    ]
    return render_template(
        "rights/home.html",
        counts=counts,
        open_count=len(rows),
        stopped=sum(1 for r in rows if r.clock_stopped),
        links=links,
        figures=rights_figures.monthly(today),
        title="Data Protection Officer",
    )


@bp.route("/requests")
@requires(Action.RIGHTS_REQUEST_MANAGE)
def requests():
    today = clock.today()
    rows = request_lists.open_requests()
    items = [
        (
            r,
            rights_clock.clock_of(r, today),
            rights_clock.state_of(r, today),
            rights_clock.extension_notice_overdue(r, today),
        )
        for r in rows
    ]
    request_lists.audit_list(rows, current_user.id)
    return render_template(
        "rights/requests.html", items=items, closed=request_lists.closed_requests(), title="Rights requests"
    )


def request_page(found, template="rights/request.html", **context):
    today = clock.today()
    participant = db.session.get(Participant, found.participant_id) if found.participant_id else None
    others = [
        (right, endpoint, text)
        for right, endpoint, text in OTHER_WORKFLOWS
        if (right is None or right in found.right_codes) and endpoint in current_app.view_functions
    ]
    # Rule 9: with training out of date the request's own page still answers (its clock
    # must keep running), but says no more of the linked record than that it is linked.
    withheld = participant is not None and not training_current(current_user)
    return render_template(
        template,
        found=found,
        participant=participant,
        participant_withheld=withheld,
        clock_now=rights_clock.clock_of(found, today),
        state=rights_clock.state_of(found, today),
        notice_overdue=rights_clock.extension_notice_overdue(found, today),
        others=others,
        objections=objections.objections_of(participant.id) if participant else [],
        restrictions=rights_workflows.restriction_notices(found),
        exports=portability_exports.exports_of(found),
        title=context.pop("title", f"Rights request {found.reference}"),
        **context,
    )


@bp.route("/requests/<int:request_id>")
@requires(Action.RIGHTS_REQUEST_MANAGE)
def show(request_id):
    found = tenancy.service_wide_get(RightsRequest, request_id)
    request_lists.audit_view(found, current_user.id)
    return request_page(found)


def request_form_page(found, form, action, title, **extra):
    return render_template("rights/form.html", found=found, form=form, action=action, title=title, **extra)


# A refusal by the service, shown on the form's button.
REFUSALS = (
    (rights_identity.IdentityNotVerified, lambda refused: refused.message),
    (rights_requests.RequestClosed, lambda _: "The request is closed"),
    (NotLinked, lambda _: "Link the request to a participant first"),
    (ParticipantRestricted, lambda _: "The record is restricted: lift the restriction first"),
)


def handle_request_form(request_id, form_class, call, title, done, prepare=None, discloses=False):
    """GET shows the form; POST calls the service and returns to the request.
    ``discloses``: the form can disclose to the requester, so its page says when the
    identity step stands in the way (the service refuses it anyway)."""
    found = tenancy.service_wide_get(RightsRequest, request_id)
    form = form_class()
    if prepare:
        prepare(form, found)
    done_page = submit_form(
        form, lambda: call(found, form), done, url_for(".show", request_id=found.id), refusals=REFUSALS
    )
    if done_page is not None:
        return done_page
    return request_form_page(found, form, request.path, title, identity_gate=discloses)


@bp.route("/requests/<int:request_id>/identity", methods=["GET", "POST"])
@requires(Action.RIGHTS_REQUEST_MANAGE)
def identity(request_id):
    return handle_request_form(
        request_id,
        IdentityForm,
        lambda r, f: rights_requests.record_identity(
            r,
            f.decision.data,
            f.received_on.data,
            f.method.data,
            f.reason.data,
            current_user.id,
            response_sent_on=f.response_sent_on.data,
            response_method=f.response_method.data,
        ),
        "Identity or authority of the requester",
        "Identity step recorded",
    )


@bp.route("/requests/<int:request_id>/clarify", methods=["GET", "POST"])
@requires(Action.RIGHTS_REQUEST_MANAGE)
def clarify(request_id):
    return handle_request_form(
        request_id,
        StopForm,
        lambda r, f: clock_changes.stop_clock(r, f.asked_on.data, f.question.data, current_user.id),
        "Ask what the request covers",
        "Clock stopped until the answer arrives",
    )


@bp.route("/requests/<int:request_id>/answer", methods=["GET", "POST"])
@requires(Action.RIGHTS_REQUEST_MANAGE)
def answer(request_id):
    return handle_request_form(
        request_id,
        AnswerForm,
        lambda r, f: clock_changes.restart_clock(r, f.answered_on.data, f.note.data, current_user.id),
        "The answer arrived",
        "Clock restarted",
    )


@bp.route("/requests/<int:request_id>/extend", methods=["GET", "POST"])
@requires(Action.RIGHTS_REQUEST_MANAGE)
def extend(request_id):
    return handle_request_form(
        request_id,
        ExtendForm,
        lambda r, f: clock_changes.extend(r, f.reason.data, f.detail.data, current_user.id),
        "Extend the deadline",
        "Extended: tell the person before the one-month date",
    )


@bp.route("/requests/<int:request_id>/extension-notice", methods=["GET", "POST"])
@requires(Action.RIGHTS_REQUEST_MANAGE)
def extension_notice(request_id):
    return handle_request_form(
        request_id,
        SentForm,
        lambda r, f: clock_changes.record_extension_notice(r, f.sent_on.data, f.method.data, current_user.id),
        "The person was told of the extension",
        "Extension notice recorded",
    )


@bp.route("/requests/<int:request_id>/dwp", methods=["GET", "POST"])
@requires(Action.RIGHTS_REQUEST_MANAGE)
def dwp(request_id):
    return handle_request_form(
        request_id,
        DwpForm,
        lambda r, f: clock_changes.record_dwp_informed(r, f.informed_on.data, f.note.data, current_user.id),
        "DWP informed or consulted",
        "Recorded",
    )


def _notice_choices(form, found):
    form.notice_id.choices = [("", "Select a version")] + [
        (str(n.id), f"Version {n.version}") for n in privacy_notices.published_notices()
    ]
    if not form.is_submitted():
        current = privacy_notices.current_notice()
        form.notice_id.data = str(current.id) if current else ""


@bp.route("/requests/<int:request_id>/notice", methods=["GET", "POST"])
@requires(Action.RIGHTS_REQUEST_MANAGE)
def notice(request_id):
    return handle_request_form(
        request_id,
        NoticeForm,
        lambda r, f: rights_workflows.record_notice_sent(
            r, f.notice_id.data, f.sent_on.data, f.method.data, current_user.id
        ),
        "Send the privacy notice",
        "Privacy notice recorded as sent",
        prepare=_notice_choices,
    )


@bp.route("/requests/<int:request_id>/restrict", methods=["GET", "POST"])
@requires(Action.RIGHTS_REQUEST_MANAGE)
def restrict(request_id):
    return handle_request_form(
        request_id,
        RestrictForm,
        lambda r, f: rights_workflows.set_restriction(r, f.reason.data, current_user.id),
        "Restrict the record",
        "The record is restricted",
    )


@bp.route("/requests/<int:request_id>/lift-restriction", methods=["GET", "POST"])
@requires(Action.RIGHTS_REQUEST_MANAGE)
def lift_restriction(request_id):
    return handle_request_form(
        request_id,
        LiftForm,
        lambda r, f: rights_workflows.lift_restriction(
            r, f.reason.data, f.told_on.data, f.told_method.data, current_user.id
        ),
        "Lift the restriction",
        "The restriction is lifted",
    )


@bp.route("/requests/<int:request_id>/objection", methods=["GET", "POST"])
@requires(Action.RIGHTS_REQUEST_MANAGE)
def objection(request_id):
    return handle_request_form(
        request_id,
        ObjectionForm,
        lambda r, f: rights_workflows.record_objection(r, f.scopes.data, current_user.id),
        "Record an objection",
        "Objection recorded",
    )


@bp.route("/requests/<int:request_id>/portability", methods=["GET", "POST"])
@requires(Action.RIGHTS_REQUEST_MANAGE)
@reads_participant_data
def portability(request_id):
    return handle_request_form(
        request_id,
        PortabilityForm,
        lambda r, f: portability_exports.create_portability_export(r, current_user.id),
        "Data portability",
        "Portability file built and recorded as a disclosure",
        discloses=True,
    )


@bp.route("/requests/<int:request_id>/portability/<int:export_id>")
@requires(Action.RIGHTS_REQUEST_MANAGE)
@reads_participant_data
def portability_download(request_id, export_id):
    export = tenancy.service_wide_get(PortabilityExport, export_id)
    if export.request_id != request_id:
        abort(404)
    content = portability_exports.read_export(export, current_user.id)
    return Response(
        content,
        mimetype="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="portability-{export.request_id}.zip"',
            "Cache-Control": "no-store",
        },
    )


@bp.route("/requests/<int:request_id>/close", methods=["GET", "POST"])
@requires(Action.RIGHTS_REQUEST_MANAGE)
def close(request_id):
    return handle_request_form(
        request_id,
        CloseForm,
        lambda r, f: rights_requests.close(
            r,
            f.outcome.data,
            f.reason.data,
            f.exemption.data,
            f.response_sent_on.data,
            f.response_method.data,
            current_user.id,
            f.late_reason.data,
        ),
        "Close the request",
        "Request closed",
        discloses=rights_identity.outcome_discloses(tenancy.service_wide_get(RightsRequest, request_id), "done"),
    )
