"""Data-subject rights requests: taking them in, the clock, and how they end.

DESIGN.md rule 5 and "Rights deadlines": a request is logged on the day it arrives,
by any staff member but DWP's; the clock starts that day, or the day the identity (or
authority) evidence arrives where it was needed; days spent waiting for a
clarification do not count; an extension for a complex request, or several requests,
runs three months from the same start and the person must be told within the first
month. Every due date comes from ``portal.deadlines.response_due``: this
module recomputes ``RightsRequest.due_on`` on every change of its inputs, so a
request cannot silently pass its deadline. Only the DPO works a request after it is
logged; the audit trail holds ids and codes, never what was asked or by whom.
"""

from collections.abc import Collection, Iterable
from dataclasses import replace
from datetime import date

from portal import audit, clock

# The DPO-only check and the per-field text cleaning are those of authority requests.
from portal.consent.authority_requests import require_dpo, required_text
from portal.extensions import db
from portal.models import User
from portal.models.rights import CHANNELS, OUTCOMES, RESPONSE_METHODS, RIGHTS, RightsRequest, RightsRequestRight
from portal.notifications import notify
from portal.permissions import STAFF, dpo_user_ids
from portal.rights.rights_clock import clock_of, inputs_of, recompute_due, refuse_later_due
from portal.rights.rights_identity import outcome_discloses, require_identity_verified
from portal.validation import Invalid, Problems

# Re-exported for the other rights modules (rights_complaints, access_packages).


class RequestClosed(ValueError):
    """A closed request is not changed any more."""


def checked_date(
    problems: list[Invalid],
    name: str,
    value: date | None,
    label: str,
    not_before: date | None = None,
    before_label: str = "",
) -> date | None:
    if value is None:
        problems.append(Invalid(f"Enter {label}", field=name))
        return None
    if value > clock.today():
        problems.append(Invalid(f"{label[0].upper()}{label[1:]} must be today or in the past", field=name))
    elif not_before is not None and value < not_before:
        problems.append(Invalid(f"{label[0].upper()}{label[1:]} must be on or after {before_label}", field=name))
    return value


def checked_choice(
    problems: list[Invalid], name: str, value: str | None, choices: Collection[str], message: str
) -> str | None:
    if value not in choices:
        problems.append(Invalid(message, field=name))
    return value


# ---------------------------------------------------------------- taking in


def log_request(
    *,
    requester_name: str | None,
    requester_contact: str | None,
    what_requested: str | None,
    rights: Iterable[str] | None,
    received_on: date | None,
    channel: str | None,
    on_behalf: bool,
    on_behalf_of: str | None,
    identity_needed: bool,
    identity_asked_for: str | None,
    user_id: int | None,
    org_id: int | None = None,
) -> RightsRequest:
    """Log a request as it arrived (any staff member; DWP's users may not). Several
    rights may be asked in one request. Where the requester's identity or authority
    is not yet proved, the DPO's list shows the clock waiting for the evidence."""
    user = db.session.get(User, user_id) if user_id else None
    if user is None or not (user.all_roles() & STAFF):
        raise PermissionError("only staff of the partnership log rights requests")
    problems: list[Invalid] = []
    requester_name = required_text(problems, "requester_name", requester_name, "the name of the person asking", 200)
    requester_contact = required_text(
        problems, "requester_contact", requester_contact, "how to reach the person asking", 500
    )
    what_requested = required_text(problems, "what_requested", what_requested, "what they ask for", 5000)
    rights = list(dict.fromkeys(rights or []))
    if not rights or any(r not in RIGHTS for r in rights):
        problems.append(Invalid("Select the rights the request asks for", field="rights"))
    checked_choice(problems, "channel", channel, CHANNELS, "Select how the request arrived")
    received_on = checked_date(problems, "received_on", received_on, "the date the request arrived")
    on_behalf_of = (
        required_text(
            problems,
            "on_behalf_of",
            on_behalf_of,
            "whom they act for and in what capacity",
            500,
            required=bool(on_behalf),
        )
        if on_behalf
        else ""
    )
    identity_asked_for = (
        required_text(
            problems,
            "identity_asked_for",
            identity_asked_for,
            "what evidence of identity or authority was asked for",
            2000,
            required=bool(identity_needed),
        )
        if identity_needed
        else ""
    )
    if problems:
        raise Problems(problems)
    request = RightsRequest(
        requester_name=requester_name,
        requester_contact=requester_contact,
        what_requested=what_requested,
        received_on=received_on,
        channel=channel,
        on_behalf=bool(on_behalf),
        on_behalf_of=on_behalf_of,
        identity_status="pending" if identity_needed else "not_needed",
        identity_asked_for=identity_asked_for,
        logged_by_id=user_id,
        logged_by_org_id=org_id,
        logged_at=clock.now(),
        status="open",
        rights=[RightsRequestRight(right=r) for r in rights],
    )
    recompute_due(request)
    db.session.add(request)
    db.session.flush()
    audit.record(
        "rights_request.logged",
        object_type="rights_request",
        object_id=request.id,
        user_id=user_id,
        detail={
            "rights": rights,
            "channel": channel,
            "on_behalf": bool(on_behalf),
            "identity_pending": bool(identity_needed),
        },
    )

    for dpo_id in dpo_user_ids():
        notify(
            dpo_id,
            "rights_request",
            f"A rights request was logged: {request.reference}",
            f"/dpo/requests/{request.id}",
            email_subject="A rights request was logged",
        )
    db.session.commit()
    return request


