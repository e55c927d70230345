"""The deadline engine (portal/deadlines.py) against the ICO's examples and our own.

Dates in comments name the weekday so each expectation can be checked by eye.
"""

import random
from datetime import date, datetime, timedelta

import pytest

from portal import deadlines
from portal.deadlines import (
    DUE_SOON,
    ON_TRACK,
    OVERDUE,
    add_months,
    add_working_days,
    bank_holidays,
    deadline_state,
    extension_notice_due,
    is_working_day,
    response_due,
    stopped_days,
    working_day_on_or_after,
    working_days_between,
)

D = date


# --- The ICO's own examples -------------------------------------------------------------


def test_ico_example_3_september_is_due_3_october():
    # 3 Oct 2025 is a Friday: no working-day move.
    assert response_due(D(2025, 9, 3)) == D(2025, 10, 3)


def test_ico_example_31_january_before_working_day_rule():
    assert add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)
    assert add_months(D(2028, 1, 31), 1) == D(2028, 2, 29)  # leap year


def test_ico_example_31_january_after_working_day_rule():
    # 28 Feb 2025 is a Friday: stays.
    assert response_due(D(2025, 1, 31)) == D(2025, 2, 28)
    # 29 Feb 2028 is a Tuesday: stays.
    assert response_due(D(2028, 1, 31)) == D(2028, 2, 29)
    # 28 Feb 2026 is a Saturday: Monday 2 March.
    assert response_due(D(2026, 1, 31)) == D(2026, 3, 2)
    # 29 Feb 2032 is a Sunday: Monday 1 March.
    assert response_due(D(2032, 1, 31)) == D(2032, 3, 1)


def test_ico_example_25_november_2019_is_due_friday_27_december():
    # 25 Dec (Wed) Christmas, 26 Dec (Thu) Boxing Day: the next working day is Friday 27.
    assert response_due(D(2019, 11, 25)) == D(2019, 12, 27)
    assert D(2019, 12, 27).weekday() == 4


# --- Month ends and leap years ------------------------------------------------------------


@pytest.mark.parametrize(
    "start, months, expected",
    [
        (D(2025, 1, 30), 1, D(2025, 2, 28)),
        (D(2025, 1, 29), 1, D(2025, 2, 28)),
        (D(2024, 1, 30), 1, D(2024, 2, 29)),
        (D(2024, 2, 29), 1, D(2024, 3, 29)),
        (D(2024, 2, 29), 12, D(2025, 2, 28)),
        (D(2025, 3, 31), 1, D(2025, 4, 30)),
        (D(2025, 5, 31), 1, D(2025, 6, 30)),
        (D(2025, 8, 31), 1, D(2025, 9, 30)),
        (D(2025, 10, 31), 1, D(2025, 11, 30)),
        (D(2025, 12, 31), 1, D(2026, 1, 31)),
        (D(2025, 11, 30), 3, D(2026, 2, 28)),
        (D(2027, 11, 30), 3, D(2028, 2, 29)),
        (D(2025, 2, 28), 1, D(2025, 3, 28)),  # not "end of month to end of month"
        (D(2025, 6, 15), 0, D(2025, 6, 15)),
    ],
)
def test_corresponding_date_or_last_day_of_month(start, months, expected):
    assert add_months(start, months) == expected


def test_month_end_then_working_day_rule():
    # 31 Mar 2029 + 1 = 30 Apr 2029 (Mon).
    assert response_due(D(2029, 3, 31)) == D(2029, 4, 30)
    # 31 Aug 2025 + 1 = 30 Sep 2025 (Tue).
    assert response_due(D(2025, 8, 31)) == D(2025, 9, 30)
    # 31 Oct 2026 + 1 = 30 Nov 2026, a Monday.
    assert response_due(D(2026, 10, 31)) == D(2026, 11, 30)
    # 31 May 2025 + 1 = 30 Jun 2025 (Mon).
    assert response_due(D(2025, 5, 31)) == D(2025, 6, 30)
    # 31 Oct 2020 + 1 = 30 Nov 2020 (Mon).
    assert response_due(D(2020, 10, 31)) == D(2020, 11, 30)
    # 31 May 2024 + 1 = Sun 30 Jun 2024 → Monday 1 July (into the next month).
    assert response_due(D(2024, 5, 31)) == D(2024, 7, 1)
    # 31 Oct 2024 + 1 = Sat 30 Nov 2024 → Monday 2 December.
    assert response_due(D(2024, 10, 31)) == D(2024, 12, 2)


