"""Nothing is stored for a visitor who has not passed a password step (issue 15, item
10): anonymous forms keep their CSRF secret in a signed, short-lived cookie of its own,
and CSRF is still enforced. On both session stores."""

import time

import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from tests.auth.test_sign_in import _code_step, _password_step, _stored_sessions, store  # noqa: F401
from tests.factories import PASSWORD, next_code
from tests.registry import all_cases, case_url
from tests.support.matrix import build_world, send
from tests.support.web import csrf_from

CSRF_COOKIE = "portal_csrf"
# The steps after which a visitor has passed a password step, so a session may be stored:
# the sign-in password (tested below) and an invitation's new password.
PASSWORD_STEPS = {("invitation.password", "POST"), ("invitation.authenticator", "POST")}


def _login_post(client, data, token=None):
    page = client.get("/login")
    return client.post("/login", data={"csrf_token": token or csrf_from(page), **data})


def test_anonymous_visits_and_refused_forms_store_no_session(store, app, make):
    user = make.user(make.org("h2e"))
    for _ in range(200):  # 200 visitors, each with a fresh browser
        response = app.test_client().get("/login")
        assert response.status_code == 200
        assert "portal_session" not in response.headers.get("Set-Cookie", "")
    same = app.test_client()
    for _ in range(20):  # and one browser coming back
        assert same.get("/login").status_code == 200
    # Forms answered with errors: nobody passed a password step.
    for data in (
        {"email": user.email, "password": "not the password"},
        {"email": "not an email", "password": "x"},
        {"email": "", "password": ""},
    ):
        assert _login_post(same, data).status_code == 200
    forgot = same.get("/account/forgot-password")
    assert (
        same.post("/account/forgot-password", data={"csrf_token": csrf_from(forgot), "email": "no"}).status_code == 200
    )
    assert same.get("/account/reset-password/not-a-token").status_code == 404
    assert same.get("/account/invitation/not-a-token").status_code == 404
    assert same.get("/login/code").status_code == 302
    assert _stored_sessions(app) == 0
    assert same.get_cookie("portal_session") is None and same.get_cookie(CSRF_COOKIE) is not None


def test_sign_in_works_with_csrf_enforced_and_stores_the_session_from_the_password_step(store, app, make):
    user = make.user(make.org("h2e"))
    client = app.test_client()
    page = client.get("/login")
    assert client.get_cookie(CSRF_COOKIE) is not None and _stored_sessions(app) == 0
    response = client.post("/login", data={"csrf_token": csrf_from(page), "email": user.email, "password": PASSWORD})
    assert response.headers["Location"].endswith("/login/code")
    assert _stored_sessions(app) == 1  # passed the password step: now stored
    assert client.get_cookie(CSRF_COOKIE) is None  # the secret moved into the stored session
    assert _code_step(client, next_code(user)).status_code == 302
    assert client.get("/").status_code == 200 and _stored_sessions(app) == 1
    home = client.get("/")
    assert client.post("/logout", data={"csrf_token": csrf_from(home)}).status_code == 302
    assert _stored_sessions(app) == 0


def test_a_missing_or_forged_csrf_is_refused(store, app, make):
    user = make.user(make.org("h2e"))
    good = {"email": user.email, "password": PASSWORD}
    client = app.test_client()
    page = client.get("/login")
    token = csrf_from(page)

    # No token in the form.
    assert client.post("/login", data=good).status_code == 400
    # A token without its cookie (another browser's token, or the cookie dropped).
    stranger = app.test_client()
    assert stranger.post("/login", data={"csrf_token": token, **good}).status_code == 400
    stranger.get("/login")  # a cookie of its own, but not the one this token goes with
    assert stranger.post("/login", data={"csrf_token": token, **good}).status_code == 400
    # A cookie not signed with the portal's key, carrying a secret the attacker chose.
    forged = app.test_client()
    secret = "a" * 40
    forged.set_cookie(CSRF_COOKIE, URLSafeTimedSerializer("not the key", salt="portal-anonymous-csrf").dumps(secret))
    forged_token = URLSafeTimedSerializer(app.secret_key, salt="wtf-csrf-token").dumps(secret)
    assert forged.post("/login", data={"csrf_token": forged_token, **good}).status_code == 400
    forged.set_cookie(CSRF_COOKIE, secret)  # unsigned
    assert forged.post("/login", data={"csrf_token": forged_token, **good}).status_code == 400
    assert _stored_sessions(app) == 0
    # The genuine pair still works.
    assert client.post("/login", data={"csrf_token": token, **good}).headers["Location"].endswith("/login/code")


def test_the_anonymous_csrf_cookie_is_short_lived(store, app, make, monkeypatch):
    user = make.user(make.org("h2e"))
    client = app.test_client()
    token = csrf_from(client.get("/login"))
    lifetime = int(app.config["ANONYMOUS_CSRF_LIFETIME"].total_seconds())
    assert 0 < lifetime <= 2 * 3600
    cookie = client.get_cookie(CSRF_COOKIE)
    assert cookie.http_only and cookie.secure and cookie.max_age == lifetime
    real = TimestampSigner.get_timestamp
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: int(time.time()) + lifetime + 1)
    response = client.post("/login", data={"csrf_token": token, "email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    monkeypatch.setattr(TimestampSigner, "get_timestamp", real)
    assert _stored_sessions(app) == 0


def test_no_route_stores_a_session_for_an_anonymous_visitor(store, app):
    """Every case of the route registry, GET or POST (with a CSRF token), as an anonymous
    visitor with a fresh browser: nothing is stored but after a password step."""
    stored_after = []
    with app.app_context():
        world = build_world()
        for case in all_cases():
            url = case_url(app, case, world)
            before = _stored_sessions(app)
            client = app.test_client()
            try:
                send(client, case, url, world, url.startswith(("/api/", "/oauth/")))
            except RuntimeError as error:  # test_only.raise_error propagates in test mode
                assert "deliberate failure" in str(error)
            if _stored_sessions(app) > before and (case.endpoint, case.method) not in PASSWORD_STEPS:
                stored_after.append(f"{case.method} {url} ({case.endpoint})")
    assert not stored_after, "anonymous requests that stored a session:\n" + "\n".join(stored_after)


@pytest.mark.parametrize("path", ["/login", "/account/forgot-password"])
def test_a_form_shown_renews_the_cookie(store, app, path):
    client = app.test_client()
    first = client.get(path)
    assert CSRF_COOKIE in first.headers.get("Set-Cookie", "")
    again = client.get(path)  # the same secret, signed afresh: the form is good for the whole lifetime
    assert CSRF_COOKIE in again.headers.get("Set-Cookie", "")
    assert csrf_from(first) != "" and _stored_sessions(app) == 0
