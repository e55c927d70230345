"""Per-request plumbing: request ids, the sign-in gate and the fail-closed route check."""

import uuid
from typing import NoReturn

from flask import Flask, abort, g, redirect, request, session, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from portal.actions import Action
from portal.extensions import db, login_manager
from portal.models import User
from portal.permissions import API_TOKEN, PUBLIC

# Flask's own static route cannot carry an attribute; it is public.
PUBLIC_ENDPOINTS = frozenset({"static"})


def permission_of(app: Flask, endpoint: str) -> Action | str | None:
    if endpoint in PUBLIC_ENDPOINTS:
        return PUBLIC
    view = app.view_functions.get(endpoint)
    permission: Action | str | None = getattr(view, "permission", None)
    return permission


def init_request_state(app: Flask) -> None:
    @app.before_request
    def _fresh_g() -> None:
        # A request normally gets a fresh app context; when one is reused (tests,
        # CLI-driven requests), nothing of the previous request may carry over:
        # not the organisation, not the cached signed-in user.
        g.__dict__.clear()


def init_app(app: Flask) -> None:
    login_manager.session_protection = None  # server-side sessions are revoked instead

    @login_manager.user_loader  # type: ignore[untyped-decorator]  # Flask-Login ships no types
    def _load_user(user_id: str) -> User | None:
        user = db.session.get(User, int(user_id))
        return user if user is not None and user.active else None

    @login_manager.unauthorized_handler  # type: ignore[untyped-decorator]  # Flask-Login ships no types
    def _unauthorized() -> NoReturn:
        abort(401)

    @app.before_request
    def _gate() -> Response | None:
        g.request_id = uuid.uuid4().hex[:16]
        if request.endpoint is None:
            return None  # 404 or 405 follows
        permission = permission_of(app, request.endpoint)
        if permission is None:
            abort(403)  # a route nobody gave a permission is refused, not opened
        if permission in (PUBLIC, API_TOKEN) or current_user.is_authenticated:
            return None
        if request.path.startswith("/api/"):
            abort(401)
        if session.get("mfa_user_id"):
            return redirect(url_for("auth.code"))
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
