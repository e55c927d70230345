"""The periodic jobs, declared as data: what runs, on which cron schedule (Europe/London),
and the action a user needs to see it or run it now."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from portal.actions import Action

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class Periodic:
    """A job run on a schedule. ``cron`` is read in Europe/London (a 06:00 job runs at
    06:00 UK time all year); ``function`` ("module:function") takes no arguments;
    ``role`` owns it: it sees its runs and may run it now (/jobs/periodic). ``name`` is
    also the ``Job.kind`` of its runs."""

    name: Action
    cron: str
    function: str
    role: str
    title: str
    description: str = ""


PERIODIC: list[Periodic] = [
    Periodic(
        Action.PURGE_EXPIRED_SESSIONS,
        "*/15 * * * *",
        "portal.jobs.housekeeping:purge_expired_sessions",
        "lead_admin",
        "Remove expired sign-in sessions",
        "Deletes server-side sessions past the idle or absolute time-out.",
    ),
    Periodic(
        Action.AUDIT_VERIFY,
        "30 2 * * *",
        "portal.jobs.housekeeping:verify_audit_chain",
        "dpo",
        "Verify the audit trail",
        "Recomputes the audit chain's hashes and logs the result; fails if any event was altered.",
    ),
    Periodic(
        Action.RECONCILE_JOBS,
        "*/10 * * * *",
        "portal.jobs.worker:reconcile_job",
        "lead_admin",
        "Check background jobs",
        "Hands jobs lost by Redis back to the queue and marks abandoned ones retried or failed.",
    ),
    Periodic(
        Action.MONTHLY_CONTRACT_REPORT,
        "0 6 1 * *",
        "portal.reporting.report_drafts:build_previous_month",
        "contract_manager",
        "Build last month’s contract report",
        "Builds the draft DWP contract report for the month just ended and tells the contract managers.",
    ),
    Periodic(
        Action.RETENTION_NIGHTLY,
        "0 3 * * *",
        "portal.retention.destruction_lists:nightly",
        "dpo",
        "Build the destruction list",
        "Lists the records past their retention period (and audit events to seal) for the DPO to approve.",
    ),
    Periodic(
        Action.RIGHTS_REMINDERS,
        "0 7 * * *",
        "portal.rights.request_lists:daily_reminders",
        "dpo",
        "Remind the DPO of rights deadlines",
        "Tells the DPO of requests due within 5 working days and of extension notices not yet sent.",
    ),
    Periodic(
        Action.TRAINING_REMINDERS,
        "15 7 * * *",
        "portal.governance.training:send_lapse_notices",
        "lead_admin",
        "Remind staff of data protection training",
        "Tells each member of staff once, 30 days before their data protection training runs out.",
    ),
]


def periodic(name: str) -> Periodic | None:
    return next((p for p in PERIODIC if p.name == name), None)