# --- Weekends -----------------------------------------------------------------------------


def test_due_on_saturday_moves_to_monday():
    # 11 Oct 2025 is a Saturday.
    assert add_months(D(2025, 9, 11), 1) == D(2025, 10, 11)
    assert response_due(D(2025, 9, 11)) == D(2025, 10, 13)


def test_due_on_sunday_moves_to_monday():
    assert response_due(D(2025, 9, 12)) == D(2025, 10, 13)


def test_start_on_a_weekend_counts_from_that_day():
    # Received Saturday 1 Mar 2025: the clock starts that day; 1 Apr 2025 is a Tuesday.
    assert response_due(D(2025, 3, 1)) == D(2025, 4, 1)
    # Received Sunday 14 Sep 2025: 14 Oct 2025 is a Tuesday.
    assert response_due(D(2025, 9, 14)) == D(2025, 10, 14)
    # Received Saturday 3 Jan 2026 → Tuesday 3 Feb 2026.
    assert response_due(D(2026, 1, 3)) == D(2026, 2, 3)


def test_start_on_a_bank_holiday_counts_from_that_day():
    # Received on Christmas Day 2025 (Thu): 25 Jan 2026 is a Sunday → Monday 26 Jan.
    assert response_due(D(2025, 12, 25)) == D(2026, 1, 26)


# --- Christmas and substitute days ------------------------------------------------------


def test_christmas_on_weekday():
    # 2025: Thu 25 and Fri 26 Dec, then the weekend: Monday 29 Dec.
    assert response_due(D(2025, 11, 25)) == D(2025, 12, 29)
    assert response_due(D(2025, 11, 26)) == D(2025, 12, 29)
    assert response_due(D(2025, 11, 24)) == D(2025, 12, 24)


def test_christmas_2021_on_weekend_with_substitutes_27_and_28():
    # Sat 25, Sun 26, Mon 27 (Christmas observed), Tue 28 (Boxing Day observed).
    for day in (25, 26, 27, 28):
        assert response_due(D(2021, 11, day)) == D(2021, 12, 29), day
    assert response_due(D(2021, 11, 24)) == D(2021, 12, 24)


def test_new_year_2022_substitute_monday_3_january():
    # Sat 1 Jan 2022, substitute Monday 3 Jan.
    assert response_due(D(2021, 12, 1)) == D(2022, 1, 4)
    assert response_due(D(2021, 12, 3)) == D(2022, 1, 4)
    assert response_due(D(2021, 12, 4)) == D(2022, 1, 4)


def test_christmas_2022_sunday_with_tuesday_substitute():
    # Sun 25 Dec 2022; Mon 26 Boxing Day; Tue 27 Christmas (observed).
    assert response_due(D(2022, 11, 25)) == D(2022, 12, 28)
    assert response_due(D(2022, 11, 26)) == D(2022, 12, 28)
    assert response_due(D(2022, 11, 27)) == D(2022, 12, 28)
    # New Year 2023 on a Sunday, substitute Monday 2 January.
    assert response_due(D(2022, 12, 1)) == D(2023, 1, 3)


def test_boxing_day_2020_saturday_substitute_monday_28():
    # Fri 25 Dec 2020, Sat 26, substitute Mon 28.
    assert response_due(D(2020, 11, 25)) == D(2020, 12, 29)
    assert not is_working_day(D(2020, 12, 28))


def test_weekend_date_of_a_substituted_holiday_is_simply_a_weekend():
    # The library lists Sat 25 Dec 2021 as a holiday and Mon 27 Dec as its substitute;
    # only weekday holidays enter the non-working list.
    assert D(2021, 12, 25) not in bank_holidays(2021)
    assert {D(2021, 12, 27), D(2021, 12, 28)} <= bank_holidays(2021)
    assert D(2022, 1, 3) in bank_holidays(2022)
    assert all(d.weekday() < 5 for year in range(2019, 2031) for d in bank_holidays(year))


# --- Easter and the other bank holidays ------------------------------------------------------


def test_easter_2025_good_friday_and_easter_monday():
    # Good Friday 18 Apr, Easter Monday 21 Apr 2025.
    assert response_due(D(2025, 3, 18)) == D(2025, 4, 22)
    assert response_due(D(2025, 3, 21)) == D(2025, 4, 22)
    assert response_due(D(2025, 3, 17)) == D(2025, 4, 17)


