"""Changing one's password: the current one required, the strength rule, every other
session ended, audited; wrong current passwords count towards the lockout."""

from datetime import timedelta

from sqlalchemy import select

from portal import clock
from portal.accounts import passwords
from portal.extensions import db
from portal.models import Notification, SignInFailure, User
from tests.factories import PASSWORD, sign_in
from tests.lifecycle.helpers import NEW_PASSWORD, events, post_form

PATH = "/account/password"


def _change(client, current=PASSWORD, new=NEW_PASSWORD, confirm=None):
    return post_form(
        client, PATH, {"current_password": current, "new_password": new, "confirm": new if confirm is None else confirm}
    )


def test_change_keeps_this_session_and_ends_every_other(app, make):
    user = make.user(make.org("h2e"), ["vrc"])
    here, elsewhere = app.test_client(), app.test_client()
    sign_in(here, user)
    sign_in(elsewhere, user)
    before = db.session.get(User, user.id).password_changed_at
    clock.advance(timedelta(minutes=1))

    response = _change(here)
    assert response.status_code == 303 and response.headers["Location"] == "/"
    assert "Your password has been changed" in here.get(response.headers["Location"]).get_data(as_text=True)
    assert here.get("/").status_code == 200
    assert elsewhere.get("/").headers["Location"].startswith("/login")

    db.session.expire_all()
    changed = db.session.get(User, user.id)
    assert passwords.verify_password(changed.password_hash, NEW_PASSWORD)
    assert changed.password_changed_at > before
    assert [e.object_id for e in events("account.password_changed")] == [str(user.id)]
    revoked = events("session.revoked")
    assert revoked[-1].detail == {"reason": "password_changed", "sessions": 1}
    assert db.session.scalars(
        select(Notification).where(Notification.user_id == user.id, Notification.kind == "account.password_changed")
    ).one()
    # The new password signs in; the old one does not.
    fresh = app.test_client()
    sign_in(fresh, user, password=NEW_PASSWORD)
    assert fresh.get("/").status_code == 200


def test_wrong_current_password_is_refused_and_counted(client, make):
    user = make.user(make.org("h2e"), ["vrc"])
    sign_in(client, user)
    response = _change(client, current="not my password at all")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in body and "Your current password is not right" in body
    assert 'href="#current_password"' in body
    assert passwords.verify_password(db.session.get(User, user.id).password_hash, PASSWORD)
    assert db.session.scalars(select(SignInFailure)).all()  # counts towards the lockout
    assert events("account.password_change_failed")[0].outcome == "failed"


def test_strength_and_confirmation_rules(client, make):
    user = make.user(make.org("h2e"), ["vrc"], name="Priya Patel")
    sign_in(client, user)
    for new, confirm, message, field in (
        ("short", None, "12 characters or more", "new_password"),
        ("passwordpassword", None, "Choose a stronger password", "new_password"),
        (NEW_PASSWORD, NEW_PASSWORD + "!", "The passwords do not match", "confirm"),
        (PASSWORD, None, "must be different from your current password", "new_password"),
        ("", None, "Enter a new password", "new_password"),
    ):
        response = _change(client, new=new, confirm=confirm)
        body = response.get_data(as_text=True)
        assert response.status_code == 200, new
        assert "govuk-error-summary" in body and message in body, new
        assert f'href="#{field}"' in body, new
    assert passwords.verify_password(db.session.get(User, user.id).password_hash, PASSWORD)
    assert not events("account.password_changed")


def test_a_long_passphrase_is_accepted(client, make):
    user = make.user(make.org("h2e"), ["vrc"])
    sign_in(client, user)
    passphrase = "correct horse battery staple on the 7:42 to Leeds, " * 4  # 200 characters: beyond zxcvbn's 72
    response = _change(client, new=passphrase)
    assert response.status_code == 303
    assert passwords.verify_password(db.session.get(User, user.id).password_hash, passphrase)
    assert passwords.password_problem("a" * 200) is not None  # judged, not waved through


def test_the_form_needs_its_csrf_token(client, make):
    user = make.user(make.org("h2e"), ["vrc"])
    sign_in(client, user)
    response = client.post(
        PATH, data={"current_password": PASSWORD, "new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 400
    assert passwords.verify_password(db.session.get(User, user.id).password_hash, PASSWORD)


def test_a_locked_account_cannot_change_its_password(app, client, make):
    user = make.user(make.org("h2e"), ["vrc"])
    sign_in(client, user)
    for _ in range(app.config["LOCKOUT_ACCOUNT_FAILURES"]):
        response = _change(client, current="guessing the password")
    body = response.get_data(as_text=True)
    assert "temporarily locked" in body
    response = _change(client)  # the right password, but locked
    assert "temporarily locked" in response.get_data(as_text=True)
    assert passwords.verify_password(db.session.get(User, user.id).password_hash, PASSWORD)


def test_anonymous_users_are_sent_to_sign_in(client):
    response = client.get(PATH)
    assert response.status_code == 302 and "/login" in response.headers["Location"]
