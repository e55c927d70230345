"""Jobs on a real Redis through real rq workers (``flask --app wsgi worker --burst``).

Each test works on a queue of its own in the Redis DB of REDIS_URL and deletes only the
keys it made. Waiting here is for other processes (a worker, its work-horse), not for
time-dependent logic, so it polls with a deadline.
"""

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
import zlib
from datetime import timedelta
from types import SimpleNamespace

import pytest
from rq import Queue
from rq.job import Job as RqJob
from rq.registry import FailedJobRegistry
from rq.serializers import JSONSerializer
from sqlalchemy import select

from portal import clock, jobs
from portal.extensions import db
from portal.jobs import settings
from portal.jobs.worker import ABANDONED, reconcile
from portal.models import Job
from tests.jobs import sample

pytestmark = [pytest.mark.redis, pytest.mark.committed]  # rq workers are other processes

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture
def rq_mode(app):
    keys = ("JOBS_MODE", "JOBS_QUEUE", "JOBS_RETRY_INTERVALS")
    saved = {key: app.config[key] for key in keys if key in app.config}
    name = f"portal-test-{uuid.uuid4().hex[:12]}"
    app.config.update(JOBS_MODE="rq", JOBS_QUEUE=name, JOBS_RETRY_INTERVALS=[0, 0])
    ns = SimpleNamespace(queue=name, prefix=f"{app.config['REDIS_KEY_PREFIX']}test:{name}", procs=[])
    yield ns
    for proc in ns.procs:  # the workers this test started, with their children
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    with app.app_context():
        redis = settings.redis_connection()
        doomed = set()
        for worker_key in redis.smembers(f"rq:workers:{name}"):
            worker_key = worker_key.decode()
            doomed.add(worker_key)
            redis.srem("rq:workers", worker_key)
        for row in db.session.scalars(select(Job)):
            doomed.update(k.decode() for k in redis.scan_iter(match=f"*{row.rq_id}*"))
        doomed.update(k.decode() for k in redis.scan_iter(match=f"*{name}*"))
        for pattern in ("rq:worker:*", "rq:scheduler:*"):  # our workers and their schedulers
            for key in redis.scan_iter(match=pattern):
                if redis.type(key) == b"hash" and (redis.hget(key, "queues") or b"").decode() == name:
                    doomed.add(key.decode())
        redis.srem("rq:queues", f"rq:queue:{name}")
        if doomed:
            redis.delete(*doomed)
        db.session.remove()
    for key in keys:
        app.config.pop(key, None)
    app.config.update(saved)


