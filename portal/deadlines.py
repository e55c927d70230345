"""The deadline engine: every due date in the portal comes from here.

Rules enforced (DESIGN.md "Rights deadlines"; UK GDPR Article 12(3): action on a
request "without undue delay and in any event within one month of receipt", extendable
"by two further months" for complex or numerous requests; and the ICO's right-of-access
guidance, "How long do we have to comply?", for how the month is counted):

* The clock starts on the day the request (or the identity/authority evidence, or the
  answer to a clarification) arrives, even when that is not a working day.
* A response is due on the corresponding calendar date ``months`` later; where that month
  has no such date (31 January + 1 month), on the last day of that month.
* Days of stopped clock (from the day the clarification was asked for to the day the
  answer arrived, both included) are added to that date.
* Where the result is a weekend or a bank holiday in England and Wales, the response is
  due on the next working day (ICO: received Monday 25 November 2019, due Friday
  27 December 2019).
* An extension for complex or numerous requests runs three months from the same start
  (``months=3``); the person must be told of it, with reasons, within the first month
  (:func:`extension_notice_due`).
* Once a due date has passed, no change may make it later (:func:`rewinds_overdue`):
  an overdue request stays overdue until it is answered.

Bank holidays come from the ``holidays`` library (``country_holidays("GB", subdiv="ENG")``,
offline). The library also lists the weekend date of a holiday that has a weekday
substitute (Christmas Day on a Saturday *and* the Monday "observed" day); only holidays
that fall on a weekday count as non-working days here, which is the same set of days off
because weekends are non-working anyway.

Everything here is pure date arithmetic: no clock, no database.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import cache

import holidays
from dateutil.relativedelta import relativedelta

__all__ = [
    "add_months",
    "add_working_days",
    "bank_holidays",
    "deadline_state",
    "extension_notice_due",
    "is_working_day",
    "response_due",
    "rewinds_overdue",
    "stopped_days",
    "working_day_on_or_after",
    "working_days_between",
    "OVERDUE",
    "DUE_SOON",
    "ON_TRACK",
    "DUE_SOON_WORKING_DAYS",
]

#: States shown on dashboards (see :func:`deadline_state`).
OVERDUE = "overdue"
DUE_SOON = "due_soon"
ON_TRACK = "on_track"
#: "Due within 5 working days" (issue 8, DPO dashboard and the daily reminder job).
DUE_SOON_WORKING_DAYS = 5


def _check_date(value: object, name: str) -> None:
    # datetime is a subclass of date; a datetime here is always a caller's mistake
    # (which timezone's calendar day?), so refuse it rather than guess.
    if isinstance(value, datetime) or not isinstance(value, date):
        raise TypeError(f"{name} must be a datetime.date, not {type(value).__name__}")


@cache
def bank_holidays(year: int) -> frozenset[date]:
    """The weekday bank holidays in England and Wales in ``year``.

    Weekend dates that the library lists (a holiday whose weekday substitute is also
    listed, e.g. Christmas Day 2021 on a Saturday with Monday 27 December observed) are
    left out: they are not working days anyway, and only weekday holidays move a
    deadline. The neighbouring years are read too, so that a substitute day falling in
    ``year`` for a holiday of the previous year is never missed.
    """
    calendar = holidays.country_holidays("GB", subdiv="ENG", years=(year - 1, year, year + 1))
    return frozenset(d for d in calendar if d.year == year and d.weekday() < 5)


def is_working_day(d: date) -> bool:
    """Monday to Friday, and not a bank holiday in England and Wales."""
    _check_date(d, "d")
    return d.weekday() < 5 and d not in bank_holidays(d.year)


def working_day_on_or_after(d: date) -> date:
    """``d`` itself when it is a working day, otherwise the next working day after it."""
    _check_date(d, "d")
    while not is_working_day(d):
        d += timedelta(days=1)
    return d


def add_months(start: date, months: int) -> date:
    """The corresponding calendar date ``months`` later, or that month's last day.

    3 September + 1 = 3 October; 31 January + 1 = 28 February (29 in a leap year);
    30 November + 3 = 28/29 February. No working-day rule here.
    """
    _check_date(start, "start")
    if not isinstance(months, int) or isinstance(months, bool) or months < 0:
        raise ValueError("months must be a whole number of months, 0 or more")
    return start + relativedelta(months=months)


def response_due(start: date, months: int = 1, stopped_days: int = 0) -> date:
    """The date a response is due: the single source of every due date in the portal.

    UK GDPR Art. 12(3) and the ICO's time-limit rules (see the module docstring):
    the corresponding date ``months`` after ``start`` (the month's last day when it has
    no such date), plus ``stopped_days`` days of stopped clock, then moved to the next
    working day past weekends and England and Wales bank holidays.

    ``start`` is the day the clock starts (the request, or the identity evidence, arrived),
    which may itself be a weekend or holiday. ``months=3`` gives an extended deadline.

    >>> response_due(date(2019, 11, 25))
    datetime.date(2019, 12, 27)
    """
    if not isinstance(stopped_days, int) or isinstance(stopped_days, bool) or stopped_days < 0:
        raise ValueError("stopped_days must be a whole number of days, 0 or more")
    naive = add_months(start, months) + timedelta(days=stopped_days)
    return working_day_on_or_after(naive)


def extension_notice_due(start: date, stopped_days: int = 0) -> date:
    """The date by which the person must be told of an extension, with reasons.

    UK GDPR Art. 12(3): the controller shall inform the data subject of any extension
    "within one month of receipt of the request, together with the reasons for the
    delay". That is the one-month response date computed exactly as
    :func:`response_due` (same start, days of stopped clock added, the working-day rule
    applied), so it is never earlier than the unextended deadline would have been.
    """
    return response_due(start, months=1, stopped_days=stopped_days)


def stopped_days(periods: Iterable[tuple[date, date | None]], open_until: date | None = None) -> int:
    """Days of stopped clock in ``periods`` of (asked, answered) dates.

    DESIGN.md "Rights deadlines": the days from asking for clarification to receiving
    the answer, both included, do not count. Each period therefore counts
    ``answered - asked + 1`` days; where periods overlap or touch, a day is counted once.

    A period still open (``answered`` is None) counts up to ``open_until`` included,
    which callers set to today to show a provisional due date; without ``open_until``
    an open period is an error, because the due date is not yet known.
    """
    spans: list[tuple[date, date]] = []
    for asked, answered in periods:
        _check_date(asked, "asked")
        if answered is None:
            if open_until is None:
                raise ValueError("a stopped clock is still open: pass open_until to count it so far")
            _check_date(open_until, "open_until")
            if open_until < asked:
                continue  # asked after open_until: no stopped day yet
            spans.append((asked, open_until))
            continue
        _check_date(answered, "answered")
        if answered < asked:
            raise ValueError(f"answer {answered} before the question {asked}")
        spans.append((asked, answered))
    total = 0
    current_start: date | None = None
    current_end: date | None = None
    for asked, answered in sorted(spans):
        if current_end is not None and asked <= current_end:
            current_end = max(current_end, answered)
            continue
        if current_end is not None:
            assert current_start is not None  # set with current_end
            total += (current_end - current_start).days + 1
        current_start, current_end = asked, answered
    if current_end is not None:
        assert current_start is not None  # set with current_end
        total += (current_end - current_start).days + 1
    return total


def working_days_between(a: date, b: date) -> int:
    """The number of working days after ``a`` up to and including ``b``.

    Referral on Monday, first contact on Tuesday: 1. Referral on Friday, contact on the
    following Monday: 1. Same day: 0. Referral on a Saturday, contact on Monday: 1.
    When ``b`` is before ``a`` the result is the negative of ``working_days_between(b, a)``.
    Used for DWP's "working days from referral to first contact".
    """
    _check_date(a, "a")
    _check_date(b, "b")
    if b < a:
        return -working_days_between(b, a)
    count = 0
    d = a + timedelta(days=1)
    while d <= b:
        if is_working_day(d):
            count += 1
        d += timedelta(days=1)
    return count


def add_working_days(d: date, n: int) -> date:
    """The ``n``-th working day after ``d`` (before it when ``n`` is negative).

    For n > 0 the result is the working day r with exactly n working days in (d, r], so
    ``working_days_between(d, add_working_days(d, n)) == n``; Friday + 1 = Monday,
    Saturday + 1 = Monday. For n < 0 it is the working day r with exactly -n working
    days in [r, d). n = 0 returns ``d`` unchanged.
    """
    _check_date(d, "d")
    if not isinstance(n, int) or isinstance(n, bool):
        raise ValueError("n must be a whole number of working days")
    step = timedelta(days=1 if n > 0 else -1)
    remaining = abs(n)
    while remaining:
        d += step
        if is_working_day(d):
            remaining -= 1
    return d


def deadline_state(due: date, today: date, soon: int = DUE_SOON_WORKING_DAYS) -> str:
    """Where a due date stands on ``today``: OVERDUE, DUE_SOON or ON_TRACK.

    Overdue when the due date has passed (a response is due by the end of the due date).
    Due soon when it falls on or before the ``soon``-th working day after today
    (issue 8: "due within 5 working days"), today included. On track otherwise.
    """
    _check_date(due, "due")
    _check_date(today, "today")
    if due < today:
        return OVERDUE
    if due <= add_working_days(today, soon):
        return DUE_SOON
    return ON_TRACK


def rewinds_overdue(current: date | None, proposed: date | None, today: date) -> bool:
    """Whether a change would rewind an overdue request: the current due date has
    passed and the change would make it later.

    DESIGN.md "Rights deadlines": after the original due date an extension is refused
    and the request stays overdue; the same holds for any other change that would move
    the date (a later clock start, a clarification stop recorded late, an extension
    notice dated after the deadline). Before the due date such changes are allowed;
    a change that keeps or brings the date forward always is.
    """
    _check_date(today, "today")
    if current is None or proposed is None:
        return False
    _check_date(current, "current")
    _check_date(proposed, "proposed")
    return current < today and proposed > current
