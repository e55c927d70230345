"""The 72-hour ICO clock (portal/governance/breach_clock.py), shown in Europe/London."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from portal import clock
from portal.governance.breach_clock import (
    ICO_WINDOW,
    decision_late,
    hours_remaining,
    ico_deadline,
    is_overdue,
    time_remaining,
)

LONDON = ZoneInfo("Europe/London")
UTC = UTC


def london(*args):
    return datetime(*args, tzinfo=LONDON)


def test_deadline_is_72_clock_hours_across_a_weekend():
    # Discovered Friday 16 Jan 2026 at 16:30 GMT: due Monday 19 Jan at 16:30.
    found = london(2026, 1, 16, 16, 30)
    due = ico_deadline(found)
    assert due.tzinfo == UTC
    assert clock.local(due) == london(2026, 1, 19, 16, 30)
    assert clock.local(due).strftime("%A %H:%M") == "Monday 16:30"
    assert due - found == timedelta(hours=72)


def test_deadline_across_the_spring_clock_change_29_march_2026():
    # Friday 27 March 12:00 GMT; clocks go forward at 01:00 GMT on Sunday 29 March.
    found = london(2026, 3, 27, 12, 0)
    assert found.utcoffset() == timedelta(0)
    due = ico_deadline(found)
    assert due == datetime(2026, 3, 30, 12, 0, tzinfo=UTC)
    # Shown in London it reads 13:00 (BST): 72 real hours, not 72 wall-clock hours.
    assert clock.local(due) == london(2026, 3, 30, 13, 0)
    assert clock.local(due).utcoffset() == timedelta(hours=1)
    # The naive-wall-clock trap this module avoids: aware London + 72h lands at 12:00 BST.
    assert found + timedelta(hours=72) != due
    assert (found + timedelta(hours=72)).astimezone(UTC) == due - timedelta(hours=1)


def test_deadline_across_the_autumn_clock_change_25_october_2026():
    # Friday 23 October 12:00 BST (11:00 UTC); clocks go back at 01:00 GMT on Sunday 25 October.
    found = london(2026, 10, 23, 12, 0)
    assert found.utcoffset() == timedelta(hours=1)
    due = ico_deadline(found)
    assert due == datetime(2026, 10, 26, 11, 0, tzinfo=UTC)
    # Shown in London it reads 11:00 (GMT).
    assert clock.local(due) == london(2026, 10, 26, 11, 0)
    assert clock.local(due).utcoffset() == timedelta(0)


def test_discovered_during_the_repeated_hour_of_october():
    # 01:30 on 25 Oct 2026 happens twice in London; fold=1 is the second (GMT) one.
    first = datetime(2026, 10, 25, 1, 30, tzinfo=LONDON, fold=0)
    second = datetime(2026, 10, 25, 1, 30, tzinfo=LONDON, fold=1)
    assert ico_deadline(second) - ico_deadline(first) == timedelta(hours=1)
    assert clock.local(ico_deadline(first)) == london(2026, 10, 28, 0, 30)
    assert clock.local(ico_deadline(second)) == london(2026, 10, 28, 1, 30)


def test_same_moment_in_any_timezone_gives_the_same_deadline():
    found_utc = datetime(2026, 3, 28, 23, 15, tzinfo=UTC)
    assert ico_deadline(found_utc) == ico_deadline(found_utc.astimezone(LONDON))
    assert ico_deadline(found_utc) == ico_deadline(found_utc.astimezone(ZoneInfo("Asia/Kolkata")))


def test_hours_remaining_counts_real_hours_over_the_spring_change():
    found = london(2026, 3, 27, 12, 0)
    clock.freeze(london(2026, 3, 29, 12, 0))  # 47 real hours later (the night lost an hour)
    assert hours_remaining(found) == pytest.approx(25.0)
    assert time_remaining(found) == timedelta(hours=25)
    assert not is_overdue(found)
    clock.advance(timedelta(hours=25))
    assert hours_remaining(found) == 0
    assert not is_overdue(found)
    clock.advance(timedelta(minutes=30))
    assert hours_remaining(found) == pytest.approx(-0.5)
    assert is_overdue(found)


def test_hours_remaining_with_an_explicit_now_across_the_autumn_change():
    found = london(2026, 10, 24, 9, 0)  # Saturday, BST
    # Sunday 09:00 GMT is 25 real hours later (the night gained an hour).
    assert hours_remaining(found, london(2026, 10, 25, 9, 0)) == pytest.approx(47.0)
    assert hours_remaining(found, london(2026, 10, 27, 8, 0)) == pytest.approx(0.0)
    assert hours_remaining(found, found) == pytest.approx(72.0)


def test_decision_late_boundaries():
    found = london(2026, 3, 27, 12, 0)
    due = ico_deadline(found)
    assert not decision_late(found, found + timedelta(hours=1))
    assert not decision_late(found, due)  # exactly 72 hours is in time
    assert decision_late(found, due + timedelta(seconds=1))
    # 12:30 BST on Monday 30 March is 71.5 real hours: in time, though the wall clock says 72.5.
    assert not decision_late(found, london(2026, 3, 30, 12, 30))
    assert decision_late(found, london(2026, 3, 30, 13, 1))


def test_decision_late_across_the_autumn_change():
    found = london(2026, 10, 23, 12, 0)
    # 11:30 GMT on Monday 26 October is 72.5 real hours: late, though the wall clock says 71.5.
    assert decision_late(found, london(2026, 10, 26, 11, 30))
    assert not decision_late(found, london(2026, 10, 26, 11, 0))


def test_naive_datetimes_are_refused():
    with pytest.raises(ValueError):
        ico_deadline(datetime(2026, 3, 27, 12, 0))
    with pytest.raises(ValueError):
        decision_late(london(2026, 3, 27, 12, 0), datetime(2026, 3, 30, 12, 0))
    with pytest.raises(TypeError):
        ico_deadline("2026-03-27T12:00")


def test_window_is_72_hours():
    assert timedelta(hours=72) == ICO_WINDOW
