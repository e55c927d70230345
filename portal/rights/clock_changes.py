"""Changes to a rights request's clock (UK GDPR Art. 12(3)): stopping it while the DPO waits
for clarification and restarting it, extending it by two months (with the notice the
person must be sent within the first month), and recording that DWP was told."""

from dataclasses import replace
from datetime import date

from portal import audit, clock, deadlines

# The DPO-only check and the per-field text cleaning are those of authority requests.
from portal.consent.authority_requests import required_text
from portal.extensions import db
from portal.models.rights import EXTENSION_REASONS, RESPONSE_METHODS, ClockStop, RightsRequest
from portal.rights.rights_clock import clock_of, inputs_of, recompute_due, refuse_later_due

# Re-exported for the other rights modules (rights_complaints, access_packages).
from portal.rights.rights_requests import checked_choice, checked_date, open_for_dpo
from portal.validation import Invalid, Problems


def stop_clock(request: RightsRequest, asked_on: date | None, question: str | None, user_id: int | None) -> ClockStop:
    """The DPO asks what the request covers: the clock stops from that day."""
    open_for_dpo(request, user_id)
    problems: list[Invalid] = []
    if request.clock_stopped:
        problems.append(Invalid("The clock is already stopped: record the answer first", field="asked_on"))
    asked_on = checked_date(
        problems, "asked_on", asked_on, "the date you asked", request.received_on, "the date the request arrived"
    )
    question = required_text(problems, "question", question, "what you asked", 2000)
    if problems:
        raise Problems(problems)
    assert asked_on is not None  # checked above
    current = inputs_of(request)
    refuse_later_due(
        request,
        replace(current, periods=current.periods + ((asked_on, None),)),
        "a clarification asked for on that date",
        "asked_on",
    )
    stop = ClockStop(asked_on=asked_on, question=question, asked_by_id=user_id)
    request.stops.append(stop)
    recompute_due(request)
    db.session.flush()
    audit.record(
        "rights_request.clock_stopped",
        object_type="rights_request",
        object_id=request.id,
        participant_id=request.participant_id,
        user_id=user_id,
        detail={"stop_id": stop.id},
    )
    db.session.commit()
    return stop


def restart_clock(request: RightsRequest, answered_on: date | None, note: str | None, user_id: int | None) -> ClockStop:
    """The answer arrived: the clock restarts; the days asked to answered, both
    included, are added to the due date."""
    open_for_dpo(request, user_id)
    stop = next((s for s in request.stops if s.answered_on is None), None)
    problems: list[Invalid] = []
    if stop is None:
        raise Problems([Invalid("The clock is not stopped", field="answered_on")])
    answered_on = checked_date(
        problems, "answered_on", answered_on, "the date the answer arrived", stop.asked_on, "the date you asked"
    )
    note = required_text(problems, "note", note, "what the answer says the request covers", 2000)
    if problems:
        raise Problems(problems)
    current = inputs_of(request)
    refuse_later_due(
        request,
        replace(
            current,
            periods=tuple(
                (asked, answered_on if asked == stop.asked_on and answered is None else answered)
                for asked, answered in current.periods
            ),
        ),
        "an answer that arrived on that date",
        "answered_on",
    )
    stop.answered_on = answered_on
    stop.answer_note = note
    stop.answered_by_id = user_id
    recompute_due(request)
    audit.record(
        "rights_request.clock_restarted",
        object_type="rights_request",
        object_id=request.id,
        participant_id=request.participant_id,
        user_id=user_id,
        detail={"stop_id": stop.id},
    )
    db.session.commit()
    return stop


def extend(request: RightsRequest, reason: str | None, detail: str | None, user_id: int | None) -> RightsRequest:
    """Extend to three months from the same start (complex, or several requests);
    the person must then be told before the one-month date (plus stopped days)."""
    open_for_dpo(request, user_id)
    problems: list[Invalid] = []
    if request.extension_reason:
        problems.append(Invalid("The request is already extended", field="reason"))
    if request.clock_start is None:
        problems.append(Invalid("The clock has not started: record the identity evidence first", field="reason"))
    checked_choice(problems, "reason", reason, EXTENSION_REASONS, "Select why the request needs more time")
    detail = required_text(problems, "detail", detail, "the reasons to give the person", 2000)
    if problems:
        raise Problems(problems)
    current = clock_of(request)
    if current.start is not None:
        # Judged at face value: three months from the start (an extension recorded
        # after the one-month date could never be told in time, and would lapse).
        refuse_later_due(
            request,
            deadlines.response_due(current.start, months=3, stopped_days=current.stopped_days),
            "an extension",
            "reason",
        )
    request.extension_reason = reason
    request.extension_detail = detail
    request.extended_at = clock.now()
    recompute_due(request)
    audit.record(
        "rights_request.extended",
        object_type="rights_request",
        object_id=request.id,
        participant_id=request.participant_id,
        user_id=user_id,
        detail={"reason": reason},
    )
    db.session.commit()
    return request


def record_extension_notice(
    request: RightsRequest, sent_on: date | None, method: str | None, user_id: int | None
) -> RightsRequest:
    open_for_dpo(request, user_id)
    problems: list[Invalid] = []
    if not request.extension_reason:
        problems.append(Invalid("The request is not extended", field="sent_on"))
    sent_on = checked_date(
        problems,
        "sent_on",
        sent_on,
        "the date the person was told",
        request.received_on,
        "the date the request arrived",
    )
    checked_choice(problems, "method", method, RESPONSE_METHODS, "Select how the person was told")
    if problems:
        raise Problems(problems)
    assert sent_on is not None and method is not None  # checked above
    notice_due = clock_of(request).extension_notice_due
    assert notice_due is not None  # extended, so its clock runs (an extension needs a started clock)
    if sent_on > notice_due:
        raise Problems(
            [
                Invalid(
                    f"The person had to be told of the extension by {notice_due:%-d %B %Y}: told later, the "
                    "extension does "
                    "not count and the one-month due date stands",
                    field="sent_on",
                )
            ]
        )
    refuse_later_due(
        request,
        replace(inputs_of(request), notice_sent_on=sent_on),
        "an extension notice recorded after the due date",
        "sent_on",
    )
    request.extension_notice_sent_on = sent_on
    request.extension_notice_method = method
    audit.record(
        "rights_request.extension_notice_sent",
        object_type="rights_request",
        object_id=request.id,
        participant_id=request.participant_id,
        user_id=user_id,
        detail={"method": method},
    )
    db.session.commit()
    return request


def record_dwp_informed(
    request: RightsRequest, informed_on: date | None, note: str | None, user_id: int | None
) -> RightsRequest:
    """Where the contract requires it, DWP (the controller) was informed or consulted."""
    open_for_dpo(request, user_id)
    problems: list[Invalid] = []
    informed_on = checked_date(
        problems,
        "informed_on",
        informed_on,
        "the date DWP was informed",
        request.received_on,
        "the date the request arrived",
    )
    note = required_text(problems, "note", note, "what DWP was told or asked", 2000)
    if problems:
        raise Problems(problems)
    request.dwp_informed_on = informed_on
    request.dwp_informed_note = note
    audit.record(
        "rights_request.dwp_informed",
        object_type="rights_request",
        object_id=request.id,
        participant_id=request.participant_id,
        user_id=user_id,
    )
    db.session.commit()
    return request
