"""The contract manager's pages: the dashboard, and building, reviewing and publishing
the monthly DWP contract report."""

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.common import show_problems
from blueprints.lead.forms import BuildForm, PublishForm, month_choices
from portal.access.participant_access import require_current_training
from portal.actions import Action
from portal.months import Month, last_months
from portal.permissions import requires
from portal.reporting import contract_reports, dashboard, report_drafts, report_figures, report_publication
from portal.validation import Invalid, Problems

bp = Blueprint("lead", __name__, url_prefix="/lead")

BUILDABLE_MONTHS = 24


@bp.route("/")
@requires(Action.LEAD_DASHBOARD)
def dashboard_page():
    month = Month.parse(request.args.get("month")) or dashboard.default_month()
    if month > Month.current():
        month = dashboard.default_month()
    board = dashboard.dashboard(month, request.args.get("measure", dashboard.DEFAULT_MEASURE))
    return render_template(
        "lead/dashboard.html", board=board, months=dashboard.selectable_months(), measures=dashboard.TREND_MEASURES
    )


def _build_form() -> BuildForm:
    form = BuildForm()
    form.month.choices = month_choices(reversed(last_months(Month.current().previous(), BUILDABLE_MONTHS)))
    return form


@bp.route("/reports")
@requires(Action.REPORT_MANAGE)
def reports():
    form = _build_form()
    return render_template("lead/reports.html", form=form, **_overview())


def _overview() -> dict:
    return {
        "drafts": report_drafts.all_drafts(),
        "published": report_publication.published_reports(),
        "current_ids": report_publication.current_ids(),
    }


@bp.route("/reports/build", methods=["POST"])
@requires(Action.REPORT_MANAGE)
def build():
    form = _build_form()
    if form.validate_on_submit():
        try:
            job = report_drafts.request_build(Month.parse(form.month.data), current_user.id)
        except Problems as problems:
            show_problems(form, problems)
        else:
            return redirect(url_for("jobs.show", job_id=job.id), 303)
    return render_template("lead/reports.html", form=form, **_overview()), 400


def _draft_or_404(month_key: str):
    month = Month.parse(month_key)
    draft = report_drafts.draft_of(month) if month else None
    if draft is None:
        abort(404)
    return month, draft


def _render_draft(month, draft, form, status=200):
    require_current_training()  # the progress return shows participants' identifiers (rule 9)
    content = report_drafts.draft_content(draft)
    report_drafts.record_draft_view(draft)
    current = report_publication.current_version(month)
    form.reviewed_sha256.data = draft.content_sha256
    return render_template(
        "lead/draft.html",
        month=month,
        draft=draft,
        content=content,
        form=form,
        current=current,
        figure_rows=report_figures.figure_rows(content),
        organisations=content["organisations"],
        names={o["slug"]: o["name"] for o in content["organisations"]},
        milestone_text=contract_reports.milestone_text,
        outcome_text=contract_reports.outcome_text,
    ), status


@bp.route("/reports/<month>/draft")
@requires(Action.REPORT_MANAGE)
def draft(month):
    month, found = _draft_or_404(month)
    return _render_draft(month, found, PublishForm())


@bp.route("/reports/<month>/publish", methods=["POST"])
@requires(Action.REPORT_MANAGE)
def publish(month):
    month, found = _draft_or_404(month)
    form = PublishForm()
    if form.validate_on_submit():
        try:
            if not form.confirm.data:
                raise Problems([Invalid("Confirm that you have reviewed the draft", field="confirm")])
            report = report_publication.publish(
                month, form.reviewed_sha256.data or "", current_user.id, form.correction_reason.data or ""
            )
        except Problems as problems:
            show_problems(form, problems)
        else:
            return redirect(url_for("dwp.report", report_id=report.id, published=1), 303)
    month, found = _draft_or_404(month.key)
    return _render_draft(month, found, form, 400)
