"""The monthly DWP contract report: what it holds, and the job that builds its draft.

The report of a calendar month (Europe/London) holds the month's figures per delivering
organisation and in total (``report_figures``) and the participant-level progress
return the contract requires: AtW reference, NI number, delivering organisation,
referral date, start date, the milestones reached in the month, and the outcome with its
date. Participants whose processing is restricted are withheld from the return and
counted as withheld (DESIGN.md rule 5: no individual reporting while restricted).

A tracked job builds the draft (at 06:00 on the 1st for the month before, and when the
contract manager asks). The content is canonical JSON with sorted keys and sorted rows
and no build time, so building the same month twice from the same data gives the same
draft, byte for byte (and the same SHA-256). Validation warnings for the reviewer are
kept beside the content, never published.
"""

import hashlib
import json
from collections.abc import Callable
from datetime import date
from typing import Any, TypedDict, cast

from sqlalchemy import Row, func, select

from portal import clock
from portal.extensions import db
from portal.models import Appointment, CaseNote, Milestone
from portal.models.milestone import MILESTONE_KINDS
from portal.models.participant import STATUS_LABELS
from portal.months import Month
from portal.reporting import report_figures

TITLE = "Access to Work Mental Health Support Service: monthly contract report"
RETURN_FIELDS = (
    "atw_reference",
    "ni_number",
    "organisation",
    "referral_date",
    "start_date",
    "milestones_in_month",
    "outcome",
    "outcome_date",
)
RETURN_LABELS = {
    "atw_reference": "AtW reference",
    "ni_number": "NI number",
    "organisation": "Delivering organisation",
    "referral_date": "Referral date",
    "start_date": "Start date",
    "milestones_in_month": "Milestones reached in the month",
    "outcome": "Outcome",
    "outcome_date": "Outcome date",
}
NO_CONTACT_DAYS = 30
# Milestones that only make sense once the participant has started.
AFTER_START_KINDS = (
    "support_plan_agreed",
    "month_of_support",
    "job_retained",
    "moved_to_suitable_work",
    "programme_completed",
)
CONTACT_NOTE_TYPES = ("appointment", "phone", "email")
# (participant_id, kind, month_number, achieved_on) of a milestone
MilestoneRow = Row[int, str, int, date]


class Withheld(TypedDict):
    """The participants withheld from the progress return (processing restricted)."""

    total: int
    by_organisation: dict[str, int]  # slug → count


