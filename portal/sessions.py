"""Server-side sessions, so that they can be revoked: in the database, or in Redis
when ``SESSION_STORE = "redis"``.

The cookie carries a random token; the store is keyed by its SHA-256. A session ends
after 30 idle minutes or 12 hours in all (judged on the portal's clock, whichever the
store); removing it (sign-out, deactivation, a password change) ends it at once, and
a replayed cookie then finds nothing and lands on the sign-in page.

Nothing is stored before someone passes a password step (the sign-in password, or an
invitation's new password): a visitor who has not only gets the CSRF secret of the
forms they are shown (Flask-WTF keeps it under ``session["csrf_token"]``), and that
travels in a cookie of its own, signed with SECRET_KEY and good for
ANONYMOUS_CSRF_LIFETIME (renewed whenever a form is shown), never in the store. A
session is stored once it holds anything else; the secret then moves into it.

With ``SESSION_STORE = "redis"`` and Redis unreachable, every page that needs the
session answers 503 "service unavailable" (``unavailable_page``), never a 500; the
health check still answers and reports Redis as down.
"""

import secrets
import uuid
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, TypedDict, cast

from flask import Flask, Request, Response, current_app, g, render_template, request, session
from flask.sessions import SessionInterface, SessionMixin
from itsdangerous import BadData, URLSafeTimedSerializer
from werkzeug.datastructures import CallbackDict

from portal import clock

# What answers while the session store is down: the health check (it reports it) and the
# machine API (bearer tokens, no session).
from portal.session_stores import Stored, StoreUnavailable, session_key, store

# What answers while the session store is down: the health check (it reports it) and the
# machine API (bearer tokens, no session).
WITHOUT_SESSIONS_ENDPOINTS = frozenset({"health.healthz", "static"})
WITHOUT_SESSIONS_PATHS = ("/api/", "/oauth/")
RETRY_AFTER_SECONDS = 60
# A session's "last seen" is written at most once a minute (unless its contents changed):
# most requests then write nothing to the store. The idle timeout is 30 minutes.
TOUCH_INTERVAL = timedelta(minutes=1)


class ServerSession(CallbackDict[str, Any], SessionMixin):
    def __init__(
        self,
        initial: Mapping[str, Any] | None = None,
        token: str | None = None,
        created_at: datetime | None = None,
        last_seen_at: datetime | None = None,
    ) -> None:
        def on_update(self: ServerSession) -> None:
            self.modified = True

        super().__init__(initial, on_update)
        self.token = token
        self.created_at = created_at
        self.last_seen_at = last_seen_at
        self.modified = False
        self.regenerate_requested = False
        self.csrf_cookie_secret: str | None = None  # the secret the anonymous CSRF cookie carried
        self.stale_cookie = False  # a session cookie the store no longer knows
        self.unavailable = False  # the store could not be reached

    def regenerate(self) -> None:
        """Ask for a new session id at the end of this request (sign-in)."""
        self.regenerate_requested = True
        self.modified = True


def _csrf_key(app: Flask) -> str:
    return app.config.get("WTF_CSRF_FIELD_NAME") or "csrf_token"


def _csrf_signer(app: Flask) -> URLSafeTimedSerializer:
    assert app.secret_key is not None  # portal.config always sets SECRET_KEY
    return URLSafeTimedSerializer(app.secret_key, salt="portal-anonymous-csrf")


def anonymous_csrf_secret(app: Flask, request: Request) -> str | None:
    """The CSRF secret of an anonymous visitor's cookie, if it is ours and not too old."""
    value = request.cookies.get(app.config["CSRF_COOKIE_NAME"])
    if not value:
        return None
    try:
        secret = _csrf_signer(app).loads(value, max_age=int(app.config["ANONYMOUS_CSRF_LIFETIME"].total_seconds()))
    except BadData:
        return None
    return secret if isinstance(secret, str) and secret else None


def unavailable_page() -> Response:
    """The 503 answer while the session store is down (no detail of the failure)."""
    response = current_app.response_class(
        render_template(
            "errors/unavailable.html", title="Sorry, the service is unavailable", reference=g.get("request_id", "")
        ),
        status=503,
    )
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def needs_sessions() -> bool:
    """Whether this request needs the session store (all but the health check, static
    files and the machine API)."""
    return request.endpoint not in WITHOUT_SESSIONS_ENDPOINTS and not request.path.startswith(WITHOUT_SESSIONS_PATHS)


def init_app(app: Flask) -> None:
    def _store_unavailable() -> Response | None:

        if getattr(session, "unavailable", False) and needs_sessions():
            # This answer comes before every other hook: the request id and the security
            # headers' nonce (portal.web, portal.security) are set here.
            g.request_id = uuid.uuid4().hex[:16]
            g.csp_nonce = secrets.token_urlsafe(16)
            current_app.logger.warning("session store unreachable: 503, reference %s", g.request_id)
            return unavailable_page()
        return None

    # First of all hooks, before Flask-WTF's CSRF check, which would read the missing
    # session and answer 400.
    app.before_request_funcs.setdefault(None, []).insert(0, _store_unavailable)


class _CookieOptions(TypedDict):
    domain: str | None
    path: str


