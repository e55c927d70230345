"""Publishing a month's contract report to DWP, and reading what was published.

Publication (DESIGN.md rule 6, the notice's "Routine Sharing": "Our contract with the
DWP stipulates what information is to be shared"): the draft the contract manager
reviewed becomes an immutable document with its SHA-256, version and publisher, and
each participant in its progress return gets a disclosure to DWP in their register,
in the same transaction. A correction is a new version naming the one it supersedes
and what it corrects; both stay visible, and the newest is the current one.
"""

import json
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from portal import audit, clock, tenancy
from portal.consent.disclosures import record_disclosures
from portal.extensions import db
from portal.models import ContractReport, Membership, Organisation, Participant, User
from portal.months import Month
from portal.notifications import notify
from portal.referrals.referrals import path_for
from portal.reporting import contract_reports, report_drafts
from portal.validation import Invalid, Problems, clean_text

# Keys added to the draft's content when it is published.
PUBLICATION_KEYS = ("version", "published_at", "supersedes_version", "correction_reason")
RECIPIENT = "Department for Work and Pensions"
PURPOSE = "Monthly contract report: participant progress return"
DATA_CATEGORIES = [
    "AtW reference",
    "National Insurance number",
    "Delivering organisation",
    "Referral date",
    "Start date",
    "Milestones reached",
    "Outcome and date",
]
LEGAL_BASIS_DETAIL = (
    "DWP contract for the Access to Work Mental Health Support Service: the contract requires "
    "a monthly participant progress return (privacy notice, Routine Sharing)"
)


def publish(month: Month, reviewed_sha256: str, user_id: int, correction_reason: str = "") -> ContractReport:
    """Publish the month's draft as the next version. ``reviewed_sha256`` is the hash of
    the draft the reviewer saw: a draft rebuilt since is refused, so what is published is
    what was reviewed. A second version needs a reason (what it corrects) and must differ
    from the current one. Commits."""

    draft = report_drafts.draft_of(month)
    if draft is None:
        raise Problems([Invalid(f"There is no draft for {month.label} to publish: build one first", field="month")])
    if draft.content_sha256 != (reviewed_sha256 or ""):
        raise Problems(
            [
                Invalid(
                    "The draft has been built again since you reviewed it: review it again before publishing",
                    field="confirm",
                )
            ]
        )
    current = current_version(month)
    try:
        reason = clean_text(correction_reason, "what this version corrects", 500, required=current is not None)
    except Invalid as problem:
        problem.field = "correction_reason"
        raise Problems([problem]) from problem
    content = report_drafts.draft_content(draft)
    if current is not None and _without_publication(document_of(current)) == content:
        raise Problems(
            [
                Invalid(
                    f"This draft is the same as version {current.version}, which is already published", field="confirm"
                )
            ]
        )
    participants = _participants(draft.participant_ids)
    restricted = sum(1 for p in participants if p.restricted)
    if restricted:
        raise Problems(
            [
                Invalid(
                    f"{restricted} participant{'s' if restricted != 1 else ''} in this draft "
                    f"{'have' if restricted != 1 else 'has'} had their processing restricted since it "
                    "was built: build the draft again",
                    field="confirm",
                )
            ]
        )
    now = clock.now()
    version = current.version + 1 if current else 1
    content.update(
        {
            "version": version,
            "published_at": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "supersedes_version": current.version if current else None,
            "correction_reason": reason or None,
        }
    )
    text = contract_reports.canonical_json(content)
    report = ContractReport(
        month=month.first_day,
        version=version,
        document=text,
        sha256=contract_reports.sha256_of(text),
        published_at=now,
        published_by_id=user_id,
        supersedes_id=current.id if current else None,
        correction_reason=reason,
        participant_ids=list(draft.participant_ids),
        withheld=draft.withheld,
    )
    db.session.add(report)
    try:
        db.session.flush()
    except IntegrityError:  # another publication of this month got there first
        db.session.rollback()
        raise Problems(
            [
                Invalid(
                    f"{month.label} has just been published by someone else: review the reports "
                    "before publishing again",
                    field="confirm",
                )
            ]
        ) from None
    record_disclosures(
        participants,
        "dwp",
        RECIPIENT,
        PURPOSE,
        DATA_CATEGORIES,
        summary=f"Contract report for {month.label}, version {version} (SHA-256 {report.sha256})",
        legal_basis="public_task",
        legal_basis_detail=LEGAL_BASIS_DETAIL,
        method="Partner portal and API",
        disclosed_at=now,
        user_id=user_id,
        source="dwp_publication",
        source_id=report.id,
    )
    db.session.delete(draft)
    audit.record(
        "contract_report.published",
        object_type="contract_report",
        object_id=report.id,
        user_id=user_id,
        detail={
            "month": month.key,
            "version": version,
            "sha256": report.sha256,
            "supersedes_id": report.supersedes_id,
            "participant_ids": report.participant_ids,
            "withheld": report.withheld,
        },
    )
    _tell_dwp(report, month)
    db.session.commit()
    return report


