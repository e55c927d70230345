"""Retention and destruction (DESIGN.md rules 7 and 10).

The DPO sets a period per kind of record, counted from a named event. The nightly
job lists what has passed its period (``build_list``); nothing is destroyed until
the DPO approves items (``approve``) and carries the approved ones out
(``start_destruction``: a tracked job running ``destroy_approved``): participant records
through the erasure service, other kinds through ``portal.retention.destruction``, audit events by sealing a checkpoint
(``seal_checkpoint``). Standing legal holds keep a participant's records (the item
shows "held"). Lists, items and audit events hold ids and kinds, never personal data.
"""

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import TypedDict

from dateutil.relativedelta import relativedelta
from sqlalchemy import Row, func, select

from portal import audit, clock, data_map
from portal.extensions import db
from portal.models import AuditEvent, Participant, User
from portal.models.participant import CLOSED_STATUSES
from portal.models.retention import RetentionRule, RetentionRuleChange
from portal.validation import Invalid, Problems

# The README's "Retention defaults" (the 0012_retention migration seeds the same rows).

# The README's "Retention defaults" (the 0012_retention migration seeds the same rows).

# The README's "Retention defaults" (the 0012_retention migration seeds the same rows).
DEFAULT_RULES = [
    ("participant_record", "Participant record and case notes", 72, "case_closed", 1),
    ("appointments", "Appointments", 72, "case_closed", 2),
    ("consents", "Consents and consent evidence", 72, "case_closed", 3),
    ("disclosures", "Disclosures", 72, "case_closed", 4),
    ("rights_requests", "Rights requests", 24, "request_closed", 5),
    ("reports", "Generated reports and packages", 12, "created", 6),
    ("audit_events", "Audit events", 72, "created", 7),
]
# Which events each kind may be counted from.
ALLOWED_FROM = {
    "participant_record": ("case_closed", "created"),
    "appointments": ("case_closed", "created"),
    "consents": ("case_closed", "created"),
    "disclosures": ("case_closed", "created"),
    "rights_requests": ("request_closed", "created"),
    "reports": ("created",),
    "audit_events": ("created",),
}
STATUS_LABELS = {
    "pending": "Awaiting approval",
    "held": "Kept: legal hold",
    "approved": "Approved",
    "destroyed": "Destroyed",
    "failed": "Not destroyed",
}
# Rules whose items are found apart: the participant record, rights requests,
# generated reports and packages, the audit trail; every other rule lists rows of a
# participant's table, counted from the case closing or the row's creation.
COUNTED_APART = ("participant_record", "rights_requests", "reports", "audit_events")
# Kinds destroyed first: a participant's erasure and the audit seal come last.
ORDER = {
    "appointments": 0,
    "consents": 1,
    "disclosures": 2,
    "rights_requests": 3,
    "reports": 4,
    "participant_record": 5,
    "audit_events": 6,
}


class DueItem(TypedDict):
    """One record past its period (``due``): the fields of its ``DestructionItem``."""

    kind: str
    object_type: str
    object_id: str
    participant_id: int | None
    org_id: int | None
    counted_from_on: date
    period_ended_on: date


# ------------------------------------------------------------------ rules


def ensure_rules() -> None:
    """Seed missing rules with the defaults (the migration does so; tests' create_all not)."""
    have = set(db.session.scalars(select(RetentionRule.key)))
    for key, name, months, counted_from, position in DEFAULT_RULES:
        if key not in have:
            db.session.add(
                RetentionRule(key=key, name=name, period_months=months, counted_from=counted_from, position=position)
            )
    db.session.flush()


def rules() -> list[RetentionRule]:
    ensure_rules()
    return list(db.session.scalars(select(RetentionRule).order_by(RetentionRule.position)))


def rule(key: str) -> RetentionRule | None:
    ensure_rules()
    return db.session.scalar(select(RetentionRule).where(RetentionRule.key == key))


def history() -> list[RetentionRuleChange]:
    return list(db.session.scalars(select(RetentionRuleChange).order_by(RetentionRuleChange.id.desc())))