class ServerSessionInterface(SessionInterface):
    def open_session(self, app: Flask, request: Request) -> ServerSession:
        session = self._open(app, request)
        if session.token is None and not session.unavailable:
            # Anonymous: the CSRF secret, if any, comes from its own signed cookie.
            secret = anonymous_csrf_secret(app, request)
            if secret:
                session.csrf_cookie_secret = secret
                dict.__setitem__(session, _csrf_key(app), secret)  # as it was: not a change
        return session

    def _open(self, app: Flask, request: Request) -> ServerSession:
        token = request.cookies.get(app.config["SESSION_COOKIE_NAME"])
        if not token:
            return ServerSession()
        sessions = store()
        try:
            stored = sessions.load(session_key(token))
            if stored is not None and self._expired(app, stored, clock.now()):
                sessions.delete(session_key(token))
                stored = None
        except StoreUnavailable:
            unavailable = ServerSession()
            unavailable.unavailable = True
            return unavailable
        if stored is None:
            stale = ServerSession()
            stale.stale_cookie = True
            return stale
        return ServerSession(stored.data, token=token, created_at=stored.created_at, last_seen_at=stored.last_seen_at)

    @staticmethod
    def _expired(app: Flask, stored: Stored, now: datetime) -> bool:
        return bool(
            now - stored.last_seen_at > app.config["SESSION_IDLE_TIMEOUT"]
            or now - stored.created_at > app.config["SESSION_ABSOLUTE_TIMEOUT"]
        )

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        session = cast(ServerSession, session)  # the one open_session made
        if session.unavailable:
            return  # the 503 page already said so; nothing can be kept
        if session.token is None and not set(session) - {_csrf_key(app)}:
            self._save_anonymous(app, session, response)
            return
        try:
            self._save_stored(app, session, response)
        except StoreUnavailable:
            current_app.logger.warning("session store unreachable while saving: answering 503")
            session.unavailable = True
            _become_unavailable_page(response)

    def _cookie_options(self, app: Flask) -> _CookieOptions:
        return {"domain": self.get_cookie_domain(app), "path": self.get_cookie_path(app)}

    def _save_anonymous(self, app: Flask, session: ServerSession, response: Response) -> None:
        """Nobody has passed a password step: nothing is stored. The CSRF secret goes in
        a signed cookie, renewed whenever a form was shown (so a form stays good for
        ANONYMOUS_CSRF_LIFETIME after it was shown)."""
        options = self._cookie_options(app)
        if session.stale_cookie:
            response.delete_cookie(app.config["SESSION_COOKIE_NAME"], **options)
        name = app.config["CSRF_COOKIE_NAME"]
        secret = session.get(_csrf_key(app))
        if not secret:
            if session.csrf_cookie_secret:
                response.delete_cookie(name, **options)
            return
        if secret == session.csrf_cookie_secret and g.get(_csrf_key(app)) is None:
            return  # unchanged, and no form shown: the cookie stays as it is
        lifetime = int(app.config["ANONYMOUS_CSRF_LIFETIME"].total_seconds())
        response.set_cookie(
            name,
            _csrf_signer(app).dumps(secret),
            max_age=lifetime,
            httponly=True,
            secure=app.config["SESSION_COOKIE_SECURE"],
            samesite=app.config["SESSION_COOKIE_SAMESITE"],
            **options,
        )

    def _save_stored(self, app: Flask, session: ServerSession, response: Response) -> None:
        name = app.config["SESSION_COOKIE_NAME"]
        options = self._cookie_options(app)
        sessions = store()
        now = clock.now()
        if session.regenerate_requested and session.token:
            sessions.delete(session_key(session.token))
            session.token = None
        if not session:
            # Emptied (signed out): the stored session goes, the cookie goes. (Its token is
            # None when a regeneration already removed it: a sign-in that then failed.)
            if session.token:
                sessions.delete(session_key(session.token))
            response.delete_cookie(name, **options)
            return
        if session.token is None:
            session.token = secrets.token_urlsafe(32)
            session.created_at = now
            sessions.create(session_key(session.token), Stored(now, now, dict(session)))
            if session.csrf_cookie_secret:
                response.delete_cookie(app.config["CSRF_COOKIE_NAME"], **options)  # the secret moved in
        elif not session.modified and session.last_seen_at and now - session.last_seen_at < TOUCH_INTERVAL:
            return  # unchanged and seen within the minute: nothing to write, the cookie stands
        elif not sessions.update(
            session_key(session.token),  # a stored session: created_at is set
            Stored(cast(datetime, session.created_at), now, dict(session)),
        ):
            response.delete_cookie(name, **options)  # revoked while this request ran
            return
        response.set_cookie(
            name,
            session.token,
            httponly=True,
            secure=app.config["SESSION_COOKIE_SECURE"],
            samesite=app.config["SESSION_COOKIE_SAMESITE"],
            **options,
        )


def _become_unavailable_page(response: Response) -> None:
    """The store failed while this response was being finished: it becomes the 503
    page (whatever it was going to say or where it was going to send the browser)."""
    page = unavailable_page()
    response.status_code = 503
    response.direct_passthrough = False
    response.set_data(page.get_data())
    for header in ("Location", "Content-Disposition", "ETag", "Last-Modified"):
        response.headers.pop(header, None)
    for header in ("Content-Type", "Retry-After", "Cache-Control"):
        response.headers[header] = page.headers[header]


def end_sessions_of(user_id: int, keep_token: str | None = None) -> int:
    """Revoke every session of a user (deactivation, password change). In the database the
    caller commits; in Redis they end at once."""
    return store().delete_for_user(user_id, session_key(keep_token) if keep_token else None)
