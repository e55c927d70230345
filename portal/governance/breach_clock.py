"""The ICO breach clock: 72 clock hours from becoming aware of a personal data breach.

Rule enforced: UK GDPR Article 33(1) — the controller notifies the Information
Commissioner "without undue delay and, where feasible, not later than 72 hours after
having become aware of it"; where notification is not made within 72 hours it is
accompanied by reasons for the delay. DESIGN.md "Rights deadlines": 72 *clock* hours,
weekends included; the decision not to report, and any reason for delay, is recorded
(issue 10, breach register).

The arithmetic is done in UTC. Adding ``timedelta(hours=72)`` to a Europe/London
datetime would add 72 hours of *wall-clock* time, which is 71 or 73 real hours across
a clock change; converting to UTC first makes every hour a real hour. Show the results
with ``portal.clock.local`` (Europe/London).

Pure functions: no database; ``now`` defaults to ``portal.clock.now()``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from portal import clock

__all__ = ["ICO_WINDOW", "ico_deadline", "time_remaining", "hours_remaining", "decision_late", "is_overdue"]

#: UK GDPR Art. 33(1): 72 hours after becoming aware.
ICO_WINDOW = timedelta(hours=72)


def _utc(moment: datetime, name: str) -> datetime:
    if not isinstance(moment, datetime):
        raise TypeError(f"{name} must be a datetime, not {type(moment).__name__}")
    if moment.tzinfo is None or moment.tzinfo.utcoffset(moment) is None:
        # A naive time could be UTC or London wall-clock time: an hour apart in summer.
        raise ValueError(f"{name} must be timezone-aware (use portal.clock)")
    return moment.astimezone(UTC)


def ico_deadline(discovered_at: datetime) -> datetime:
    """The moment 72 clock hours after the breach was discovered, in UTC.

    Weekends and bank holidays count; a clock change in London neither adds nor removes
    an hour (discovered 12:00 GMT on Friday 27 March 2026, due 13:00 BST on Monday 30 March).
    """
    return _utc(discovered_at, "discovered_at") + ICO_WINDOW


def time_remaining(discovered_at: datetime, now: datetime | None = None) -> timedelta:
    """Time left until the ICO deadline; negative once it has passed."""
    current = _utc(now if now is not None else clock.now(), "now")
    return ico_deadline(discovered_at) - current


def hours_remaining(discovered_at: datetime, now: datetime | None = None) -> float:
    """Clock hours left until the ICO deadline (fractional; negative once it has passed)."""
    return time_remaining(discovered_at, now).total_seconds() / 3600


def is_overdue(discovered_at: datetime, now: datetime | None = None) -> bool:
    """True once more than 72 clock hours have passed since discovery."""
    return time_remaining(discovered_at, now) < timedelta(0)


def decision_late(discovered_at: datetime, decided_at: datetime) -> bool:
    """True when the decision (to report or not) came more than 72 clock hours after discovery.

    A decision at exactly 72 hours is in time ("not later than 72 hours"). A late decision
    needs a recorded reason for the delay (Art. 33(1)).
    """
    return _utc(decided_at, "decided_at") > ico_deadline(discovered_at)
