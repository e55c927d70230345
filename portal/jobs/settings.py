"""How jobs run here, from the configuration: the mode (inline, rq, or rq run synchronously),
the Redis connection and queue, the retries and the timeout."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask import current_app
from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer

if TYPE_CHECKING:
    from rq import Queue


MODES = ("inline", "rq", "rq-sync")
DEFAULT_QUEUE = "portal"
DEFAULT_RETRY_INTERVALS = (30, 120, 600)  # seconds before the 2nd, 3rd and 4th attempts
DEFAULT_TIMEOUT = 1800  # seconds a single attempt may take before rq stops it


def mode() -> str:
    chosen: str | None = current_app.config.get("JOBS_MODE")
    if chosen:
        if chosen not in MODES:
            raise ValueError(f"JOBS_MODE must be one of {', '.join(MODES)}, not {chosen!r}")
        return chosen
    return "rq" if current_app.config.get("REDIS_URL") else "inline"


def redis_connection() -> Redis:
    """The Redis of REDIS_URL (its DB number included), one client per app."""
    url = current_app.config["REDIS_URL"]
    cached = current_app.extensions.get("portal_redis")
    if cached is None or cached[0] != url:
        cached = (url, Redis.from_url(url, socket_connect_timeout=2))
        current_app.extensions["portal_redis"] = cached
    return cached[1]


def queue_name() -> str:
    return current_app.config.get("JOBS_QUEUE") or DEFAULT_QUEUE


def retry_intervals() -> list[int]:
    intervals = current_app.config.get("JOBS_RETRY_INTERVALS")
    return list(DEFAULT_RETRY_INTERVALS if intervals is None else intervals)


def max_attempts() -> int:
    return 1 + len(retry_intervals())


def rq_queue(name: str | None = None, is_async: bool = True) -> Queue:

    return Queue(name or queue_name(), connection=redis_connection(), serializer=JSONSerializer, is_async=is_async)


# ------------------------------------------------------------------------- enqueue
