"""The one source of the current time. Tests move it; nothing else calls datetime.now()."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")

_frozen: datetime | None = None
_offset = timedelta(0)


def now() -> datetime:
    """The current time in UTC, timezone-aware."""
    if _frozen is not None:
        return _frozen
    return datetime.now(UTC) + _offset


def today() -> date:
    """Today's date in Europe/London, the service's calendar."""
    return now().astimezone(LONDON).date()


def local(moment: datetime) -> datetime:
    """A stored UTC time as shown to people: Europe/London."""
    return as_utc(moment).astimezone(LONDON)


def as_utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def freeze(moment: datetime) -> None:
    """Stop the clock at ``moment`` (tests only)."""
    global _frozen
    _frozen = as_utc(moment)


def advance(delta: timedelta) -> None:
    """Move the clock forward, frozen or not (tests only)."""
    global _frozen, _offset
    if _frozen is not None:
        _frozen += delta
    else:
        _offset += delta


def reset() -> None:
    global _frozen, _offset
    _frozen = None
    _offset = timedelta(0)
