"""The contract figures of calendar months, per delivering organisation and in total.

One loader reads what a range of months needs in a handful of queries (whatever the
number of organisations and months); the figures are then counted in Python from those
facts, so the monthly report, the lead partner's dashboard and its 12-month trends
count the same things the same way. Every date is a Europe/London date (``months``).

The words are DESIGN.md's: **started** is the first attended appointment; **first
contact** the first attended appointment or logged phone/email contact after
allocation; a case is **closed** on the date its status became completed, left early or
withdrawn. Figures:

- referrals received (referral date in the month) and allocated (first allocated in it);
- working days from referral to first contact for the participants first contacted in
  the month: the median, and how many (and what share) were within the target
  (``REPORT_FIRST_CONTACT_TARGET_DAYS``, default 2 working days);
- participants started in the month;
- active caseload at month end: first contacted by then and not closed by then;
- appointments in the month attended, and not attended;
- milestones reached in the month, by type;
- completions in the month, of which with a job-retained milestone, and with a
  moved-to-more-suitable-work milestone (on or before completion);
- early leavers in the month, by reason;
- out-of-hours contacts: calls to the out-of-hours line about the organisation's
  participants (each reaches a record through a verbal-consent check; callbacks left
  without one count too).

Restricted participants are counted in these aggregates (restriction stops individual
reporting, not counts); they are withheld from the participant-level progress return.
Participants who objected to research and statistics (issue 8) are counted too: these
are the contract's own monitoring figures, which the contract requires, not research
or statistics; the statistics extracts (``statistics.objector_ids``) leave them out.
"""

import statistics
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from flask import current_app
from sqlalchemy import func, select

from portal import clock
from portal.deadlines import working_days_between
from portal.extensions import db
from portal.models import Appointment, Milestone, OohCallback, OohCheck, Organisation, Participant
from portal.models.milestone import LEFT_EARLY_REASONS, MILESTONE_KINDS
from portal.months import Month, london_date

DEFAULT_FIRST_CONTACT_TARGET = 2

# The figures in report order: key → label (the breakdowns follow their counts).
LABELS = {
    "referrals_received": "Referrals received",
    "referrals_allocated": "Referrals allocated",
    "first_contacts": "Participants first contacted",
    "first_contact_median_working_days": "Median working days from referral to first contact",
    "first_contact_within_target": "First contacted within the target",
    "first_contact_within_target_percent": "Share first contacted within the target (%)",
    "started": "Participants started",
    "active_caseload_at_month_end": "Active caseload at month end",
    "appointments_attended": "Appointments attended",
    "appointments_not_attended": "Appointments not attended",
    "milestones": "Milestones reached",
    "completions": "Completions",
    "completions_job_retained": "Completions: job retained",
    "completions_moved_to_suitable_work": "Completions: moved to more suitable work",
    "early_leavers": "Early leavers",
    "early_leavers_by_reason": "Early leavers by reason",
    "out_of_hours_contacts": "Out-of-hours contacts",
}
BREAKDOWN_LABELS = {"milestones": MILESTONE_KINDS, "early_leavers_by_reason": LEFT_EARLY_REASONS}

# (org_id, participant_id, London date, status) of an attended / not attended appointment
AppointmentFact = tuple[int, int, date, str]
# (org_id, participant_id, kind, month_number, achieved_on, left_early_reason)
MilestoneFact = tuple[int, int, str, int, date, str]
# (org_id, London date) of an out-of-hours contact
OohContactFact = tuple[int, date]


def first_contact_target() -> int:
    return int(current_app.config.get("REPORT_FIRST_CONTACT_TARGET_DAYS", DEFAULT_FIRST_CONTACT_TARGET))


@dataclass
class ParticipantFacts:
    id: int
    org_id: int
    referred_on: date
    allocated_on: date | None
    first_contact_on: date | None
    started_on: date | None
    closed_on: date | None
    status: str
    restricted: bool
    atw_reference: str
    ni_number: str


@dataclass
class Facts:
    """What the figures of months ``first``..``last`` are counted from."""

    first: Month
    last: Month
    organisations: list[Organisation]
    participants: dict[int, ParticipantFacts] = field(default_factory=dict)
    # (org_id, participant_id, London date, status) of attended / not attended appointments
    appointments: list[AppointmentFact] = field(default_factory=list)
    # (org_id, participant_id, kind, month_number, achieved_on, left_early_reason)
    milestones: list[MilestoneFact] = field(default_factory=list)
    # participant_id → {kind: achieved_on} for job retained / moved to more suitable work, at any date
    outcomes: dict[int, dict[str, date]] = field(default_factory=dict)
    # (org_id, London date) of each out-of-hours contact
    ooh_contacts: list[OohContactFact] = field(default_factory=list)