def period_label(months: int) -> str:
    if months % 12 == 0:
        years = months // 12
        return f"{years} year{'s' if years != 1 else ''}"
    return f"{months} month{'s' if months != 1 else ''}"


def update_rule(
    found: RetentionRule, period_months: str | int | None, counted_from: str | None, note: str | None, user: User
) -> RetentionRuleChange | None:
    """Change a rule's period or starting event, with the reason; the rule, its history
    row and the event commit together. None when nothing changed."""
    problems: list[Invalid] = []
    months: int | None
    try:
        months = int(str(period_months or "").strip())
        if not 1 <= months <= 1200:
            raise ValueError
    except ValueError:
        problems.append(Invalid("Enter the period as a whole number of months between 1 and 1200", "period_months"))
        months = None
    if counted_from not in ALLOWED_FROM[found.key]:
        problems.append(Invalid("Select what the period is counted from", "counted_from"))
    note = (note or "").strip()
    if not note:
        problems.append(Invalid("Enter why the rule changes", "note"))
    if problems:
        raise Problems(problems)
    assert months is not None and counted_from is not None  # checked above
    if months == found.period_months and counted_from == found.counted_from:
        return None
    change = RetentionRuleChange(
        rule_id=found.id,
        old_period_months=found.period_months,
        new_period_months=months,
        old_counted_from=found.counted_from,
        new_counted_from=counted_from,
        note=note,
        changed_by_id=user.id,
        changed_at=clock.now(),
    )
    found.period_months, found.counted_from = months, counted_from
    found.updated_at, found.updated_by_id = change.changed_at, user.id
    db.session.expire(found, ["updated_by"])  # its joined relationship was loaded with the old value
    db.session.add(change)
    db.session.flush()
    audit.record(
        "retention.rule_change",
        object_type="retention_rule",
        object_id=found.key,
        user_id=user.id,
        detail={
            "change_id": change.id,
            "period_months": [change.old_period_months, months],
            "counted_from": [change.old_counted_from, counted_from],
        },
    )
    db.session.commit()
    return change


# ------------------------------------------------------------------ what is due


def _date(value: date) -> date:
    return clock.local(value).date() if isinstance(value, datetime) else value


def _cutoff(found: RetentionRule, today: date) -> date:
    return today - relativedelta(months=found.period_months)


def _closed_participants(cutoff: date) -> Sequence[Row[int, int, date | None]]:
    return db.session.execute(
        select(Participant.id, Participant.org_id, Participant.closed_on).where(
            Participant.status.in_(CLOSED_STATUSES), Participant.closed_on.is_not(None), Participant.closed_on <= cutoff
        )
    ).all()


def _participant_rows(
    table_name: str, created_column: str, found: RetentionRule, cutoff: date, today: date
) -> list[tuple[str, int, int | None, int | None, date]]:
    """Rows of a participant's table past the rule: counted from the case closing or
    from the row's own creation."""
    table = db.metadata.tables[table_name]
    created = table.c[created_column]
    if found.counted_from == "case_closed":
        p = Participant.__table__
        rows = db.session.execute(
            select(table.c.id, table.c.participant_id, table.c.org_id, p.c.closed_on)
            .join(p, p.c.id == table.c.participant_id)
            .where(p.c.status.in_(CLOSED_STATUSES), p.c.closed_on.is_not(None), p.c.closed_on <= cutoff)
        ).all()
    else:
        limit = datetime.combine(cutoff + timedelta(days=1), datetime.min.time(), tzinfo=clock.LONDON)
        rows = db.session.execute(
            select(table.c.id, table.c.participant_id, table.c.org_id, created).where(created < limit)
        ).all()
    return [(table_name, r[0], r[1], r[2], _date(r[3])) for r in rows]


