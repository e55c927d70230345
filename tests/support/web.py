"""Signing in and submitting forms as a test client does.

``sign_in(app, user)`` gives a client already signed in: a session stored through the
app's own session store (the sign-in pages themselves are tested in tests/auth, with
``tests.factories.sign_in``). ``post(client, url, data)`` submits a form with a valid
CSRF token: the token of the client's current session, fetched from the home page once
per session, not before every POST.
"""

import re
import secrets
from contextlib import nullcontext
from html import unescape

from flask import has_app_context

from portal import clock
from portal.extensions import db
from portal.session_stores import Stored, session_key, store

CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def sign_in(app, user, **data):
    """A test client signed in as ``user`` (fresh, as after the second factor)."""
    client = app.test_client()
    token = secrets.token_urlsafe(32)
    now = clock.now()
    stored = Stored(now, now, {"_user_id": str(user.id), "_fresh": True, **data})
    with nullcontext() if has_app_context() else app.app_context():
        store().create(session_key(token), stored)
        db.session.commit()
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], token)
    return client


def csrf_from(response) -> str:
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, "page has no CSRF token"
    return match.group(1)


def _session_cookie(client) -> str | None:
    cookie = client.get_cookie(client.application.config["SESSION_COOKIE_NAME"])
    return cookie.value if cookie else None


def csrf_token(client) -> str:
    """A CSRF token good for the client's session. Signed in, one fetch of the home page
    per session (the token's secret lives in the session); anonymous, the sign-in page
    each time (its secret travels in a cookie renewed with every form)."""
    cookie = _session_cookie(client)
    cache = client.__dict__.setdefault("_portal_csrf", {})
    if cookie and cookie in cache:
        return cache[cookie]
    page = client.get("/") if cookie else client.get("/login")
    if page.status_code != 200:
        page = client.get("/login")
    token = csrf_from(page)
    cookie = _session_cookie(client)
    if cookie:
        cache[cookie] = token
    return token


def post(client, url, data=None, **kwargs):
    """POST a form with a valid CSRF token."""
    return client.post(url, data={**(data or {}), "csrf_token": csrf_token(client)}, **kwargs)


def text_of(response) -> str:
    """A page's visible text, tags removed (so a marker split by markup still counts)."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S | re.I)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def errors_of(response) -> list[str]:
    """The messages of a page's GOV.UK error summary."""
    html = response.get_data(as_text=True)
    if "govuk-error-summary__list" not in html:
        return []
    block = html.split("govuk-error-summary__list")[1].split("</ul>")[0]
    return [re.sub(r"\s+", " ", m).strip() for m in re.findall(r'<a href="#[^"]*">(.*?)</a>', block, re.S)]