def open_for_dpo(request: RightsRequest, user_id: int | None) -> None:
    require_dpo(user_id)
    if not request.open:
        raise RequestClosed(request.id)


IDENTITY_EXEMPTION = "Identity or authority not verified (UK GDPR Articles 11(2) and 12(2) and (6))"


def record_identity(
    request: RightsRequest,
    decision: str | None,
    received_on: date | None,
    method: str | None,
    reason: str | None,
    user_id: int | None,
    response_sent_on: date | None = None,
    response_method: str | None = None,
) -> RightsRequest:
    """The DPO's identity (or authority) step, one of three outcomes:

    * ``proved``: the evidence arrived; the clock starts that day;
    * ``not_needed``: the DPO is satisfied without evidence, and says why; only then
      does "not needed" let a disclosure go to the requester (a colleague logging the
      request cannot waive the check);
    * ``failed``: the evidence did not prove who they are or that they act for the
      person: the request closes, refused, with the reason and when and how the
      person was told.

    Proved is final. DESIGN.md rule 5: nothing is disclosed to a requester before this.
    """
    open_for_dpo(request, user_id)
    problems: list[Invalid] = []
    if request.identity_status == "proved":
        raise Problems([Invalid("Identity is already proved", field="decision")])
    checked_choice(
        problems,
        "decision",
        decision,
        ("proved", "not_needed", "failed"),
        "Select whether their identity or authority is proved, not needed or not proved",
    )
    if decision == "proved":
        received_on = checked_date(
            problems,
            "received_on",
            received_on,
            "the date the evidence arrived",
            request.received_on,
            "the date the request arrived",
        )
        method = required_text(problems, "method", method, "how the evidence arrived and what it was", 200)
    elif decision == "not_needed":
        reason = required_text(problems, "reason", reason, "why no evidence of identity or authority is needed", 2000)
    elif decision == "failed":
        reason = required_text(problems, "reason", reason, "why their identity or authority is not proved", 2000)
        response_sent_on = checked_date(
            problems,
            "response_sent_on",
            response_sent_on,
            "the date the person was told",
            request.received_on,
            "the date the request arrived",
        )
        checked_choice(problems, "response_method", response_method, RESPONSE_METHODS, "Select how the person was told")
    if problems:
        raise Problems(problems)
    assert decision is not None  # one of the three (checked above)
    if decision == "proved":
        assert method is not None  # cleaned above
        refuse_later_due(
            request,
            replace(inputs_of(request), start=received_on),
            "identity evidence that arrived on that date",
            "received_on",
        )
        request.identity_received_on, request.identity_method = received_on, method
    elif decision == "not_needed":
        assert reason is not None  # cleaned above
        refuse_later_due(
            request,
            replace(inputs_of(request), start=request.received_on),
            "starting the clock on the day the request arrived",
            "reason",
        )
        request.identity_reason = reason
    else:
        assert reason is not None and response_method is not None  # cleaned and checked above
        # The request ends, but not its clock: one that ran (and may be overdue) is
        # still judged against it; one that waited for evidence never started.
        request.identity_received_on = request.clock_start
        request.identity_reason = reason
        request.outcome, request.outcome_reason, request.exemption = "refused", reason, IDENTITY_EXEMPTION
        request.response_sent_on, request.response_method = response_sent_on, response_method
        request.status, request.closed_by_id, request.closed_at = "closed", user_id, clock.now()
    request.identity_status = decision
    request.identity_decided_by_id, request.identity_decided_at = user_id, clock.now()
    recompute_due(request)
    audit.record(
        f"rights_request.identity_{decision}",
        object_type="rights_request",
        object_id=request.id,
        participant_id=request.participant_id,
        user_id=user_id,
    )
    db.session.commit()
    return request


