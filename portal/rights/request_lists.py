"""The DPO's lists of rights requests (open, closed, a participant's) with the audit of
each list and view, and the daily reminder of requests coming due."""

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import func, select

from portal import audit, clock, deadlines
from portal.extensions import db
from portal.jobs import progress
from portal.models import Notification
from portal.models.rights import RightsRequest
from portal.notifications import notify

# The DPO-only check and the per-field text cleaning are those of authority requests.
from portal.permissions import dpo_user_ids
from portal.rights.rights_clock import clock_of, state_of

# Re-exported for the other rights modules (rights_complaints, access_packages).


def open_requests() -> list[RightsRequest]:
    """Every open request in every organisation, soonest due first; requests whose
    clock waits for identity evidence come first (they have no due date yet)."""
    rows = db.session.scalars(select(RightsRequest).where(RightsRequest.status == "open")).all()
    today = clock.today()
    # The clock's due date, not the stored one: an extension lapses with time passing.
    dues = {r.id: clock_of(r, today).due for r in rows}
    return sorted(rows, key=lambda r: (dues[r.id] is not None, dues[r.id] or date.min, r.id))


def audit_list(rows: list[RightsRequest], user_id: int | None) -> None:
    """Record that the DPO's dashboard showed ``rows`` (ids only, rule 10) and commit."""
    audit.record(
        "rights_request.list",
        object_type="rights_request",
        user_id=user_id,
        detail={
            "request_ids": [r.id for r in rows],
            "participant_ids": sorted({r.participant_id for r in rows if r.participant_id}),
        },
    )
    db.session.commit()


def audit_view(request: RightsRequest, user_id: int | None) -> None:
    """Record that the DPO opened ``request``'s page and commit."""
    audit.record(
        "rights_request.viewed",
        object_type="rights_request",
        object_id=request.id,
        participant_id=request.participant_id,
        user_id=user_id,
    )
    db.session.commit()


def closed_requests(limit: int = 100) -> list[RightsRequest]:
    return list(
        db.session.scalars(
            select(RightsRequest)
            .where(RightsRequest.status == "closed")
            .order_by(RightsRequest.closed_at.desc())
            .limit(limit)
        )
    )


def open_count_for(participant_id: int) -> int:

    return (
        db.session.scalar(
            select(func.count(RightsRequest.id)).where(
                RightsRequest.participant_id == participant_id, RightsRequest.status == "open"
            )
        )
        or 0
    )


def requests_for_participant(participant_id: int) -> list[RightsRequest]:
    return list(
        db.session.scalars(
            select(RightsRequest)
            .where(RightsRequest.participant_id == participant_id)
            .order_by(RightsRequest.received_on.desc(), RightsRequest.id.desc())
        )
    )


# ---------------------------------------------------------------- the daily reminder


def daily_reminders() -> dict[str, Any]:
    """The daily job: tell every DPO of each open request due within 5 working days
    (or overdue), and of each extension whose notice to the person is not yet
    recorded as sent. Safe to run twice: a reminder already sent today is not repeated."""

    today = clock.today()
    since = datetime.combine(today, time.min, tzinfo=clock.LONDON)
    dpos = dpo_user_ids()
    sent = 0
    items = []
    for request in open_requests():
        state = state_of(request, today)
        if state in (deadlines.DUE_SOON, deadlines.OVERDUE):
            when = "is overdue" if state == deadlines.OVERDUE else f"is due on {request.due_on:%-d %B %Y}"
            items.append(("rights_due", f"Rights request {request.reference} {when}", request))
        if request.extension_reason and request.extension_notice_sent_on is None:
            due = clock_of(request, today).extension_notice_due
            items.append(
                (
                    "rights_extension_notice",
                    f"Rights request {request.reference}: tell the person of the extension by {due:%-d %B %Y}",
                    request,
                )
            )
    progress.set_progress(50, f"{len(items)} reminders to send")
    for kind, text, request in items:
        link = f"/dpo/requests/{request.id}"
        for dpo_id in dpos:
            already = db.session.scalar(
                select(Notification.id)
                .where(
                    Notification.user_id == dpo_id,
                    Notification.kind == kind,
                    Notification.link == link,
                    Notification.created_at >= since,
                )
                .limit(1)
            )
            if already is None:
                notify(dpo_id, kind, text, link, email_subject="A rights request needs you")
                sent += 1
    db.session.commit()
    return {"reminders": sent, "message": f"{sent} reminder{'s' if sent != 1 else ''} sent"}
