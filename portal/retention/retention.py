"""Retention and destruction (DESIGN.md rules 7 and 10).

The DPO sets a period per kind of record, counted from a named event. The nightly
job lists what has passed its period (``build_list``); nothing is destroyed until
the DPO approves items (``approve``) and carries the approved ones out
(``start_destruction``: a tracked job running ``destroy_approved``): participant records
through the erasure service, other kinds through ``portal.retention.destruction``, audit events by sealing a checkpoint
(``seal_checkpoint``). Standing legal holds keep a participant's records (the item
shows "held"). Lists, items and audit events hold ids and kinds, never personal data.
"""

import json
import os
import secrets
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any, TypedDict, cast

from dateutil.relativedelta import relativedelta
from flask import render_template, url_for
from sqlalchemy import CursorResult, Row, func, select, text

from portal import audit, clock, data_map, jobs, private_files
from portal.actions import Action
from portal.casework.gp_letters import render_pdf
from portal.extensions import db
from portal.governance import legal_holds
from portal.models import AuditEvent, AuditVerification, Job, Participant, User
from portal.models.job import UNFINISHED
from portal.models.participant import CLOSED_STATUSES
from portal.models.retention import COUNTED_FROM, DestructionItem, DestructionList, RetentionRule, RetentionRuleChange
from portal.retention import destruction
from portal.rights import erasure
from portal.validation import Invalid, Problems

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


# ------------------------------------------------------------------ lists


def _listed_already() -> set[tuple[str, str]]:
    rows = db.session.execute(
        select(DestructionItem.kind, DestructionItem.object_id).where(
            DestructionItem.status.in_(("pending", "approved", "destroyed"))
        )
    ).all()
    return {(k, o) for k, o in rows}


def build_list(user: User | None = None) -> DestructionList:
    """List everything past its period that is not listed already; items of a
    participant under a legal hold are listed as held. The list, its items and the
    event commit together."""
    listed = _listed_already()
    audit_listed = any(
        k == "audit_events"
        for k, _ in db.session.execute(
            select(DestructionItem.kind, DestructionItem.id).where(
                DestructionItem.kind == "audit_events", DestructionItem.status.in_(("pending", "approved"))
            )
        ).all()
    )
    held = {h.participant_id: h for h in legal_holds.holds(include_lifted=False)}
    found = DestructionList(
        built_at=clock.now(), built_by_id=user.id if user else None, job_id=jobs.current_job_id(), status="open"
    )
    db.session.add(found)
    db.session.flush()
    for entry in due():
        if (entry["kind"], entry["object_id"]) in listed:
            continue
        if entry["kind"] == "audit_events" and audit_listed:
            continue
        hold = held.get(entry["participant_id"]) if entry["participant_id"] else None
        db.session.add(
            DestructionItem(
                list_id=found.id,
                status="held" if hold else "pending",
                hold_id=hold.id if hold else None,
                error="",
                **entry,
            )
        )
    db.session.flush()
    db.session.refresh(found)
    counts = Counter(i.kind for i in found.items)
    if not found.items:
        found.status = "completed"
        found.completed_at = found.built_at
    audit.record(
        "retention.list_built",
        object_type="destruction_list",
        object_id=str(found.id),
        user_id=user.id if user else None,
        detail={"items": dict(counts), "held": sum(1 for i in found.items if i.status == "held")},
    )
    db.session.commit()
    return found


def nightly() -> dict[str, Any]:
    """The periodic job: build tonight's destruction list for the DPO."""
    jobs.set_progress(10, "Finding records past their retention period")
    found = build_list()
    n = len(found.items)
    return {
        "list_id": found.id,
        "items": n,
        "message": f"Destruction list {found.id}: {n} item{'s' if n != 1 else ''} past their period",
    }


def lists() -> list[DestructionList]:
    return list(db.session.scalars(select(DestructionList).order_by(DestructionList.id.desc()).limit(100)))


