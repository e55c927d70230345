"""The lead admin's API client pages: the secret shown once and stored hashed, rotation,
revocation, and what each organisation's clients may do; and the demo client."""

import json
import re

from sqlalchemy import select

from portal.extensions import db
from portal.models import ApiClient, AuditEvent
from portal.models.api_client import sha256_hex
from tests.api.conftest import basic, bearer, get_token
from tests.reporting.conftest import post


def _shown(html: str, element_id: str) -> str:
    return re.search(rf'<code id="{element_id}">([^<]+)</code>', html).group(1)


def test_registering_shows_the_secret_once_and_keeps_its_hash(svc, login, http):
    admin = login(svc.lead_admin)
    form = admin.get("/admin/api-clients/new").get_data(as_text=True)
    assert "Department for Work and Pensions" in form and "Salus" not in form  # delivery partners hold no clients
    page = post(
        admin,
        "/admin/api-clients/new",
        {"organisation": str(svc.dwp_org.id), "name": "DWP reporting", "scopes": ["reports:read", "referrals:write"]},
    )
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "It is not kept and will not be shown again" in html
    client_id, secret = _shown(html, "client-id"), _shown(html, "client-secret")
    client = db.session.scalars(select(ApiClient)).one()
    assert client.client_id == client_id and client.secret_sha256 == sha256_hex(secret)
    assert client.scopes == ["reports:read", "referrals:write"] and client.created_by_id == svc.lead_admin.id
    listing = admin.get("/admin/api-clients/").get_data(as_text=True)
    assert client_id in listing and secret not in listing
    assert http.get("/api/v1/reports", headers=bearer(get_token(http, client_id, secret))).status_code == 200
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action.like("api_client.%"))).all()
    assert [e.action for e in events] == ["api_client.registered"] and secret not in str(events[0].detail)


def test_registration_problems_are_shown_on_the_form(svc, login):
    admin = login(svc.lead_admin)
    page = post(
        admin, "/admin/api-clients/new", {"organisation": str(svc.lead.id), "name": "", "scopes": ["referrals:write"]}
    )
    html = page.get_data(as_text=True)
    assert "Enter a name for the client" in html
    assert "A client of Ingeus UK may only read published contract reports" in html
    page = post(admin, "/admin/api-clients/new", {"organisation": str(svc.h2e.id), "name": "H2E", "scopes": []})
    html = page.get_data(as_text=True)
    assert "Select the organisation the client belongs to" in html and "Select what the client may do" in html
    assert db.session.scalars(select(ApiClient)).first() is None
    page = post(admin, "/admin/api-clients/new", {"organisation": str(2**63), "name": "X", "scopes": ["reports:read"]})
    assert "Select the organisation the client belongs to" in page.get_data(as_text=True)


def test_rotating_and_revoking_through_the_pages(svc, login, http, dwp_api):
    admin = login(svc.lead_admin)
    old_token = get_token(http, dwp_api.client_id, dwp_api.secret)
    page = post(admin, f"/admin/api-clients/{dwp_api.client.id}/rotate")
    new_secret = _shown(page.get_data(as_text=True), "client-secret")
    assert new_secret != dwp_api.secret
    assert http.get("/api/v1/reports", headers=bearer(old_token)).status_code == 401
    new_token = get_token(http, dwp_api.client_id, new_secret)
    response = post(admin, f"/admin/api-clients/{dwp_api.client.id}/revoke")
    assert response.status_code == 303 and response.headers["Location"].endswith("/admin/api-clients/")
    assert http.get("/api/v1/reports", headers=bearer(new_token)).status_code == 401
    assert (
        http.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, headers=basic(dwp_api.client_id, new_secret)
        ).status_code
        == 401
    )
    assert "Revoked" in admin.get("/admin/api-clients/").get_data(as_text=True)
    assert "register a new one" in admin.get(f"/admin/api-clients/{dwp_api.client.id}/rotate").get_data(as_text=True)


def test_only_the_lead_admin_manages_clients(svc, login, dwp_api):
    from portal.models import Membership

    dwp_admin = svc.dwp
    db.session.add(Membership(user_id=dwp_admin.id, org_id=svc.dwp_org.id, role="admin"))
    db.session.commit()
    for user in (svc.cm, svc.dpo, dwp_admin):
        client = login(user)
        assert client.get("/admin/api-clients/").status_code == 403
        assert post(client, f"/admin/api-clients/{dwp_api.client.id}/revoke").status_code == 403
    assert db.session.get(ApiClient, dwp_api.client.id).active


def test_seed_demo_creates_the_dwp_client_and_prints_it(app, http, tmp_path):
    out = tmp_path / "demo.json"
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo", "--json", str(out)]).exit_code == 0
    assert runner.invoke(args=["seed-demo"]).exit_code == 0  # twice changes nothing
    document = json.loads(out.read_text())
    [client] = document["api_clients"]
    assert client["org"] == "dwp" and client["scopes"] == ["reports:read", "referrals:write"]
    token = get_token(http, client["client_id"], client["client_secret"])
    assert http.get("/api/v1/reports", headers=bearer(token)).status_code == 200
    with app.app_context():
        assert len(db.session.scalars(select(ApiClient)).all()) == 1
        db.session.remove()
