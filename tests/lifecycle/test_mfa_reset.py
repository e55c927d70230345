"""Lost phone: two admins reset the authenticator (the requester cannot approve); the
user's sessions end, the user is told and enrols a new authenticator at sign-in."""

import re
from datetime import timedelta

import pyotp
import pytest
from sqlalchemy import select

from portal import clock
from portal.accounts import mfa_reset, totp
from portal.extensions import db
from portal.models import MfaReset, Notification, User
from tests.factories import PASSWORD, sign_in
from tests.lifecycle.helpers import events, post_form, world
from tests.support.web import csrf_from


def _page(w, user=None):
    return f"/admin/h2e/staff/{(user or w.vrc).id}/mfa-reset"


def _ask(client, w, reason="Lost phone on the train, reported by phone call", user=None):
    return post_form(client, _page(w, user), {"reason": reason})


def _decide(client, w, reset, decision):
    return post_form(client, f"/admin/h2e/mfa-resets/{reset.id}/{decision}", {}, page_path=_page(w, reset.user))


def _client(app, user):
    client = app.test_client()
    sign_in(client, user)
    return client


def _notifications(user_id, kind):
    return db.session.scalars(
        select(Notification).where(Notification.user_id == user_id, Notification.kind == kind)
    ).all()


def test_two_admins_reset_and_the_user_enrols_again(app, make):
    w = world(make)
    old_secret = db.session.get(User, w.vrc.id).totp_secret
    vrc_client = _client(app, w.vrc)
    requester, approver = _client(app, w.admin), _client(app, w.lead_admin)

    member_page = requester.get(f"/admin/h2e/staff/{w.vrc.id}").get_data(as_text=True)
    assert f'href="{_page(w)}"' in member_page  # "Reset security codes" on the staff page
    response = _ask(requester, w)
    assert response.status_code == 303
    reset = db.session.scalars(select(MfaReset)).one()
    assert (reset.status, reset.requested_by, reset.org_id) == ("pending", w.admin.id, w.h2e.id)
    # Those who could approve are told; the requester and the user are not.
    for approver_id in (w.lead_admin.id, w.second_admin.id):
        assert _notifications(approver_id, "mfa_reset.requested")[0].link == _page(w)
    assert not _notifications(w.admin.id, "mfa_reset.requested")
    assert not _notifications(w.vrc.id, "mfa_reset.requested")

    # The requester sees the request but cannot approve it.
    body = requester.get(_page(w)).get_data(as_text=True)
    assert "Lost phone on the train" in body and "another administrator must approve it" in body
    assert "Approve the reset" not in body
    response = _decide(requester, w, reset, "approve")
    assert response.status_code == 200
    assert "govuk-error-summary" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(MfaReset, reset.id).status == "pending"
    assert db.session.get(User, w.vrc.id).totp_secret == old_secret

    # A different admin approves.
    assert "Approve the reset" in approver.get(_page(w)).get_data(as_text=True)
    response = _decide(approver, w, reset, "approve")
    assert response.status_code == 303
    db.session.expire_all()
    user = db.session.get(User, w.vrc.id)
    assert user.totp_secret is None and user.totp_last_step is None
    assert db.session.get(MfaReset, reset.id).decided_by == w.lead_admin.id
    assert vrc_client.get("/").headers["Location"].startswith("/login")  # signed out everywhere
    assert _notifications(w.vrc.id, "mfa_reset.approved")
    requested, approved = events("mfa_reset.requested"), events("mfa_reset.approved")
    assert (requested[0].user_id, requested[0].object_id, requested[0].detail) == (
        w.admin.id,
        str(reset.id),
        {"account": w.vrc.id},
    )
    assert (approved[0].user_id, approved[0].detail) == (
        w.lead_admin.id,
        {"account": w.vrc.id, "requested_by": w.admin.id},
    )
    assert "Lost phone" not in str(requested[0].detail)  # the reason stays out of the audit trail

    # At the next sign-in, after the password, the user enrols a new authenticator.
    client = app.test_client()
    page = client.get("/login")
    response = client.post("/login", data={"csrf_token": csrf_from(page), "email": w.vrc.email, "password": PASSWORD})
    assert response.headers["Location"] == "/login/code"
    response = client.get("/login/code")
    assert response.headers["Location"] == "/login/authenticator"
    assert client.get("/").headers["Location"] == "/login/code"  # not signed in yet
    page = client.get("/login/authenticator")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store"
    assert re.search(r'<img src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"', body)
    assert "style=" not in body.split("<main", 1)[1]  # the CSP forbids inline styles
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', body).group(1)
    assert secret != old_secret
    assert client.get("/login/authenticator").get_data(as_text=True).count(secret)  # same secret on reload

    response = client.post(
        "/login/authenticator", data={"csrf_token": csrf_from(page), "code": pyotp.TOTP(old_secret).at(clock.now())}
    )
    assert response.status_code == 200 and "The security code is not right" in response.get_data(as_text=True)
    assert events("account.mfa_enrol_failed")
    code = pyotp.TOTP(secret).at(clock.now())
    response = client.post("/login/authenticator", data={"csrf_token": csrf_from(page), "code": code})
    assert response.status_code == 303
    assert client.get("/").status_code == 200
    db.session.expire_all()
    assert db.session.get(User, w.vrc.id).totp_secret == secret
    assert events("account.mfa_enrolled")[0].user_id == w.vrc.id
    # From now on the new authenticator signs in, as usual.
    fresh = app.test_client()
    sign_in(fresh, w.vrc)
    assert fresh.get("/").status_code == 200