def _refresh_holds(found: DestructionList) -> None:
    """Items of participants held now are kept; the hold lifted, they await approval again."""
    for item in found.items:
        if item.participant_id is None or item.status not in ("pending", "approved", "held"):
            continue
        hold = legal_holds.active_hold(item.participant_id)
        if hold:
            item.status, item.hold_id = "held", hold.id
            item.approved_by_id = item.approved_at = None
            db.session.expire(item, ["approved_by"])  # its joined relationship was loaded with the old value
        elif item.status == "held":
            item.status, item.hold_id = "pending", None


def approve(found: DestructionList, item_ids: Iterable[str | int] | None, user: User) -> int:
    """The DPO approves items (all pending ones when ``item_ids`` is None). Items whose
    participant was held or released since are brought up to date first; all of it
    commits with the event."""
    _refresh_holds(found)
    wanted = None if item_ids is None else {int(i) for i in item_ids}
    approved = []
    for item in found.items:
        if item.status == "pending" and (wanted is None or item.id in wanted):
            item.status, item.approved_by_id, item.approved_at = "approved", user.id, clock.now()
            db.session.expire(item, ["approved_by"])  # its joined relationship was loaded with the old value
            approved.append(item.id)
    db.session.flush()
    if approved:
        audit.record(
            "retention.approve",
            object_type="destruction_list",
            object_id=str(found.id),
            user_id=user.id,
            detail={"item_ids": approved},
        )
    db.session.commit()
    return len(approved)


def _erase(item: DestructionItem, user: User | int) -> tuple[int, list[str]]:

    participant = db.session.get(Participant, int(item.object_id))
    if participant is None:
        raise destruction.DestructionRefused("the record no longer exists")
    try:
        stone = erasure.erase_participant(participant, confirmed_by=user, basis="retention", rule=item.kind)
    except erasure.ErasureRefused as refused:
        raise destruction.DestructionRefused(str(refused)) from refused
    return stone.id, []


def destroy_approved(found: DestructionList, user: User) -> Counter[str]:
    """Carry out the approved items of a list, each in its own savepoint: a refusal
    (a hold placed since, a record gone) marks that item and goes on. (Sealing an
    audit checkpoint verifies the chain, which empties the session: items are
    fetched again by id.)"""
    user_id, list_id = user.id, found.id
    _refresh_holds(found)
    db.session.flush()
    results: Counter[str] = Counter()
    files: list[str] = []
    todo = [
        (i.id, i.kind)
        for i in sorted(found.items, key=lambda i: (ORDER.get(i.kind, 9), i.id))
        if i.status == "approved"
    ]
    for done_count, (item_id, kind) in enumerate(todo):
        jobs.set_progress(100 * done_count / len(todo), f"Destroying item {done_count + 1} of {len(todo)}")
        item = db.session.get(DestructionItem, item_id)
        assert item is not None  # an item of the list
        tombstone_id: int | None
        try:
            with db.session.begin_nested():
                if kind == "participant_record":
                    tombstone_id, removed = _erase(item, user_id)
                elif kind == "audit_events":
                    seal_checkpoint(int(item.object_id), user_id, commit=False)
                    tombstone_id, removed = None, []
                else:
                    done = destruction.destroy(
                        kind,
                        item.object_type,
                        item.object_id,
                        participant_id=item.participant_id,
                        confirmed_by=user_id,
                        rule=kind,
                    )
                    tombstone_id, removed = done.tombstone_id, done.files
        except (destruction.DestructionRefused, CheckpointRefused) as refused:
            item = db.session.get(DestructionItem, item_id)
            assert item is not None  # an item of the list
            item.status, item.error = "failed", str(refused)[:300]
            results["failed"] += 1
            continue
        item = db.session.get(DestructionItem, item_id)
        assert item is not None  # an item of the list
        files.extend(removed)
        item.status, item.destroyed_at, item.tombstone_id = "destroyed", clock.now(), tombstone_id
        results["destroyed"] += 1
        db.session.flush()
    found = cast(DestructionList, db.session.get(DestructionList, list_id))  # the list being worked
    db.session.refresh(found)
    if all(i.status in ("destroyed", "failed", "held") for i in found.items) and found.status == "open":
        found.status, found.completed_at = "completed", clock.now()
    db.session.flush()
    audit.record(
        "retention.destroy_list",
        object_type="destruction_list",
        object_id=str(list_id),
        user_id=user_id,
        detail={"destroyed": results["destroyed"], "failed": results["failed"]},
    )
    db.session.commit()
    destruction.remove_files(files)
    return results


