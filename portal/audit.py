"""Append-only, hash-chained audit events (DESIGN.md rule 10).

Events hold ids, never personal data, so that erasure never needs to touch them.
``record`` is called by services inside the transaction of the change it describes;
appends are serialised (an advisory lock on PostgreSQL; the primary key on the
sequence number everywhere) so concurrent writers can never fork the chain.
"""

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol, cast

from flask import g, has_request_context, request
from flask_login import current_user
from sqlalchemy import func, select, text

from portal import clock
from portal.extensions import db
from portal.models import AuditEvent, AuditVerification
from portal.request_org import roles_org

GENESIS_HASH = "0" * 64
# Any constant shared by every writer; the advisory lock is held until commit.
_ADVISORY_LOCK_KEY = 0x5A0D17


class Hashed(Protocol):
    """What a hash is computed over: an event, or a row of its ``HASHED_COLUMNS``."""

    seq: int
    at: datetime
    user_id: int | None
    org_id: int | None
    action: str
    object_type: str | None
    object_id: str | None
    participant_id: int | None
    detail: dict[str, Any] | None
    request_id: str | None
    source_address: str | None
    outcome: str


HASHED_COLUMNS = (
    AuditEvent.seq,
    AuditEvent.at,
    AuditEvent.user_id,
    AuditEvent.org_id,
    AuditEvent.action,
    AuditEvent.object_type,
    AuditEvent.object_id,
    AuditEvent.participant_id,
    AuditEvent.detail,
    AuditEvent.request_id,
    AuditEvent.source_address,
    AuditEvent.outcome,
)


def canonical(event: Hashed | AuditEvent) -> str:
    """The serialisation every hash is computed over."""
    return json.dumps(
        {
            "seq": event.seq,
            "at": clock.as_utc(event.at).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
            "user_id": event.user_id,
            "org_id": event.org_id,
            "action": event.action,
            "object_type": event.object_type,
            "object_id": event.object_id,
            "participant_id": event.participant_id,
            "detail": event.detail,
            "request_id": event.request_id,
            "source_address": event.source_address,
            "outcome": event.outcome,
        },
        sort_keys=True,
        separators=(",", ":"),
    )


def event_hash(event: Hashed | AuditEvent, prev_hash: str) -> str:
    return hashlib.sha256((prev_hash + canonical(event)).encode()).hexdigest()


def chain_head() -> tuple[int, str]:
    """Sequence number and hash of the newest event, or of the last checkpoint."""
    last = db.session.execute(select(AuditEvent.seq, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)).first()
    if last:
        return last.seq, last.hash
    checkpoint = latest_checkpoint()
    if checkpoint:
        assert checkpoint.checkpoint_seq is not None and checkpoint.checkpoint_hash is not None  # a checkpoint's
        return checkpoint.checkpoint_seq, checkpoint.checkpoint_hash
    return 0, GENESIS_HASH


def latest_checkpoint() -> AuditVerification | None:
    return db.session.scalars(
        select(AuditVerification)
        .where(AuditVerification.kind == "checkpoint", AuditVerification.ok.is_(True))
        .order_by(AuditVerification.id.desc())
        .limit(1)
    ).first()


def lock_chain() -> None:
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _ADVISORY_LOCK_KEY})


def record(
    action: str,
    *,
    object_type: str | None = None,
    object_id: object = None,
    participant_id: int | None = None,
    detail: dict[str, Any] | None = None,
    outcome: str = "ok",
    user_id: int | None = None,
    org_id: int | None = None,
) -> AuditEvent:
    """Append one event in the current transaction (the caller commits).

    ``user_id`` and ``org_id`` default to the signed-in user and the request's
    organisation. ``detail`` must hold ids and codes only.
    """
    if user_id is None and has_request_context() and current_user and current_user.is_authenticated:
        user_id = current_user.id
    if org_id is None and has_request_context():
        org = roles_org()
        org_id = org.id if org is not None else None
    lock_chain()
    seq, prev_hash = chain_head()
    event = AuditEvent(
        seq=seq + 1,
        at=clock.now(),
        user_id=user_id,
        org_id=org_id,
        action=action,
        object_type=object_type,
        object_id=None if object_id is None else str(object_id),
        participant_id=participant_id,
        detail=detail,
        request_id=g.get("request_id") if has_request_context() else None,
        source_address=request.remote_addr if has_request_context() else None,
        outcome=outcome,
        prev_hash=prev_hash,
    )
    event.hash = event_hash(event, prev_hash)
    db.session.add(event)
    db.session.flush()
    return event


