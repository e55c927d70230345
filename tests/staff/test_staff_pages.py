"""Staff accounts through the pages: create, grant, remove, deactivate; who may do what."""

from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, Invitation, Membership, Notification, User
from tests.factories import PASSWORD, sign_in
from tests.staff.helpers import invitation_path, world
from tests.support.web import csrf_from


def _post(client, url, data=None, page_url=None):
    page = client.get(page_url or "/")
    return client.post(url, data={"csrf_token": csrf_from(page), **(data or {})})


def _events(action):
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)).all()


def _roles(user_id, org_id):
    return sorted(
        db.session.scalars(select(Membership.role).where(Membership.user_id == user_id, Membership.org_id == org_id))
    )


def test_lead_admin_sees_every_organisation_and_an_org_admin_goes_to_their_own(app, make):
    w = world(make)
    lead = app.test_client()
    sign_in(lead, w.lead_admin)
    body = lead.get("/admin/").get_data(as_text=True)
    for org in (w.lead, w.h2e, w.salus, w.dwp):
        assert f"/admin/{org.slug}/" in body
    assert w.salus_vrc.name in lead.get("/admin/salus/").get_data(as_text=True)

    admin = app.test_client()
    sign_in(admin, w.admin)
    assert admin.get("/admin/").headers["Location"] == "/admin/h2e/"
    page = admin.get("/admin/h2e/").get_data(as_text=True)
    assert w.vrc.name in page and "Active" in page
    # The home page offers the staff pages to admins only.
    assert "/admin/" in admin.get("/").get_data(as_text=True)
    vrc = app.test_client()
    sign_in(vrc, w.vrc)
    assert "/admin/" not in vrc.get("/").get_data(as_text=True)
    assert vrc.get("/admin/").status_code == 403


def test_an_org_admin_cannot_touch_another_organisation(app, client, make):
    w = world(make)
    sign_in(client, w.admin)
    salus_vrc = w.salus_vrc.id
    for url in (
        "/admin/salus/",
        "/admin/salus/new",
        f"/admin/salus/staff/{salus_vrc}",
        f"/admin/salus/staff/{salus_vrc}/deactivate",
        f"/admin/h2e/staff/{salus_vrc}",
        f"/admin/ingeus/staff/{w.lead_admin.id}",
        "/admin/dwp/",
    ):
        assert client.get(url).status_code == 404, url
    for url, data in (
        (f"/admin/salus/staff/{salus_vrc}/roles", {"role": "admin"}),
        (f"/admin/h2e/staff/{salus_vrc}/roles", {"role": "admin"}),
        (f"/admin/salus/staff/{salus_vrc}/roles/vrc/remove", {}),
        (f"/admin/salus/staff/{salus_vrc}/deactivate", {}),
        ("/admin/salus/new", {"name": "X", "email": "x@example.test", "position": "P", "roles": "vrc"}),
    ):
        assert _post(client, url, data).status_code == 404, url
    assert _roles(salus_vrc, w.salus.id) == ["vrc"]
    assert db.session.get(User, salus_vrc).active
    assert db.session.scalars(select(User).where(User.email == "x@example.test")).first() is None
    assert _events("access.refused.404")