def delivering_organisations() -> list[Organisation]:
    """Lead and delivery organisations (the ones with caseloads), by name."""
    return list(
        db.session.scalars(
            select(Organisation)
            .where(Organisation.kind.in_(("lead", "delivery")))
            .order_by(Organisation.name, Organisation.id)
        )
    )


def load(first: Month, last: Month) -> Facts:
    """Read the facts for months ``first`` to ``last`` (inclusive). Reporting reaches every
    delivering organisation by design (the contract manager's and DWP's figures), so the
    queries here filter by those organisations' ids rather than by one tenant."""
    orgs = delivering_organisations()
    org_ids = [o.id for o in orgs]
    facts = Facts(first, last, orgs)
    end = last.ends_at
    started = dict(
        db.session.execute(
            select(Appointment.participant_id, func.min(Appointment.starts_at))
            .where(Appointment.org_id.in_(org_ids), Appointment.status == "attended")
            .group_by(Appointment.participant_id)
        ).all()
    )
    rows = db.session.execute(
        select(
            Participant.id,
            Participant.org_id,
            Participant.referred_at,
            Participant.allocated_at,
            Participant.first_contact_at,
            Participant.closed_on,
            Participant.status,
            Participant.restricted,
            Participant.atw_reference,
            Participant.ni_number,
        ).where(Participant.org_id.in_(org_ids), Participant.referred_at < end)
    ).all()
    for r in rows:
        started_at = started.get(r.id)
        facts.participants[r.id] = ParticipantFacts(
            id=r.id,
            org_id=r.org_id,
            referred_on=cast(date, london_date(r.referred_at)),  # referred_at is never null
            allocated_on=london_date(r.allocated_at),
            first_contact_on=london_date(r.first_contact_at),
            started_on=london_date(clock.as_utc(started_at)) if started_at is not None else None,
            closed_on=r.closed_on,
            status=r.status,
            restricted=r.restricted,
            atw_reference=r.atw_reference,
            ni_number=r.ni_number,
        )
    for a in db.session.execute(
        select(Appointment.org_id, Appointment.participant_id, Appointment.starts_at, Appointment.status).where(
            Appointment.org_id.in_(org_ids),
            Appointment.status.in_(("attended", "did_not_attend")),
            Appointment.starts_at >= first.starts_at,
            Appointment.starts_at < end,
        )
    ):  # starts_at is never null
        facts.appointments.append((a.org_id, a.participant_id, cast(date, london_date(a.starts_at)), a.status))
    for m in db.session.execute(
        select(
            Milestone.org_id,
            Milestone.participant_id,
            Milestone.kind,
            Milestone.month_number,
            Milestone.achieved_on,
            Milestone.left_early_reason,
        ).where(
            Milestone.org_id.in_(org_ids),
            Milestone.achieved_on >= first.first_day,
            Milestone.achieved_on <= last.last_day,
        )
    ):
        facts.milestones.append(cast(MilestoneFact, tuple(m)))
    for o in db.session.execute(
        select(Milestone.participant_id, Milestone.kind, Milestone.achieved_on).where(
            Milestone.org_id.in_(org_ids),
            Milestone.kind.in_(("job_retained", "moved_to_suitable_work")),
            Milestone.achieved_on <= last.last_day,
        )
    ):
        facts.outcomes.setdefault(o.participant_id, {})[o.kind] = o.achieved_on
    for model, at, extra in (
        (OohCheck, OohCheck.started_at, ()),
        (OohCallback, OohCallback.created_at, (OohCallback.check_id.is_(None),)),
    ):
        for c in db.session.execute(
            select(model.org_id, at).where(model.org_id.in_(org_ids), at >= first.starts_at, at < end, *extra)
        ):  # started_at and created_at are never null
            facts.ooh_contacts.append((c[0], cast(date, london_date(c[1]))))
    return facts


