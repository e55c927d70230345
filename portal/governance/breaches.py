"""The breach register (issue 10, DESIGN.md rule 8).

Any staff member except DWP reports a suspected personal data breach; every DPO is
notified at once. The DPO assesses the risk and records the decision to report to the
ICO or not, with reasons, against the 72-hour clock (``breach_clock``: clock hours
from discovery, weekends and clock changes included). A decision after 72 hours needs
a reason for the delay (UK GDPR Art. 33(1)). Then the ICO reference, when DWP and the
people affected were told, and the actions taken are recorded.

Audit events hold the breach's id and the names of fields changed only (rule 10).
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from portal import audit, clock, notifications
from portal.extensions import db
from portal.governance import breach_clock
from portal.models import Breach, Membership, User
from portal.models.governance import RISK_LEVELS
from portal.validation import Invalid, Problems


class NotTheDpo(PermissionError):
    pass


def dpos() -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.role == "dpo", User.active.is_(True))
            .distinct()
            .order_by(User.id)
        )
    )


def _is_dpo(user: User) -> bool:
    return "dpo" in user.all_roles()


def _required(value: str | None, field: str, message: str, problems: list[Invalid]) -> str:
    value = (value or "").strip()
    if not value:
        problems.append(Invalid(message, field=field))
    return value


def report(
    user: User,
    *,
    what_happened: str | None,
    discovered_at: datetime | None,
    data_affected: str | None,
    people_affected: str | None,
    organisations_involved: str | None = "",
) -> Breach:
    """Record a suspected breach and tell every DPO. DWP users may not report here."""
    roles = user.all_roles()
    if not roles or roles <= {"dwp"}:
        raise PermissionError("DWP users report breaches to their own DPO")
    problems: list[Invalid] = []
    what = _required(what_happened, "what_happened", "Enter what happened", problems)
    data = _required(data_affected, "data_affected", "Enter what data was affected", problems)
    people = _required(people_affected, "people_affected", "Enter who was affected and roughly how many", problems)
    now = clock.now()
    if discovered_at is None:
        problems.append(Invalid("Enter the date the breach was discovered", field="discovered_on"))
    elif discovered_at > now + timedelta(minutes=5):
        problems.append(Invalid("The time it was discovered must be in the past", field="discovered_on"))
    if problems:
        raise Problems(problems)
    assert discovered_at is not None  # refused above when missing
    org = next((m.organisation for m in user.memberships), None)
    breach = Breach(
        org_id=org.id if org else None,
        reported_by_id=user.id,
        reported_at=now,
        discovered_at=discovered_at,
        what_happened=what,
        data_affected=data,
        people_affected=people,
        organisations_involved=(organisations_involved or "").strip(),
        status="reported",
        updated_at=now,
    )
    db.session.add(breach)
    db.session.flush()
    audit.record("breach.reported", object_type="breach", object_id=breach.id, user_id=user.id, org_id=breach.org_id)
    deadline = clock.local(breach_clock.ico_deadline(discovered_at)).strftime("%-d %B %Y at %H:%M")
    for dpo in dpos():
        notifications.notify(
            dpo.id,
            "breach.reported",
            f"Suspected personal data breach {breach.id} reported: decide on reporting to the ICO by {deadline}",
            f"/dpo/breaches/{breach.id}",
            email_subject="Suspected personal data breach reported",
        )
    db.session.commit()
    return breach


@dataclass
class ClockState:
    deadline: datetime  # UTC
    hours_remaining: float  # negative once passed (frozen at the decision)
    overdue: bool
    stopped: bool  # a decision has been recorded


def clock_state(breach: Breach, now: datetime | None = None) -> ClockState:
    """The 72-hour clock from discovery until a decision is recorded."""
    at = clock.as_utc(breach.decided_at) if breach.decided_at else (now or clock.now())
    discovered = clock.as_utc(breach.discovered_at)
    return ClockState(
        deadline=breach_clock.ico_deadline(discovered),
        hours_remaining=breach_clock.hours_remaining(discovered, at),
        overdue=breach_clock.is_overdue(discovered, at),
        stopped=breach.decided_at is not None,
    )


def register(status: str | None = None, limit: int = 200) -> list[Breach]:
    stmt = select(Breach).order_by(Breach.id.desc()).limit(limit)
    if status:
        stmt = stmt.where(Breach.status == status)
    return list(db.session.scalars(stmt))


def audit_register_view(rows: list[Breach]) -> None:
    """The DPO's look at the register is audited, naming every breach shown (rule 10)."""
    audit.record(
        "breach.register_viewed", object_type="list", object_id="breaches", detail={"breach_ids": [b.id for b in rows]}
    )
    db.session.commit()


