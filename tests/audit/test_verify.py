"""audit-verify: the chain catches an edit, a deleted row and a deleted newest row.

Each tampering is done as the tables' owner, past the append-only trigger, as
someone with the owner's password could; the command must exit non-zero naming the
first event that does not verify, report the count and head, and log the result in
the (append-only) verification log.
"""

import pytest
from sqlalchemy import select

from portal import audit
from portal.extensions import db
from portal.models import AuditEvent, AuditVerification
from tests.audit.helpers import run_audit_verify, tamper


def _append(n: int) -> list[AuditEvent]:
    return [
        audit.record_and_commit("test.event", object_type="thing", object_id=i, detail={"n": i})
        for i in range(1, n + 1)
    ]


def _log() -> list[AuditVerification]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditVerification).order_by(AuditVerification.id)))


def test_an_intact_chain_verifies_and_is_logged(app, app_ctx):
    appended = _append(5)
    head_hash = appended[-1].hash
    result = run_audit_verify(app)
    assert result.exit_code == 0, result.output
    assert "events verified: 5" in result.output
    assert f"head: 5 {head_hash}" in result.output
    [entry] = _log()
    assert (entry.kind, entry.ok, entry.event_count, entry.head_seq, entry.head_hash) == (
        "verify",
        True,
        5,
        5,
        head_hash,
    )


def test_an_empty_chain_verifies(app, app_ctx):
    result = run_audit_verify(app)
    assert result.exit_code == 0, result.output
    assert "events verified: 0" in result.output


@pytest.mark.committed  # tampered with as the owner, on a connection of its own
def test_an_edited_middle_event_is_caught(app, app_ctx):
    second_hash = _append(5)[1].hash
    tamper(app, "UPDATE audit_event SET object_id = '99' WHERE seq = 3")
    result = run_audit_verify(app)
    assert result.exit_code != 0
    assert "FAILED: event 3 does not verify" in result.output
    assert "events verified: 2" in result.output
    assert f"head: 2 {second_hash}" in result.output
    [entry] = _log()
    assert entry.ok is False and entry.event_count == 2 and entry.head_seq == 2
    assert "event 3" in entry.message


@pytest.mark.committed  # tampered with as the owner, on a connection of its own
def test_an_edit_with_its_hash_recomputed_breaks_the_next_link(app, app_ctx):
    third = _append(5)[2]
    forged = AuditEvent(**{c.key: getattr(third, c.key) for c in AuditEvent.__table__.columns})
    forged.object_id = "99"
    forged_hash = audit.event_hash(forged, forged.prev_hash)
    tamper(app, "UPDATE audit_event SET object_id = '99', hash = :h WHERE seq = 3", h=forged_hash)
    result = run_audit_verify(app)
    assert result.exit_code != 0
    assert "FAILED: event 4 does not verify" in result.output


@pytest.mark.committed  # tampered with as the owner, on a connection of its own
def test_a_deleted_middle_event_is_caught(app, app_ctx):
    _append(5)
    tamper(app, "DELETE FROM audit_event WHERE seq = 3")
    result = run_audit_verify(app)
    assert result.exit_code != 0
    assert "FAILED: event 3 is missing" in result.output
    assert "events verified: 2" in result.output
    assert _log()[-1].ok is False


@pytest.mark.committed  # tampered with as the owner, on a connection of its own
def test_a_deleted_newest_event_is_caught_against_the_last_verification(app, app_ctx):
    _append(5)
    assert run_audit_verify(app).exit_code == 0
    tamper(app, "DELETE FROM audit_event WHERE seq = 5")
    result = run_audit_verify(app)
    assert result.exit_code != 0
    assert "FAILED: event 5 is missing" in result.output
    assert "newest events were deleted" in result.output
    assert "events verified: 4" in result.output
    first, second = _log()
    assert first.ok and first.head_seq == 5
    assert not second.ok and second.event_count == 4 and second.head_seq == 4


@pytest.mark.committed  # tampered with as the owner, on a connection of its own
def test_a_truncated_tail_stays_reported_on_later_runs(app, app_ctx):
    _append(6)
    assert run_audit_verify(app).exit_code == 0
    tamper(app, "DELETE FROM audit_event WHERE seq >= 4")
    assert run_audit_verify(app).exit_code != 0
    # The failed run does not become the new baseline: the next run still fails.
    again = run_audit_verify(app)
    assert again.exit_code != 0
    assert "FAILED: event 4 is missing" in again.output


def test_events_appended_after_a_verification_verify(app, app_ctx):
    _append(3)
    assert run_audit_verify(app).exit_code == 0
    _append(2)
    result = run_audit_verify(app)
    assert result.exit_code == 0, result.output
    assert "events verified: 5" in result.output