def figures(facts: Facts, month: Month, org_id: int | None = None, target: int | None = None) -> dict[str, Any]:
    """The month's figures for one organisation (``org_id``) or all of them (None)."""
    target = first_contact_target() if target is None else target

    def mine(owner: int) -> bool:
        return org_id is None or owner == org_id

    people = [p for p in facts.participants.values() if mine(p.org_id)]
    end = month.last_day
    contacted = [p for p in people if month.contains(p.first_contact_on)]
    # contacted in the month: first_contact_on is set
    days = [working_days_between(p.referred_on, cast(date, p.first_contact_on)) for p in contacted]
    within = sum(1 for d in days if d <= target)
    appointments = [a for a in facts.appointments if mine(a[0]) and month.contains(a[2])]
    reached = [m for m in facts.milestones if mine(m[0]) and month.contains(m[4])]
    milestones = dict.fromkeys(MILESTONE_KINDS, 0)
    for m in reached:
        milestones[m[2]] = milestones.get(m[2], 0) + 1
    completions = [m for m in reached if m[2] == "programme_completed"]

    def had(m: MilestoneFact, kind: str) -> bool:
        on = facts.outcomes.get(m[1], {}).get(kind)
        return on is not None and on <= m[4]

    leavers = [m for m in reached if m[2] == "left_early"]
    by_reason = dict.fromkeys(LEFT_EARLY_REASONS, 0)
    for m in leavers:
        reason = m[5] if m[5] in LEFT_EARLY_REASONS else "not_recorded"
        by_reason[reason] = by_reason.get(reason, 0) + 1
    return {
        "referrals_received": sum(1 for p in people if month.contains(p.referred_on)),
        "referrals_allocated": sum(1 for p in people if month.contains(p.allocated_on)),
        "first_contacts": len(contacted),
        "first_contact_median_working_days": float(statistics.median(days)) if days else None,
        "first_contact_within_target": within,
        "first_contact_within_target_percent": round(100 * within / len(days), 1) if days else None,
        "started": sum(1 for p in people if month.contains(p.started_on)),
        "active_caseload_at_month_end": sum(
            1
            for p in people
            if p.first_contact_on is not None
            and p.first_contact_on <= end
            and not (p.closed_on is not None and p.closed_on <= end)
        ),
        "appointments_attended": sum(1 for a in appointments if a[3] == "attended"),
        "appointments_not_attended": sum(1 for a in appointments if a[3] == "did_not_attend"),
        "milestones": milestones,
        "completions": len(completions),
        "completions_job_retained": sum(1 for m in completions if had(m, "job_retained")),
        "completions_moved_to_suitable_work": sum(1 for m in completions if had(m, "moved_to_suitable_work")),
        "early_leavers": len(leavers),
        "early_leavers_by_reason": by_reason,
        "out_of_hours_contacts": sum(1 for o in facts.ooh_contacts if mine(o[0]) and month.contains(o[1])),
    }


def month_figures(month: Month, facts: Facts | None = None) -> dict[str, Any]:
    """{"organisations": [{"slug", "name", "figures"}...], "total": figures} for a month."""
    facts = facts or load(month, month)
    target = first_contact_target()
    return {
        "organisations": [
            {"slug": org.slug, "name": org.name, "figures": figures(facts, month, org.id, target)}
            for org in facts.organisations
        ],
        "total": figures(facts, month, None, target),
    }


def figure_rows(block: dict[str, Any]) -> list[dict[str, Any]]:
    """A month's figures as table rows: {"key", "label", "breakdown", "values": [per org..., total]}.

    ``block`` is ``month_figures``' result (or a report's content)."""
    columns = [o["figures"] for o in block["organisations"]] + [block["total"]]
    rows = []
    for key, label in LABELS.items():
        if key in BREAKDOWN_LABELS:
            for code, sub_label in _breakdown_items(key, columns):
                rows.append(
                    {
                        "key": f"{key}.{code}",
                        "label": f"{label}: {sub_label}",
                        "breakdown": True,
                        "values": [c[key].get(code, 0) for c in columns],
                    }
                )
        else:
            rows.append({"key": key, "label": label, "breakdown": False, "values": [c[key] for c in columns]})
    return rows


def _breakdown_items(key: str, columns: list[dict[str, Any]]) -> list[tuple[str, str]]:
    labels = dict(BREAKDOWN_LABELS[key])
    for column in columns:
        for code in column[key]:
            labels.setdefault(code, code.replace("_", " ").capitalize())
    return list(labels.items())
