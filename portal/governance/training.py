"""Data protection and information security training records (issue 10, rule 9).

An admin records each staff member's training date (their own organisation; the lead
admin any), one at a time or by a CSV upload (``email,completed_on``) checked row by
row: if any row is wrong nothing is saved and every bad row is listed. Staff are told
30 days before their training lapses (``send_lapse_notices``, a daily job: one notice
per user and lapse date). The gate itself is ``participant_access.training_current``.
"""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from portal import audit, clock, hostile_input, notifications
from portal.access.participant_access import TRAINING_VALID_FOR
from portal.extensions import db
from portal.models import Membership, Organisation, TrainingNotice, User
from portal.validation import Invalid, parse_date

NOTICE_DAYS = 30


def lapses_on(completed: date | None) -> date | None:
    """The last day the training counts (training_current is true up to and including it)."""
    return None if completed is None else completed + TRAINING_VALID_FOR


def status_of(user: User, today: date | None = None) -> str:
    """``current``, ``due`` (lapses within 30 days), ``lapsed`` or ``none``."""
    today = today or clock.today()
    last = lapses_on(user.dp_training_completed_on)
    if last is None:
        return "none"
    if last < today:
        return "lapsed"
    if last <= today + timedelta(days=NOTICE_DAYS):
        return "due"
    return "current"


def _clean_completed(value: date | str | None, today: date) -> date:
    try:
        day = parse_date(value)
    except Invalid:
        raise Invalid("Enter a real date the training was completed, like 27 3 2026") from None
    if day > today:
        raise Invalid("The date the training was completed must be today or in the past")
    if day < today - timedelta(days=366 * 5):
        raise Invalid("The date the training was completed must be within the last 5 years")
    return day


def record(org: Organisation, user: User, completed_on: date | str | None, actor_id: int, source: str = "form") -> None:
    """Record ``user``'s training date (the caller checked the actor may manage ``org``
    and that ``user`` is a member of it)."""
    day = _clean_completed(completed_on, clock.today())
    user.dp_training_completed_on = day
    audit.record(
        "staff.training_recorded",
        object_type="user",
        object_id=user.id,
        org_id=org.id,
        user_id=actor_id,
        detail={"source": source},
    )
    db.session.commit()


@dataclass
class UploadResult:
    saved: int = 0
    errors: list[tuple[int, str]] = field(default_factory=list)  # (row number, message)


def members_of(org: Organisation) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.org_id == org.id)
            .distinct()
            .order_by(User.name)
        )
    )


def upload(org: Organisation, content: bytes, actor_id: int) -> UploadResult:
    """A CSV of ``email,completed_on`` for staff of ``org``. Every row is checked; if
    any is wrong nothing is saved and each bad row is reported by its line number."""
    result = UploadResult()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        result.errors.append((0, "The file must be a CSV file saved as UTF-8"))
        return result
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        result.errors.append((0, "The file is empty"))
        return result
    header = [c.strip().lower() for c in rows[0]]
    if header[:2] != ["email", "completed_on"]:
        result.errors.append((1, "The first row must be the column names: email,completed_on"))
        return result
    if len(rows) > 2001:
        result.errors.append((0, "The file has more than 2,000 rows: split it"))
        return result
    members = {u.email.lower(): u for u in members_of(org)}
    today = clock.today()
    updates, seen = [], set()
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        problem = hostile_input.csv_row_problem(row)
        if problem:
            result.errors.append((number, problem))
            continue
        if len(row) < 2:
            result.errors.append((number, "Enter an email address and a date"))
            continue
        email, completed = row[0].strip().lower(), row[1].strip()
        user = members.get(email)
        if user is None:
            result.errors.append((number, f"No member of staff of {org.name} has this email address"))
            continue
        if email in seen:
            result.errors.append((number, "This email address is on an earlier row too"))
            continue
        seen.add(email)
        try:
            updates.append((user, _clean_completed(completed, today)))
        except Invalid as invalid:
            result.errors.append((number, invalid.message))
    if result.errors:
        return result
    if not updates:
        result.errors.append((0, "The file has no rows after the column names"))
        return result
    for user, day in updates:
        user.dp_training_completed_on = day
        audit.record(
            "staff.training_recorded",
            object_type="user",
            object_id=user.id,
            org_id=org.id,
            user_id=actor_id,
            detail={"source": "csv"},
        )
    db.session.commit()
    result.saved = len(updates)
    return result


@dataclass
class Compliance:
    org: Organisation
    current: list[User]
    due: list[User]
    lapsed: list[User]  # lapsed or never recorded


def compliance(org: Organisation, today: date | None = None) -> Compliance:
    today = today or clock.today()
    result = Compliance(org, [], [], [])
    for user in members_of(org):
        if not user.active:
            continue
        status = status_of(user, today)
        {"current": result.current, "due": result.due}.get(status, result.lapsed).append(user)
    return result


def audit_compliance_view(org: Organisation) -> None:
    """Looking at an organisation's training records is audited (rule 10)."""
    audit.record("training.compliance_viewed", object_type="organisation", object_id=org.id, org_id=org.id)
    db.session.commit()


def audit_overview_view(orgs: list[Organisation]) -> None:
    """Looking at several organisations' training at once is one event naming them all (rule 10)."""
    audit.record(
        "training.compliance_viewed",
        object_type="list",
        object_id="organisations",
        detail={"org_ids": [o.id for o in orgs]},
    )
    db.session.commit()


def send_lapse_notices() -> dict[str, Any]:
    """Daily: tell each active member of staff whose training lapses within 30 days,
    once per lapse date (a TrainingNotice row per user and date)."""
    today = clock.today()
    earliest = today + timedelta(days=NOTICE_DAYS) - TRAINING_VALID_FOR
    latest = today - TRAINING_VALID_FOR
    candidates = db.session.scalars(
        select(User).where(
            User.active.is_(True),
            User.dp_training_completed_on.is_not(None),
            User.dp_training_completed_on <= earliest,
            User.dp_training_completed_on >= latest,
        )
    ).all()
    sent = 0
    for user in candidates:
        last = lapses_on(user.dp_training_completed_on)
        assert last is not None  # the query kept only users with a training date
        if not (today <= last <= today + timedelta(days=NOTICE_DAYS)):
            continue
        exists = db.session.scalar(
            select(func.count())
            .select_from(TrainingNotice)
            .where(TrainingNotice.user_id == user.id, TrainingNotice.lapses_on == last)
        )
        if exists:
            continue
        db.session.add(TrainingNotice(user_id=user.id, lapses_on=last, sent_at=clock.now()))
        notifications.notify(
            user.id,
            "training.lapsing",
            f"Your data protection training runs out after {last.strftime('%-d %B %Y')}. After that you cannot "
            "open participant records: complete the training and ask your organisation’s admin to record it.",
            "/",
            email_subject="Your data protection training is due",
        )
        audit.record("staff.training_notice_sent", object_type="user", object_id=user.id, user_id=None)
        sent += 1
    db.session.commit()
    return {"sent": sent, "message": f"{sent} training reminders sent"}
