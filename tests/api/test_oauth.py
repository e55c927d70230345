"""OAuth2 client credentials: the token endpoint, scopes, expiry, rotation and
revocation, hashed storage, the rate limit and JSON errors."""

from datetime import timedelta

from sqlalchemy import func, select

from portal import clock
from portal.api import api_clients
from portal.extensions import db
from portal.models import ApiClient, ApiToken, AuditEvent
from portal.models.api_client import sha256_hex
from tests.api.conftest import basic, bearer, get_token


def test_client_secret_basic_and_post_both_give_a_one_hour_bearer_token(http, dwp_api):
    by_basic = http.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, headers=basic(dwp_api.client_id, dwp_api.secret)
    )
    body = by_basic.get_json()
    assert by_basic.status_code == 200 and by_basic.headers["Cache-Control"] == "no-store"
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["scope"] == "reports:read referrals:write"
    by_post = http.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": dwp_api.client_id,
            "client_secret": dwp_api.secret,
            "scope": "reports:read",
        },
    )
    assert by_post.status_code == 200 and by_post.get_json()["scope"] == "reports:read"
    assert http.get("/api/v1/reports", headers=bearer(by_post.get_json()["access_token"])).status_code == 200


def test_tokens_and_secrets_are_stored_only_as_hashes(http, dwp_api):
    token = get_token(http, dwp_api.client_id, dwp_api.secret)
    row = db.session.scalars(select(ApiToken)).one()
    assert row.token_sha256 == sha256_hex(token) and token not in str(row.__dict__)
    client = db.session.get(ApiClient, dwp_api.client.id)
    assert client.secret_sha256 == sha256_hex(dwp_api.secret) and dwp_api.secret not in str(client.__dict__)
    issued = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "api.token_issued")).one()
    assert token not in str(issued.detail) and issued.detail["client_id"] == dwp_api.client_id


def test_bad_credentials_are_refused(http, dwp_api):
    wrong = http.post(
        "/oauth/token", data={"grant_type": "client_credentials"}, headers=basic(dwp_api.client_id, "not-the-secret")
    )
    assert wrong.status_code == 401 and wrong.get_json()["error"] == "invalid_client"
    unknown = http.post("/oauth/token", data={"grant_type": "client_credentials"}, headers=basic("nobody", "x"))
    assert unknown.status_code == 401
    # Credentials in the query string are never read (they would end up in logs).
    in_query = http.post(
        f"/oauth/token?grant_type=client_credentials&client_id={dwp_api.client_id}&client_secret={dwp_api.secret}"
    )
    assert in_query.status_code == 400 and in_query.get_json()["error"] == "unsupported_grant_type"
    other_grant = http.post(
        "/oauth/token",
        data={"grant_type": "password", "username": "x", "password": "y"},
        headers=basic(dwp_api.client_id, dwp_api.secret),
    )
    assert other_grant.status_code == 400 and other_grant.get_json()["error"] == "unsupported_grant_type"


def test_a_scope_the_client_does_not_hold_is_refused(http, svc, dwp_api):
    lead = api_clients.register(svc.lead.id, "Lead reporting", ["reports:read"], svc.lead_admin.id)
    response = http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": "referrals:write"},
        headers=basic(lead.client.client_id, lead.secret),
    )
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_scope"
    response = http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials", "scope": "admin"},
        headers=basic(dwp_api.client_id, dwp_api.secret),
    )
    assert response.status_code == 400 and response.get_json()["error"] == "invalid_scope"


def test_no_token_is_401_and_a_missing_scope_is_403(http, dwp_api):
    none = http.get("/api/v1/reports")
    assert none.status_code == 401 and none.is_json and none.headers["WWW-Authenticate"].startswith("Bearer")
    bogus = http.get("/api/v1/reports", headers=bearer("not-a-token"))
    assert bogus.status_code == 401 and bogus.get_json()["error"] == "invalid_token"
    reader = get_token(http, dwp_api.client_id, dwp_api.secret, "reports:read")
    refused = http.post("/api/v1/referrals", json={}, headers=bearer(reader))
    assert refused.status_code == 403 and refused.get_json()["error"] == "insufficient_scope"
    writer = get_token(http, dwp_api.client_id, dwp_api.secret, "referrals:write")
    assert http.get("/api/v1/reports", headers=bearer(writer)).status_code == 403


def test_a_staff_session_is_not_a_token(http, svc, login):
    signed_in = login(svc.dwp)
    response = signed_in.get("/api/v1/reports")
    assert response.status_code == 401 and response.is_json


def test_tokens_expire_after_an_hour(http, dwp_api):
    clock.freeze(clock.now())
    token = get_token(http, dwp_api.client_id, dwp_api.secret)
    clock.advance(timedelta(minutes=59, seconds=59))
    assert http.get("/api/v1/reports", headers=bearer(token)).status_code == 200
    clock.advance(timedelta(seconds=1))
    expired = http.get("/api/v1/reports", headers=bearer(token))
    assert expired.status_code == 401 and expired.get_json()["error"] == "invalid_token"


