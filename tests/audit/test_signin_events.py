"""What is audited now: sign-in success and failure, code failures, sign-out, session
revocation and permission refusals; each by id, never by email or name."""

import pytest
from flask import g
from flask_login import login_user
from werkzeug.exceptions import Forbidden

from portal import permissions
from portal.accounts import auth, lockout
from portal.extensions import db
from portal.models import StaffSession
from tests.audit.helpers import audit_text, events
from tests.factories import PASSWORD, next_code, sign_in
from tests.support.web import csrf_from


def _password_step(client, email, password):
    page = client.get("/login")
    return client.post("/login", data={"csrf_token": csrf_from(page), "email": email, "password": password})


def _code_step(client, code):
    page = client.get("/login/code")
    return client.post("/login/code", data={"csrf_token": csrf_from(page), "code": code})


def _assert_no_personal_data(*values):
    text = audit_text()
    for value in values:
        assert value.lower() not in text, value


def test_sign_in_success_is_audited_by_id(client, make):
    user = make.user(make.org("h2e"), email="Jo.Bloggs@Example.test", name="Jo Bloggs")
    sign_in(client, user)
    [event] = events("signin.success")
    assert (event.user_id, event.object_type, event.object_id, event.outcome) == (user.id, "user", str(user.id), "ok")
    assert event.source_address == "127.0.0.1" and event.request_id
    _assert_no_personal_data("jo.bloggs@example.test", "jo.bloggs", "Jo Bloggs")


def test_wrong_password_is_audited_by_id(client, make):
    user = make.user(make.org("h2e"), name="Sam Example")
    _password_step(client, user.email, "not-the-password")
    [event] = events("signin.password_failed")
    assert (event.user_id, event.object_type, event.object_id, event.outcome) == (None, "user", str(user.id), "failed")
    _assert_no_personal_data(user.email, user.email.split("@")[0], "Sam Example")


def test_unknown_email_leaves_no_trace_of_the_email(client, app_ctx):
    email = "Someone.Unknown@Elsewhere.example"
    _password_step(client, email, "whatever-password")
    [event] = events("signin.password_failed")
    assert (event.user_id, event.object_type, event.object_id, event.detail) == (None, None, None, None)
    # Neither the email, nor its parts, nor the lockout key derived from it.
    _assert_no_personal_data(
        email, "someone.unknown", "elsewhere.example", lockout.account_key(auth.normalise_email(email))
    )


def test_wrong_code_is_audited(client, make):
    user = make.user(make.org("h2e"))
    _password_step(client, user.email, PASSWORD)
    _code_step(client, "000000")
    [event] = events("signin.code_failed")
    assert (event.object_type, event.object_id, event.outcome) == ("user", str(user.id), "failed")
    assert events("signin.success") == []
    assert _code_step(client, next_code(user)).status_code == 302
    assert len(events("signin.success")) == 1


def test_sign_out_is_audited(client, make):
    user = make.user(make.org("h2e"))
    sign_in(client, user)
    page = client.get("/h2e/")
    client.post("/logout", data={"csrf_token": csrf_from(page)})
    [event] = events("signout")
    assert (event.user_id, event.object_id) == (user.id, str(user.id))


def test_session_revocation_ends_sessions_and_is_audited(app, make):
    user = make.user(make.org("h2e"))
    other = make.user(make.org("h2e"))
    first, second, bystander = app.test_client(), app.test_client(), app.test_client()
    sign_in(first, user)
    sign_in(second, user)
    sign_in(bystander, other)
    assert auth.revoke_sessions(user.id, "deactivated") == 2
    db.session.commit()
    [event] = events("session.revoked")
    assert (event.object_type, event.object_id) == ("user", str(user.id))
    assert event.detail == {"reason": "deactivated", "sessions": 2}
    for client in (first, second):
        assert client.get("/h2e/").headers["Location"].startswith("/login")
    assert bystander.get("/h2e/").status_code == 200


def test_session_revocation_may_spare_the_current_session(app, make):
    from portal.session_stores import session_key

    user = make.user(make.org("h2e"))
    keep, drop = app.test_client(), app.test_client()
    sign_in(keep, user)
    sign_in(drop, user)
    token = keep.get_cookie("portal_session").value
    assert auth.revoke_sessions(user.id, "password_changed", keep_token=token) == 1
    db.session.commit()
    assert db.session.get(StaffSession, session_key(token)) is not None
    assert keep.get("/h2e/").status_code == 200
    assert drop.get("/h2e/").status_code == 302


@pytest.mark.parametrize("reason", ["", "Jo Bloggs left", "x" * 41, None])
def test_a_revocation_reason_is_a_code_not_free_text(make, reason):
    user = make.user(make.org("h2e"))
    with pytest.raises(ValueError):
        auth.revoke_sessions(user.id, reason)
    db.session.rollback()
    assert events("session.revoked") == []


def test_a_403_refusal_is_audited_with_the_action(app, make, monkeypatch):
    monkeypatch.setitem(permissions.ACTIONS, "test.admin_only", frozenset({"admin"}))
    org = make.org("h2e")
    user = make.user(org, roles=["vrc"])

    @permissions.requires("test.admin_only")
    def view():
        return "ok"

    with app.test_request_context("/h2e/"):
        login_user(user)
        g.org = org
        with pytest.raises(Forbidden):
            view()
    [event] = events("access.refused.403")
    assert (event.user_id, event.org_id, event.object_type, event.object_id, event.outcome) == (
        user.id,
        org.id,
        "action",
        "test.admin_only",
        "refused",
    )


def test_a_404_refusal_on_another_organisation_is_audited(client, make):
    make.org("salus")
    user = make.user(make.org("h2e"), roles=["vrc"])
    sign_in(client, user)
    assert client.get("/salus/").status_code == 404
    [event] = events("access.refused.404")
    assert (event.user_id, event.outcome) == (user.id, "refused")
