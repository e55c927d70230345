"""The periodic jobs themselves and the commands that run them."""

from datetime import UTC, timedelta

import pytest
from sqlalchemy import select

from portal import audit, clock, jobs
from portal.extensions import db
from portal.models import AuditVerification, Job, StaffSession


@pytest.fixture
def inline(app):
    before = app.config.get("JOBS_MODE")
    app.config["JOBS_MODE"] = "inline"
    yield
    app.config["JOBS_MODE"] = before


def _session(key, user_id, created, seen):
    db.session.add(StaffSession(id=key, user_id=user_id, data={}, created_at=created, last_seen_at=seen))


def test_purge_expired_sessions_by_hand(app, app_ctx, inline, make):
    user = make.user(make.org())
    now = clock.now()
    _session("a" * 64, user.id, now - timedelta(hours=1), now - timedelta(minutes=5))  # live
    _session("b" * 64, user.id, now - timedelta(hours=1), now - timedelta(minutes=31))  # idle too long
    _session("c" * 64, user.id, now - timedelta(hours=13), now - timedelta(minutes=1))  # too old
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["run-periodic", "purge-expired-sessions"])
    assert result.exit_code == 0, result.output
    assert "2 expired sessions removed" in result.output
    assert [s.id for s in db.session.scalars(select(StaffSession))] == ["a" * 64]
    job = db.session.scalars(select(Job)).one()
    assert (job.kind, job.status, job.result["removed"]) == ("purge-expired-sessions", "done", 2)
    # Safe to run twice: nothing more to remove.
    again = jobs.run_by_hand("portal.jobs.housekeeping:purge_expired_sessions", kind="purge-expired-sessions")
    assert again.result["removed"] == 0


def test_audit_verify_by_hand(app, app_ctx, inline):
    audit.record_and_commit("test.event")
    result = app.test_cli_runner().invoke(args=["run-periodic", "audit-verify"])
    assert result.exit_code == 0, result.output
    assert "audit events verified" in result.output
    assert db.session.scalars(select(AuditVerification)).one().ok


def test_a_broken_audit_chain_fails_the_job_without_retrying(app, app_ctx, inline, monkeypatch):
    broken = audit.VerifyResult(False, 3, 3, "x" * 64, "event 2 was altered", first_bad_seq=2)
    monkeypatch.setattr(audit, "verify_and_log", lambda: broken)
    result = app.test_cli_runner().invoke(args=["run-periodic", "audit-verify"])
    assert result.exit_code != 0
    assert "Audit chain check failed: event 2 was altered" in result.output
    job = db.session.scalars(select(Job)).one()
    assert (job.status, job.attempts) == ("failed", 1)


def test_run_periodic_names_the_jobs_when_asked_for_an_unknown_one(app, inline):
    result = app.test_cli_runner().invoke(args=["run-periodic", "no-such-job"])
    assert result.exit_code != 0
    assert "audit-verify" in result.output and "purge-expired-sessions" in result.output


def test_reconcile_job_has_nothing_to_do_inline(app, app_ctx, inline):
    job = jobs.run_by_hand("portal.jobs.worker:reconcile_job", kind="reconcile-jobs")
    assert job.status == "done" and "inline" in job.result["message"]


def test_worker_refuses_to_start_without_redis(app, inline):
    result = app.test_cli_runner().invoke(args=["worker", "--burst"])
    assert result.exit_code != 0 and "REDIS_URL" in result.output


def test_scheduler_once_enqueues_what_is_due(app, app_ctx, inline):
    from datetime import datetime

    clock.freeze(datetime(2026, 10, 25, 2, 35, tzinfo=UTC))  # 02:35 GMT, the day summer time ends
    result = app.test_cli_runner().invoke(args=["scheduler", "--once"])
    assert result.exit_code == 0, result.output
    keys = set(db.session.scalars(select(Job.dedupe_key).where(Job.kind == "audit-verify")))
    assert keys == {"periodic:audit-verify:2026-10-25T02:30Z"}
    # run again: nothing new
    assert app.test_cli_runner().invoke(args=["scheduler", "--once"]).output == ""