def test_easter_2026():
    # Good Friday 3 Apr, Easter Monday 6 Apr 2026.
    assert response_due(D(2026, 3, 3)) == D(2026, 4, 7)
    assert response_due(D(2026, 3, 6)) == D(2026, 4, 7)


def test_early_may_bank_holiday_moved_for_ve_day_2020():
    # 2020: the early May bank holiday was Friday 8 May (VE Day), not Monday 4 May.
    assert not is_working_day(D(2020, 5, 8))
    assert is_working_day(D(2020, 5, 4))
    assert response_due(D(2020, 4, 8)) == D(2020, 5, 11)


def test_early_may_2026():
    assert response_due(D(2026, 4, 4)) == D(2026, 5, 5)


def test_platinum_jubilee_2022_and_spring_bank_holiday_moved():
    # Thu 2 Jun (Spring bank holiday, moved) and Fri 3 Jun 2022 (Platinum Jubilee).
    assert response_due(D(2022, 5, 2)) == D(2022, 6, 6)
    assert response_due(D(2022, 5, 3)) == D(2022, 6, 6)
    assert is_working_day(D(2022, 5, 30))  # the usual last Monday of May was a working day


def test_coronation_2023_and_state_funeral_2022():
    assert response_due(D(2023, 4, 8)) == D(2023, 5, 9)  # Mon 8 May 2023, Coronation
    assert response_due(D(2022, 8, 19)) == D(2022, 9, 20)  # Mon 19 Sep 2022, State Funeral


def test_late_summer_bank_holiday():
    assert response_due(D(2026, 7, 31)) == D(2026, 9, 1)  # Mon 31 Aug 2026


# --- Stopped clocks ---------------------------------------------------------------------------


def test_stopped_days_counts_both_ends():
    assert stopped_days([(D(2025, 9, 10), D(2025, 9, 10))]) == 1
    assert stopped_days([(D(2025, 9, 10), D(2025, 9, 14))]) == 5
    assert stopped_days([]) == 0


def test_stopped_days_overlapping_and_touching_periods_counted_once():
    periods = [
        (D(2025, 9, 10), D(2025, 9, 14)),  # 10..14
        (D(2025, 9, 12), D(2025, 9, 16)),  # overlaps: 10..16 = 7
        (D(2025, 9, 16), D(2025, 9, 16)),  # inside
        (D(2025, 9, 20), D(2025, 9, 21)),  # separate: 2
    ]
    assert stopped_days(periods) == 9
    assert stopped_days(list(reversed(periods))) == 9
    # Touching but not overlapping: each day counted once, no gap lost.
    assert stopped_days([(D(2025, 9, 1), D(2025, 9, 3)), (D(2025, 9, 4), D(2025, 9, 5))]) == 5


def test_stopped_days_open_period_needs_open_until():
    with pytest.raises(ValueError):
        stopped_days([(D(2025, 9, 10), None)])
    assert stopped_days([(D(2025, 9, 10), None)], open_until=D(2025, 9, 12)) == 3
    assert stopped_days([(D(2025, 9, 10), None)], open_until=D(2025, 9, 9)) == 0


def test_stopped_days_answer_before_question_is_refused():
    with pytest.raises(ValueError):
        stopped_days([(D(2025, 9, 10), D(2025, 9, 9))])


def test_stopped_clock_is_added_before_the_working_day_rule():
    # Received 3 Sep 2025; clarification asked 5 Sep, answered 9 Sep: 5 days stopped.
    days = stopped_days([(D(2025, 9, 5), D(2025, 9, 9))])
    assert days == 5
    # 3 Oct + 5 = Wed 8 Oct 2025.
    assert response_due(D(2025, 9, 3), stopped_days=days) == D(2025, 10, 8)
    # 3 Oct + 1 = Sat 4 Oct → Monday 6 Oct.
    assert response_due(D(2025, 9, 3), stopped_days=1) == D(2025, 10, 6)
    # Added to the month-end date: 31 Jan 2025 → 28 Feb + 3 = Mon 3 Mar.
    assert response_due(D(2025, 1, 31), stopped_days=3) == D(2025, 3, 3)
    # Pushed into Christmas: 20 Nov 2025 → 20 Dec (Sat) + 5 = Thu 25 Dec → Mon 29 Dec.
    assert response_due(D(2025, 11, 20), stopped_days=5) == D(2025, 12, 29)


