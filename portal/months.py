"""Calendar months in Europe/London, the service's calendar, as reporting counts them.

A month runs from 00:00 London time on its first day to 00:00 on the first day of the
next, so its UTC bounds move with British Summer Time: an appointment at 23:30 UTC on
31 March is on 1 April in London, and counts in April.
"""

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from dateutil.relativedelta import relativedelta

from portal import clock

# A month key as the pages and the API take it: 2000-01 to 2999-12 (the API's
# description declares this very pattern for its ``month`` parameter).
MONTH_PATTERN = r"^(2[0-9]{3})-(0[1-9]|1[0-2])$"


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, day: date) -> "Month":
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, key: object) -> "Month | None":
        """``2026-03`` → March 2026; None for anything else (or a month before 2000)."""
        match = re.fullmatch(MONTH_PATTERN, str(key or "").strip())
        if not match:
            return None
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def current(cls) -> "Month":
        return cls.of(clock.today())

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def label(self) -> str:
        return f"{self.first_day:%B %Y}"

    @property
    def short_label(self) -> str:
        return f"{self.first_day:%b %Y}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    def next(self) -> "Month":
        return self.shift(1)

    def previous(self) -> "Month":
        return self.shift(-1)

    def shift(self, months: int) -> "Month":
        return Month.of(self.first_day + relativedelta(months=months))

    @property
    def starts_at(self) -> datetime:
        """The month's first instant, in UTC."""
        return start_of_day(self.first_day)

    @property
    def ends_at(self) -> datetime:
        """The next month's first instant, in UTC (exclusive bound)."""
        return start_of_day(self.next().first_day)

    def contains(self, day: date | None) -> bool:
        return day is not None and self.first_day <= day <= self.last_day

    def __str__(self) -> str:
        return self.key


def start_of_day(day: date) -> datetime:
    """00:00 London time on ``day``, in UTC."""
    return datetime.combine(day, time(0), tzinfo=clock.LONDON).astimezone(UTC)


def last_months(last: Month, count: int) -> list[Month]:
    """``count`` months ending with ``last``, oldest first."""
    return [last.shift(-k) for k in range(count - 1, -1, -1)]


def london_date(moment: datetime | None) -> date | None:
    return clock.local(moment).date() if moment is not None else None
