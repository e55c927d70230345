"""Behind a reverse proxy (TRUSTED_PROXIES): the per-address sign-in limit and the
audit trail use the real client address, the one the trusted proxy recorded, never
the proxy's own address and never what a client wrote into X-Forwarded-For."""

from datetime import UTC, datetime

import pytest

from portal import clock, create_app
from portal.config import ConfigError
from tests.audit.helpers import events
from tests.audit.test_lockout import BLOCKED, NOT_RIGHT, _body, _cheap, _failures_from
from tests.factories import PASSWORD
from tests.support.web import csrf_from

PROXY = "10.0.0.2"  # the TLS proxy: every request reaches gunicorn from here
HOSTILE = "198.51.100.7"  # a client guessing passwords
VICTIM = "203.0.113.20"  # another client signing in meanwhile


@pytest.fixture(autouse=True)
def frozen():
    clock.freeze(datetime(2026, 7, 1, 12, 0, tzinfo=UTC))


def _same_database(app, **overrides) -> dict:
    keep = (
        "PORTAL_ENV",
        "SECRET_KEY",
        "PUBLIC_BASE_URL",
        "DATABASE_URL",
        "DATABASE_OWNER_URL",
        "REDIS_URL",
        "JOBS_MODE",
    )
    return {**{name: app.config[name] for name in keep if app.config.get(name)}, **overrides}


@pytest.fixture
def proxied(app):
    """The portal as deployed: one trusted proxy in front (same database as ``app``)."""
    return create_app(_same_database(app, TRUSTED_PROXIES=1))


def through_proxy(app, client_address: str, forwarded_for: str | None = None):
    """A client behind the proxy: the proxy appends the address it saw to whatever
    X-Forwarded-For the client sent (as nginx's $proxy_add_x_forwarded_for does)."""
    chain = f"{forwarded_for}, {client_address}" if forwarded_for else client_address
    client = app.test_client()
    client.environ_base.update(
        {
            "REMOTE_ADDR": PROXY,
            "HTTP_X_FORWARDED_FOR": chain,
            "HTTP_X_FORWARDED_PROTO": "https",
            # The browser's same-origin Referer, which Flask-WTF checks on
            # HTTPS: the forwarded scheme is what makes these requests HTTPS.
            "HTTP_REFERER": "https://localhost/login",
        }
    )
    return client


def attempt(client, email, password):
    page = client.get("/login")
    return client.post("/login", data={"csrf_token": csrf_from(page), "email": email, "password": password})


def test_one_hostile_address_behind_the_proxy_cannot_block_another(proxied, make):
    user = _cheap(make.user(make.org("h2e")))
    _failures_from(HOSTILE, 99)
    hostile = through_proxy(proxied, HOSTILE)
    assert BLOCKED in _body(attempt(hostile, "guess-100@example.test", "x-password"))
    [blocked] = events("signin.locked")
    assert blocked.detail["scope"] == "address" and blocked.source_address == HOSTILE  # not the proxy's
    # The hostile address is blocked, even with the right password...
    assert BLOCKED in _body(attempt(through_proxy(proxied, HOSTILE), user.email, PASSWORD))
    # ...while everyone else behind the same proxy signs in as usual.
    signed = attempt(through_proxy(proxied, VICTIM), user.email, PASSWORD)
    assert signed.status_code == 302 and signed.headers["Location"].endswith("/login/code")
    assert {e.source_address for e in events("signin.password_failed")} == {HOSTILE}


def test_a_forged_forwarded_for_prefix_cannot_choose_the_address(proxied, make):
    user = _cheap(make.user(make.org("h2e")))
    _failures_from(HOSTILE, 99)
    # The hostile client claims to be the victim: the proxy appends its real address,
    # and with one trusted proxy only the right-most entry counts.
    forged = through_proxy(proxied, HOSTILE, forwarded_for=f"{VICTIM}, 192.0.2.1")
    assert BLOCKED in _body(attempt(forged, "guess-100@example.test", "x-password"))
    assert events("signin.locked")[0].source_address == HOSTILE
    # Forging does not get the blocked client out either...
    assert BLOCKED in _body(attempt(through_proxy(proxied, HOSTILE, forwarded_for=VICTIM), user.email, PASSWORD))
    # ...and the victim it named was never blocked.
    assert attempt(through_proxy(proxied, VICTIM), user.email, PASSWORD).status_code == 302


def test_without_trusted_proxies_forwarded_headers_are_ignored(app, make):
    """The default (0): a client talking to gunicorn directly cannot pick its address."""
    assert app.config["TRUSTED_PROXIES"] == 0
    _failures_from(HOSTILE, 99)
    direct = app.test_client()
    direct.environ_base.update({"REMOTE_ADDR": HOSTILE, "HTTP_X_FORWARDED_FOR": VICTIM})
    assert BLOCKED in _body(attempt(direct, "guess-100@example.test", "x-password"))
    assert events("signin.locked")[0].source_address == HOSTILE


def test_the_proxy_count_is_a_checked_setting(app, monkeypatch):
    monkeypatch.setenv("TRUSTED_PROXIES", "2")
    assert create_app(_same_database(app)).config["TRUSTED_PROXIES"] == 2
    for wrong in ("one", "-1", "9"):
        monkeypatch.setenv("TRUSTED_PROXIES", wrong)
        with pytest.raises(ConfigError, match="TRUSTED_PROXIES"):
            create_app(_same_database(app))


def test_failures_of_many_clients_behind_the_proxy_add_up_for_none_of_them(proxied, app_ctx):
    """A hundred failures from five clients behind the proxy block none of them (before
    TRUSTED_PROXIES, all hundred counted against the proxy's one address)."""
    for n in range(5):
        _failures_from(f"198.51.100.{100 + n}", 20)
    assert NOT_RIGHT in _body(attempt(through_proxy(proxied, VICTIM), "nobody@example.test", "x-password"))
    assert events("signin.locked") == []


def test_a_client_cannot_choose_the_host_behind_the_proxy(proxied):
    """X-Forwarded-Host is not trusted (the proxy passes Host itself): a client's own
    header does not become the host the portal builds absolute URLs on."""
    client = through_proxy(proxied, VICTIM)
    client.environ_base["HTTP_X_FORWARDED_HOST"] = "attacker.example"
    seen = {}

    @proxied.after_request
    def _remember(response):
        from flask import request

        seen["host"] = request.host
        return response

    client.get("/login")
    assert seen["host"] == "localhost"
