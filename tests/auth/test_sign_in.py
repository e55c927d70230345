"""Sign-in: password then a one-time code; the same answer for every failure."""

from datetime import timedelta

import pytest
from flask import request as flask_request

from portal import clock
from portal.accounts import totp
from tests.factories import PASSWORD, next_code, sign_in
from tests.support.web import csrf_from


@pytest.fixture(params=["database", pytest.param("redis", marks=pytest.mark.redis)])
def store(request, app):
    """Each session test runs on both stores (Redis in CI's second pass)."""
    app.config["SESSION_STORE"] = request.param
    if request.param == "redis":
        from portal.jobs.settings import redis_connection

        with app.app_context():
            redis = redis_connection()
            for name in redis.scan_iter(app.config["REDIS_KEY_PREFIX"] + "*session*"):
                redis.delete(name)
    yield request.param
    app.config["SESSION_STORE"] = "database"


def _stored_sessions(app) -> int:
    """How many sessions the configured store holds."""
    from sqlalchemy import func, select

    from portal.extensions import db
    from portal.models import StaffSession

    with app.app_context():
        if app.config["SESSION_STORE"] == "redis":
            from portal.jobs.settings import redis_connection

            return len(list(redis_connection().scan_iter(app.config["REDIS_KEY_PREFIX"] + "session:*")))
        return db.session.scalar(select(func.count()).select_from(StaffSession))


def _password_step(client, email, password):
    page = client.get("/login")
    return client.post("/login", data={"csrf_token": csrf_from(page), "email": email, "password": password})


def _code_step(client, code):
    page = client.get("/login/code")
    return client.post("/login/code", data={"csrf_token": csrf_from(page), "code": code})


def test_password_then_code_signs_in(client, make):
    org = make.org("h2e")
    user = make.user(org, roles=["vrc"])
    response = _password_step(client, user.email, PASSWORD)
    assert response.headers["Location"].endswith("/login/code")
    # Half signed in: every non-public page sends you to the code step.
    assert client.get("/").headers["Location"].endswith("/login/code")
    assert client.get("/h2e/").headers["Location"].endswith("/login/code")
    response = _code_step(client, next_code(user))
    assert response.status_code == 302
    home = client.get("/")
    assert home.status_code == 200
    assert user.name in home.get_data(as_text=True)


def test_failures_all_give_the_same_message(client, make):
    user = make.user(make.org("h2e"))
    unknown = _password_step(client, "nobody@example.test", PASSWORD).get_data(as_text=True)
    wrong_password = _password_step(client, user.email, "not-the-password").get_data(as_text=True)
    assert _password_step(client, user.email, PASSWORD).status_code == 302
    wrong_code = _code_step(client, "000000").get_data(as_text=True)
    message = "The email address, password or security code is not right"
    for body in (unknown, wrong_password, wrong_code):
        assert message in body
        assert "govuk-error-summary" in body


def test_a_code_works_once(client, app, make):
    user = make.user(make.org("h2e"))
    clock.freeze(clock.now())
    code = next_code(user)
    _password_step(client, user.email, PASSWORD)
    assert _code_step(client, code).status_code == 302
    other = app.test_client()
    _password_step(other, user.email, PASSWORD)
    replay = _code_step(other, code)
    assert replay.status_code == 200
    assert "not right" in replay.get_data(as_text=True)
    # The next time step's code is accepted.
    clock.advance(timedelta(seconds=30))
    assert _code_step(other, totp.current_code(user.totp_secret)).status_code == 302


def test_deactivated_account_cannot_sign_in(client, make):
    from portal.extensions import db

    user = make.user(make.org("h2e"))
    user.active = False
    db.session.commit()
    response = _password_step(client, user.email, PASSWORD)
    assert response.status_code == 200
    assert "not right" in response.get_data(as_text=True)


def test_anonymous_is_sent_to_sign_in_with_next(client, make):
    response = client.get("/h2e/")
    assert response.status_code == 302
    assert "/login?next=/h2e/" in response.headers["Location"]


