"""Cases for the job pages: a job shows to whoever asked and to roles owning its kind."""

from portal import clock
from portal.models import Job
from tests.registry import WORLD_BUILDERS, Case


def _jobs(w):
    from portal.extensions import db

    now = clock.now()
    # Asked for by h2e's VRC; kind "email" is owned by the lead admin.
    w.asked_job = Job(
        kind="email",
        function="portal.jobs.housekeeping:purge_expired_sessions",
        args=[],
        requested_by=w.users["vrc"].id,
        org_id=w.home.id,
        status="running",
        progress=40,
        progress_message="",
        attempts=1,
        created_at=now,
        started_at=now,
    )
    # A scheduled run nobody asked for: the DPO owns audit-verify.
    w.periodic_job = Job(
        kind="audit-verify",
        function="portal.jobs.housekeeping:verify_audit_chain",
        args=[],
        status="done",
        progress=100,
        progress_message="",
        attempts=1,
        result={"message": "verified"},
        created_at=now,
        started_at=now,
        finished_at=now,
    )
    db.session.add_all([w.asked_job, w.periodic_job])
    db.session.flush()


WORLD_BUILDERS.append(_jobs)

CASES = [
    Case(
        "jobs.show",
        args=lambda w: {"job_id": w.asked_job.id},
        default=404,
        expect={"vrc": 200, "lead_admin": 200},
        note="asker and owning role",
    ),
    Case(
        "jobs.show",
        args=lambda w: {"job_id": w.periodic_job.id},
        default=404,
        expect={"dpo": 200},
        note="periodic run: owning role only",
    ),
    Case("jobs.show", args={"job_id": 999999}, default=404, note="missing"),
    Case("jobs.periodic", expect={"lead_admin": 200, "dpo": 200, "contract_manager": 200}),
    Case(
        "jobs.run_periodic",
        "POST",
        args={"name": "audit-verify"},
        expect={"dpo": 303, "lead_admin": 404, "contract_manager": 404},
        see_other_to="/jobs/",
    ),
    Case(
        "jobs.run_periodic",
        "POST",
        args={"name": "purge-expired-sessions"},
        expect={"lead_admin": 303, "dpo": 404, "contract_manager": 404},
        see_other_to="/jobs/",
        note="lead admin's",
    ),
]
