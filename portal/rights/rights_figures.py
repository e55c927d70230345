"""The DPO's rights figures by month: requests received, answered on time, answered
late and still overdue (issue 15: the notice promises an answer within one month, or
word that it will take longer; these figures show whether that promise is kept).

Each request counts in the month it arrived. Its due date is the clock's
(``rights_clock.clock_from``, so the deadline rules live in one place): a closed
request is on time when its response was sent by the due date as it stood that day;
an open one is overdue once its due date has passed. A request closed before its
clock started (identity never proved) was not answered, so it is counted apart.
The figures are read in a fixed number of queries, however many requests there are.
"""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import lazyload, selectinload

from portal.extensions import db
from portal.models.rights import RightsRequest
from portal.months import Month, last_months
from portal.rights.rights_clock import clock_from, inputs_of

ON_TIME, LATE, OVERDUE, NOT_YET_DUE, NO_CLOCK = "on_time", "late", "overdue", "not_yet_due", "no_clock"


@dataclass
class MonthFigures:
    month: Month
    received: int = 0
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    not_yet_due: int = 0
    no_clock: int = 0


@dataclass
class RightsFigures:
    months: list[MonthFigures]
    # Requests that arrived before the first month shown and are still overdue.
    earlier_overdue: int


def standing(request: RightsRequest, today: date) -> str:
    """Where one request stands for the figures."""
    inputs = inputs_of(request)
    if request.open:
        due = clock_from(inputs, today).due
        return OVERDUE if due is not None and due < today else NOT_YET_DUE
    answered_on = request.response_sent_on or today
    due = clock_from(inputs, answered_on).due
    if due is None:
        return NO_CLOCK
    return ON_TIME if answered_on <= due else LATE


def monthly(today: date, count: int = 12) -> RightsFigures:
    """The last ``count`` months to ``today``'s, newest first, and the overdue requests
    older than that. Two queries: the requests, then their clock stops."""
    months = last_months(Month.of(today), count)
    first_day = months[0].first_day
    rows = db.session.scalars(
        select(RightsRequest)
        .where(or_(RightsRequest.received_on >= first_day, RightsRequest.status == "open"))
        .options(lazyload(RightsRequest.rights), lazyload(RightsRequest.logged_by), selectinload(RightsRequest.stops))
    ).all()
    by_month = {m: MonthFigures(m) for m in months}
    earlier_overdue = 0
    for request in rows:
        state = standing(request, today)
        figures = by_month.get(Month.of(request.received_on))
        if figures is None:
            earlier_overdue += state == OVERDUE
            continue
        figures.received += 1
        setattr(figures, state, getattr(figures, state) + 1)
    return RightsFigures(sorted(by_month.values(), key=lambda f: f.month, reverse=True), earlier_overdue)
