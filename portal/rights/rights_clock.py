"""A rights request's clock: its inputs, its due date, and the rule that an overdue
request stays overdue.

DESIGN.md "Rights deadlines": the clock starts the day the request arrives, or the day
the identity (or authority) evidence arrives where it was needed; days waiting for a
clarification do not count; an extension runs three months from the same start if the
person is told by the one-month date. ``portal.deadlines`` does the date
arithmetic; this module turns a request into its inputs, so a change can be judged
before it is made (``refuse_later_due``: once the due date has passed, nothing makes it
later).
"""

from dataclasses import dataclass
from datetime import date

from portal import clock, deadlines
from portal.models.rights import RightsRequest
from portal.validation import Invalid, Problems


@dataclass
class Clock:
    start: date | None
    stopped_days: int
    due: date | None
    # While a clarification is outstanding, the due date counts the stop up to today.
    provisional: bool
    extension_notice_due: date | None
    # An extension the person was not told of by the one-month date no longer counts.
    extension_lapsed: bool = False


@dataclass(frozen=True)
class ClockInputs:
    """Everything the due date depends on, so a change can be judged before it is made."""

    start: date | None
    periods: tuple[tuple[date, date | None], ...]
    extended: bool
    notice_sent_on: date | None


def inputs_of(request: RightsRequest) -> ClockInputs:
    return ClockInputs(
        request.clock_start,
        tuple((s.asked_on, s.answered_on) for s in request.stops),
        bool(request.extension_reason),
        request.extension_notice_sent_on,
    )


def clock_from(inputs: ClockInputs, today: date) -> Clock:
    """The clock from its inputs (``response_due`` does the date arithmetic). An
    extension counts once the person is told by the one-month date (Art. 12(3)); until
    that date passes it counts provisionally; told late, or not told, it lapses and the
    one-month date stands."""
    if inputs.start is None:
        return Clock(None, 0, None, False, None)
    provisional = any(answered is None for _asked, answered in inputs.periods)
    stopped = deadlines.stopped_days(inputs.periods, open_until=today)
    notice_due = deadlines.extension_notice_due(inputs.start, stopped) if inputs.extended else None
    lapsed = bool(
        inputs.extended
        and notice_due is not None
        and (inputs.notice_sent_on > notice_due if inputs.notice_sent_on else today > notice_due)
    )
    months = 3 if inputs.extended and not lapsed else 1
    return Clock(
        inputs.start,
        stopped,
        deadlines.response_due(inputs.start, months=months, stopped_days=stopped),
        provisional,
        notice_due,
        lapsed,
    )


def clock_of(request: RightsRequest, today: date | None = None) -> Clock:
    """Where the request's clock stands: start, days stopped, due date (from
    ``response_due``), and the date by which an extension must be told."""
    return clock_from(inputs_of(request), today or clock.today())


def refuse_later_due(request: RightsRequest, proposed: ClockInputs | date | None, what: str, field: str) -> None:
    """DESIGN.md "Rights deadlines" and the notice's "within one month, or tell the
    person it will take longer": once a request's due date has passed, nothing makes it
    later (an extension, a later identity-evidence date, a clarification stop, an
    extension notice dated after the deadline). The request stays overdue. Every change
    to the clock's inputs passes through here before it is made, with the inputs it
    would leave (or, for an extension, the date it claims)."""
    today = clock.today()
    current = clock_of(request, today).due
    later = clock_from(proposed, today).due if isinstance(proposed, ClockInputs) else proposed
    if deadlines.rewinds_overdue(current, later, today):
        raise Problems(
            [
                Invalid(
                    f"The request was due on {current:%-d %B %Y} and is overdue: {what} cannot be recorded now, "
                    "because it "
                    "would make the due date later. The request stays overdue: answer it as soon as you can",
                    field=field,
                )
            ]
        )


def recompute_due(request: RightsRequest) -> None:
    """Store the due date (sorting and the daily job use it); ``None`` while the
    clock waits for identity evidence."""
    request.due_on = clock_of(request).due


def state_of(request: RightsRequest, today: date | None = None) -> str | None:
    """``overdue``, ``due_soon`` or ``on_track`` for an open request with a running
    clock; ``None`` when closed or waiting for identity evidence."""
    today = today or clock.today()
    if not request.open:
        return None
    due = clock_of(request, today).due
    return deadlines.deadline_state(due, today) if due else None


def extension_notice_overdue(request: RightsRequest, today: date | None = None) -> bool:
    return clock_of(request, today).extension_lapsed and request.extension_notice_sent_on is None