def test_invalid_arguments():
    with pytest.raises(ValueError):
        response_due(D(2025, 9, 3), stopped_days=-1)
    with pytest.raises(ValueError):
        response_due(D(2025, 9, 3), months=-1)
    with pytest.raises(TypeError):
        response_due(datetime(2025, 9, 3, 12, 0))
    with pytest.raises(TypeError):
        is_working_day("2025-09-03")


# --- Extensions ------------------------------------------------------------------------------


def test_extension_is_three_months_from_the_same_start():
    assert response_due(D(2025, 9, 3), months=3) == D(2025, 12, 3)
    # 30 Nov 2025 + 3 = 28 Feb 2026 (Sat) → Mon 2 Mar 2026.
    assert response_due(D(2025, 11, 30), months=3) == D(2026, 3, 2)
    # 29 Nov 2027 + 3 = Tue 29 Feb 2028 (leap year).
    assert response_due(D(2027, 11, 29), months=3) == D(2028, 2, 29)
    # 25 Sep 2025 + 3 = Thu 25 Dec 2025 → Mon 29 Dec.
    assert response_due(D(2025, 9, 25), months=3) == D(2025, 12, 29)
    # With stopped days: 3 Sep + 3 months = 3 Dec + 5 = Mon 8 Dec 2025.
    assert response_due(D(2025, 9, 3), months=3, stopped_days=5) == D(2025, 12, 8)


def test_extension_notice_due_is_the_one_month_date():
    assert extension_notice_due(D(2025, 9, 3)) == D(2025, 10, 3)
    assert extension_notice_due(D(2019, 11, 25)) == D(2019, 12, 27)
    assert extension_notice_due(D(2025, 9, 3), stopped_days=5) == D(2025, 10, 8)
    for start in (D(2025, 1, 31), D(2021, 11, 27), D(2026, 3, 6)):
        assert extension_notice_due(start) == response_due(start)
        assert extension_notice_due(start) < response_due(start, months=3)


# --- Working days ----------------------------------------------------------------------------


def test_is_working_day():
    assert is_working_day(D(2025, 9, 3))  # Wednesday
    assert not is_working_day(D(2025, 9, 6))  # Saturday
    assert not is_working_day(D(2025, 9, 7))  # Sunday
    assert not is_working_day(D(2025, 12, 25))
    assert not is_working_day(D(2025, 8, 25))  # late summer bank holiday


def test_working_day_on_or_after():
    assert working_day_on_or_after(D(2025, 9, 3)) == D(2025, 9, 3)
    assert working_day_on_or_after(D(2025, 9, 6)) == D(2025, 9, 8)
    assert working_day_on_or_after(D(2021, 12, 24)) == D(2021, 12, 24)
    assert working_day_on_or_after(D(2021, 12, 25)) == D(2021, 12, 29)


def test_working_days_between():
    mon, tue, fri = D(2025, 9, 8), D(2025, 9, 9), D(2025, 9, 12)
    sat, next_mon = D(2025, 9, 13), D(2025, 9, 15)
    assert working_days_between(mon, mon) == 0
    assert working_days_between(mon, tue) == 1
    assert working_days_between(mon, fri) == 4
    assert working_days_between(fri, next_mon) == 1
    assert working_days_between(sat, next_mon) == 1
    assert working_days_between(fri, sat) == 0
    assert working_days_between(mon, next_mon) == 5
    assert working_days_between(next_mon, mon) == -5
    # Over Christmas 2025: Wed 24 Dec → Mon 29 Dec is one working day.
    assert working_days_between(D(2025, 12, 24), D(2025, 12, 29)) == 1
    # Easter 2026: Thu 2 Apr → Tue 7 Apr is one working day.
    assert working_days_between(D(2026, 4, 2), D(2026, 4, 7)) == 1


def test_add_working_days():
    assert add_working_days(D(2025, 9, 12), 1) == D(2025, 9, 15)  # Fri + 1 = Mon
    assert add_working_days(D(2025, 9, 13), 1) == D(2025, 9, 15)  # Sat + 1 = Mon
    assert add_working_days(D(2025, 9, 8), 5) == D(2025, 9, 15)
    # After Mon 22 Dec 2025: 23, 24, (25, 26 bank holidays, weekend) 29, 30, 31, (1 Jan) 2.
    assert add_working_days(D(2025, 12, 22), 5) == D(2025, 12, 31)
    assert add_working_days(D(2025, 12, 22), 6) == D(2026, 1, 2)
    assert add_working_days(D(2025, 9, 13), 0) == D(2025, 9, 13)
    assert add_working_days(D(2025, 9, 15), -1) == D(2025, 9, 12)  # Mon - 1 = Fri
    assert add_working_days(D(2025, 9, 13), -1) == D(2025, 9, 12)  # Sat - 1 = Fri
    assert add_working_days(D(2025, 12, 29), -1) == D(2025, 12, 24)


