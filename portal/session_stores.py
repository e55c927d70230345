"""Where server-side sessions are kept: a table in the database (the embedded default) or
Redis (production). A session is found by the hash of its token (``session_key``), never
by the token itself, so a copy of the store opens no session."""

import functools
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ParamSpec, TypeVar, cast

from flask import current_app
from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import CursorResult, delete

from portal.extensions import db
from portal.jobs.settings import redis_connection
from portal.models import StaffSession

# What answers while the session store is down: the health check (it reports it) and the
# machine API (bearer tokens, no session).


P = ParamSpec("P")
R = TypeVar("R")


class StoreUnavailable(Exception):
    """The session store cannot be reached (Redis down)."""


def session_key(token: str) -> str:
    """The store's key for a session cookie's token (its SHA-256: the token itself is
    never stored)."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class Stored:
    """What a store keeps of a session."""

    created_at: datetime
    last_seen_at: datetime
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def user_id(self) -> int | None:
        return int(self.data["_user_id"]) if self.data.get("_user_id") else None


class DatabaseStore:
    """The ``staff_session`` table (the embedded default)."""

    def load(self, key: str) -> Stored | None:
        row = db.session.get(StaffSession, key)
        return Stored(row.created_at, row.last_seen_at, dict(row.data or {})) if row else None

    def create(self, key: str, stored: Stored) -> None:
        db.session.add(
            StaffSession(
                id=key,
                created_at=stored.created_at,
                last_seen_at=stored.last_seen_at,
                data=stored.data,
                user_id=stored.user_id,
            )
        )
        db.session.commit()

    def update(self, key: str, stored: Stored) -> bool:
        """False when the session was removed meanwhile (revoked): it is not brought back."""
        row = db.session.get(StaffSession, key)
        if row is None:
            return False
        row.data, row.user_id, row.last_seen_at = stored.data, stored.user_id, stored.last_seen_at
        db.session.commit()
        return True

    def delete(self, key: str) -> None:
        db.session.execute(delete(StaffSession).where(StaffSession.id == key))
        db.session.commit()

    def delete_for_user(self, user_id: int, keep_key: str | None = None) -> int:
        """The caller commits, with the change that revokes them."""
        stmt = delete(StaffSession).where(StaffSession.user_id == user_id)
        if keep_key:
            stmt = stmt.where(StaffSession.id != keep_key)
        return cast("CursorResult[Any]", db.session.execute(stmt)).rowcount  # a DELETE's result


def _redis_reached(method: Callable[P, R]) -> Callable[P, R]:
    """A RedisStore method whose Redis errors become StoreUnavailable."""

    @functools.wraps(method)
    def guarded(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except RedisError as error:
            raise StoreUnavailable(f"session store unreachable: {type(error).__name__}") from error

    return guarded


class RedisStore:
    """Redis (``REDIS_URL``): one JSON value per session, and a set of each user's
    sessions so that all of them can be revoked. Redis expires a key once the session's
    absolute lifetime has passed; the timeouts themselves are judged on the clock.
    When Redis cannot be reached, every method raises StoreUnavailable."""

    def __init__(self, redis: "Redis", prefix: str, lifetime_seconds: int) -> None:
        self.redis, self.prefix, self.lifetime = redis, prefix, lifetime_seconds

    def _name(self, key: str) -> str:
        return f"{self.prefix}session:{key}"

    def _user_set(self, user_id: int) -> str:
        return f"{self.prefix}user-sessions:{user_id}"

    @staticmethod
    def _dump(stored: Stored) -> str:
        return json.dumps(
            {
                "created_at": stored.created_at.isoformat(),
                "last_seen_at": stored.last_seen_at.isoformat(),
                "data": stored.data,
            }
        )

    @_redis_reached
    def load(self, key: str) -> Stored | None:
        raw = self.redis.get(self._name(key))
        if raw is None:
            return None
        value = json.loads(raw)
        return Stored(
            datetime.fromisoformat(value["created_at"]), datetime.fromisoformat(value["last_seen_at"]), value["data"]
        )

    def _index(self, key: str, stored: Stored) -> None:
        if stored.user_id:
            self.redis.sadd(self._user_set(stored.user_id), key)
            self.redis.expire(self._user_set(stored.user_id), self.lifetime)

    @_redis_reached
    def create(self, key: str, stored: Stored) -> None:
        self.redis.set(self._name(key), self._dump(stored), ex=self.lifetime)
        self._index(key, stored)

    @_redis_reached
    def update(self, key: str, stored: Stored) -> bool:
        # XX: only while it still exists, so a revoked session is not brought back.
        if not self.redis.set(self._name(key), self._dump(stored), xx=True, keepttl=True):
            return False
        self._index(key, stored)
        return True

    @_redis_reached
    def delete(self, key: str) -> None:
        self.redis.delete(self._name(key))

    @_redis_reached
    def delete_for_user(self, user_id: int, keep_key: str | None = None) -> int:
        keys = [k.decode() if isinstance(k, bytes) else str(k) for k in self.redis.smembers(self._user_set(user_id))]
        ended = [k for k in keys if k != keep_key]
        if ended:
            self.redis.delete(*(self._name(k) for k in ended))
            self.redis.srem(self._user_set(user_id), *ended)
        return len(ended)


def store() -> DatabaseStore | RedisStore:
    """The configured session store."""
    if current_app.config.get("SESSION_STORE", "database") == "redis":
        lifetime = int(current_app.config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds())
        return RedisStore(redis_connection(), current_app.config["REDIS_KEY_PREFIX"], lifetime)
    return DatabaseStore()