def record_and_commit(action: str, **fields: Any) -> AuditEvent:
    """For events that describe no other change (a refusal, a failed sign-in)."""
    event = record(action, **fields)
    db.session.commit()
    return event


@dataclass
class VerifyResult:
    ok: bool
    count: int
    head_seq: int | None
    head_hash: str | None
    message: str
    first_bad_seq: int | None = None


def verify_chain(batch: int = 5000) -> VerifyResult:
    """Recompute every hash from the last checkpoint (or the first event).

    Catches an edited event (its hash), a deleted event (a gap or a broken link),
    and a deleted newest event (the count or head fell since the last verification).
    """
    checkpoint = latest_checkpoint()
    expected_seq = (cast(int, checkpoint.checkpoint_seq) if checkpoint else 0) + 1  # a checkpoint's is set
    prev_hash: str = cast(str, checkpoint.checkpoint_hash) if checkpoint else GENESIS_HASH  # a checkpoint's is set
    count = 0
    # Events at or below a checkpoint may have been expired: the checkpoint is the head then.
    head_seq = checkpoint.checkpoint_seq if checkpoint else None
    head_hash = checkpoint.checkpoint_hash if checkpoint else None
    # Plain rows, streamed (a server-side cursor on PostgreSQL): no ORM object per event.
    rows = db.session.execute(
        select(*HASHED_COLUMNS, AuditEvent.prev_hash, AuditEvent.hash)
        .where(AuditEvent.seq >= expected_seq)
        .order_by(AuditEvent.seq)
        .execution_options(yield_per=batch)
    )
    for event in rows:
        if event.seq != expected_seq:
            rows.close()
            return VerifyResult(
                False,
                count,
                head_seq,
                head_hash,
                f"event {expected_seq} is missing (next present is {event.seq})",
                expected_seq,
            )
        if event.prev_hash != prev_hash or event_hash(event, prev_hash) != event.hash:
            rows.close()
            return VerifyResult(False, count, head_seq, head_hash, f"event {event.seq} does not verify", event.seq)
        prev_hash = event.hash
        head_seq, head_hash = event.seq, event.hash
        expected_seq += 1
        count += 1
    previous = db.session.scalars(
        select(AuditVerification)
        .where(AuditVerification.ok.is_(True), AuditVerification.head_seq.is_not(None))
        .order_by(AuditVerification.id.desc())
        .limit(1)
    ).first()
    if previous is not None and (head_seq or 0) < cast(int, previous.head_seq):  # selected where set
        return VerifyResult(
            False,
            count,
            head_seq,
            head_hash,
            f"event {(head_seq or 0) + 1} is missing: the chain ends at event "
            f"{head_seq or 0}, but event {previous.head_seq} "
            f"was verified on {clock.local(previous.at):%d %B %Y %H:%M}: "
            "newest events were deleted",
            (head_seq or 0) + 1,
        )
    return VerifyResult(True, count, head_seq, head_hash, "chain verified")


def verify_and_log() -> VerifyResult:
    """Verify the chain and append the result to the verification log."""
    result = verify_chain()
    db.session.add(
        AuditVerification(
            at=clock.now(),
            kind="verify",
            ok=result.ok,
            first_seq=None,
            head_seq=result.head_seq,
            head_hash=result.head_hash,
            event_count=result.count,
            message=result.message[:500],
        )
    )
    db.session.commit()
    return result


def event_count() -> int:
    count = db.session.scalar(select(func.count()).select_from(AuditEvent))
    assert count is not None  # COUNT(*) always answers
    return count
