"""SESSION_STORE=redis with Redis down (issue 15, item 11): every page that needs the
session answers a 503 "service unavailable" page, never a 500 or a stack trace; the
health check still answers and reports Redis as down. Redis is "down" by pointing
REDIS_URL at a port nothing listens on (no Redis server needed)."""

import socket

import pytest

from portal import create_app
from tests.audit.test_proxies import _same_database
from tests.factories import PASSWORD
from tests.registry import all_cases, case_url
from tests.support.matrix import build_world
from tests.support.web import csrf_from

UNAVAILABLE = "Sorry, the service is unavailable"
LEAKS = ("Traceback", "ConnectionError", "redis", "Redis", "Errno", "refused")


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # free once closed: nothing listens there


@pytest.fixture
def down(app):
    """The portal with its sessions in a Redis that cannot be reached."""
    return create_app(
        _same_database(
            app, SESSION_STORE="redis", JOBS_MODE="inline", REDIS_URL=f"redis://127.0.0.1:{_closed_port()}/6"
        )
    )


def _signed_in_browser(down):
    client = down.test_client()
    client.set_cookie("portal_session", "a-session-token-redis-would-have-held")
    return client


def _unavailable(response) -> bool:
    body = response.get_data(as_text=True)
    return (
        response.status_code == 503
        and UNAVAILABLE in body
        and "govuk-template" in body
        and response.headers["Retry-After"] == "60"
        and "Location" not in response.headers
        and not any(leak in body for leak in LEAKS)
    )


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/login",
        "/login/code",
        "/account/password",
        "/admin/",
        "/h2e/",
        "/dpo/",
        "/account/forgot-password",
        "/no-such-page",
    ],
)
def test_pages_answer_503_not_500(down, path):
    assert _unavailable(_signed_in_browser(down).get(path))


def test_posts_answer_503_not_a_csrf_400(down):
    client = _signed_in_browser(down)
    for path in ("/logout", "/login", "/account/password"):
        assert _unavailable(client.post(path, data={"csrf_token": "whatever"})), path


def test_the_health_check_reports_redis_down(down):
    for client in (down.test_client(), _signed_in_browser(down)):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.get_json() == {"database": "ok", "redis": "down"}


def test_passing_the_password_step_while_redis_is_down_is_a_503(down, make):
    """No cookie: the sign-in page itself needs nothing stored, but the session made
    at the password step cannot be kept: 503, not a redirect to a code step that would
    then find no session."""
    user = make.user(make.org("h2e"))
    client = down.test_client()
    page = client.get("/login")
    assert page.status_code == 200
    response = client.post("/login", data={"csrf_token": csrf_from(page), "email": user.email, "password": PASSWORD})
    assert _unavailable(response)
    assert client.get_cookie("portal_session") is None


def test_every_page_of_the_registry_answers_503(app, down):
    """Every GET of the route registry with a session cookie: 503, or, for what needs no
    session (health check, static files, the machine API), not a 5xx at all."""
    wrong = []
    with app.app_context():
        world = build_world()
        for case in all_cases():
            if case.method != "GET":
                continue
            url = case_url(app, case, world)
            response = _signed_in_browser(down).get(url)
            without_sessions = case.endpoint in ("health.healthz", "static") or url.startswith(("/api/", "/oauth/"))
            if without_sessions:
                if response.status_code >= 500:
                    wrong.append(f"{response.status_code} {url}")
            elif not _unavailable(response):
                wrong.append(f"{response.status_code} {url}")
    assert not wrong, "\n".join(wrong)
