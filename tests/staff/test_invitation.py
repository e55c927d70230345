"""The invitation link: set a password, enrol TOTP, then sign in; single use, 72 hours."""

import re
from datetime import timedelta

import pyotp
from sqlalchemy import select

from portal import clock
from portal.accounts import staff
from portal.extensions import db
from portal.models import AuditEvent, User
from tests.factories import sign_in
from tests.staff.helpers import invitation_path, world
from tests.support.web import csrf_from

NEW_PASSWORD = "correct horse battery staple 42"


def _invite(make, email="new.vrc@example.test"):
    w = world(make)
    user, token = staff.create_account(
        w.h2e, email=email, name="Nia New", position="VRC", roles=["vrc"], actor_id=w.admin.id
    )
    return w, db.session.get(User, user.id), f"/account/invitation/{token}"


def _set_password(client, path, password, confirm=None):
    page = client.get(path)
    assert page.status_code == 200
    return client.post(
        path,
        data={"csrf_token": csrf_from(page), "password": password, "confirm": password if confirm is None else confirm},
    )


def _secret_on(page) -> str:
    return re.search(r'id="totp-secret">([A-Z2-7]+)<', page.get_data(as_text=True)).group(1)


def test_accepting_an_invitation_then_signing_in(app, client, make):
    w, user, path = _invite(make)
    assert path == invitation_path(user.email)  # the emailed link is the one issued
    page = client.get(path)
    assert user.email in page.get_data(as_text=True)
    assert page.headers["Cache-Control"] == "no-store"

    # Password strength: too short, too weak, mismatch; each with the error summary.
    for password, confirm, message in (
        ("short", None, "12 characters or more"),
        ("passwordpassword", None, "Choose a stronger password"),
        ("new.vrc@example.test", None, "Choose a stronger password"),  # their own email address
        (NEW_PASSWORD, NEW_PASSWORD + "x", "The passwords do not match"),
    ):
        response = _set_password(client, path, password, confirm)
        body = response.get_data(as_text=True)
        assert response.status_code == 200, password
        assert "govuk-error-summary" in body and message in body, password
    response = _set_password(client, path, NEW_PASSWORD)
    assert response.status_code == 303
    assert response.headers["Location"] == path + "/authenticator"

    page = client.get(path + "/authenticator")
    body = page.get_data(as_text=True)
    assert 'src="data:image/svg+xml;base64,' in body  # QR code drawn on the server
    assert "style=" not in body.split("<main", 1)[1]
    secret = _secret_on(page)
    # Nothing is saved until the code is confirmed.
    db.session.expire_all()
    assert db.session.get(User, user.id).password_hash is None

    response = client.post(path + "/authenticator", data={"csrf_token": csrf_from(page), "code": "000000"})
    assert response.status_code == 200
    assert "The security code is not right" in response.get_data(as_text=True)
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "staff.invitation_code_failed")).all()

    code = pyotp.TOTP(secret).at(clock.now())
    response = client.post(path + "/authenticator", data={"csrf_token": csrf_from(page), "code": code})
    assert response.status_code == 303 and response.headers["Location"] == "/login"
    assert "Your account is ready" in client.get("/login").get_data(as_text=True)
    db.session.expire_all()
    user = db.session.get(User, user.id)
    assert user.totp_secret == secret and user.password_hash and user.password_changed_at
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "staff.invitation_accepted")).one()

    # The person signs in as everyone does (the enrolment code cannot be used again).
    signed_in = app.test_client()
    sign_in(signed_in, user, password=NEW_PASSWORD)
    assert signed_in.get("/").status_code == 200
    assert "Active" in _admin_view(app, w, user)

    # The link is used up.
    reused = app.test_client().get(path)
    assert reused.status_code == 404 and "This link cannot be used" in reused.get_data(as_text=True)


def _admin_view(app, w, user):
    admin = app.test_client()
    sign_in(admin, w.admin)
    return admin.get(f"/admin/h2e/staff/{user.id}").get_data(as_text=True)


def test_the_authenticator_step_needs_the_password_step_first(client, make):
    _w, _user, path = _invite(make)
    response = client.get(path + "/authenticator")
    assert response.status_code == 303 and response.headers["Location"] == path


def test_an_invitation_expires_after_72_hours(app, make):
    clock.freeze(clock.now())
    _w, _user, path = _invite(make)
    clock.advance(timedelta(hours=71, minutes=59))
    assert app.test_client().get(path).status_code == 200
    client = app.test_client()
    assert _set_password(client, path, NEW_PASSWORD).status_code == 303
    clock.advance(timedelta(minutes=1))
    for url in (path, path + "/authenticator"):
        response = client.get(url)
        assert response.status_code == 404 and "This link cannot be used" in response.get_data(as_text=True)


def test_expired_used_and_unknown_links_get_the_same_page(app, make):
    clock.freeze(clock.now())
    _w, _user, expired = _invite(make, "a@example.test")
    clock.advance(timedelta(hours=73))
    _w, _user, good = _invite(make, "b@example.test")
    pages = [
        app.test_client().get(url)
        for url in (expired, "/account/invitation/not-a-token", "/account/invitation/" + "x" * 300)
    ]
    bodies = {re.sub(r"Reference.*", "", p.get_data(as_text=True)) for p in pages}
    assert all(p.status_code == 404 for p in pages)
    assert all("This link cannot be used" in b for b in bodies)
    assert app.test_client().get(good).status_code == 200


def test_a_deactivated_account_cannot_use_its_invitation(app, client, make):
    w, user, path = _invite(make)
    sign_in(client, w.admin)
    page = client.get(f"/admin/h2e/staff/{user.id}/deactivate")
    assert (
        client.post(f"/admin/h2e/staff/{user.id}/deactivate", data={"csrf_token": csrf_from(page)}).status_code == 303
    )
    assert app.test_client().get(path).status_code == 404


def test_two_tabs_finishing_at_once_use_the_link_once(app, make):
    _w, user, path = _invite(make)
    tabs = [app.test_client(), app.test_client()]
    pages = []
    for tab in tabs:
        assert _set_password(tab, path, NEW_PASSWORD).status_code == 303
        pages.append(tab.get(path + "/authenticator"))
    first, second = tabs
    code = pyotp.TOTP(_secret_on(pages[0])).at(clock.now())
    assert (
        first.post(path + "/authenticator", data={"csrf_token": csrf_from(pages[0]), "code": code}).status_code == 303
    )
    code = pyotp.TOTP(_secret_on(pages[1])).at(clock.now())
    late = second.post(path + "/authenticator", data={"csrf_token": csrf_from(pages[1]), "code": code})
    assert late.status_code == 404
    db.session.expire_all()
    assert db.session.get(User, user.id).totp_secret == _secret_on(pages[0])