def canonical_json(document: dict[str, Any]) -> str:
    """The one serialisation of a report: sorted keys, two-space indent, UTF-8 text."""
    return json.dumps(document, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def sha256_of(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# ------------------------------------------------------------------ the content


class Built:
    """A month's report content as the builder made it."""

    def __init__(
        self, content: dict[str, Any], participant_ids: list[int], withheld: int, warnings: list[dict[str, Any]]
    ) -> None:
        self.content = content
        self.participant_ids = participant_ids
        self.withheld = withheld
        self.warnings = warnings
        self.text = canonical_json(content)
        self.sha256 = sha256_of(self.text)


def build_content(month: Month, progress: Callable[[int, str], None] = lambda percent, message: None) -> Built:
    """The report of ``month`` from the data as it stands (no writes)."""
    progress(10, "Reading the month’s records")
    facts = report_figures.load(month, month)
    progress(40, "Counting the figures")
    block = report_figures.month_figures(month, facts)
    progress(60, "Writing the progress return")
    rows, ids, withheld = _progress_return(facts, month)
    progress(80, "Checking for warnings")
    warnings = data_warnings(facts, month, ids)
    start, end = month.first_day, month.last_day
    content = {
        "title": TITLE,
        "month": month.key,
        "period": {"from": start.isoformat(), "to": end.isoformat(), "timezone": "Europe/London"},
        "first_contact_target_working_days": report_figures.first_contact_target(),
        "organisations": block["organisations"],
        "total": block["total"],
        "progress_return": {"fields": list(RETURN_FIELDS), "rows": rows, "withheld": withheld},
    }
    return Built(content, ids, withheld["total"], warnings)


def _on_programme(p: report_figures.ParticipantFacts, month: Month) -> bool:
    return p.referred_on <= month.last_day and (p.closed_on is None or p.closed_on >= month.first_day)


def _progress_return(facts: report_figures.Facts, month: Month) -> tuple[list[dict[str, Any]], list[int], Withheld]:
    """Rows (sorted by organisation then AtW reference), the participant ids in them,
    and the withheld counts {"total", "by_organisation": {slug: n}}."""
    slugs = {o.id: o.slug for o in facts.organisations}
    included = [p for p in facts.participants.values() if _on_programme(p, month)]
    withheld_by_org = {o.slug: 0 for o in facts.organisations}
    shown = []
    for p in included:
        if p.restricted:
            withheld_by_org[slugs[p.org_id]] += 1
        else:
            shown.append(p)
    reached: dict[int, list[dict[str, Any]]] = {}
    for m in sorted(facts.milestones, key=lambda m: (m[4], m[2], m[3])):
        if month.contains(m[4]):
            reached.setdefault(m[1], []).append(
                {"kind": m[2], "month_number": m[3] or None, "achieved_on": m[4].isoformat()}
            )
    rows: list[dict[str, Any]] = []
    for p in shown:
        closed = p.closed_on is not None and p.closed_on <= month.last_day
        rows.append(
            {
                "participant_id": p.id,
                "atw_reference": p.atw_reference,
                "ni_number": p.ni_number,
                "organisation": slugs[p.org_id],
                "referral_date": p.referred_on.isoformat(),
                "start_date": p.started_on.isoformat() if p.started_on and p.started_on <= month.last_day else None,
                "milestones_in_month": reached.get(p.id, []),
                "outcome": p.status if closed else None,
                "outcome_date": cast(date, p.closed_on).isoformat() if closed else None,  # closed: closed_on is set
            }
        )
    rows.sort(key=lambda r: (r["organisation"], r["atw_reference"]))
    ids = [r.pop("participant_id") for r in rows]
    return rows, ids, {"total": sum(withheld_by_org.values()), "by_organisation": withheld_by_org}


def milestone_text(item: dict[str, Any]) -> str:
    """ "Month of support completed: month 3 (2026-03-20)" for a return row's milestone."""
    label = MILESTONE_KINDS.get(item["kind"], item["kind"])
    if item.get("month_number"):
        label = f"{label}: month {item['month_number']}"
    return f"{label} ({item['achieved_on']})"


def outcome_text(outcome: str | None) -> str:
    return STATUS_LABELS.get(outcome, outcome) if outcome else ""


# --------------------------------------------------------------------- warnings


def data_warnings(facts: report_figures.Facts, month: Month, shown_ids: list[int]) -> list[dict[str, Any]]:
    """What the reviewer should look at before publishing: participants open at month
    end with no contact for more than 30 days, and milestones recorded out of order.
    Restricted participants are not in the return, so not here either."""
    orgs = {o.id: o for o in facts.organisations}
    people = [facts.participants[i] for i in shown_ids]
    end = month.last_day
    org_ids = list(orgs)
    shown = set(shown_ids)
    last_contact: dict[int, date] = {}
    # One query each over the delivering organisations, grouped by participant (not a
    # query a few hundred participants); what is not shown is left out here.
    for pid, at in db.session.execute(
        select(Appointment.participant_id, func.max(Appointment.starts_at))
        .where(Appointment.org_id.in_(org_ids), Appointment.status == "attended", Appointment.starts_at < month.ends_at)
        .group_by(Appointment.participant_id)
    ):
        if pid in shown:
            last_contact[pid] = clock.local(clock.as_utc(at)).date()
    for pid, on in db.session.execute(
        select(CaseNote.participant_id, func.max(CaseNote.contact_date))
        .where(CaseNote.org_id.in_(org_ids), CaseNote.note_type.in_(CONTACT_NOTE_TYPES), CaseNote.contact_date <= end)
        .group_by(CaseNote.participant_id)
    ):
        if pid in shown:
            last_contact[pid] = max(on, last_contact.get(pid, on))
    history: dict[int, list[MilestoneRow]] = {}
    for m in db.session.execute(
        select(Milestone.participant_id, Milestone.kind, Milestone.month_number, Milestone.achieved_on).where(
            Milestone.org_id.in_(org_ids), Milestone.achieved_on <= end
        )
    ):
        if m.participant_id in shown:
            history.setdefault(m.participant_id, []).append(m)
    out: list[dict[str, Any]] = []

    def warn(p: report_figures.ParticipantFacts, code: str, text: str) -> None:
        org = orgs[p.org_id]
        out.append(
            {
                "code": code,
                "org": org.slug,
                "organisation": org.name,
                "participant_id": p.id,
                "atw_reference": p.atw_reference,
                "text": text,
            }
        )

    for p in people:
        open_at_end = (
            p.allocated_on is not None
            and p.allocated_on <= end
            and not (p.closed_on is not None and p.closed_on <= end)
        )
        if open_at_end:
            assert p.allocated_on is not None  # open at the month's end: allocated by then
            candidates = [d for d in (p.first_contact_on, last_contact.get(p.id)) if d is not None and d <= end]
            since = max(candidates) if candidates else None
            gap = (end - (since or p.allocated_on)).days
            if gap > NO_CONTACT_DAYS:
                what = (
                    f"last contact on {_day(since)}"
                    if since
                    else f"no contact since allocation on {_day(p.allocated_on)}"
                )
                warn(p, "no_contact", f"No contact in the {NO_CONTACT_DAYS} days before the month’s end ({what})")
        for text in _order_problems(history.get(p.id, []), p.started_on):
            warn(p, "milestone_order", text)
    out.sort(key=lambda w: (w["org"], w["atw_reference"], w["code"], w["text"]))
    return out


def _day(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def _order_problems(milestones: list[MilestoneRow], started_on: date | None) -> list[str]:
    problems = []
    months = {m.month_number: m.achieved_on for m in milestones if m.kind == "month_of_support"}
    for number in sorted(months):
        if number > 1 and number - 1 not in months:
            problems.append(f"Month {number} of support is recorded but month {number - 1} is not")
        elif number > 1 and months[number - 1] > months[number]:
            problems.append(f"Month {number} of support is dated before month {number - 1}")
    for m in sorted(milestones, key=lambda m: (m.achieved_on, m.kind, m.month_number)):
        if m.kind not in AFTER_START_KINDS:
            continue
        label = MILESTONE_KINDS[m.kind] + (f" (month {m.month_number})" if m.month_number else "")
        if started_on is None:
            problems.append(f"{label} is recorded but the participant has not attended an appointment")
        elif m.achieved_on < started_on:
            problems.append(f"{label} is dated {_day(m.achieved_on)}, before the start on {_day(started_on)}")
    return problems


# ----------------------------------------------------------------- the drafts
