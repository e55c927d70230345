"""Server-side sessions, so that they can be revoked: in the database, or in Redis
when ``SESSION_STORE = "redis"``.

The cookie carries a random token; the store is keyed by its SHA-256. A session ends
after 30 idle minutes or 12 hours in all (judged on the portal's clock, whichever the
store); removing it (sign-out, deactivation, a password change) ends it at once, and
a replayed cookie then finds nothing and lands on the sign-in page.
"""
import hashlib
import json
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from flask import current_app
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import delete
from werkzeug.datastructures import CallbackDict

from portal import clock
from portal.extensions import db
from portal.models import StaffSession

def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class Stored:
    """What a store keeps of a session."""

    created_at: datetime
    last_seen_at: datetime
    data: dict = field(default_factory=dict)

    @property
    def user_id(self) -> int | None:
        return int(self.data["_user_id"]) if self.data.get("_user_id") else None


class DatabaseStore:
    """The ``staff_session`` table (the embedded default)."""

    def load(self, key: str) -> Stored | None:
        row = db.session.get(StaffSession, key)
        return Stored(row.created_at, row.last_seen_at, dict(row.data or {})) if row else None

    def create(self, key: str, stored: Stored) -> None:
        db.session.add(StaffSession(id=key, created_at=stored.created_at, last_seen_at=stored.last_seen_at,
                                    data=stored.data, user_id=stored.user_id))
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
        return db.session.execute(stmt).rowcount


class RedisStore:
    """Redis (``REDIS_URL``): one JSON value per session, and a set of each user's
    sessions so that all of them can be revoked. Redis expires a key once the session's
    absolute lifetime has passed; the timeouts themselves are judged on the clock."""

    def __init__(self, redis, prefix: str, lifetime_seconds: int):
        self.redis, self.prefix, self.lifetime = redis, prefix, lifetime_seconds

    def _name(self, key: str) -> str:
        return f"{self.prefix}session:{key}"

    def _user_set(self, user_id: int) -> str:
        return f"{self.prefix}user-sessions:{user_id}"

    @staticmethod
    def _dump(stored: Stored) -> str:
        return json.dumps({"created_at": stored.created_at.isoformat(),
                           "last_seen_at": stored.last_seen_at.isoformat(), "data": stored.data})

    def load(self, key: str) -> Stored | None:
        raw = self.redis.get(self._name(key))
        if raw is None:
            return None
        value = json.loads(raw)
        return Stored(datetime.fromisoformat(value["created_at"]), datetime.fromisoformat(value["last_seen_at"]),
                      value["data"])

    def _index(self, key: str, stored: Stored) -> None:
        if stored.user_id:
            self.redis.sadd(self._user_set(stored.user_id), key)
            self.redis.expire(self._user_set(stored.user_id), self.lifetime)

    def create(self, key: str, stored: Stored) -> None:
        self.redis.set(self._name(key), self._dump(stored), ex=self.lifetime)
        self._index(key, stored)

    def update(self, key: str, stored: Stored) -> bool:
        # XX: only while it still exists, so a revoked session is not brought back.
        if not self.redis.set(self._name(key), self._dump(stored), xx=True, keepttl=True):
            return False
        self._index(key, stored)
        return True

    def delete(self, key: str) -> None:
        self.redis.delete(self._name(key))

    def delete_for_user(self, user_id: int, keep_key: str | None = None) -> int:
        keys = [k.decode() for k in self.redis.smembers(self._user_set(user_id))]
        ended = [k for k in keys if k != keep_key]
        if ended:
            self.redis.delete(*(self._name(k) for k in ended))
            self.redis.srem(self._user_set(user_id), *ended)
        return len(ended)


def store():
    """The configured session store."""
    if current_app.config.get("SESSION_STORE", "database") == "redis":
        from portal.jobs import redis_connection

        lifetime = int(current_app.config["SESSION_ABSOLUTE_TIMEOUT"].total_seconds())
        return RedisStore(redis_connection(), current_app.config["REDIS_KEY_PREFIX"], lifetime)
    return DatabaseStore()


class ServerSession(CallbackDict, SessionMixin):
    def __init__(self, initial=None, token: str | None = None, created_at=None):
        def on_update(self):
            self.modified = True

        super().__init__(initial, on_update)
        self.token = token
        self.created_at = created_at
        self.modified = False
        self.regenerate_requested = False

    def regenerate(self) -> None:
        """Ask for a new session id at the end of this request (sign-in)."""
        self.regenerate_requested = True
        self.modified = True


class ServerSessionInterface(SessionInterface):
    def open_session(self, app, request):
        token = request.cookies.get(app.config["SESSION_COOKIE_NAME"])
        if not token:
            return ServerSession()
        sessions = store()
        stored = sessions.load(_key(token))
        if stored is None or self._expired(app, stored, clock.now()):
            if stored is not None:
                sessions.delete(_key(token))
            return ServerSession()
        return ServerSession(stored.data, token=token, created_at=stored.created_at)

    @staticmethod
    def _expired(app, stored: Stored, now) -> bool:
        return (
            now - stored.last_seen_at > app.config["SESSION_IDLE_TIMEOUT"]
            or now - stored.created_at > app.config["SESSION_ABSOLUTE_TIMEOUT"]
        )

    def save_session(self, app, session: ServerSession, response):
        name = app.config["SESSION_COOKIE_NAME"]
        domain = self.get_cookie_domain(app)
        path = self.get_cookie_path(app)
        if not session and not session.token:
            return  # nothing to keep, nothing issued
        sessions = store()
        now = clock.now()
        if session.regenerate_requested and session.token:
            sessions.delete(_key(session.token))
            session.token = None
        if not session:
            # Emptied (signed out): the stored session goes, the cookie goes. (Its token is
            # None when a regeneration already removed it: a sign-in that then failed.)
            if session.token:
                sessions.delete(_key(session.token))
            response.delete_cookie(name, domain=domain, path=path)
            return
        if session.token is None:
            session.token = secrets.token_urlsafe(32)
            session.created_at = now
            sessions.create(_key(session.token), Stored(now, now, dict(session)))
        elif not sessions.update(_key(session.token), Stored(session.created_at, now, dict(session))):
            response.delete_cookie(name, domain=domain, path=path)  # revoked while this request ran
            return
        response.set_cookie(
            name,
            session.token,
            httponly=True,
            secure=app.config["SESSION_COOKIE_SECURE"],
            samesite=app.config["SESSION_COOKIE_SAMESITE"],
            domain=domain,
            path=path,
        )


def end_sessions_of(user_id: int, keep_token: str | None = None) -> int:
    """Revoke every session of a user (deactivation, password change). In the database the
    caller commits; in Redis they end at once."""
    return store().delete_for_user(user_id, _key(keep_token) if keep_token else None)
