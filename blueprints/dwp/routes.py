"""DWP's pages: published contract reports (never drafts, never a case record), their
downloads, and the research and evaluation statistics. The contract manager sees them
as DWP does."""

from flask import Blueprint, Response, abort, render_template, request
from flask_login import current_user

from portal.access.participant_access import require_current_training
from portal.actions import Action
from portal.months import Month
from portal.permissions import requires
from portal.reporting import contract_reports, report_figures, report_formats, report_publication, statistics

bp = Blueprint("dwp", __name__, url_prefix="/dwp")

DOWNLOADS = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


@bp.route("/")
@requires(Action.REPORT_READ_PUBLISHED)
def reports():
    month = Month.parse(request.args.get("month"))
    return render_template(
        "dwp/reports.html",
        month=month,
        reports=report_publication.published_reports(month),
        current_ids=report_publication.current_ids(),
        months=_published_months(),
    )


def _published_months() -> list[Month]:
    return sorted({Month.of(r.month) for r in report_publication.published_reports()}, reverse=True)


def _report_or_404(report_id):
    report = report_publication.get_published(report_id)
    if report is None:
        abort(404)
    if "dwp" not in current_user.all_roles():
        # The contract manager reads the progress return here as on the draft: the
        # portal's own staff need current data protection training (rule 9).
        require_current_training()
    return report


@bp.route("/reports/<int:report_id>")
@requires(Action.REPORT_READ_PUBLISHED)
def report(report_id):
    found = _report_or_404(report_id)
    document = report_publication.document_of(found)
    report_publication.record_read(found, "page")
    return render_template(
        "dwp/report.html",
        report=found,
        document=document,
        superseded_by=report_publication.superseded_by(found),
        supersedes=report_publication.get_published(found.supersedes_id),
        figure_rows=report_figures.figure_rows(document),
        organisations=document["organisations"],
        names={o["slug"]: o["name"] for o in document["organisations"]},
        milestone_text=contract_reports.milestone_text,
        outcome_text=contract_reports.outcome_text,
        just_published=request.args.get("published") == "1",
    )


@bp.route("/reports/<int:report_id>.<any(csv, xlsx, json):fmt>")
@requires(Action.REPORT_READ_PUBLISHED)
def download(report_id, fmt):
    found = _report_or_404(report_id)
    report_publication.record_read(found, fmt, user_id=current_user.id)
    name = f"atw-mhss-contract-report-{found.month:%Y-%m}-v{found.version}.{fmt}"
    if fmt == "json":
        body = found.document
    elif fmt == "csv":
        body = report_formats.to_csv(report_publication.document_of(found), found.sha256)
    else:
        body = report_formats.to_xlsx(report_publication.document_of(found), found.sha256, found.published_at)
    return Response(
        body,
        mimetype=DOWNLOADS[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}"', "X-Report-SHA256": found.sha256},
    )


@bp.route("/statistics")
@requires(Action.STATISTICS_VIEW)
def statistics_page():
    latest = Month.current().previous()
    month = Month.parse(request.args.get("month")) or latest
    if month > latest:
        month = latest
    return render_template(
        "dwp/statistics.html",
        month=month,
        tables=statistics.tables_for(month),
        months=[latest.shift(-k) for k in range(24)],
        outcomes=statistics.OUTCOMES,
    )
