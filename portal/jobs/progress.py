"""Inside a running job: its id (the ``running_job`` context variable), its progress (a
percentage and a message the waiting user sees on the job's page), and how long it has
been running."""

from __future__ import annotations

import contextvars
from datetime import timedelta
from typing import TYPE_CHECKING

from sqlalchemy import update

from portal import clock
from portal.extensions import db
from portal.models.job import Job

if TYPE_CHECKING:
    pass


# The id of the job running in this context (set by the runner), for set_progress().
running_job: contextvars.ContextVar[int | None] = contextvars.ContextVar("portal_job", default=None)


def current_job_id() -> int | None:
    """The id of the job running here, or None outside a job."""
    return running_job.get()


def set_progress(percent: int | float, message: str = "") -> None:
    """Report progress (0–100) of the running job; its page shows it at the next refresh.
    Outside a job it does nothing, so a job function can also be called directly."""
    job_id = running_job.get()
    if job_id is None:
        return
    percent = max(0, min(100, int(percent)))
    values = {"progress": percent, "progress_message": (message or "")[:200]}
    if db.engine.dialect.name == "sqlite":
        # One writer at a time: a second connection would wait on the job's own
        # uncommitted work. Inline on SQLite nobody watches mid-job anyway.
        db.session.execute(update(Job).where(Job.id == job_id).values(**values))
        return
    with db.engine.begin() as conn:  # its own transaction: visible while the job runs
        conn.execute(update(Job).where(Job.id == job_id).values(**values))


def elapsed(job: Job) -> timedelta | None:
    if job.started_at is None:
        return None
    return (job.finished_at or clock.now()) - job.started_at
