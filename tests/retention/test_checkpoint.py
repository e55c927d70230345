"""Audit checkpoints: verify, record, archive, remove; verification starts from it."""

import json
import os
from datetime import UTC

import pytest
from sqlalchemy import func, select, text

from portal import audit, clock
from portal.extensions import db
from portal.models import AuditEvent
from portal.retention import audit_archive, destruction_lists
from tests.audit.helpers import run_audit_verify, tamper


def _events(n):
    for i in range(n):
        audit.record("test.event", object_type="thing", object_id=str(i))
    db.session.commit()


@pytest.mark.committed  # tampered with as the owner, on a connection of its own
def test_seal_then_verify_passes_and_tampering_is_still_detected(app, app_ctx, make):
    dpo = make.user(make.org("ingeus", kind="lead"), ["dpo"])
    _events(10)
    cut = db.session.scalar(select(func.max(AuditEvent.seq))) - 3
    head_hash = db.session.get(AuditEvent, cut).hash
    sealed = audit_archive.seal_checkpoint(cut, dpo)
    assert (sealed.kind, sealed.ok, sealed.checkpoint_seq, sealed.checkpoint_hash) == (
        "checkpoint",
        True,
        cut,
        head_hash,
    )
    assert sealed.event_count == cut
    assert db.session.scalar(select(func.min(AuditEvent.seq))) == cut + 1
    first = db.session.get(AuditEvent, cut + 1)
    assert first.prev_hash == head_hash
    # The archive: a private JSON-lines file with every sealed event and its hash.
    name = sealed.message.split("audit-archive/")[1]
    path = os.path.join(audit_archive.archive_dir(), name)
    assert oct(os.stat(path).st_mode & 0o777) == "0o600"
    lines = [json.loads(line) for line in open(path, encoding="utf-8")]
    assert [line["event"]["seq"] for line in lines] == list(range(1, cut + 1))
    assert lines[-1]["hash"] == head_hash
    # `audit-verify` starts from the checkpoint: only the events after it are recomputed.
    after = db.session.scalar(select(func.count()).select_from(AuditEvent))
    result = run_audit_verify(app)
    assert result.exit_code == 0, result.output
    assert f"events verified: {after}" in result.output and after >= 4
    # Tampering after the checkpoint is still found (as the owner, past the trigger).
    tamper(app, "UPDATE audit_event SET action = 'changed' WHERE seq = :seq", seq=cut + 2)
    result = run_audit_verify(app)
    assert result.exit_code != 0 and f"FAILED: event {cut + 2} does not verify" in result.output


@pytest.mark.committed  # tampered with as the owner, on a connection of its own
def test_after_a_checkpoint_a_deleted_first_event_or_a_forged_checkpoint_is_caught(app, app_ctx, make):
    dpo = make.user(make.org("ingeus", kind="lead"), ["dpo"])
    _events(6)
    sealed = audit_archive.seal_checkpoint(3, dpo)
    sealed_id, head_hash = sealed.id, sealed.checkpoint_hash
    assert run_audit_verify(app).exit_code == 0
    # A checkpoint whose head hash was altered no longer links to the event after it.
    tamper(app, "UPDATE audit_verification SET checkpoint_hash = :h WHERE id = :id", h="0" * 64, id=sealed_id)
    result = run_audit_verify(app)
    assert result.exit_code != 0 and "FAILED: event 4 does not verify" in result.output
    tamper(app, "UPDATE audit_verification SET checkpoint_hash = :h WHERE id = :id", h=head_hash, id=sealed_id)
    assert run_audit_verify(app).exit_code == 0
    # The first event after the checkpoint deleted.
    tamper(app, "DELETE FROM audit_event WHERE seq = 4")
    result = run_audit_verify(app)
    assert result.exit_code != 0 and "FAILED: event 4 is missing" in result.output


def test_cannot_seal_beyond_the_chain_or_twice(app_ctx, make):
    dpo = make.user(make.org("ingeus", kind="lead"), ["dpo"])
    _events(5)
    with pytest.raises(audit_archive.CheckpointRefused):
        audit_archive.seal_checkpoint(999, dpo)
    audit_archive.seal_checkpoint(3, dpo)
    with pytest.raises(audit_archive.CheckpointRefused):
        audit_archive.seal_checkpoint(2, dpo)


def test_checkpoint_item_on_the_destruction_list(app_ctx, make):
    from datetime import datetime

    from dateutil.relativedelta import relativedelta

    dpo = make.user(make.org("ingeus", kind="lead"), ["dpo"])
    clock.freeze(datetime(2020, 1, 1, tzinfo=UTC))
    _events(4)
    clock.freeze(datetime(2020, 1, 1, tzinfo=UTC) + relativedelta(months=73))
    found = destruction_lists.build_list(dpo)
    item = next(i for i in found.items if i.kind == "audit_events")
    destruction_lists.approve(found, [item.id], dpo)
    assert destruction_lists.destroy_approved(found, dpo)["destroyed"] == 1
    assert audit.latest_checkpoint().checkpoint_seq == int(item.object_id)
    assert audit.verify_chain().ok


@pytest.mark.postgres
def test_app_role_cannot_delete_audit_rows_but_the_owner_function_can(app, app_ctx, make):
    from sqlalchemy.exc import DBAPIError

    dpo = make.user(make.org("ingeus", kind="lead"), ["dpo"])
    _events(6)
    with pytest.raises(DBAPIError):
        db.session.execute(text("DELETE FROM audit_event WHERE seq = 1"))
    db.session.rollback()
    # Nor may it set the expiry flag and delete, nor call the function past a checkpoint.
    with pytest.raises(DBAPIError):
        db.session.execute(text("SET LOCAL portal.audit_expiry = 'on'"))
        db.session.execute(text("DELETE FROM audit_event WHERE seq = 1"))
    db.session.rollback()
    with pytest.raises(DBAPIError):
        db.session.execute(text("SELECT audit_expire_to_checkpoint(2)"))
    db.session.rollback()
    assert audit.event_count() >= 6
    audit_archive.seal_checkpoint(3, dpo)
    assert db.session.scalar(select(func.min(AuditEvent.seq))) == 4
    assert audit.verify_chain().ok
