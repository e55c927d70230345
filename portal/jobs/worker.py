"""The rq worker of ``flask --app wsgi worker`` and the reaper that keeps no job lost.

A job can be lost three ways, and each ends retried or visibly failed:

- its work-horse process dies (SIGKILL, out of memory): the worker notices at once
  (``PortalWorker.handle_work_horse_killed``) and rq retries it;
- the whole worker dies mid-job: its rq job sits in the started registry. Each worker, on
  start, looks for started jobs whose worker is gone (``reap_abandoned``) and hands them to
  rq's abandoned-job handling (retry, or failed); rq's own maintenance does the same, later,
  for workers on other machines (``on_abandoned``);
- Redis loses the job or was down when it was handed over: the Job row is still
  unfinished; ``reconcile`` (worker start and the periodic ``reconcile-jobs``) queues it
  again, or marks it failed when its attempts are used up.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import timedelta
from types import TracebackType
from typing import TYPE_CHECKING, Any

from rq import Worker
from rq.exceptions import AbandonedJobError, NoSuchJobError
from rq.job import Job as RqJob
from rq.job import JobStatus
from rq.serializers import JSONSerializer
from sqlalchemy import select

from portal import clock, jobs
from portal.extensions import db
from portal.jobs import progress, settings
from portal.models.job import UNFINISHED, Job

if TYPE_CHECKING:
    from resource import struct_rusage

    from redis import Redis
    from rq import Queue

log = logging.getLogger(__name__)

KILLED = "The job stopped unexpectedly (its process was killed)"
ABANDONED = "The worker running this job stopped unexpectedly"
LOST = "The queue lost this job"


def portal_job_id(rq_job: RqJob) -> int | None:
    """The Job row id an rq job carries (None for rq jobs that are not ours)."""
    try:
        if rq_job.func_name == "portal.jobs.perform" and rq_job.args:
            return int(rq_job.args[0])
    except Exception:  # noqa: BLE001 - an unreadable rq job is not ours
        return None
    return None


def _will_retry(rq_job: RqJob) -> bool:
    return bool(rq_job.retries_left and rq_job.retries_left > 0)


def _failure_text(reason: str, retry: bool) -> str:
    return f"{reason}; it will be tried again." if retry else f"{reason}."


def _record_for(rq_job: RqJob, reason: str) -> None:
    job_id = portal_job_id(rq_job)
    if job_id is None:
        return
    retry = _will_retry(rq_job)
    try:
        jobs.record_failure(job_id, _failure_text(reason, retry), final=not retry)
    finally:
        db.session.remove()


class PortalWorker(Worker):
    """rq's forking worker, with the database handled across the fork and every way a
    job can die recorded on its Job row."""

    def execute_job(self, job: RqJob, queue: Queue) -> None:
        db.session.remove()  # no pooled connection is shared with the work-horse
        super().execute_job(job, queue)

    def main_work_horse(self, job: RqJob, queue: Queue) -> None:
        db.engine.dispose(close=False)  # the horse opens its own connections
        super().main_work_horse(job, queue)

    def handle_work_horse_killed(
        self, job: RqJob, retpid: int | None, ret_val: int | None, rusage: struct_rusage | None
    ) -> None:
        # rq leaves this hook unannotated, so the call is untyped whatever we declare here.
        super().handle_work_horse_killed(job, retpid, ret_val, rusage)  # type: ignore[no-untyped-call]
        _record_for(job, KILLED)


def on_abandoned(
    rq_job: RqJob,
    exc_type: type[BaseException] | None,
    exc_value: BaseException | None,
    traceback: TracebackType | None,
) -> bool:
    """rq exception handler: an abandoned job (its worker died) is recorded on its row.
    Other exceptions were recorded by the runner already. Returns True: rq carries on."""
    if exc_type is AbandonedJobError or isinstance(exc_value, AbandonedJobError):
        _record_for(rq_job, ABANDONED)
    return True


def _worker_is_dead(name: str | None, connection: Redis) -> bool:
    if not name:
        return False
    worker = Worker.find_by_key(Worker.redis_worker_namespace_prefix + name, connection=connection)
    if worker is None:
        return True  # its registration expired: it stopped sending heartbeats
    if worker.hostname == socket.gethostname() and worker.pid:
        try:
            os.kill(worker.pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
    return False


def reap_abandoned(queue: Queue) -> list[str]:
    """Started jobs of ``queue`` whose worker is gone go through rq's abandoned-job
    handling now (retried if they have retries left, else failed). Returns their rq ids."""
    registry = queue.started_job_registry
    connection = queue.connection
    expire: dict[str, str] = {}
    for member in connection.zrange(registry.key, 0, -1):
        entry = member.decode() if isinstance(member, bytes) else str(member)
        rq_id = entry.split(":", 1)[0]
        try:
            rq_job = RqJob.fetch(rq_id, connection=connection, serializer=JSONSerializer)
        except NoSuchJobError:
            continue
        if _worker_is_dead(rq_job.worker_name, connection):
            expire[entry] = rq_id
    if expire:
        connection.zadd(registry.key, dict.fromkeys(expire, 0), xx=True)
        registry.cleanup(timestamp=1, exception_handlers=[on_abandoned])
        log.warning("reaped %d abandoned job(s): %s", len(expire), ", ".join(expire.values()))
    return list(expire.values())


def reconcile(min_age: timedelta = timedelta(minutes=1)) -> dict[str, Any]:
    """Unfinished Job rows older than ``min_age`` whose rq job is missing (or finished
    without running them) are queued again; those rq gave up on are marked failed."""
    if settings.mode() != "rq":
        return {"requeued": 0, "failed": 0, "message": "Jobs run inline: nothing to check"}
    connection = settings.redis_connection()
    cutoff = clock.now() - min_age
    requeued = failed = 0
    rows = db.session.scalars(
        select(Job).where(Job.status.in_(UNFINISHED), Job.created_at <= cutoff).order_by(Job.id)
    ).all()
    for row in rows:
        if row.id == progress.current_job_id():
            continue
        try:
            rq_job = RqJob.fetch(row.rq_id, connection=connection, serializer=JSONSerializer)
            status = rq_job.get_status(refresh=False)
        except NoSuchJobError:
            rq_job, status = None, None
        if status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED):
            jobs.record_failure(row.id, "The queue gave up on this job.", final=True)
            failed += 1
        elif status in (None, JobStatus.FINISHED):
            if row.attempts >= settings.max_attempts():
                jobs.record_failure(row.id, _failure_text(LOST, False), final=True)
                failed += 1
                continue
            if row.status == "running":
                row.status = "retrying"
                row.error = _failure_text(LOST, True)
                db.session.commit()
            if rq_job is not None:
                rq_job.delete()  # finished without running the row: make way for a new one
            if jobs.dispatch(row.id, row.rq_id):
                requeued += 1
    db.session.commit()
    return {
        "requeued": requeued,
        "failed": failed,
        "message": f"{requeued} job(s) queued again, {failed} marked failed",
    }


def reconcile_job() -> dict[str, Any]:
    """Periodic job ``reconcile-jobs``: reap abandoned rq jobs, then reconcile rows."""
    if settings.mode() != "rq":
        return reconcile()
    reaped = reap_abandoned(settings.rq_queue())
    result = reconcile(min_age=timedelta(minutes=5))
    result["reaped"] = len(reaped)
    result["message"] = f"{len(reaped)} abandoned job(s) reaped; " + result["message"]
    return result


def run_worker(
    queue_name: str | None = None, burst: bool = False, with_scheduler: bool = True, logging_level: str = "INFO"
) -> bool:
    """``flask --app wsgi worker``: reap, reconcile, then work (in the app context)."""
    queue = settings.rq_queue(queue_name)
    reap_abandoned(queue)
    if queue.name == settings.queue_name():
        reconcile()
    db.session.remove()
    worker = PortalWorker(
        [queue], connection=queue.connection, serializer=JSONSerializer, exception_handlers=[on_abandoned]
    )
    return worker.work(burst=burst, with_scheduler=with_scheduler, logging_level=logging_level)