def close(
    request: RightsRequest,
    outcome: str | None,
    reason: str | None,
    exemption: str | None,
    response_sent_on: date | None,
    response_method: str | None,
    user_id: int | None,
    late_reason: str | None = "",
) -> RightsRequest:
    """Every request ends with an outcome; a refusal or partial answer names the
    reason and the exemption relied on; the response sent is recorded. A response
    dated by the due date but recorded after it needs a reason, kept and shown: an
    overdue request never quietly becomes "answered on time"."""
    open_for_dpo(request, user_id)
    problems: list[Invalid] = []
    checked_choice(problems, "outcome", outcome, OUTCOMES, "Select the outcome")
    partial = outcome in ("refused", "partly_done")
    reason = required_text(problems, "reason", reason, "the reason", 2000, required=partial)
    exemption = required_text(problems, "exemption", exemption, "the exemption relied on", 300, required=partial)
    response_sent_on = checked_date(
        problems,
        "response_sent_on",
        response_sent_on,
        "the date the response was sent",
        request.received_on,
        "the date the request arrived",
    )
    checked_choice(problems, "response_method", response_method, RESPONSE_METHODS, "Select how the response was sent")
    due = clock_of(request).due
    recorded_late = due is not None and isinstance(response_sent_on, date) and response_sent_on <= due < clock.today()
    late_reason = (
        required_text(
            problems,
            "late_reason",
            late_reason,
            f"why a response sent by its due date ({due:%-d %B %Y}) is recorded only now",
            2000,
        )
        if recorded_late
        else ""
    )
    if request.clock_stopped:
        problems.append(Invalid("The clock is stopped: record the answer to the clarification first", field="outcome"))
    if request.participant_id is None and not request.no_data_held:
        problems.append(
            Invalid("Link the request to a participant, or record that no data is held, first", field="outcome")
        )
    if problems:
        raise Problems(problems)
    assert response_method is not None  # checked above
    if outcome_discloses(request, outcome):
        require_identity_verified(request, "close the request as answered", user_id)
    request.outcome = outcome
    request.outcome_reason = reason
    request.exemption = exemption
    request.response_sent_on = response_sent_on
    request.response_method = response_method
    request.response_late_reason = late_reason
    request.status = "closed"
    request.closed_by_id = user_id
    request.closed_at = clock.now()
    audit.record(
        "rights_request.closed",
        object_type="rights_request",
        object_id=request.id,
        participant_id=request.participant_id,
        user_id=user_id,
        detail={"outcome": outcome, "response_method": response_method, "recorded_late": recorded_late},
    )
    db.session.commit()
    return request


# ---------------------------------------------------------------- lists
