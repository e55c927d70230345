"""The audit trail: append-only, hash-chained, ids only (DESIGN.md rule 10)."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from portal.extensions import Model
from portal.models.types import UTCDateTime


class AuditEvent(Model):
    __tablename__ = "audit_event"

    # The sequence number is assigned under a lock, so a gap means a deletion.
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    user_id: Mapped[int | None] = mapped_column(index=True)
    org_id: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(80), index=True)
    object_type: Mapped[str | None] = mapped_column(String(60))
    object_id: Mapped[str | None] = mapped_column(String(60))
    participant_id: Mapped[int | None] = mapped_column(index=True)
    # Ids only: for a list page the participant ids shown, for a change the field names.
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    request_id: Mapped[str | None] = mapped_column(String(40))
    source_address: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(20), default="ok")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class AuditVerification(Model):
    """Append-only record of each verification and checkpoint of the chain."""

    __tablename__ = "audit_verification"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    kind: Mapped[str] = mapped_column(String(20), default="verify")  # verify | checkpoint
    ok: Mapped[bool]
    # For a checkpoint: events at or below checkpoint_seq are sealed (and may be removed).
    checkpoint_seq: Mapped[int | None] = mapped_column(BigInteger)
    checkpoint_hash: Mapped[str | None] = mapped_column(String(64))
    first_seq: Mapped[int | None] = mapped_column(BigInteger)
    head_seq: Mapped[int | None] = mapped_column(BigInteger)
    head_hash: Mapped[str | None] = mapped_column(String(64))
    event_count: Mapped[int] = mapped_column(BigInteger, default=0)
    message: Mapped[str] = mapped_column(String(500), default="")