def test_the_requester_and_the_user_can_never_approve(make):
    w = world(make)
    reset = mfa_reset.request_reset(w.admin, w.h2e, db.session.get(User, w.second_admin.id), "Lost phone")
    with pytest.raises(mfa_reset.MfaResetProblem, match="another administrator must approve"):
        mfa_reset.approve(w.admin, reset)
    with pytest.raises(mfa_reset.MfaResetProblem, match="your own security codes"):
        mfa_reset.approve(db.session.get(User, w.second_admin.id), reset)
    with pytest.raises(mfa_reset.MfaResetProblem, match="do not manage"):
        mfa_reset.approve(w.salus_admin, reset)
    assert db.session.get(MfaReset, reset.id).status == "pending"
    mfa_reset.approve(w.lead_admin, reset)
    assert db.session.get(MfaReset, reset.id).status == "approved"
    with pytest.raises(mfa_reset.MfaResetProblem, match="no longer waiting"):
        mfa_reset.approve(w.lead_admin, reset)


def test_request_rules(make):
    w = world(make)
    with pytest.raises(mfa_reset.MfaResetProblem, match="your own"):
        mfa_reset.request_reset(w.admin, w.h2e, w.admin, "Lost phone")
    with pytest.raises(mfa_reset.MfaResetProblem, match="Enter why"):
        mfa_reset.request_reset(w.admin, w.h2e, w.vrc, "   ")
    with pytest.raises(mfa_reset.MfaResetProblem, match="500 characters"):
        mfa_reset.request_reset(w.admin, w.h2e, w.vrc, "x" * 501)
    mfa_reset.request_reset(w.admin, w.h2e, w.vrc, "Lost phone")
    with pytest.raises(mfa_reset.MfaResetProblem, match="already waiting"):
        mfa_reset.request_reset(w.second_admin, w.h2e, w.vrc, "Lost phone")
    unfinished = make.user(w.h2e, ["vrc"])
    unfinished.totp_secret = None
    db.session.commit()
    with pytest.raises(mfa_reset.MfaResetProblem, match="no authenticator"):
        mfa_reset.request_reset(w.admin, w.h2e, unfinished, "Lost phone")


def test_a_request_lapses_after_72_hours(make):
    w = world(make)
    reset = mfa_reset.request_reset(w.admin, w.h2e, w.vrc, "Lost phone")
    clock.advance(mfa_reset.REQUEST_VALID_FOR)
    assert mfa_reset.state(db.session.get(MfaReset, reset.id)) == "lapsed"
    with pytest.raises(mfa_reset.MfaResetProblem, match="no longer waiting"):
        mfa_reset.approve(w.lead_admin, reset)
    assert db.session.get(User, w.vrc.id).totp_secret is not None
    assert mfa_reset.request_reset(w.admin, w.h2e, w.vrc, "Lost phone again").id != reset.id


def test_cancelled_requests_change_nothing(app, make):
    w = world(make)
    client = _client(app, w.admin)
    _ask(client, w)
    reset = db.session.scalars(select(MfaReset)).one()
    response = _decide(client, w, reset, "cancel")  # the requester withdraws
    assert response.status_code == 303
    db.session.expire_all()
    assert db.session.get(MfaReset, reset.id).status == "cancelled"
    assert db.session.get(User, w.vrc.id).totp_secret is not None
    assert events("mfa_reset.cancelled")[0].user_id == w.admin.id
    assert "Cancelled by" in client.get(_page(w)).get_data(as_text=True)
    approver = _client(app, w.lead_admin)
    assert _decide(approver, w, reset, "approve").status_code == 200  # nothing left to approve
    assert db.session.get(User, w.vrc.id).totp_secret is not None


