"""The DPO's governance pages: the breach register (``/dpo/breaches``) and audit search (``/dpo/audit``)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.common import local_datetime, show_problems
from blueprints.governance.forms import AuditSearchForm, BreachDecisionForm, BreachFollowUpForm, ConfirmForm
from portal import clock, tenancy
from portal.access.participant_access import reads_participant_data
from portal.actions import Action
from portal.governance import audit_search, breaches
from portal.jobs import housekeeping as maintenance
from portal.models import Breach, Participant
from portal.models.governance import BREACH_STATUSES, RISK_LEVELS
from portal.permissions import requires
from portal.validation import Problems

bp = Blueprint("governance", __name__)


def _breach(breach_id) -> Breach:
    return tenancy.service_wide_get(Breach, breach_id)


@bp.route("/breaches")
@requires(Action.BREACH_MANAGE)
def breach_register():
    rows = breaches.register()
    breaches.audit_register_view(rows)
    return render_template(
        "governance/breaches.html",
        rows=rows,
        clocks={b.id: breaches.clock_state(b) for b in rows},
        statuses=BREACH_STATUSES,
        title="Breach register",
    )


def _breach_page(found, decide_form=None, follow_form=None, active=None, status=200):
    if decide_form is None and found.decided_at is None:
        decide_form = BreachDecisionForm(formdata=None)
    if follow_form is None and found.decided_at is not None:
        follow_form = BreachFollowUpForm(formdata=None, obj=found)
        for name, attr in (
            ("ico_reported_on", "ico_reported_at"),
            ("dwp_told_on", "dwp_told_at"),
            ("people_told_on", "people_told_at"),
        ):
            value = getattr(found, attr)
            follow_form[name].data = clock.local(value).date() if value else None
    return render_template(
        "governance/breach.html",
        found=found,
        state=breaches.clock_state(found),
        decide_form=decide_form,
        follow_form=follow_form,
        form=active,
        statuses=BREACH_STATUSES,
        risk_levels=RISK_LEVELS,
        title=f"Breach {found.id}",
    ), status


@bp.route("/breaches/<int:breach_id>")
@requires(Action.BREACH_MANAGE)
def breach(breach_id):
    found = _breach(breach_id)
    breaches.audit_view(found)
    return _breach_page(found)


@bp.route("/breaches/<int:breach_id>/decision", methods=["POST"])
@requires(Action.BREACH_MANAGE)
def decide_breach(breach_id):
    found = _breach(breach_id)
    form = BreachDecisionForm()
    if form.validate_on_submit():
        choice = {"yes": True, "no": False}.get(form.report_to_ico.data)
        try:
            breaches.decide(
                found,
                current_user,
                risk_level=form.risk_level.data,
                risk_assessment=form.risk_assessment.data,
                report_to_ico=choice,
                reasons=form.reasons.data,
                delay_reason=form.delay_reason.data,
            )
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash("Decision recorded", "success")
            return redirect(url_for(".breach", breach_id=found.id), code=303)
    return _breach_page(found, decide_form=form, active=form, status=400)


@bp.route("/breaches/<int:breach_id>/follow-up", methods=["POST"])
@requires(Action.BREACH_MANAGE)
def follow_up_breach(breach_id):
    found = _breach(breach_id)
    if found.decided_at is None:
        abort(404)
    form = BreachFollowUpForm()

    def moment(field):
        return local_datetime(form[field].data, "12:00") if form[field].data else None

    if form.validate_on_submit():
        try:
            breaches.follow_up(
                found,
                current_user,
                ico_reference=form.ico_reference.data,
                ico_reported_at=moment("ico_reported_on"),
                dwp_told_at=moment("dwp_told_on"),
                people_told_at=moment("people_told_on"),
                actions_taken=form.actions_taken.data,
                close=form.close.data == "yes",
            )
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash("Breach record updated", "success")
            return redirect(url_for(".breach", breach_id=found.id), code=303)
    return _breach_page(found, follow_form=form, active=form, status=400)


# ----------------------------------------------------------------- audit search

_int = tenancy.valid_id


@bp.route("/audit")
@requires(Action.AUDIT_SEARCH)
def audit_search_page():
    form = AuditSearchForm(request.args)
    filters, page = None, None
    if request.args.get("submit") is not None or request.args.get("page"):
        form.validate()
        for name in ("participant_id", "user_id"):
            raw = (form[name].data or "").strip()
            if raw and _int(raw) is None:
                form[name].errors = list(form[name].errors or []) + ["Enter a number, like 1042"]
        if form.date_from.data and form.date_to.data and form.date_from.data > form.date_to.data:
            form.date_to.errors = list(form.date_to.errors or []) + [
                "The ‘to’ date must be on or after the ‘from’ date"
            ]
        if not any(f.errors for f in form):
            filters = audit_search.SearchFilters(
                participant_id=_int(form.participant_id.data),
                user_id=_int(form.user_id.data),
                action=(form.action.data or "").strip()[:80] or None,
                date_from=form.date_from.data,
                date_to=form.date_to.data,
            )
            page = audit_search.search(filters, _int(request.args.get("page")) or 1)
            audit_search.audit_search_made(filters, page.page, len(page.events))
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template(
        "governance/audit_search.html",
        form=form if any(f.errors for f in form) else None,
        search_form=form,
        results=page,
        args=args,
        last=audit_search.last_verification(),
        confirm_form=ConfirmForm(),
        title="Search the audit trail",
    )


@bp.route("/audit/verify", methods=["POST"])
@requires(Action.AUDIT_SEARCH)
def audit_verify():
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    job = maintenance.request_audit_verification(current_user.id)
    return redirect(url_for("jobs.show", job_id=job.id), code=303)


@bp.route("/audit/participants/<int:participant_id>/viewers")
@requires(Action.AUDIT_SEARCH)
@reads_participant_data
def viewers(participant_id):
    participant = tenancy.service_wide_get(Participant, participant_id)
    rows = audit_search.viewers_of(participant.id, limit=500)
    audit_search.audit_viewers_listed(participant.id, len(rows))
    return render_template(
        "governance/viewers.html",
        participant=participant,
        rows=rows,
        title=f"Who has viewed participant {participant.id}’s record",
    )


# ----------------------------------------------------------------- training
