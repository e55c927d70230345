"""The scheduler of periodic jobs (portal.jobs.periodic_jobs.PERIODIC): cron in Europe/London, runs in UTC.

A cron expression is read as UK wall-clock time, so a 06:00 job runs at 06:00 UTC in
winter and 05:00 UTC in summer. At the clock change:

- spring (01:00 GMT jumps to 02:00 BST): a wall time that does not exist that night
  (e.g. 01:30) runs at the instant it would have been had the clocks not moved yet
  (01:30 UTC, that is 02:30 BST), once;
- autumn (02:00 BST falls back to 01:00 GMT): a wall time that happens twice (e.g. 01:30)
  runs once, at its first occurrence (00:30 UTC).

Each run is identified by (name, UTC run time): ``dedupe_key`` is unique in the job table,
so however often the scheduler restarts, or however many run, one scheduled run is one
job. After a restart, runs missed within ``JOBS_SCHEDULER_CATCH_UP`` are caught up.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from croniter import croniter
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from portal import clock, jobs
from portal.extensions import db
from portal.jobs import periodic_jobs, settings
from portal.models import Job

if TYPE_CHECKING:
    from flask import Flask

log = logging.getLogger(__name__)

LONDON = clock.LONDON
DEFAULT_CATCH_UP = timedelta(hours=1)
# Offsets change by at most an hour; scanning this far either side of a time finds every
# wall time that maps near it.
_MARGIN = timedelta(hours=3)


def to_utc(wall: datetime) -> datetime:
    """A naive Europe/London wall time as a UTC instant (fold=0: the first occurrence of a
    repeated time; a time in the spring gap read with the offset before the change)."""
    return wall.replace(tzinfo=LONDON, fold=0).astimezone(UTC)


def next_run(cron: str, after: datetime) -> datetime:
    """The first UTC instant strictly after ``after`` at which ``cron`` (London) is due."""
    after = clock.as_utc(after)
    local_after = after.astimezone(LONDON).replace(tzinfo=None)
    it = croniter(cron, local_after - _MARGIN)
    best = None
    while True:
        wall = it.get_next(datetime)
        instant = to_utc(wall)
        if instant > after and (best is None or instant < best):
            best = instant
        if best is not None and wall > local_after + _MARGIN:
            return best


def runs_between(cron: str, start: datetime, end: datetime) -> list[datetime]:
    """UTC run times in (start, end]."""
    runs = []
    t = next_run(cron, start)
    while t <= clock.as_utc(end):
        runs.append(t)
        t = next_run(cron, t)
    return runs


def dedupe_key(name: str, run_at: datetime) -> str:
    return f"periodic:{name}:{clock.as_utc(run_at):%Y-%m-%dT%H:%MZ}"


def enqueue_run(p: periodic_jobs.Periodic, run_at: datetime) -> Job | None:
    """Enqueue the run of ``p`` due at ``run_at`` unless it exists already; returns the
    new Job, or None when this run was enqueued before (by this or another scheduler)."""
    key = dedupe_key(p.name, run_at)
    if db.session.scalar(select(Job.id).where(Job.dedupe_key == key)) is not None:
        return None
    try:
        return jobs.enqueue(p.function, kind=p.name, _dedupe_key=key)
    except IntegrityError:  # another scheduler won the race for this run
        db.session.rollback()
        return None


def tick(since: datetime, now: datetime | None = None) -> list[Job]:
    """Enqueue every periodic run due in (since, now]; returns the jobs enqueued."""
    now = clock.as_utc(now or clock.now())
    enqueued = []
    for p in periodic_jobs.PERIODIC:
        for run_at in runs_between(p.cron, since, now):
            job = enqueue_run(p, run_at)
            if job is not None:
                log.info("periodic %s due %s: job %s", p.name, run_at.isoformat(), job.id)
                enqueued.append(job)
    return enqueued


def catch_up_window(app: Flask) -> timedelta:
    return app.config.get("JOBS_SCHEDULER_CATCH_UP") or DEFAULT_CATCH_UP


def next_due(now: datetime) -> datetime:
    return min(next_run(p.cron, now) for p in periodic_jobs.PERIODIC)


def run_forever(
    app: Flask,
    echo: Callable[[str], object] = print,  # pragma: no cover - a loop
    max_sleep: float = 30.0,
) -> None:
    """The scheduler process: enqueue each run on time, forever."""
    since = clock.now() - catch_up_window(app)
    echo(f"scheduler: {len(periodic_jobs.PERIODIC)} periodic jobs, mode {settings.mode()}")
    while True:
        now = clock.now()
        try:
            for job in tick(since, now):
                echo(f"enqueued {job.kind} as job {job.id}")
            since = now
        except Exception:  # noqa: BLE001 - a database or Redis hiccup: try again shortly
            log.exception("scheduler tick failed; retrying")
            db.session.rollback()
        finally:
            db.session.remove()
        wait = (next_due(clock.now()) - clock.now()).total_seconds()
        time.sleep(max(0.5, min(max_sleep, wait)))
