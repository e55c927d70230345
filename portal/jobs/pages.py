"""The job pages: who may see a job, the periodic jobs a user owns, "run now"."""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from portal import audit, clock, jobs
from portal.extensions import db
from portal.jobs import periodic_jobs, schedule
from portal.models import Job, User
from portal.permissions import effective_roles


def visible_job(job_id: int, user: User | None) -> Job | None:
    """The job, if ``user`` asked for it or holds a role that owns its kind; else None
    (the page answers 404 either way, so a job's existence does not leak)."""
    job = db.session.get(Job, job_id)
    if job is None or not jobs.can_see(job, user):
        return None
    return job


def owns(periodic: periodic_jobs.Periodic, user: User) -> bool:
    return periodic.role in effective_roles(user)


@dataclass
class PeriodicRow:
    periodic: periodic_jobs.Periodic
    next_run: datetime
    last: Job | None


def periodic_for(user: User) -> list[PeriodicRow]:
    """The periodic jobs ``user`` owns, with their next run and their latest job."""
    now = clock.now()
    rows = []
    for p in periodic_jobs.PERIODIC:
        if not owns(p, user):
            continue
        last = db.session.scalars(
            select(Job).where(Job.kind == p.name).order_by(Job.created_at.desc(), Job.id.desc()).limit(1)
        ).first()
        rows.append(PeriodicRow(p, schedule.next_run(p.cron, now), last))
    return rows


def run_now(name: str, user: User) -> Job | None:
    """Queue a periodic job now for its owner; None if unknown or not theirs."""
    p = periodic_jobs.periodic(name)
    if p is None or not owns(p, user):
        return None
    job = jobs.enqueue(p.function, kind=p.name, requested_by=user.id)
    audit.record("job.periodic.run", object_type="job", object_id=str(job.id), detail={"periodic": p.name})
    db.session.commit()
    return job