def test_rotating_the_secret_ends_the_old_secret_and_tokens(http, svc, dwp_api):
    token = get_token(http, dwp_api.client_id, dwp_api.secret)
    rotated = api_clients.rotate(db.session.get(ApiClient, dwp_api.client.id), svc.lead_admin.id)
    assert http.get("/api/v1/reports", headers=bearer(token)).status_code == 401
    assert (
        http.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, headers=basic(dwp_api.client_id, dwp_api.secret)
        ).status_code
        == 401
    )
    fresh = get_token(http, dwp_api.client_id, rotated.secret)
    assert http.get("/api/v1/reports", headers=bearer(fresh)).status_code == 200


def test_revoking_the_client_ends_everything(http, svc, dwp_api):
    token = get_token(http, dwp_api.client_id, dwp_api.secret)
    api_clients.revoke(db.session.get(ApiClient, dwp_api.client.id), svc.lead_admin.id)
    assert http.get("/api/v1/reports", headers=bearer(token)).status_code == 401
    assert (
        http.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, headers=basic(dwp_api.client_id, dwp_api.secret)
        ).status_code
        == 401
    )


def test_each_client_is_rate_limited_in_fixed_windows(http, app, svc, dwp_api):
    other = api_clients.register(svc.dwp_org.id, "Another DWP system", ["reports:read"], svc.lead_admin.id)
    clock.freeze(clock.now().replace(second=5, microsecond=0))
    token = get_token(http, dwp_api.client_id, dwp_api.secret)
    other_token = get_token(http, other.client.client_id, other.secret)
    app.config["API_RATE_LIMIT"] = 4  # the token request counts in the window too
    try:
        codes = [http.get("/api/v1/reports", headers=bearer(token)).status_code for _ in range(4)]
        assert codes == [200, 200, 200, 429]
        limited = http.get("/api/v1/reports", headers=bearer(token))
        assert limited.get_json()["error"] == "rate_limited" and limited.headers["Retry-After"] == "55"
        assert http.get("/api/v1/reports", headers=bearer(other_token)).status_code == 200  # its own window
        clock.advance(timedelta(seconds=55))
        assert http.get("/api/v1/reports", headers=bearer(token)).status_code == 200
    finally:
        app.config["API_RATE_LIMIT"] = 120


def test_token_requests_count_in_the_client_window(http, app, svc, dwp_api):
    other = api_clients.register(svc.dwp_org.id, "Another DWP system", ["reports:read"], svc.lead_admin.id)
    clock.freeze(clock.now().replace(second=10, microsecond=0))
    app.config["API_RATE_LIMIT"] = 2
    try:
        token = get_token(http, dwp_api.client_id, dwp_api.secret)
        assert http.get("/api/v1/reports", headers=bearer(token)).status_code == 200
        limited = http.post(
            "/oauth/token", data={"grant_type": "client_credentials"}, headers=basic(dwp_api.client_id, dwp_api.secret)
        )
        assert limited.status_code == 429 and limited.get_json()["error"] == "rate_limited"
        assert limited.headers["Retry-After"] == "50"
        assert (
            db.session.scalar(select(func.count()).select_from(ApiToken).where(ApiToken.client_pk == dwp_api.client.id))
            == 1
        )
        # A wrong secret is refused before counting: nobody can use up another client's window.
        for _ in range(3):
            assert (
                http.post(
                    "/oauth/token",
                    data={"grant_type": "client_credentials"},
                    headers=basic(other.client.client_id, "wrong"),
                ).status_code
                == 401
            )
        get_token(http, other.client.client_id, other.secret)
        clock.advance(timedelta(seconds=50))
        get_token(http, dwp_api.client_id, dwp_api.secret)
    finally:
        app.config["API_RATE_LIMIT"] = 120


def test_every_api_call_is_audited(http, dwp_api):
    token = get_token(http, dwp_api.client_id, dwp_api.secret)
    http.get("/api/v1/reports", headers=bearer(token))
    http.get("/api/v1/reports")
    http.get("/api/v1/reports/424242", headers=bearer(token))
    http.get("/api/v2/anything")
    http.get("/dwp/")  # not the API
    calls = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "api.call").order_by(AuditEvent.seq)).all()
    assert [(c.detail["endpoint"], c.detail["status"], c.detail.get("client_id")) for c in calls] == [
        ("api.token", 200, dwp_api.client_id),
        ("api.reports", 200, dwp_api.client_id),
        ("api.reports", 401, None),
        ("api.report", 404, dwp_api.client_id),
        (None, 404, None),
    ]
    assert [c.outcome for c in calls] == ["ok", "ok", "refused", "refused", "refused"]


def test_api_errors_are_json_never_html(http, dwp_api):
    token = get_token(http, dwp_api.client_id, dwp_api.secret)
    for response in (
        http.get("/api/v1/nothing-here"),
        http.delete("/api/v1/reports", headers=bearer(token)),
        http.get("/oauth/token"),
        http.get("/api/v1/reports/1", headers=bearer(token)),
    ):
        assert response.is_json, response.get_data(as_text=True)[:200]
        assert "<html" not in response.get_data(as_text=True)
        assert response.get_json()["error"]
