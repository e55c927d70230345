"""Governance pages (issue 10). See the package docstring for the URLs."""
from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.consent.forms import fill_now, typed_moment
from blueprints.governance.forms import (
    AuditSearchForm, BreachDecisionForm, BreachFollowUpForm, BreachReportForm, ConfirmForm, TrainingForm,
    TrainingUploadForm,
)
from blueprints.participants.common import show_problems
from blueprints.participants.forms import local_datetime
from portal import clock, tenancy
from portal.actions import Action
from portal.models import Breach, Participant
from portal.models.governance import BREACH_STATUSES, RISK_LEVELS
from portal.permissions import requires
from portal.accounts import staff
from portal.governance import access_reviews, audit_search, breaches, training
from portal.jobs import housekeeping as maintenance
from portal.access.participant_access import reads_participant_data
from portal.validation import Problems
from portal.tenancy import ADMINISTRATION, org_blueprint

bp = Blueprint("breaches", __name__, url_prefix="/breaches")
dpo_bp = Blueprint("governance_dpo", __name__, url_prefix="/dpo")
admin_bp = org_blueprint("governance_admin", __name__, policy=ADMINISTRATION)


# ----------------------------------------------------------------- reporting a breach

@bp.route("/new", methods=["GET", "POST"])
@requires(Action.BREACH_REPORT)
def new():
    form = BreachReportForm()
    if not form.is_submitted():
        fill_now(form, "discovered_on", "discovered_time")
    if form.validate_on_submit():
        try:
            found = breaches.report(
                current_user, what_happened=form.what_happened.data,
                discovered_at=typed_moment(form, "discovered_on", "discovered_time"),
                data_affected=form.data_affected.data, people_affected=form.people_affected.data,
                organisations_involved=form.organisations_involved.data)
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash(f"Breach reported (reference {found.id}): the Data Protection Officer has been told", "success")
            return redirect(url_for("home.index"), code=303)
    return render_template("governance/breach_new.html", form=form, title="Report a suspected personal data breach")


# ----------------------------------------------------------------- the DPO's register

def _breach(breach_id) -> Breach:
    return tenancy.service_wide_get(Breach, breach_id)


@dpo_bp.route("/breaches")
@requires(Action.BREACH_MANAGE)
def breach_register():
    rows = breaches.register()
    breaches.audit_register_view(rows)
    return render_template("governance/breaches.html", rows=rows, clocks={b.id: breaches.clock_state(b) for b in rows},
                           statuses=BREACH_STATUSES, title="Breach register")


def _breach_page(found, decide_form=None, follow_form=None, active=None, status=200):
    if decide_form is None and found.decided_at is None:
        decide_form = BreachDecisionForm(formdata=None)
    if follow_form is None and found.decided_at is not None:
        follow_form = BreachFollowUpForm(formdata=None, obj=found)
        for name, attr in (("ico_reported_on", "ico_reported_at"), ("dwp_told_on", "dwp_told_at"),
                           ("people_told_on", "people_told_at")):
            value = getattr(found, attr)
            follow_form[name].data = clock.local(value).date() if value else None
    return render_template("governance/breach.html", found=found, state=breaches.clock_state(found),
                           decide_form=decide_form, follow_form=follow_form, form=active,
                           statuses=BREACH_STATUSES, risk_levels=RISK_LEVELS,
                           title=f"Breach {found.id}"), status


@dpo_bp.route("/breaches/<int:breach_id>")
@requires(Action.BREACH_MANAGE)
def breach(breach_id):
    found = _breach(breach_id)
    breaches.audit_view(found)
    return _breach_page(found)