def test_create_an_account_keeps_input_on_errors_and_sends_an_invitation(app, client, make):
    w = world(make)
    sign_in(client, w.admin)
    page = client.get("/admin/h2e/new")
    body = page.get_data(as_text=True)
    # Only the roles a delivery partner may hold are offered.
    for role in ("vrc", "team_manager", "ooh", "admin"):
        assert f'value="{role}"' in body
    assert 'value="dpo"' not in body and 'value="dwp"' not in body

    response = client.post(
        "/admin/h2e/new", data={"csrf_token": csrf_from(page), "name": "", "email": "not-an-email", "position": "VRC"}
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "govuk-error-summary" in body
    assert "Enter their full name" in body and "Select at least one role" in body
    assert 'value="not-an-email"' in body and 'value="VRC"' in body  # input kept
    response = client.post(
        "/admin/h2e/new",
        data={
            "csrf_token": csrf_from(page),
            "name": "Pat Example",
            "email": "not-an-email",
            "position": "VRC",
            "roles": ["vrc"],
        },
    )
    assert "Enter an email address in the correct format" in response.get_data(as_text=True)
    # A role the organisation cannot hold is refused even if posted by hand.
    response = client.post(
        "/admin/h2e/new",
        data={
            "csrf_token": csrf_from(page),
            "name": "Pat Example",
            "email": "pat@example.test",
            "position": "VRC",
            "roles": ["dpo"],
        },
    )
    assert response.status_code == 200 and "govuk-error-summary" in response.get_data(as_text=True)

    response = client.post(
        "/admin/h2e/new",
        data={
            "csrf_token": csrf_from(page),
            "name": "Pat Example",
            "email": "Pat@Example.test",
            "position": "VRC",
            "roles": ["vrc", "ooh"],
        },
    )
    assert response.status_code == 303
    user = db.session.scalars(select(User).where(User.email == "pat@example.test")).one()
    assert response.headers["Location"] == f"/admin/h2e/staff/{user.id}"
    assert user.password_hash is None and user.totp_secret is None and user.active
    assert _roles(user.id, w.h2e.id) == ["ooh", "vrc"]
    invitation = db.session.scalars(select(Invitation).where(Invitation.user_id == user.id)).one()
    token = invitation_path(user.email).rsplit("/", 1)[1]
    assert token not in invitation.token_hash and len(invitation.token_hash) == 64
    member_page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Invited" in member_page and "email outbox" in member_page
    [created] = _events("staff.created")
    assert (created.user_id, created.org_id, created.object_id) == (w.admin.id, w.h2e.id, str(user.id))
    assert created.detail == {"roles": ["vrc", "ooh"]}
    assert "Pat" not in str(created.detail)
    assert _events("staff.invitation_issued")

    # The same email address again: refused, input kept.
    page = client.get("/admin/h2e/new")
    response = client.post(
        "/admin/h2e/new",
        data={
            "csrf_token": csrf_from(page),
            "name": "Pat Again",
            "email": "pat@example.test",
            "position": "VRC",
            "roles": ["vrc"],
        },
    )
    body = response.get_data(as_text=True)
    assert "An account with this email address already exists" in body and 'value="Pat Again"' in body


def test_lead_admin_creates_accounts_in_any_organisation_with_that_kind_of_roles(app, client, make):
    w = world(make)
    sign_in(client, w.lead_admin)
    page = client.get("/admin/dwp/new")
    body = page.get_data(as_text=True)
    assert 'value="dwp"' in body and 'value="vrc"' not in body
    response = client.post(
        "/admin/dwp/new",
        data={
            "csrf_token": csrf_from(page),
            "name": "Dee Analyst",
            "email": "dee@dwp.example.test",
            "position": "Analyst",
            "roles": ["dwp"],
        },
    )
    assert response.status_code == 303
    user = db.session.scalars(select(User).where(User.email == "dee@dwp.example.test")).one()
    assert _roles(user.id, w.dwp.id) == ["dwp"]


def test_grant_and_remove_roles(app, client, make):
    w = world(make)
    sign_in(client, w.admin)
    member_url = f"/admin/h2e/staff/{w.vrc.id}"
    page = client.get(member_url)
    body = page.get_data(as_text=True)
    assert 'value="team_manager"' in body and 'value="dpo"' not in body
    response = client.post(f"{member_url}/roles", data={"csrf_token": csrf_from(page), "role": "team_manager"})
    assert response.status_code == 303 and response.headers["Location"] == member_url
    assert _roles(w.vrc.id, w.h2e.id) == ["team_manager", "vrc"]
    [granted] = _events("staff.role_granted")
    assert granted.detail == {"role": "team_manager"} and granted.object_id == str(w.vrc.id)
    # The person is told, in the portal and by email.
    notice = db.session.scalars(select(Notification).where(Notification.user_id == w.vrc.id)).one()
    assert "Team manager" in notice.text

    # A role a delivery partner cannot hold, posted by hand, is refused.
    response = client.post(f"{member_url}/roles", data={"csrf_token": csrf_from(page), "role": "dpo"})
    assert response.status_code == 200 and "govuk-error-summary" in response.get_data(as_text=True)
    assert _roles(w.vrc.id, w.h2e.id) == ["team_manager", "vrc"]

    response = client.post(f"{member_url}/roles/vrc/remove", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 303
    assert _roles(w.vrc.id, w.h2e.id) == ["team_manager"]
    assert _events("staff.role_removed")[0].detail == {"role": "vrc"}
    # The last role cannot go: deactivate instead.
    response = client.post(f"{member_url}/roles/team_manager/remove", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 303
    assert _roles(w.vrc.id, w.h2e.id) == ["team_manager"]
    assert "This is their only role" in client.get(member_url).get_data(as_text=True)


def test_nobody_grants_or_removes_their_own_roles_or_deactivates_themselves(app, client, make):
    w = world(make)
    for admin, org in ((w.admin, w.h2e), (w.lead_admin, w.lead)):
        c = app.test_client()
        sign_in(c, admin)
        member_url = f"/admin/{org.slug}/staff/{admin.id}"
        page = c.get(member_url)
        body = page.get_data(as_text=True)
        assert "This is your own account" in body
        assert '/roles"' not in body and "/remove" not in body and "/deactivate" not in body
        token = csrf_from(page)
        assert c.post(f"{member_url}/roles", data={"csrf_token": token, "role": "team_manager"}).status_code == 403
        assert c.post(f"{member_url}/roles/admin/remove", data={"csrf_token": token}).status_code == 403
        assert c.get(f"{member_url}/deactivate").status_code == 403
        assert c.post(f"{member_url}/deactivate", data={"csrf_token": token}).status_code == 403
        assert _roles(admin.id, org.id) == ["admin"]
        assert db.session.get(User, admin.id).active
    assert len(_events("access.refused.403")) == 8
    # Another admin may change the lead admin's roles.
    sign_in(client, w.lead_admin)
    page = client.get(f"/admin/h2e/staff/{w.admin.id}")
    assert (
        client.post(
            f"/admin/h2e/staff/{w.admin.id}/roles", data={"csrf_token": csrf_from(page), "role": "vrc"}
        ).status_code
        == 303
    )
    assert _roles(w.admin.id, w.h2e.id) == ["admin", "vrc"]


def test_deactivation_ends_sessions_at_once_and_stops_sign_in(app, make):
    w = world(make)
    victim = app.test_client()
    sign_in(victim, w.vrc)
    cookie = victim.get_cookie("portal_session").value
    assert victim.get("/").status_code == 200

    admin = app.test_client()
    sign_in(admin, w.admin)
    confirm = admin.get(f"/admin/h2e/staff/{w.vrc.id}/deactivate")
    assert confirm.status_code == 200 and "Deactivate account" in confirm.get_data(as_text=True)
    response = admin.post(f"/admin/h2e/staff/{w.vrc.id}/deactivate", data={"csrf_token": csrf_from(confirm)})
    assert response.status_code == 303
    assert not db.session.get(User, w.vrc.id).active
    [event] = _events("staff.deactivated")
    assert event.object_id == str(w.vrc.id) and event.detail == {"sessions_ended": 1}

    # The open session is gone: the next request lands on sign-in, and so does a replayed cookie.
    assert victim.get("/").headers["Location"].startswith("/login")
    replay = app.test_client()
    replay.set_cookie("portal_session", cookie)
    assert replay.get("/").headers["Location"].startswith("/login")
    # And the account cannot sign in again.
    fresh = app.test_client()
    page = fresh.get("/login")
    response = fresh.post("/login", data={"csrf_token": csrf_from(page), "email": w.vrc.email, "password": PASSWORD})
    assert response.status_code == 200 and "not right" in response.get_data(as_text=True)
    assert "Deactivated" in admin.get("/admin/h2e/").get_data(as_text=True)


def test_an_org_admin_cannot_deactivate_an_account_with_roles_elsewhere(app, client, make):
    w = world(make)
    db.session.add(Membership(user_id=w.vrc.id, org_id=w.salus.id, role="vrc"))
    db.session.commit()
    sign_in(client, w.admin)
    page = client.get(f"/admin/h2e/staff/{w.vrc.id}/deactivate")
    assert "Ask the lead administrator" in page.get_data(as_text=True)
    response = client.post(f"/admin/h2e/staff/{w.vrc.id}/deactivate", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 200 and "govuk-error-summary" in response.get_data(as_text=True)
    assert db.session.get(User, w.vrc.id).active
    lead = app.test_client()
    sign_in(lead, w.lead_admin)
    page = lead.get(f"/admin/h2e/staff/{w.vrc.id}/deactivate")
    assert lead.post(f"/admin/h2e/staff/{w.vrc.id}/deactivate", data={"csrf_token": csrf_from(page)}).status_code == 303
    db.session.expire_all()
    assert not db.session.get(User, w.vrc.id).active


def test_a_new_invitation_replaces_the_old_link(app, client, make):
    w = world(make)
    sign_in(client, w.admin)
    page = client.get("/admin/h2e/new")
    client.post(
        "/admin/h2e/new",
        data={
            "csrf_token": csrf_from(page),
            "name": "Sam New",
            "email": "sam@example.test",
            "position": "VRC",
            "roles": ["vrc"],
        },
    )
    user = db.session.scalars(select(User).where(User.email == "sam@example.test")).one()
    first = invitation_path(user.email)
    response = client.post(f"/admin/h2e/staff/{user.id}/invitation", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 303
    second = invitation_path(user.email)
    assert first != second
    public = app.test_client()
    assert public.get(first).status_code == 404
    assert public.get(second).status_code == 200
    # An account already set up is not invited again.
    response = client.post(f"/admin/h2e/staff/{w.vrc.id}/invitation", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 303
    assert "not set up yet" in client.get(f"/admin/h2e/staff/{w.vrc.id}").get_data(as_text=True)