def test_safe_next_only(client, make):
    user = make.user(make.org("h2e"))
    for target, expected in [
        ("/h2e/", "/h2e/"),
        ("https://evil.example/", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
    ]:
        c = client.application.test_client()
        page = c.get("/login", query_string={"next": target})
        c.post(f"/login?next={target}", data={"csrf_token": csrf_from(page), "email": user.email, "password": PASSWORD})
        response = _code_step(c, next_code(user))
        assert response.headers["Location"].endswith(expected), target
        assert "evil" not in response.headers["Location"]


def test_sign_out_ends_the_session_and_a_replayed_cookie_lands_on_sign_in(store, client, make):
    user = make.user(make.org("h2e"))
    sign_in(client, user)
    cookie = client.get_cookie("portal_session").value
    home = client.get("/")
    assert _stored_sessions(client.application) == 1
    response = client.post("/logout", data={"csrf_token": csrf_from(home)})
    assert response.status_code == 302
    assert _stored_sessions(client.application) == 0
    assert client.get("/").status_code == 302
    replay = client.application.test_client()
    replay.set_cookie("portal_session", cookie)
    assert replay.get("/").headers["Location"].startswith("/login")


def test_sign_in_issues_a_new_session_id(store, client, make):
    user = make.user(make.org("h2e"))
    _password_step(client, user.email, PASSWORD)  # the first session stored: half signed in
    before = client.get_cookie("portal_session").value
    _code_step(client, next_code(user))
    after = client.get_cookie("portal_session").value
    assert before != after and client.get("/").status_code == 200
    replay = client.application.test_client()
    replay.set_cookie("portal_session", before)
    assert replay.get("/").status_code == 302


def test_idle_and_absolute_timeouts(store, client, make):
    user = make.user(make.org("h2e"))
    clock.freeze(clock.now())
    sign_in(client, user)
    clock.advance(timedelta(minutes=29))
    assert client.get("/").status_code == 200
    clock.advance(timedelta(minutes=31))
    assert client.get("/").status_code == 302  # idle for more than 30 minutes

    sign_in(client, user)
    for _ in range(25):  # busy all day: still ends after 12 hours
        clock.advance(timedelta(minutes=29))
        response = client.get("/")
    assert response.status_code == 302


def test_a_session_is_touched_at_most_once_a_minute(app, client, make):
    """Most requests write nothing to the session store: "last seen" moves only when a
    minute has passed (or the session's contents changed), and the idle timeout still
    counts from it."""
    from portal.extensions import db
    from tests.support.queries import statements

    user = make.user(make.org("h2e"))
    clock.freeze(clock.now())
    sign_in(client, user)
    client.get("/")
    with app.app_context():
        seen = db.session.scalars(select_sessions(user)).one().last_seen_at
    clock.advance(timedelta(seconds=50))
    with statements() as sent:
        assert client.get("/").status_code == 200
    assert not [s for s in sent if s.upper().startswith("UPDATE STAFF_SESSION")]
    with app.app_context():
        assert db.session.scalars(select_sessions(user)).one().last_seen_at == seen
    clock.advance(timedelta(seconds=20))
    with statements() as sent:
        assert client.get("/").status_code == 200
    assert [s for s in sent if s.upper().startswith("UPDATE STAFF_SESSION")]
    with app.app_context():
        assert db.session.scalars(select_sessions(user)).one().last_seen_at > seen
    clock.advance(timedelta(minutes=30, seconds=30))
    assert client.get("/").status_code == 302  # idle since the last write


def select_sessions(user):
    from sqlalchemy import select

    from portal.models import StaffSession

    return select(StaffSession).where(StaffSession.user_id == user.id)


def test_revoked_sessions_on_deactivation(store, client, make):
    from portal.extensions import db
    from portal.sessions import end_sessions_of

    user = make.user(make.org("h2e"))
    sign_in(client, user)
    assert client.get("/").status_code == 200
    user.active = False
    end_sessions_of(user.id)
    db.session.commit()
    assert client.get("/").headers["Location"].startswith("/login")


def _save_after(app, client, user, change):
    """Sign ``user`` in, then run one request's session through ``change(session)`` and
    save it; returns the response's Set-Cookie header."""
    sign_in(client, user)
    token = client.get_cookie("portal_session").value
    with app.test_request_context("/", headers={"Cookie": f"portal_session={token}"}):
        session = app.session_interface.open_session(app, flask_request)
        assert session.token == token
        change(session)
        response = app.response_class()
        app.session_interface.save_session(app, session, response)
    return response.headers.get("Set-Cookie", "")


def test_a_session_revoked_while_its_request_runs_is_not_brought_back(store, app, client, make):
    from portal.extensions import db
    from portal.sessions import end_sessions_of

    user = make.user(make.org("h2e"))

    def revoked_meanwhile(session):
        end_sessions_of(user.id)  # another request (deactivation) ends it meanwhile
        db.session.commit()
        session["seen"] = True

    assert "portal_session=;" in _save_after(app, client, user, revoked_meanwhile)
    assert _stored_sessions(app) == 0
    assert client.get("/").headers["Location"].startswith("/login")


def test_a_sign_in_that_fails_after_regeneration_ends_the_session_cleanly(store, app, client, make):
    def refused_after_regeneration(session):
        session.clear()
        session.regenerate()  # as at sign-in, then nothing put back (login_user refused)

    assert "portal_session=;" in _save_after(app, client, make.user(make.org("h2e")), refused_after_regeneration)
    assert _stored_sessions(app) == 0