@dpo_bp.route("/breaches/<int:breach_id>/decision", methods=["POST"])
@requires(Action.BREACH_MANAGE)
def decide_breach(breach_id):
    found = _breach(breach_id)
    form = BreachDecisionForm()
    if form.validate_on_submit():
        choice = {"yes": True, "no": False}.get(form.report_to_ico.data)
        try:
            breaches.decide(found, current_user, risk_level=form.risk_level.data,
                            risk_assessment=form.risk_assessment.data, report_to_ico=choice,
                            reasons=form.reasons.data, delay_reason=form.delay_reason.data)
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash("Decision recorded", "success")
            return redirect(url_for(".breach", breach_id=found.id), code=303)
    return _breach_page(found, decide_form=form, active=form, status=400)


@dpo_bp.route("/breaches/<int:breach_id>/follow-up", methods=["POST"])
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
            breaches.follow_up(found, current_user, ico_reference=form.ico_reference.data,
                               ico_reported_at=moment("ico_reported_on"), dwp_told_at=moment("dwp_told_on"),
                               people_told_at=moment("people_told_on"), actions_taken=form.actions_taken.data,
                               close=form.close.data == "yes")
        except Problems as problems:
            show_problems(form, problems)
        else:
            flash("Breach record updated", "success")
            return redirect(url_for(".breach", breach_id=found.id), code=303)
    return _breach_page(found, follow_form=form, active=form, status=400)


# ----------------------------------------------------------------- audit search

_int = tenancy.valid_id


@dpo_bp.route("/audit")
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
            form.date_to.errors = list(form.date_to.errors or []) + ["The ‘to’ date must be on or after the ‘from’ date"]
        if not any(f.errors for f in form):
            filters = audit_search.SearchFilters(
                participant_id=_int(form.participant_id.data), user_id=_int(form.user_id.data),
                action=(form.action.data or "").strip()[:80] or None,
                date_from=form.date_from.data, date_to=form.date_to.data)
            page = audit_search.search(filters, _int(request.args.get("page")) or 1)
            audit_search.audit_search_made(filters, page.page, len(page.events))
    args = {k: v for k, v in request.args.items() if k != "page"}
    return render_template("governance/audit_search.html", form=form if any(f.errors for f in form) else None,
                           search_form=form, results=page, args=args,
                           last=audit_search.last_verification(), confirm_form=ConfirmForm(),
                           title="Search the audit trail")


@dpo_bp.route("/audit/verify", methods=["POST"])
@requires(Action.AUDIT_SEARCH)
def audit_verify():
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    job = maintenance.request_audit_verification(current_user.id)
    return redirect(url_for("jobs.show", job_id=job.id), code=303)


@dpo_bp.route("/audit/participants/<int:participant_id>/viewers")
@requires(Action.AUDIT_SEARCH)
@reads_participant_data
def viewers(participant_id):
    participant = tenancy.service_wide_get(Participant, participant_id)
    rows = audit_search.viewers_of(participant.id, limit=500)
    audit_search.audit_viewers_listed(participant.id, len(rows))
    return render_template("governance/viewers.html", participant=participant, rows=rows,
                           title=f"Who has viewed participant {participant.id}’s record")


# ----------------------------------------------------------------- training

def _training_page(org, form=None, upload_form=None, upload_errors=None, status=200):
    result = training.compliance(org)
    training.audit_compliance_view(org)
    return render_template("governance/training.html", org=org, result=result, form=form,
                           upload_form=upload_form or TrainingUploadForm(formdata=None), upload_errors=upload_errors,
                           training_form=TrainingForm(formdata=None), lapses_on=training.lapses_on,
                           title=f"Data protection training: {org.name}"), status


@admin_bp.route("/training-compliance")
@requires(Action.TRAINING_MANAGE)
def training_overview():
    orgs = staff.manageable_orgs(current_user)
    if len(orgs) == 1:
        return redirect(url_for(".training_page", slug=orgs[0].slug))
    rows = [training.compliance(org) for org in orgs]
    training.audit_overview_view(orgs)
    return render_template("governance/training_overview.html", rows=rows, title="Data protection training")


@admin_bp.route("/<slug>/training")
@requires(Action.TRAINING_MANAGE)
def training_page():
    return _training_page(g.org)


