"""The scheduler: cron in Europe/London, runs in UTC, one job per scheduled run."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from portal import clock
from portal.extensions import db
from portal.jobs import periodic_jobs, schedule
from portal.models import Job

UTC = UTC


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def runs(cron, start, end):
    return schedule.runs_between(cron, start, end)


# 2026: British Summer Time starts Sunday 29 March (01:00 UTC) and ends Sunday 25 October (01:00 UTC).


def test_daily_0600_across_the_start_of_summer_time():
    assert runs("0 6 * * *", utc(2026, 3, 27, 12), utc(2026, 3, 31, 12)) == [
        utc(2026, 3, 28, 6),
        utc(2026, 3, 29, 5),
        utc(2026, 3, 30, 5),
        utc(2026, 3, 31, 5),
    ]


def test_daily_0600_across_the_end_of_summer_time():
    assert runs("0 6 * * *", utc(2026, 10, 23, 12), utc(2026, 10, 27, 12)) == [
        utc(2026, 10, 24, 5),
        utc(2026, 10, 25, 6),
        utc(2026, 10, 26, 6),
        utc(2026, 10, 27, 6),
    ]


def test_daily_0230_across_both_changes():
    assert runs("30 2 * * *", utc(2026, 3, 27, 12), utc(2026, 3, 30, 12)) == [
        utc(2026, 3, 28, 2, 30),
        utc(2026, 3, 29, 1, 30),
        utc(2026, 3, 30, 1, 30),
    ]
    assert runs("30 2 * * *", utc(2026, 10, 23, 12), utc(2026, 10, 26, 12)) == [
        utc(2026, 10, 24, 1, 30),
        utc(2026, 10, 25, 2, 30),
        utc(2026, 10, 26, 2, 30),
    ]


def test_a_time_the_spring_change_skips_runs_once_just_after_it():
    # 01:30 does not exist in London on 29 March 2026: it runs at 01:30 UTC (02:30 BST), once.
    assert runs("30 1 * * *", utc(2026, 3, 28, 12), utc(2026, 3, 30, 12)) == [
        utc(2026, 3, 29, 1, 30),
        utc(2026, 3, 30, 0, 30),
    ]


def test_a_time_the_autumn_change_repeats_runs_once():
    # 01:30 happens twice in London on 25 October 2026: it runs at the first, 00:30 UTC.
    assert runs("30 1 * * *", utc(2026, 10, 24, 12), utc(2026, 10, 26, 12)) == [
        utc(2026, 10, 25, 0, 30),
        utc(2026, 10, 26, 1, 30),
    ]


def test_next_run_is_strictly_after():
    assert schedule.next_run("0 6 * * *", utc(2026, 7, 1, 5)) == utc(2026, 7, 2, 5)
    assert schedule.next_run("0 6 * * *", utc(2026, 1, 1, 5, 59)) == utc(2026, 1, 1, 6)


def test_every_quarter_hour_keeps_its_instants_unique_across_the_spring_change():
    got = runs("*/15 * * * *", utc(2026, 3, 29, 0, 30), utc(2026, 3, 29, 1, 30))
    assert got == [utc(2026, 3, 29, 0, 45), utc(2026, 3, 29, 1), utc(2026, 3, 29, 1, 15), utc(2026, 3, 29, 1, 30)]


def test_run_ids_are_deterministic():
    at = utc(2026, 3, 29, 5)
    assert schedule.dedupe_key("audit-verify", at) == "periodic:audit-verify:2026-03-29T05:00Z"
    same_instant = at.astimezone(clock.LONDON)
    assert schedule.dedupe_key("audit-verify", same_instant) == schedule.dedupe_key("audit-verify", at)


def test_job_rq_id_is_derived_from_the_row(app_ctx):
    job = Job(
        id=42,
        kind="x",
        function="m:f",
        args=[],
        status="queued",
        progress=0,
        progress_message="",
        attempts=0,
        created_at=utc(2026, 3, 29, 5, 0, 1, 123456),
    )
    assert job.rq_id == "portal-job-42-20260329050001123456"
    assert job.rq_id == Job(id=42, created_at=utc(2026, 3, 29, 5, 0, 1, 123456)).rq_id


@pytest.fixture
def inline(app):
    before = app.config.get("JOBS_MODE")
    app.config["JOBS_MODE"] = "inline"
    yield
    app.config["JOBS_MODE"] = before


def _count(kind):
    return db.session.scalar(select(func.count()).select_from(Job).where(Job.kind == kind))


def test_tick_enqueues_each_run_once_however_often_it_restarts(app_ctx, inline):
    clock.freeze(utc(2026, 3, 29, 1, 35))  # just after 02:30 BST
    first = schedule.tick(since=utc(2026, 3, 29, 0, 0))
    kinds = sorted(job.kind for job in first)
    assert kinds.count("audit-verify") == 1
    assert kinds.count("purge-expired-sessions") == 6  # 00:15 … 01:30 UTC
    audit_job = next(job for job in first if job.kind == "audit-verify")
    assert audit_job.dedupe_key == "periodic:audit-verify:2026-03-29T01:30Z"
    assert audit_job.status == "done"
    # A restart (or a second scheduler) looking back over the same hour adds nothing.
    assert schedule.tick(since=utc(2026, 3, 29, 0, 0)) == []
    assert _count("audit-verify") == 1
    # The next day's run is a new job.
    clock.freeze(utc(2026, 3, 30, 1, 31))
    again = schedule.tick(since=utc(2026, 3, 30, 1, 29))
    assert sorted(job.kind for job in again) == ["audit-verify", "purge-expired-sessions", "reconcile-jobs"]
    assert {job.dedupe_key for job in again if job.kind == "audit-verify"} == {
        "periodic:audit-verify:2026-03-30T01:30Z"
    }


def test_enqueue_run_refuses_a_duplicate(app_ctx, inline):
    p = periodic_jobs.periodic("purge-expired-sessions")
    at = utc(2026, 5, 1, 12)
    assert schedule.enqueue_run(p, at) is not None
    assert schedule.enqueue_run(p, at) is None
    assert _count(p.name) == 1
