"""Destruction lists: what is due is listed each night (or on demand), the DPO approves items,
and the approved ones are destroyed by a tracked job (participant records through the
erasure service, other kinds through portal.retention.destruction, audit events by
sealing a checkpoint); a certificate lists what was destroyed, by kind and id."""

from collections import Counter
from collections.abc import Iterable
from typing import Any, cast

from flask import render_template, url_for
from sqlalchemy import select

from portal import audit, clock, jobs
from portal.actions import Action
from portal.casework.gp_letters import render_pdf
from portal.extensions import db
from portal.governance import legal_holds
from portal.jobs import progress
from portal.models import Job, Participant, User
from portal.models.job import UNFINISHED
from portal.models.retention import COUNTED_FROM, DestructionItem, DestructionList
from portal.retention import destruction

# The README's "Retention defaults" (the 0012_retention migration seeds the same rows).
from portal.retention.audit_archive import CheckpointRefused, seal_checkpoint
from portal.retention.retention import ORDER, due, period_label, rules
from portal.rights import erasure


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
        built_at=clock.now(), built_by_id=user.id if user else None, job_id=progress.current_job_id(), status="open"
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
    progress.set_progress(10, "Finding records past their retention period")
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
        progress.set_progress(100 * done_count / len(todo), f"Destroying item {done_count + 1} of {len(todo)}")
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
