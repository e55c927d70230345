"""Housekeeping run as periodic jobs (portal.jobs.periodic_jobs.PERIODIC)."""

from typing import TYPE_CHECKING, Any, cast

from flask import current_app
from sqlalchemy import delete, or_

from portal import audit, clock, jobs
from portal.actions import Action
from portal.extensions import db
from portal.jobs import progress
from portal.models import Job, StaffSession

if TYPE_CHECKING:
    from sqlalchemy import CursorResult


def purge_expired_sessions() -> dict[str, Any]:
    """Delete server-side sessions past the idle or the absolute time-out. They could not
    be used any more (portal.sessions refuses them); this keeps the table small. Safe to
    run twice."""
    now = clock.now()
    progress.set_progress(10, "Removing expired sessions")
    removed = cast(
        "CursorResult[Any]",
        db.session.execute(
            delete(StaffSession).where(
                or_(
                    StaffSession.last_seen_at < now - current_app.config["SESSION_IDLE_TIMEOUT"],
                    StaffSession.created_at < now - current_app.config["SESSION_ABSOLUTE_TIMEOUT"],
                )
            )
        ),
    ).rowcount
    db.session.commit()
    return {"removed": removed, "message": f"{removed} expired session{'s' if removed != 1 else ''} removed"}


def verify_audit_chain() -> dict[str, Any]:
    """Recompute the audit chain and log the result (portal.audit.verify_and_log). A
    broken chain fails the job (no retry: recomputing gives the same answer)."""
    progress.set_progress(10, "Recomputing the audit chain")
    result = audit.verify_and_log()
    if not result.ok:
        raise jobs.Fail(f"Audit chain check failed: {result.message}")
    return {
        "ok": True,
        "events": result.count,
        "head": result.head_seq,
        "message": f"{result.count} audit events verified: {result.message}",
    }


def request_audit_verification(requested_by: int) -> Job:
    """The DPO asks for the audit chain to be checked now: a tracked job, audited as a
    run of the periodic ``audit-verify`` job."""
    job = jobs.enqueue(verify_audit_chain, kind=Action.AUDIT_VERIFY, requested_by=requested_by)
    audit.record("job.periodic.run", object_type="job", object_id=str(job.id), detail={"periodic": Action.AUDIT_VERIFY})
    db.session.commit()
    return job