@admin_bp.route("/<slug>/training/upload", methods=["POST"])
@requires(Action.TRAINING_MANAGE)
def training_upload():
    org = g.org
    form = TrainingUploadForm()
    if form.validate_on_submit():
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            form.file.errors = ["Select a CSV file"]
        else:
            result = training.upload(org, upload.read(2_000_000), current_user.id)
            if not result.errors:
                flash(f"{result.saved} training dates saved", "success")
                return redirect(url_for(".training_page", slug=org.slug), code=303)
            form.file.errors = [f"Row {n}: {m}" if n else m for n, m in result.errors]
            return _training_page(org, form=form, upload_form=form, upload_errors=result.errors, status=400)
    return _training_page(org, form=form, upload_form=form, status=400)


@admin_bp.route("/<slug>/staff/<int:user_id>/training", methods=["GET", "POST"])
@requires(Action.TRAINING_MANAGE)
def training_member(user_id):
    org = g.org
    user = tenancy.member(user_id)
    form = TrainingForm()
    if request.method == "GET":
        form.completed_on.data = user.dp_training_completed_on
    elif form.validate_on_submit():
        if form.completed_on.data is None:
            form.completed_on.errors = ["Enter the date the training was completed"]
        else:
            try:
                training.record(org, user, form.completed_on.data, current_user.id)
            except ValueError as problem:
                form.completed_on.errors = [getattr(problem, "message", str(problem))]
            else:
                flash(f"Training date saved for {user.name}", "success")
                return redirect(url_for(".training_page", slug=org.slug), code=303)
    status = 400 if form.errors else 200
    return render_template("governance/training_member.html", org=org, user=user, form=form,
                           status_of=training.status_of, lapses_on=training.lapses_on,
                           title=f"Training date for {user.name}"), status


# ----------------------------------------------------------------- access reviews

@admin_bp.route("/access-reviews")
@requires(Action.ACCESS_REVIEW_OVERSEE)
def access_reviews_overview():
    rows = access_reviews.statuses(staff.manageable_orgs(current_user))
    today = clock.today()
    return render_template("governance/access_reviews.html", rows=rows, quarter=access_reviews.quarter_of(today),
                           due_by=access_reviews.due_by(today), grace=access_reviews.GRACE_DAYS,
                           title="Quarterly access reviews")


@admin_bp.route("/<slug>/access-review", methods=["GET", "POST"])
@requires(Action.ACCESS_REVIEW_MANAGE)
def access_review():
    org = g.org
    accounts = access_reviews.accounts(org)
    errors, status = [], 200
    form = ConfirmForm()
    chosen = {}
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        decisions = {}
        for user, roles in accounts:
            decision = request.form.get(f"account_{user.id}")
            remove = [r for r in request.form.getlist(f"remove_{user.id}") if r in roles]
            decisions[user.id] = (decision, remove)
            chosen[user.id] = (decision, remove)
        try:
            review = access_reviews.record_review(org, current_user, decisions)
        except Problems as problems:
            errors = [{"text": p.message, "href": f"#{p.field or 'accounts'}"} for p in problems.problems]
            status = 400
        else:
            flash(f"Access review for {review.quarter} recorded", "success")
            return redirect(url_for(".access_review", slug=org.slug), code=303)
    else:
        access_reviews.audit_view(org, accounts)
    today = clock.today()
    return render_template("governance/access_review.html", org=org, accounts=accounts, confirm_form=form,
                           errors=errors, chosen=chosen, role_names=staff.ROLE_NAMES,
                           reviews=access_reviews.reviews_of(org), overdue=access_reviews.is_overdue(org, today),
                           quarter=access_reviews.quarter_of(today), due_by=access_reviews.due_by(today),
                           title=f"Access review: {org.name}"), status


@admin_bp.app_template_global()
def overdue_access_reviews() -> list:
    """Organisations whose quarterly access review is overdue (for the lead admin's page)."""
    return [s.org for s in access_reviews.statuses(staff.manageable_orgs(current_user)) if s.overdue]