def test_other_organisations_admins_get_404(app, make):
    w = world(make)
    reset = mfa_reset.request_reset(w.admin, w.h2e, w.vrc, "Lost phone")
    outsider = _client(app, w.salus_admin)
    assert outsider.get(_page(w)).status_code == 404
    page = outsider.get("/")
    for decision in ("approve", "cancel"):
        response = outsider.post(f"/admin/h2e/mfa-resets/{reset.id}/{decision}", data={"csrf_token": csrf_from(page)})
        assert response.status_code == 404
        # Nor through their own organisation's URL.
        response = outsider.post(f"/admin/salus/mfa-resets/{reset.id}/{decision}", data={"csrf_token": csrf_from(page)})
        assert response.status_code == 404
    assert db.session.get(MfaReset, reset.id).status == "pending"
    vrc = _client(app, w.vrc)
    assert vrc.get(_page(w)).status_code == 403


def test_the_request_form_keeps_input_and_needs_csrf(app, make):
    w = world(make)
    client = _client(app, w.admin)
    response = _ask(client, w, reason="")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in body and "Enter why their security codes need to be reset" in body
    long_reason = "Lost phone " * 50
    body = _ask(client, w, reason=long_reason).get_data(as_text=True)
    assert "500 characters or fewer" in body and long_reason.strip()[:100] in body
    assert client.post(_page(w), data={"reason": "Lost phone"}).status_code == 400
    assert db.session.scalars(select(MfaReset)).all() == []


def test_enrolment_is_only_for_accounts_without_an_authenticator(app, client, make):
    w = world(make)
    assert client.get("/login/authenticator").headers["Location"] == "/login"
    page = client.get("/login")
    client.post("/login", data={"csrf_token": csrf_from(page), "email": w.vrc.email, "password": PASSWORD})
    # Half signed in with an authenticator: the enrolment page is not for them.
    assert client.get("/login/authenticator").headers["Location"] == "/login"
    signed_in = _client(app, w.admin)
    assert signed_in.get("/login/authenticator").headers["Location"] == "/"


def test_wrong_enrolment_codes_count_towards_the_lockout(app, make):
    w = world(make)
    reset = mfa_reset.request_reset(w.admin, w.h2e, w.vrc, "Lost phone")
    mfa_reset.approve(w.lead_admin, reset)
    client = app.test_client()
    page = client.get("/login")
    client.post("/login", data={"csrf_token": csrf_from(page), "email": w.vrc.email, "password": PASSWORD})
    page = client.get("/login/authenticator")
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.get_data(as_text=True)).group(1)
    for _ in range(app.config["LOCKOUT_ACCOUNT_FAILURES"] - 1):
        client.post("/login/authenticator", data={"csrf_token": csrf_from(page), "code": "000000"})
    response = client.post("/login/authenticator", data={"csrf_token": csrf_from(page), "code": "000000"})
    assert "temporarily locked" in response.get_data(as_text=True)
    response = client.post(
        "/login/authenticator", data={"csrf_token": csrf_from(page), "code": pyotp.TOTP(secret).at(clock.now())}
    )
    assert "temporarily locked" in response.get_data(as_text=True)
    assert db.session.get(User, w.vrc.id).totp_secret is None
    clock.advance(app.config["LOCKOUT_ACCOUNT_DURATION"] + timedelta(seconds=1))
    # The session of the half sign-in has gone idle meanwhile: start again.
    page = client.get("/login")
    client.post("/login", data={"csrf_token": csrf_from(page), "email": w.vrc.email, "password": PASSWORD})
    page = client.get("/login/authenticator")
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page.get_data(as_text=True)).group(1)
    response = client.post(
        "/login/authenticator", data={"csrf_token": csrf_from(page), "code": totp.current_code(secret)}
    )
    assert response.status_code == 303 and client.get("/").status_code == 200


def test_code_page_mentions_the_lost_phone_route(app, client, make):
    w = world(make)
    page = client.get("/login")
    client.post("/login", data={"csrf_token": csrf_from(page), "email": w.vrc.email, "password": PASSWORD})
    assert "Lost the phone with your authenticator app?" in client.get("/login/code").get_data(as_text=True)
