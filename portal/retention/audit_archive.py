"""Audit checkpoints (DESIGN.md rule 10): audit events older than the retention period are
written to a sealed archive file (JSON lines, 0600) and removed from the table, leaving a
checkpoint (sequence number and hash) from which the chain still verifies."""

import json
import os
import secrets
from datetime import date
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, text

from portal import audit, clock, private_files
from portal.extensions import db
from portal.models import AuditEvent, AuditVerification, User

# The README's "Retention defaults" (the 0012_retention migration seeds the same rows).
# The README's "Retention defaults" (the 0012_retention migration seeds the same rows).
from portal.retention.retention import due


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