def test_deadline_state_due_within_five_working_days():
    today = D(2025, 12, 19)  # Friday
    assert deadline_state(D(2025, 12, 18), today) == OVERDUE
    assert deadline_state(today, today) == DUE_SOON
    # Five working days after Fri 19 Dec 2025: 22, 23, 24, 29, 30.
    assert deadline_state(D(2025, 12, 30), today) == DUE_SOON
    assert deadline_state(D(2025, 12, 31), today) == ON_TRACK
    # On a Saturday, overdue only once the due date has passed.
    assert deadline_state(D(2025, 12, 19), D(2025, 12, 20)) == OVERDUE
    assert deadline_state(D(2025, 12, 22), D(2025, 12, 20)) == DUE_SOON


# --- Properties over many dates ----------------------------------------------------------


def _all_days(first, last):
    d = first
    while d <= last:
        yield d
        d += timedelta(days=1)


def test_property_every_start_date_2019_to_2030():
    """For every start day, months 1 and 3, a few stopped clocks: the result is a working
    day, not before the naive date, and no working day lies between the naive date and it."""
    rng = random.Random(20260329)
    for start in _all_days(D(2019, 1, 1), D(2030, 12, 31)):
        months = rng.choice((1, 1, 3))
        stopped = rng.choice((0, 0, 0, 1, 2, 5, 17))
        due = response_due(start, months, stopped)
        naive = add_months(start, months) + timedelta(days=stopped)
        assert is_working_day(due), (start, months, stopped)
        assert due >= naive
        assert all(not is_working_day(d) for d in _all_days(naive, due - timedelta(days=1)))
        assert (due - naive).days <= 5  # the longest run of days off (Christmas 2021/2027)


def test_property_working_day_arithmetic_agrees():
    rng = random.Random(8)
    for _ in range(400):
        d = D(2019, 1, 1) + timedelta(days=rng.randrange(0, 4000))
        n = rng.randrange(1, 30)
        later = add_working_days(d, n)
        assert is_working_day(later)
        assert working_days_between(d, later) == n
        assert working_days_between(d, later - timedelta(days=1)) == n - 1
        earlier = add_working_days(d, -n)
        assert is_working_day(earlier)
        assert sum(1 for x in _all_days(earlier, d - timedelta(days=1)) if is_working_day(x)) == n


def test_holiday_calendar_is_offline_and_covers_future_years():
    # The library computes rules locally; a year far ahead still has Christmas.
    assert D(2040, 12, 25) in bank_holidays(2040)
    assert deadlines.bank_holidays(2040) is bank_holidays(2040)  # cached


@pytest.mark.parametrize(
    "current, proposed, today, rewinds",
    [
        (D(2026, 1, 19), D(2026, 3, 19), D(2026, 3, 4), True),  # overdue, made later: refused
        (D(2026, 1, 19), D(2026, 1, 20), D(2026, 3, 4), True),  # a single day later is later
        (D(2026, 1, 19), D(2026, 1, 19), D(2026, 3, 4), False),  # unchanged
        (D(2026, 1, 19), D(2026, 1, 5), D(2026, 3, 4), False),  # brought forward
        (D(2026, 3, 4), D(2026, 6, 4), D(2026, 3, 4), False),  # due today is not yet overdue
        (D(2026, 4, 2), D(2026, 6, 2), D(2026, 3, 4), False),  # before the due date: allowed
        (None, D(2026, 6, 2), D(2026, 3, 4), False),  # the clock had not started
        (D(2026, 1, 19), None, D(2026, 3, 4), False),  # the clock stops waiting for evidence
    ],
)
def test_an_overdue_due_date_is_never_made_later(current, proposed, today, rewinds):
    assert deadlines.rewinds_overdue(current, proposed, today) is rewinds


def test_rewinds_overdue_refuses_datetimes():
    with pytest.raises(TypeError):
        deadlines.rewinds_overdue(D(2026, 1, 19), datetime(2026, 3, 1), D(2026, 3, 4))