def due(today: date | None = None) -> list[DueItem]:
    """Everything past its period today: kind, object, participant, rule dates."""
    today = today or clock.today()
    found_rules = {r.key: r for r in rules()}
    results: list[DueItem] = []
    # Each kind's records: not every one belongs to a participant or an organisation.
    pid: int | None
    org_id: int | None

    def add(
        key: str,
        object_type: str,
        object_id: int | str,
        participant_id: int | None,
        org_id: int | None,
        counted_on: date,
    ) -> None:
        found = found_rules[key]
        results.append(
            DueItem(
                kind=key,
                object_type=object_type,
                object_id=str(object_id),
                participant_id=participant_id,
                org_id=org_id,
                counted_from_on=counted_on,
                period_ended_on=counted_on + relativedelta(months=found.period_months),
            )
        )

    # What each rule lists is the participant-data registry's (portal.data_map.listed_by).
    r = found_rules["participant_record"]
    cutoff = _cutoff(r, today)
    for holding in data_map.listed_by(r.key):  # the participant record itself
        table = db.metadata.tables[holding.table]
        if r.counted_from == "case_closed":
            for pid, org_id, closed_on in _closed_participants(cutoff):
                assert closed_on is not None  # selected where set
                add(r.key, holding.table, pid, pid, org_id, closed_on)
        else:
            limit = datetime.combine(cutoff + timedelta(days=1), datetime.min.time(), tzinfo=clock.LONDON)
            assert holding.retention.item_from is not None  # listed_by lists only holdings that name it
            created = table.c[holding.retention.item_from]
            for pid, org_id, referred_at in db.session.execute(
                select(table.c.id, table.c.org_id, created).where(created < limit)
            ).all():
                add(r.key, holding.table, pid, pid, org_id, _date(referred_at))

    for key in found_rules:  # the rules of a participant's own rows (appointments, consents, disclosures)
        if key in COUNTED_APART:
            continue
        found = found_rules[key]
        for holding in data_map.listed_by(key):
            assert holding.retention.item_from is not None  # listed_by lists only holdings that name it
            for object_type, oid, pid, org_id, counted_on in _participant_rows(
                holding.table, holding.retention.item_from, found, _cutoff(found, today), today
            ):
                add(key, object_type, oid, pid, org_id, counted_on)

    found = found_rules["rights_requests"]
    for holding in data_map.listed_by(found.key):
        table = db.metadata.tables[holding.table]
        cutoff = _cutoff(found, today)
        if found.counted_from == "request_closed":
            rows = db.session.execute(
                select(table.c.id, table.c.participant_id, table.c.org_id, table.c.closed_at).where(
                    table.c.status == "closed", table.c.closed_at.is_not(None)
                )
            ).all()
        else:
            assert holding.retention.item_from is not None  # listed_by lists only holdings that name it
            rows = db.session.execute(
                select(table.c.id, table.c.participant_id, table.c.org_id, table.c[holding.retention.item_from])
            ).all()
        for oid, pid, org_id, when in rows:
            if when is not None and _date(when) <= cutoff:
                add(found.key, holding.table, oid, pid, org_id, _date(when))

    found = found_rules["reports"]
    cutoff = _cutoff(found, today)
    for holding in data_map.listed_by(found.key):
        table_name, created_column = holding.table, holding.retention.item_from
        assert created_column is not None  # listed_by lists only holdings that name it
        table = db.metadata.tables[table_name]
        pid_col = table.c.participant_id if "participant_id" in table.c else None
        org_col = table.c.org_id if "org_id" in table.c else None
        cols = [table.c.id, table.c[created_column]]
        for row in db.session.execute(select(*cols, *(c for c in (pid_col, org_col) if c is not None))).all():
            when = _date(row[1])
            if when <= cutoff:
                pid = row[2] if pid_col is not None else None
                org_id = row[-1] if org_col is not None else None
                add(found.key, table_name, row[0], pid, org_id, when)

    found = found_rules["audit_events"]
    cutoff = _cutoff(found, today)
    limit = datetime.combine(cutoff + timedelta(days=1), datetime.min.time(), tzinfo=clock.LONDON)
    sealed = audit.latest_checkpoint()
    query = select(func.max(AuditEvent.seq), func.min(AuditEvent.at)).where(AuditEvent.at < limit)
    if sealed:
        query = query.where(AuditEvent.seq > sealed.checkpoint_seq)
    cut, oldest = db.session.execute(query).one()
    if cut:
        add(found.key, "audit_event", cut, None, None, _date(oldest))
    return results