def audit_view(breach: Breach) -> None:
    """The DPO's look at one breach record is audited (rule 10)."""
    audit.record("breach.viewed", object_type="breach", object_id=breach.id)
    db.session.commit()


def decide(
    breach: Breach,
    user: User,
    *,
    risk_level: str | None,
    risk_assessment: str | None,
    report_to_ico: bool | None,
    reasons: str | None,
    delay_reason: str | None = "",
) -> Breach:
    """The DPO's decision to report to the ICO or not, with reasons (and a reason for
    the delay when more than 72 clock hours have passed since discovery)."""
    if not _is_dpo(user):
        raise NotTheDpo("only the DPO decides on a breach")
    problems: list[Invalid] = []
    if risk_level not in RISK_LEVELS:
        problems.append(Invalid("Select the risk to the people affected", field="risk_level"))
    assessment = _required(risk_assessment, "risk_assessment", "Enter your assessment of the risk", problems)
    if report_to_ico not in (True, False):
        problems.append(Invalid("Select whether the breach is to be reported to the ICO", field="report_to_ico"))
    why = _required(reasons, "reasons", "Enter the reasons for your decision", problems)
    now = clock.now()
    late = breach_clock.decision_late(clock.as_utc(breach.discovered_at), now)
    delay = (delay_reason or "").strip()
    if late and not delay:
        problems.append(
            Invalid(
                "More than 72 hours have passed since the breach was discovered: enter the reason for the delay",
                field="delay_reason",
            )
        )
    if breach.decided_at is not None:
        problems.append(Invalid("A decision has already been recorded for this breach", field="risk_level"))
    if problems:
        raise Problems(problems)
    breach.risk_level, breach.risk_assessment = risk_level, assessment
    breach.report_to_ico, breach.decision_reasons, breach.delay_reason = report_to_ico, why, delay
    breach.decided_at, breach.decided_by_id, breach.status, breach.updated_at = now, user.id, "decided", now
    audit.record(
        "breach.decided",
        object_type="breach",
        object_id=breach.id,
        user_id=user.id,
        detail={"report_to_ico": report_to_ico, "risk_level": risk_level, "late": late},
    )
    db.session.commit()
    return breach


def follow_up(
    breach: Breach,
    user: User,
    *,
    ico_reference: str | None = "",
    ico_reported_at: datetime | None = None,
    dwp_told_at: datetime | None = None,
    people_told_at: datetime | None = None,
    actions_taken: str | None = "",
    close: bool = False,
) -> Breach:
    """What followed the decision: the ICO reference, whether and when DWP and the
    people affected were told, the actions taken; optionally closing the record."""
    if not _is_dpo(user):
        raise NotTheDpo("only the DPO records what followed")
    problems: list[Invalid] = []
    now = clock.now()
    for field, value in (
        ("ico_reported_on", ico_reported_at),
        ("dwp_told_on", dwp_told_at),
        ("people_told_on", people_told_at),
    ):
        if value is not None and value > now + timedelta(minutes=5):
            problems.append(Invalid("The date must be today or in the past", field=field))
    if breach.report_to_ico and close and not (ico_reference or "").strip():
        problems.append(
            Invalid("Enter the ICO reference before closing: the decision was to report", field="ico_reference")
        )
    if close and breach.decided_at is None:
        problems.append(Invalid("Record the decision on reporting before closing the breach", field="ico_reference"))
    if problems:
        raise Problems(problems)
    changes = {
        "ico_reference": (ico_reference or "").strip(),
        "ico_reported_at": ico_reported_at,
        "dwp_told_at": dwp_told_at,
        "people_told_at": people_told_at,
        "actions_taken": (actions_taken or "").strip(),
    }
    changed = sorted(k for k, v in changes.items() if getattr(breach, k) != v)
    for key, new_value in changes.items():
        setattr(breach, key, new_value)
    if close:
        breach.status = "closed"
        changed.append("status")
    breach.updated_at = now
    audit.record(
        "breach.updated", object_type="breach", object_id=breach.id, user_id=user.id, detail={"fields": changed}
    )
    db.session.commit()
    return breach