def start_worker(ns, burst=True):
    env = dict(os.environ, PORTAL_ENV="test", SECRET_KEY="test-secret-key", PUBLIC_BASE_URL="http://portal.test")
    args = [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--queue", ns.queue]
    proc = subprocess.Popen(
        args + (["--burst"] if burst else []),
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    ns.procs.append(proc)
    return proc


def finish(proc, timeout=90) -> str:
    try:
        output, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        output, _ = proc.communicate()
        pytest.fail("worker did not finish:\n" + output)
    assert proc.returncode == 0, output
    return output


def wait_for(predicate, what, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        db.session.rollback()  # see other processes' commits
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"timed out waiting for {what}")


def row(job_id) -> Job:
    db.session.rollback()
    db.session.expire_all()
    return db.session.get(Job, job_id)


def test_job_is_handed_to_rq_only_when_the_transaction_commits(app, app_ctx, rq_mode, make):
    org = make.org()
    with app.test_request_context("/"):
        app.preprocess_request()
        job = jobs.enqueue(sample.rename_org, org.id, "Later", kind="test.rename", org_id=org.id)
        rq_id = job.rq_id
        queue = settings.rq_queue()
        assert queue.count == 0  # the row is not committed yet: nothing for a worker
        db.session.commit()
        assert queue.job_ids == [rq_id]
    rq_job = RqJob.fetch(rq_id, connection=settings.redis_connection(), serializer=JSONSerializer)
    assert rq_job.func_name == "portal.jobs.perform" and rq_job.args == [job.id]
    assert rq_job.retries_left == 2 and rq_job.retry_intervals == [0, 0]
    # JSON, not pickle, on the wire
    raw = settings.redis_connection().hget(f"rq:job:{rq_id}", "data")
    assert json.loads(zlib.decompress(raw))[0] == "portal.jobs.perform"
    # the id is the row's own: dispatching again is the same rq job, queued once
    assert jobs.dispatch(job.id, rq_id) is False
    assert queue.job_ids == [rq_id]
    assert row(job.id).status == "queued"


def test_redis_connection_uses_the_db_of_redis_url(app, app_ctx):
    url = app.config["REDIS_URL"]
    db_number = int(url.rsplit("/", 1)[1]) if url.rsplit("/", 1)[1].isdigit() else 0
    assert settings.redis_connection().connection_pool.connection_kwargs["db"] == db_number


def test_real_worker_runs_a_job_with_progress(app, app_ctx, rq_mode, make):
    user = make.user(make.org())
    job = jobs.enqueue(sample.progress_seen_from_outside, 4, kind="test.progress", requested_by=user.id)
    assert row(job.id).status == "queued"
    output = finish(start_worker(rq_mode))
    done = row(job.id)
    assert done.status == "done", output
    assert done.attempts == 1 and done.progress == 100
    # every step was committed where others (the job page) could see it, mid-job
    assert done.result["seen"] == [
        ["running", 25, "step 1 of 4"],
        ["running", 50, "step 2 of 4"],
        ["running", 75, "step 3 of 4"],
        ["running", 100, "step 4 of 4"],
    ]


def test_a_job_that_fails_then_succeeds_on_retry(app, app_ctx, rq_mode):
    job = jobs.enqueue(sample.fail_first_attempt, kind="test.flaky")
    output = finish(start_worker(rq_mode))
    done = row(job.id)
    assert (done.status, done.attempts, done.error) == ("done", 2, None), output
    assert done.result == {"attempt": 2}


def test_retries_run_out_in_a_visible_failed_state(app, app_ctx, rq_mode):
    job = jobs.enqueue(sample.boom, "still broken", kind="test.boom")
    output = finish(start_worker(rq_mode))
    failed = row(job.id)
    assert (failed.status, failed.attempts) == ("failed", 3), output
    assert failed.error == "RuntimeError: still broken"
    assert failed.finished_at is not None
    assert job.rq_id in FailedJobRegistry(rq_mode.queue, connection=settings.redis_connection())


def test_fail_is_not_retried(app, app_ctx, rq_mode):
    job = jobs.enqueue(sample.refuse, "no point trying again", kind="test.fail")
    finish(start_worker(rq_mode))
    assert (row(job.id).status, row(job.id).attempts) == ("failed", 1)


def _pids(ns):
    return [int(p) for p in settings.redis_connection().lrange(f"{ns.prefix}:pids", 0, -1)]


def test_killed_work_horse_is_retried(app, app_ctx, rq_mode):
    """SIGKILL the process running the job: the worker notices and rq runs it again."""
    job = jobs.enqueue(sample.block_until_released, rq_mode.prefix, kind="test.block")
    proc = start_worker(rq_mode)
    wait_for(lambda: _pids(rq_mode) and row(job.id).status == "running", "the job to start")
    os.kill(_pids(rq_mode)[0], signal.SIGKILL)
    wait_for(lambda: len(_pids(rq_mode)) == 2, "the second attempt")
    settings.redis_connection().set(f"{rq_mode.prefix}:release", 1)
    output = finish(proc)
    assert "Work-horse terminated unexpectedly" in output
    done = row(job.id)
    assert (done.status, done.attempts) == ("done", 2), output


def _kill_worker_mid_job(ns, job_id):
    proc = start_worker(ns, burst=False)
    wait_for(lambda: _pids(ns) and row(job_id).status == "running", "the job to start")
    os.killpg(proc.pid, signal.SIGKILL)  # the worker (and its rq scheduler) first ...
    proc.wait()
    os.kill(_pids(ns)[0], signal.SIGKILL)  # ... then the work-horse it left behind
    assert row(job_id).status == "running"  # nobody is left to say otherwise


def test_killed_worker_leaves_the_job_retried(app, app_ctx, rq_mode):
    """SIGKILL the whole worker mid-job: the next worker to start reaps the abandoned job
    and rq runs it again."""
    job = jobs.enqueue(sample.block_until_released, rq_mode.prefix, kind="test.block")
    _kill_worker_mid_job(rq_mode, job.id)
    settings.redis_connection().set(f"{rq_mode.prefix}:release", 1)
    output = finish(start_worker(rq_mode))
    done = row(job.id)
    assert (done.status, done.attempts) == ("done", 2), output


def test_killed_worker_without_retries_leaves_the_job_failed(app, app_ctx, rq_mode):
    app.config["JOBS_RETRY_INTERVALS"] = []
    job = jobs.enqueue(sample.block_until_released, rq_mode.prefix, kind="test.block")
    _kill_worker_mid_job(rq_mode, job.id)
    output = finish(start_worker(rq_mode))
    failed = row(job.id)
    assert failed.status == "failed", output
    assert failed.error == ABANDONED + "."
    assert failed.finished_at is not None and failed.attempts == 1


def test_reconcile_requeues_a_job_redis_lost(app, app_ctx, rq_mode, make):
    org = make.org()
    job = jobs.enqueue(sample.rename_org, org.id, "Found again", kind="test.rename")
    RqJob.fetch(job.rq_id, connection=settings.redis_connection(), serializer=JSONSerializer).delete()
    Queue(rq_mode.queue, connection=settings.redis_connection()).empty()
    assert reconcile(min_age=timedelta(minutes=1)) == {
        "requeued": 0,
        "failed": 0,
        "message": "0 job(s) queued again, 0 marked failed",
    }
    clock.advance(timedelta(minutes=2))
    assert reconcile(min_age=timedelta(minutes=1))["requeued"] == 1
    finish(start_worker(rq_mode))
    assert row(job.id).status == "done"


def test_reconcile_fails_a_lost_job_whose_attempts_are_used_up(app, app_ctx, rq_mode):
    job = jobs.enqueue(sample.add, 1, 1, kind="test.add")
    RqJob.fetch(job.rq_id, connection=settings.redis_connection(), serializer=JSONSerializer).delete()
    stored = row(job.id)
    stored.status, stored.attempts = "running", settings.max_attempts()
    db.session.commit()
    assert reconcile(min_age=timedelta(0))["failed"] == 1
    assert row(job.id).status == "failed" and row(job.id).error == "The queue lost this job."