def _participants(ids: list[int]) -> list[Participant]:
    found = {}
    for k in range(0, len(ids), 500):
        for p in db.session.scalars(select(Participant).where(Participant.id.in_(ids[k : k + 500]))):
            found[p.id] = p
    return [found[i] for i in ids if i in found]


def _without_publication(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k not in PUBLICATION_KEYS}


def _tell_dwp(report: ContractReport, month: Month) -> None:

    readers = db.session.scalars(
        select(User.id)
        .join(Membership, Membership.user_id == User.id)
        .join(Organisation, Organisation.id == Membership.org_id)
        .where(Membership.role == "dwp", Organisation.kind == "commissioner", User.active.is_(True))
        .distinct()
    ).all()
    what = "A correction to the" if report.version > 1 else "The"
    for user_id in readers:
        notify(
            user_id,
            "contract_report.published",
            f"{what} contract report for {month.label} is published (version {report.version})",
            path_for("dwp.report", report_id=report.id),
            email_subject="A contract report has been published",
        )


# ------------------------------------------------------------------ reading


def published_reports(month: Month | None = None) -> list[ContractReport]:
    """Published versions, newest month first, newest version first."""
    query = select(ContractReport).order_by(ContractReport.month.desc(), ContractReport.version.desc())
    if month is not None:
        query = query.where(ContractReport.month == month.first_day)
    return list(db.session.scalars(query))


def current_ids() -> set[int]:
    """The id of each month's newest version."""
    newest = (
        select(ContractReport.month, func.max(ContractReport.version).label("version"))
        .group_by(ContractReport.month)
        .subquery()
    )
    return set(
        db.session.scalars(
            select(ContractReport.id).join(
                newest, (newest.c.month == ContractReport.month) & (newest.c.version == ContractReport.version)
            )
        )
    )


def current_version(month: Month) -> ContractReport | None:
    return db.session.scalars(
        select(ContractReport)
        .where(ContractReport.month == month.first_day)
        .order_by(ContractReport.version.desc())
        .limit(1)
    ).first()


def get_published(report_id: object) -> ContractReport | None:
    report_id = tenancy.valid_id(report_id)
    return db.session.get(ContractReport, report_id) if report_id else None


def superseded_by(report: ContractReport) -> ContractReport | None:
    return db.session.scalars(select(ContractReport).where(ContractReport.supersedes_id == report.id)).first()


def is_current(report: ContractReport) -> bool:
    return superseded_by(report) is None


def document_of(report: ContractReport) -> dict[str, Any]:
    return cast(dict[str, Any], json.loads(report.document))


def month_of(report: ContractReport) -> Month:
    return Month.of(report.month)


def record_read(report: ContractReport, how: str, *, user_id: int | None = None, client_id: str | None = None) -> None:
    """Audit a page, download or API response showing a published report (rule 1: the
    participant ids of its progress return, in one event). Commits."""
    detail = {
        "how": how,
        "month": f"{report.month:%Y-%m}",
        "version": report.version,
        "participant_ids": list(report.participant_ids),
    }
    if client_id:
        detail["api_client_id"] = client_id
    audit.record(
        "contract_report.downloaded" if how != "page" else "contract_report.viewed",
        object_type="contract_report",
        object_id=report.id,
        user_id=user_id,
        detail=detail,
    )
    db.session.commit()
