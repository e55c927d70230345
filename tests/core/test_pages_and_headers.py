"""Headers on every response, error pages, CSRF, body limits and the health check."""

import pytest

from tests.factories import PASSWORD, sign_in
from tests.support.web import csrf_from


def test_security_headers_on_public_page(client, app_ctx):
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "'nonce-" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"]
    assert "max-age" in response.headers["Strict-Transport-Security"]  # test is not development


def test_nonce_differs_per_request_and_matches_scripts(client, app_ctx):
    first = client.get("/login")
    second = client.get("/login")
    nonce = first.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert nonce != second.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    body = first.get_data(as_text=True)
    assert body.count("<script") == body.count(f'nonce="{nonce}"')


def test_signed_in_pages_are_not_cached(client, make):
    sign_in(client, make.user(make.org("h2e")))
    assert client.get("/").headers["Cache-Control"] == "no-store"
    assert client.get("/h2e/").headers["Cache-Control"] == "no-store"


def test_session_cookie_flags(client, make):
    """The anonymous CSRF cookie and, from the password step, the session cookie."""
    user = make.user(make.org("h2e"))
    page = client.get("/login")
    [csrf_cookie] = [h for h in page.headers.getlist("Set-Cookie") if h.startswith("portal_csrf=")]
    response = client.post("/login", data={"csrf_token": csrf_from(page), "email": user.email, "password": PASSWORD})
    [header] = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("portal_session=")]
    for cookie in (csrf_cookie, header):
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie
        assert "Secure" in cookie


def test_post_without_csrf_is_refused(client, make):
    user = make.user(make.org("h2e"))
    client.get("/login")
    response = client.post("/login", data={"email": user.email, "password": "x"})
    assert response.status_code == 400
    assert "Reference" in response.get_data(as_text=True)


def test_500_page_has_reference_and_no_stack_trace(client, app_ctx):
    response = client.get("/_test/raise")
    body = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "Reference:" in body
    assert "Traceback" not in body and "deliberate failure" not in body


def test_404_page(client, make):
    sign_in(client, make.user(make.org("h2e")))
    response = client.get("/no-such-org/")
    assert response.status_code == 404
    assert "Reference:" in response.get_data(as_text=True)


def test_403_page_has_a_reference_and_sign_out_and_is_not_cached(client, make):
    sign_in(client, make.user(make.org("h2e"), roles=["vrc"]))
    response = client.get("/admin/")  # staff accounts: admins only
    body = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "Reference:" in body and "Traceback" not in body
    assert 'action="/logout"' in body  # sign-out from every page, error pages too
    assert response.headers["Cache-Control"] == "no-store"


def test_oversized_body_answers_413_with_a_page(client, app):
    response = client.post("/login", data={"email": "x" * (app.config["MAX_CONTENT_LENGTH"] + 10)})
    assert response.status_code == 413
    assert "too large" in response.get_data(as_text=True)


def test_healthz(client, app):
    response = client.get("/healthz")
    assert response.status_code == 200
    expected_redis = "ok" if app.config.get("REDIS_URL") else "inline"
    assert response.get_json() == {"database": "ok", "redis": expected_redis}


def test_healthz_database_down(app, monkeypatch):
    from portal.extensions import db

    def broken(*args, **kwargs):
        raise RuntimeError("database unreachable")

    client = app.test_client()
    with app.app_context():
        monkeypatch.setattr(db.session, "execute", broken)
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.get_json()["database"] == "down"


def test_healthz_redis_down_is_reported_but_still_usable(app, monkeypatch):
    # Nothing listens on port 1: the configured Redis is down; the database answers.
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")
    monkeypatch.delitem(app.extensions, "portal_redis", raising=False)
    response = app.test_client().get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"database": "ok", "redis": "down"}


def test_production_refuses_to_start_without_settings(monkeypatch):
    from portal import create_app
    from portal.config import ConfigError

    for name in ("SECRET_KEY", "DATABASE_URL", "NOTIFY_API_KEY", "NOTIFY_TEMPLATE_EMAIL", "PORTAL_ENV"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ConfigError):
        create_app()
    with pytest.raises(ConfigError):
        create_app({"SECRET_KEY": "x", "DATABASE_URL": "sqlite://"})
    app = create_app(
        {"SECRET_KEY": "x", "DATABASE_URL": "sqlite://", "NOTIFY_API_KEY": "k", "NOTIFY_TEMPLATE_EMAIL": "t"}
    )
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["HSTS"]


def test_a_session_store_is_database_or_redis_with_redis_configured():
    from portal import create_app
    from portal.config import ConfigError

    base = {"PORTAL_ENV": "test", "DATABASE_URL": "sqlite://"}
    assert create_app(base).config["SESSION_STORE"] == "database"
    with pytest.raises(ConfigError, match="needs REDIS_URL"):
        create_app({**base, "SESSION_STORE": "redis", "REDIS_URL": None})
    with pytest.raises(ConfigError, match="database or redis"):
        create_app({**base, "SESSION_STORE": "files"})
    assert (
        create_app({**base, "SESSION_STORE": "redis", "REDIS_URL": "redis://127.0.0.1:6379/0"}).config["SESSION_STORE"]
        == "redis"
    )


def test_development_has_no_hsts_and_no_secure_cookie(tmp_path):
    from portal import create_app

    app = create_app({"PORTAL_ENV": "development", "DATABASE_URL": f"sqlite:///{tmp_path}/d.sqlite"})
    assert not app.config["HSTS"]
    assert not app.config["SESSION_COOKIE_SECURE"]


def test_settings_come_from_instance_portal_cfg_and_the_environment_wins(tmp_path, monkeypatch):
    from portal import create_app

    (tmp_path / "portal.cfg").write_text(
        'LOCKOUT_ACCOUNT_FAILURES = 7\nPUBLIC_BASE_URL = "https://from-the-file.example"\n'
    )
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://from-the-environment.example")
    app = create_app({"PORTAL_ENV": "development", "DATABASE_URL": f"sqlite:///{tmp_path}/d.sqlite"})
    assert app.config["LOCKOUT_ACCOUNT_FAILURES"] == 7
    assert app.config["PUBLIC_BASE_URL"] == "https://from-the-environment.example"