def running_destruction(found: DestructionList) -> Job | None:
    """The unfinished destruction job of this list, if any."""
    unfinished = db.session.scalars(select(Job).where(Job.kind == Action.RETENTION_DESTROY, Job.status.in_(UNFINISHED)))
    return next((j for j in unfinished if j.args and j.args[0] == found.id), None)


def start_destruction(found: DestructionList, user: User) -> Job:
    """Hand the approved items of a list to a tracked job (DESIGN.md "Jobs"): one job
    per list at a time; asking again while it runs gives the running job. The job and
    its event commit together (the job is handed over on that commit)."""
    running = running_destruction(found)
    if running is not None:
        return running
    job = jobs.enqueue(destroy_list_job, found.id, user.id, kind=Action.RETENTION_DESTROY, requested_by=user.id)
    audit.record(
        "retention.destroy_requested",
        object_type="destruction_list",
        object_id=str(found.id),
        user_id=user.id,
        detail={"job_id": job.id, "approved": sum(1 for i in found.items if i.status == "approved")},
    )
    db.session.commit()
    return job


def destroy_list_job(list_id: int, user_id: int) -> dict[str, Any]:
    """The job: destroy the list's approved items (``destroy_approved``). Safe to run
    twice: items already destroyed or refused are not approved any more. The list row
    is locked first (PostgreSQL), so two runs of one list take turns."""
    locked = db.session.scalar(select(DestructionList.id).where(DestructionList.id == list_id).with_for_update())
    found = db.session.get(DestructionList, locked, populate_existing=True) if locked else None
    user = db.session.get(User, user_id)
    if found is None or user is None:
        raise jobs.Fail("no such destruction list or approver")
    results = destroy_approved(found, user)
    destroyed, failed = results["destroyed"], results["failed"]
    return {
        "list_id": list_id,
        "destroyed": destroyed,
        "failed": failed,
        "message": f"{destroyed} destroyed, {failed} not destroyed",
        "link": url_for("dpo.retention.destruction_list", list_id=list_id),
        "link_text": f"Back to destruction list {list_id}",
    }


# ------------------------------------------------------------------ certificate


def certificate_rows(found: DestructionList) -> list[dict[str, Any]]:
    by_rule = {r.key: r for r in rules()}
    rows: dict[str, dict[str, Any]] = {}
    for item in found.items:
        if item.status != "destroyed":
            continue
        row = rows.setdefault(
            item.kind, {"rule": by_rule.get(item.kind), "count": 0, "approvers": set(), "first": None, "last": None}
        )
        row["count"] += 1
        if item.approved_by:
            row["approvers"].add(item.approved_by.name)
        for key, pick in (("first", min), ("last", max)):
            row[key] = item.destroyed_at if row[key] is None else pick(row[key], item.destroyed_at)
    return [dict(kind=k, **v) for k, v in sorted(rows.items(), key=lambda kv: ORDER.get(kv[0], 9))]


def certificate_html(found: DestructionList) -> str:
    rows = certificate_rows(found)
    return render_template(
        "retention/certificate.html",
        found=found,
        rows=rows,
        total=sum(r["count"] for r in rows),
        held=sum(1 for i in found.items if i.status == "held"),
        issued_at=clock.now(),
        period_label=period_label,
        counted_from=COUNTED_FROM,
    )


def certificate_pdf(found: DestructionList, user: User) -> bytes:

    pdf = render_pdf(certificate_html(found))
    audit.record("retention.certificate", object_type="destruction_list", object_id=str(found.id), user_id=user.id)
    db.session.commit()
    return pdf


# ------------------------------------------------------------------ audit checkpoints


class CheckpointRefused(RuntimeError):
    pass


