"""The inline path (no Redis): jobs run right after the commit; failures show at once."""

import pytest
from sqlalchemy import select

from portal import jobs
from portal.extensions import db
from portal.jobs import progress
from portal.models import Job, Organisation
from tests.jobs import sample


@pytest.fixture
def inline(app):
    before = app.config.get("JOBS_MODE")
    app.config["JOBS_MODE"] = "inline"
    yield
    app.config["JOBS_MODE"] = before


def test_runs_at_once_outside_a_request(app_ctx, inline, make):
    user = make.user(make.org())
    job = jobs.enqueue(sample.add, 2, 3, kind="test.add", requested_by=user.id)
    assert job.status == "done"
    assert job.result["sum"] == 5
    assert job.progress == 100
    assert job.attempts == 1
    assert job.function == "tests.jobs.sample:add"
    assert job.args == [2, 3]
    assert job.started_at and job.finished_at


def test_uncommitted_work_of_the_job_is_committed_with_it(app_ctx, inline, make):
    org = make.org()
    jobs.enqueue(sample.rename_org, org.id, "Renamed", kind="test.rename")
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).name == "Renamed"


def test_failure_is_shown_at_once(app_ctx, inline):
    job = jobs.enqueue(sample.boom, "no such thing", kind="test.boom")
    assert job.status == "failed"
    assert job.error == "RuntimeError: no such thing"
    assert job.finished_at is not None
    assert job.attempts == 1


def test_fail_gives_its_own_message(app_ctx, inline):
    job = jobs.enqueue(sample.refuse, "Chain broken", kind="test.fail")
    assert (job.status, job.error) == ("failed", "Chain broken")


def test_a_done_job_is_not_run_again(app_ctx, inline, make):
    org = make.org()
    job = jobs.enqueue(sample.rename_org, org.id, "First", kind="test.rename")
    assert job.status == "done"
    job.args = [org.id, "Second"]
    db.session.commit()
    assert jobs.execute(job.id) is None
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).name == "First"
    assert db.session.get(Job, job.id).attempts == 1


def test_a_failed_job_stays_failed(app_ctx, inline):
    job = jobs.enqueue(sample.boom, "x", kind="test.boom")
    assert jobs.execute(job.id) is None
    assert db.session.get(Job, job.id).attempts == 1


def test_an_interrupted_job_runs_again(app_ctx, inline, make):
    """At least once: a job left running (its process died) is run again, safely."""
    org = make.org()
    job = jobs.enqueue(sample.rename_org, org.id, "Again", kind="test.rename")
    job.status, job.progress = "running", 40
    db.session.commit()
    assert jobs.execute(job.id) == "done"
    db.session.expire_all()
    assert db.session.get(Job, job.id).attempts == 2


def test_jobs_enqueued_by_a_job_run_after_it(app_ctx, inline, make):
    org = make.org()
    first = jobs.enqueue(sample.chain, org.id, kind="test.chain")
    assert first.status == "done"
    second = db.session.scalars(select(Job).where(Job.id != first.id)).one()
    assert second.status == "done"
    db.session.expire_all()
    assert db.session.get(Organisation, org.id).name == "Chained"


def test_progress_is_recorded(app_ctx, inline):
    job = jobs.enqueue(sample.record_progress, 4, kind="test.progress")
    assert job.status == "done" and job.result == {"steps": 4}


def test_set_progress_outside_a_job_does_nothing(app_ctx):
    progress.set_progress(50, "nothing to see")
    assert progress.current_job_id() is None


def test_arguments_must_be_plain_values(app_ctx, inline, make):
    org = make.org()
    with pytest.raises(TypeError):
        jobs.enqueue(sample.rename_org, org, "x", kind="test.rename")
    with pytest.raises(TypeError):
        jobs.enqueue(lambda: None, kind="test.lambda")
    assert db.session.scalars(select(Job)).all() == []


def test_a_rolled_back_job_never_runs(app, inline, make):
    """Inside a request nothing runs until the commit; a rollback drops the job."""
    org = make.org()
    with app.test_request_context("/"):
        app.preprocess_request()  # a request being handled, as far as jobs can tell
        job = jobs.enqueue(sample.rename_org, org.id, "Never", kind="test.rename")
        job_id = job.id
        db.session.rollback()
    db.session.expire_all()
    assert db.session.get(Job, job_id) is None
    assert db.session.get(Organisation, org.id).name != "Never"


def test_in_a_request_the_job_runs_after_the_commit(app, inline, make):
    org = make.org()
    with app.test_request_context("/"):
        app.preprocess_request()
        job = jobs.enqueue(sample.rename_org, org.id, "After", kind="test.rename")
        job_id = job.id
        db.session.commit()
        assert db.session.get(Job, job_id).status == "queued"  # not yet: after the request
    # leaving the request context ran teardown_request, which ran the job
    db.session.expire_all()
    assert db.session.get(Job, job_id).status == "done"
    assert db.session.get(Organisation, org.id).name == "After"


def test_a_job_that_cannot_be_started_is_shown_failed(app, app_ctx, monkeypatch):
    """If handing a job over fails (rq-sync here), it shows failed rather than queued."""
    monkeypatch.setitem(app.config, "JOBS_MODE", "rq-sync")

    def broken(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(jobs, "dispatch", broken)
    job = jobs.enqueue(sample.add, 1, 2, kind="test.add")
    assert (job.status, job.error) == ("failed", "ConnectionError: Redis is down")
