"""Job functions the job tests run (module-level, ids in, JSON out)."""

from portal import jobs
from portal.extensions import db
from portal.jobs import progress, settings
from portal.models import Organisation


def add(a, b):
    progress.set_progress(50, "half way")
    return {"sum": a + b, "link": "/", "link_text": "Back home", "message": f"{a} + {b} = {a + b}"}


def rename_org(org_id, name):
    org = db.session.get(Organisation, org_id)
    org.name = name  # left uncommitted: committed with the job's success
    return {"renamed": org_id}


def boom(message):
    raise RuntimeError(message)


def refuse(message):
    raise jobs.Fail(message)


def chain(org_id):
    """Enqueues a second job from inside a job."""
    jobs.enqueue(rename_org, org_id, "Chained", kind="test.chain")
    return {"chained": True}


def record_progress(steps):
    for i in range(1, steps + 1):
        progress.set_progress(i * 100 // steps, f"step {i} of {steps}")
    return {"steps": steps}


def progress_seen_from_outside(steps):
    """Reports progress and checks, through a connection of its own, that each step is
    visible to others (the job page) while the job is still running."""
    from sqlalchemy import select

    from portal.models import Job

    seen = []
    for i in range(1, steps + 1):
        progress.set_progress(i * 100 // steps, f"step {i} of {steps}")
        with db.engine.connect() as conn:
            row = conn.execute(
                select(Job.status, Job.progress, Job.progress_message).where(Job.id == progress.current_job_id())
            ).one()
        seen.append(list(row))
    return {"seen": seen}


def fail_first_attempt():
    from portal.models import Job

    attempt = db.session.get(Job, progress.current_job_id()).attempts
    if attempt == 1:
        raise RuntimeError("the first attempt fails")
    return {"attempt": attempt}


def block_until_released(prefix):
    """Writes its process id to Redis, then waits until the test releases it."""
    import os
    import time

    redis = settings.redis_connection()
    redis.rpush(f"{prefix}:pids", os.getpid())
    deadline = time.monotonic() + 60
    while not redis.exists(f"{prefix}:release"):
        if time.monotonic() > deadline:
            raise TimeoutError("never released")
        time.sleep(0.05)
    return {"released": True}