def archive_dir() -> str:
    path = os.path.join(private_files.root(), "audit-archive")
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def seal_checkpoint(upto_seq: int, user: User | int, commit: bool = True) -> AuditVerification:
    """Seal the audit chain at ``upto_seq`` and remove the events at or below it.

    The whole chain is verified first; the checkpoint (sequence, count, head hash)
    is appended to the verification log; the sealed events are archived with their
    hashes to a private JSON-lines file; then the owner's database function (on
    PostgreSQL; a direct delete on SQLite) removes the rows. Verification then starts
    from the checkpoint. On its own (``commit``) the seal is one unit of work: it
    commits with its event, or a refusal rolls the session back; inside a destruction
    list's savepoint (``commit=False``) the list decides."""
    try:
        checkpoint = _seal(upto_seq, user if isinstance(user, int) else user.id)
    except CheckpointRefused:
        if commit:
            db.session.rollback()
        raise
    if commit:
        db.session.commit()
    return checkpoint


def _seal(upto_seq: int, user_id: int) -> AuditVerification:
    db.session.flush()
    result = audit.verify_chain()
    if not result.ok:
        raise CheckpointRefused(f"the audit chain does not verify: {result.message}")
    sealed = audit.latest_checkpoint()
    floor = sealed.checkpoint_seq if sealed else 0
    assert floor is not None  # a checkpoint names the sequence it sealed
    head = db.session.get(AuditEvent, upto_seq)
    if head is None or upto_seq <= floor:
        raise CheckpointRefused(f"audit event {upto_seq} is not in the chain")
    events = list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.seq > floor, AuditEvent.seq <= upto_seq).order_by(AuditEvent.seq)
        )
    )
    # Unique even when the same sequence is sealed twice at one moment (a rolled-back
    # seal, a restored database writing to the same private files).
    name = f"checkpoint-{upto_seq:012d}-{clock.now():%Y%m%dT%H%M%S}-{secrets.token_hex(4)}.jsonl"
    path = os.path.join(archive_dir(), name)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as archive:
        for event in events:
            archive.write(
                json.dumps(
                    {"event": json.loads(audit.canonical(event)), "prev_hash": event.prev_hash, "hash": event.hash},
                    sort_keys=True,
                )
                + "\n"
            )
    checkpoint = AuditVerification(
        at=clock.now(),
        kind="checkpoint",
        ok=True,
        checkpoint_seq=upto_seq,
        checkpoint_hash=head.hash,
        first_seq=events[0].seq,
        head_seq=upto_seq,
        head_hash=head.hash,
        event_count=len(events),
        message=f"checkpoint sealed; {len(events)} events archived to audit-archive/{name}"[:500],
    )
    db.session.add(checkpoint)
    db.session.flush()
    if db.session.get_bind().dialect.name == "postgresql":
        removed = db.session.execute(text("SELECT audit_expire_to_checkpoint(:upto)"), {"upto": upto_seq}).scalar()
    else:
        removed = cast(
            CursorResult[Any], db.session.execute(AuditEvent.__table__.delete().where(AuditEvent.seq <= upto_seq))
        ).rowcount
    for event in events:
        if event in db.session:
            db.session.expunge(event)
    audit.record(
        "audit.checkpoint",
        object_type="audit_verification",
        object_id=str(checkpoint.id),
        user_id=user_id,
        detail={"checkpoint_seq": upto_seq, "events": len(events), "removed": removed},
    )
    return checkpoint


def events_to_seal(upto_seq: int) -> int:
    """How many audit events a checkpoint at ``upto_seq`` would archive and remove."""
    query = select(func.count()).select_from(AuditEvent).where(AuditEvent.seq <= upto_seq)
    sealed = audit.latest_checkpoint()
    if sealed:
        query = query.where(AuditEvent.seq > sealed.checkpoint_seq)
    count = db.session.scalar(query)
    assert count is not None  # a count is always a number
    return count


def audit_cut(today: date | None = None) -> int | None:
    """The newest audit event past the audit rule (not sealed yet), if any."""
    entry = next((e for e in due(today) if e["kind"] == "audit_events"), None)
    return int(entry["object_id"]) if entry else None
