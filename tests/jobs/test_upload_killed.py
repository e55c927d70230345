"""A referral upload whose rq work-horse is killed with SIGKILL part-way (issue 15,
item 13), through a real worker: rq runs the job again, and the upload ends with every
row reported once, as it really was (all accepted here), every participant created
once and named in the upload's audit event. The in-process test of each kill point is
tests/casework/test_referral_upload_interrupted.py; this one proves the real thing."""

import os
import signal
import time

import pytest
from sqlalchemy import func, select

from portal import clock
from portal.extensions import db
from portal.models import AuditEvent, ContractArea, Participant, ReferralUpload
from portal.referrals import referral_upload
from tests.jobs.test_redis import finish, row, rq_mode, start_worker  # noqa: F401 - rq_mode: a fixture

pytestmark = [pytest.mark.redis, pytest.mark.committed]  # rq workers are other processes

HEADER = "atw_reference,first_name,last_name,date_of_birth,ni_number,email,phone,address_line_1,postcode\n"
ROWS = 100


def work_horse(worker_pid: int) -> int | None:
    """The worker's work-horse: the child rq forked for the job, which starts a process
    group of its own (rq's scheduler, the other child, stays in the worker's)."""
    try:
        tasks = os.listdir(f"/proc/{worker_pid}/task")
    except FileNotFoundError:
        return None
    for task in tasks:
        try:
            children = open(f"/proc/{worker_pid}/task/{task}/children").read().split()
        except FileNotFoundError:
            continue
        for child in map(int, children):
            try:
                fields = open(f"/proc/{child}/stat").read().rsplit(")", 1)[1].split()
            except FileNotFoundError:
                continue
            if int(fields[2]) == child:  # process group: the horse called setpgrp()
                return child
    return None


def _upload_state(upload_id):
    db.session.rollback()
    db.session.expire_all()
    return db.session.get(ReferralUpload, upload_id)


def test_a_killed_work_horse_leaves_no_row_misreported(app, app_ctx, rq_mode, make):
    org = make.org("h2e")
    manager = make.user(org, ["team_manager"])
    db.session.add(ContractArea(area="LS", org_id=org.id, changed_at=clock.now()))
    db.session.commit()
    content = HEADER + "".join(
        f"ATW-KILL-{i:04d},Ann,Lowe,12/05/1980,JK{700000 + i:06d}A,a{i}@example.com,,{i} Road,LS2 7EY\n"
        for i in range(ROWS)
    )
    upload = referral_upload.start_upload(org, "killed.csv", content.encode(), manager.id)
    proc = start_worker(rq_mode)
    # Watch from outside, as fast as the database answers: a participant committed
    # without its line in the result is the moment a kill used to cost a row its
    # report. It must never be seen; the work-horse is killed when it is (the worst
    # moment), or else once the upload is under way.
    torn, horse = None, None
    deadline = time.monotonic() + 60
    while horse is None and time.monotonic() < deadline:
        db.session.rollback()
        done, created = db.session.execute(
            select(
                select(ReferralUpload.rows_done).where(ReferralUpload.id == upload.id).scalar_subquery(),
                select(func.count())
                .select_from(Participant)
                .where(Participant.atw_reference.like("ATW-KILL-%"))
                .scalar_subquery(),
            )
        ).one()
        if created > (done or 0):
            torn = torn or (created, done)
        if torn or (done or 0) >= 20:
            horse = work_horse(proc.pid)
    assert horse, "the upload should have been under way in a work-horse"
    os.kill(horse, signal.SIGKILL)
    assert torn is None, f"{torn[0]} participants committed while the result held {torn[1]} lines"
    output = finish(proc, timeout=180)
    assert "Work-horse terminated unexpectedly" in output
    done = _upload_state(upload.id)
    assert row(done.job_id).attempts == 2, output
    assert done.status == "done" and (done.rows_done, done.accepted, done.rejected) == (ROWS, ROWS, 0), [
        r for r in done.results if r["outcome"] != "accepted"
    ][:3]
    assert sorted(r["line"] for r in done.results) == list(range(2, ROWS + 2))
    created = db.session.scalars(select(Participant.id).where(Participant.atw_reference.like("ATW-KILL-%"))).all()
    assert len(created) == ROWS
    assert sorted(r["participant_id"] for r in done.results) == sorted(created)
    finished = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "referral_upload.finished", AuditEvent.object_id == str(upload.id)
        )
    ).one()
    assert sorted(finished.detail["participant_ids"]) == sorted(created)
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "participant.referred", AuditEvent.participant_id.in_(created))
        )
        == ROWS
    )
