"""Server-side sessions stored in the database, so that they can be revoked.

The cookie carries a random token; the table is keyed by its SHA-256. A session
ends after 30 idle minutes or 12 hours in all; deleting its row (sign-out,
deactivation, a password change) ends it at once, and a replayed cookie then
finds nothing and lands on the sign-in page.
"""
import hashlib
import secrets

from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy import delete
from werkzeug.datastructures import CallbackDict

from portal import clock
from portal.extensions import db
from portal.models import StaffSession


def _key(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


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


class DatabaseSessionInterface(SessionInterface):
    def open_session(self, app, request):
        token = request.cookies.get(app.config["SESSION_COOKIE_NAME"])
        if not token:
            return ServerSession()
        row = db.session.get(StaffSession, _key(token))
        now = clock.now()
        if row is None or self._expired(app, row, now):
            if row is not None:
                db.session.delete(row)
                db.session.commit()
            return ServerSession()
        session = ServerSession(dict(row.data or {}), token=token, created_at=row.created_at)
        return session

    @staticmethod
    def _expired(app, row: StaffSession, now) -> bool:
        return (
            now - row.last_seen_at > app.config["SESSION_IDLE_TIMEOUT"]
            or now - row.created_at > app.config["SESSION_ABSOLUTE_TIMEOUT"]
        )

    def save_session(self, app, session: ServerSession, response):
        name = app.config["SESSION_COOKIE_NAME"]
        domain = self.get_cookie_domain(app)
        path = self.get_cookie_path(app)
        if not session and not session.token:
            return  # nothing to keep, nothing issued
        now = clock.now()
        if session.regenerate_requested and session.token:
            db.session.execute(delete(StaffSession).where(StaffSession.id == _key(session.token)))
            session.token = None
        if not session:
            # Emptied (signed out): the row goes, the cookie goes.
            db.session.execute(delete(StaffSession).where(StaffSession.id == _key(session.token)))
            db.session.commit()
            response.delete_cookie(name, domain=domain, path=path)
            return
        if session.token is None:
            session.token = secrets.token_urlsafe(32)
            session.created_at = now
            row = StaffSession(id=_key(session.token), created_at=now)
            db.session.add(row)
        else:
            row = db.session.get(StaffSession, _key(session.token))
            if row is None:  # revoked while this request ran: do not resurrect it
                response.delete_cookie(name, domain=domain, path=path)
                return
        row.data = dict(session)
        row.user_id = session.get("_user_id") and int(session["_user_id"])
        row.last_seen_at = now
        db.session.commit()
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
    """Revoke every session of a user (deactivation, password change); caller commits."""
    stmt = delete(StaffSession).where(StaffSession.user_id == user_id)
    if keep_token:
        stmt = stmt.where(StaffSession.id != _key(keep_token))
    return db.session.execute(stmt).rowcount
