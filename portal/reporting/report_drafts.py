"""Draft contract reports: built by a tracked job (on request, or on the 1st of each month
for the month before), stored with their content hash, viewed under audit before the
lead partner publishes one (portal.reporting.report_publication)."""

import json
from typing import Any, cast

from sqlalchemy import func, select

from portal import audit, clock, jobs
from portal.actions import Action
from portal.extensions import db
from portal.jobs import progress
from portal.jobs.progress import current_job_id
from portal.models import ContractReport, ContractReportDraft, Job, Membership, User
from portal.months import Month
from portal.notifications import notify
from portal.referrals.referrals import path_for
from portal.reporting.contract_reports import Built, build_content
from portal.validation import Invalid, Problems


def reportable(month: Month | None) -> Month:
    """A month a report can be built for: one that has ended. Raises ``Problems``."""
    if month is None:
        raise Problems([Invalid("Enter the month as a year and month, like 2026-03", field="month")])
    if month >= Month.current():
        raise Problems(
            [Invalid("Choose a month that has ended: a report covers a whole calendar month", field="month")]
        )
    return month


def request_build(month: Month | None, user_id: int) -> Job:
    """Queue the job that builds ``month``'s draft for the contract manager. Commits."""
    month = reportable(month)
    job = jobs.enqueue(build_draft, month.key, user_id, kind=Action.CONTRACT_REPORT, requested_by=user_id)
    audit.record(
        "contract_report.build_requested",
        object_type="job",
        object_id=job.id,
        detail={"month": month.key},
        user_id=user_id,
    )
    db.session.commit()
    return job


def build_draft(month_key: str, requested_by: int | None = None) -> dict[str, str]:
    """Job: build (or rebuild) the month's draft. Safe to run twice: the same data gives
    the same draft, and a rebuild replaces the draft in place."""
    month = Month.parse(month_key)
    if month is None:
        raise jobs.Fail(f"not a month: {month_key!r}")
    built = build_content(month, progress.set_progress)
    draft = store_draft(month, built, requested_by)
    progress.set_progress(95, "Saved")

    warned = len(built.warnings)
    return {
        "message": (
            f"The draft report for {month.label} is ready: {len(built.participant_ids)} participants in the "
            f"progress return, {built.withheld} withheld, {warned} warning{'s' if warned != 1 else ''}."
        ),
        "link": path_for("lead.draft", month=month.key),
        "link_text": f"Review the draft for {month.label}",
        "sha256": draft.content_sha256,
    }


def store_draft(month: Month, built: Built, requested_by: int | None) -> ContractReportDraft:
    """Replace the month's draft with ``built`` (the caller's transaction; flushes)."""

    draft = draft_of(month)
    if draft is None:
        draft = ContractReportDraft(month=month.first_day)
        db.session.add(draft)
    draft.content = built.text
    draft.content_sha256 = built.sha256
    draft.warnings = built.warnings
    draft.participant_ids = built.participant_ids
    draft.withheld = built.withheld
    draft.built_at = clock.now()
    draft.built_by_id = requested_by
    draft.job_id = current_job_id()
    db.session.flush()  # a build of the same month racing this one fails here, and is retried
    db.session.expire(draft, ["built_by"])  # a replaced draft's joined relationship holds the old value
    audit.record(
        "contract_report.draft_built",
        object_type="contract_report_draft",
        object_id=draft.id,
        user_id=requested_by,
        detail={
            "month": month.key,
            "sha256": built.sha256,
            "participants": len(built.participant_ids),
            "withheld": built.withheld,
        },
    )
    return draft


def build_previous_month() -> dict[str, str]:
    """Periodic job (06:00 on the 1st, Europe/London): build last month's draft and tell the
    contract managers it is waiting for review. A month already published is left alone."""
    month = Month.current().previous()
    published = db.session.scalar(
        select(func.count()).select_from(ContractReport).where(ContractReport.month == month.first_day)
    )
    if published:
        return {"message": f"{month.label} is already published: no draft built."}
    result = build_draft(month.key, None)

    managers = db.session.scalars(
        select(User.id)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.role == "contract_manager", User.active.is_(True))
        .distinct()
    ).all()
    for user_id in managers:
        notify(
            user_id,
            "contract_report.draft",
            f"The draft contract report for {month.label} is ready for review",
            result["link"],
            email_subject="A draft contract report is ready for review",
        )
    return result


def draft_of(month: Month) -> ContractReportDraft | None:
    return db.session.scalars(select(ContractReportDraft).where(ContractReportDraft.month == month.first_day)).first()


def all_drafts() -> list[ContractReportDraft]:
    """Drafts waiting for review, newest month first."""
    return list(db.session.scalars(select(ContractReportDraft).order_by(ContractReportDraft.month.desc())))


def record_draft_view(draft: ContractReportDraft) -> None:
    """Audit a view of the draft (rule 1: the participants of its progress return). Commits."""
    audit.record(
        "contract_report.draft_viewed",
        object_type="contract_report_draft",
        object_id=draft.id,
        detail={"month": f"{draft.month:%Y-%m}", "participant_ids": list(draft.participant_ids)},
    )
    db.session.commit()


def draft_content(draft: ContractReportDraft) -> dict[str, Any]:
    return cast(dict[str, Any], json.loads(draft.content))
