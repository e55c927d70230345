"""Browser tests: Playwright driving Debian's Chromium against a live portal.

Write browser tests in this directory (tests/browser/test_<area>.py): every test
here is marked ``browser`` automatically. What they get:

``live_server`` (session)
    The portal served over http on 127.0.0.1 (a free port) by werkzeug in a
    background thread, ``PORTAL_ENV=test``, jobs inline, on **its own** SQLite
    database built by running the migrations and seeded with the demo data
    (``portal.demo.seed``, so every demo account and whatever later areas add
    through ``demo.EXTENSIONS`` exist). It is separate from the ``app`` fixture's
    database in both CI passes, so the per-test table clean-up of other tests
    never touches it and it never sees their rows. The data persists for the
    whole session: a test that changes something must create its own records
    (``with live_server.app.app_context(): Factory().user(...)``) rather than
    alter the shared demo accounts. ``live_server.url`` is the base URL,
    ``live_server.url_for(endpoint, **values)`` an absolute URL.

``browser`` (session)
    One Chromium for the whole run (never ``playwright install``).

``page`` / ``page_without_js``
    A fresh browser context (no cookies) and page whose ``base_url`` is the live
    server, so ``page.goto("/login")`` works. JavaScript on / off. The test fails
    if a page logged a console error (a CSP violation, a JavaScript error) or the
    server answered 5xx. ``new_page(javascript=True)`` makes more (two users).

``sign_in`` (fixture; call it ``sign_in(page, email, password=DEMO_PASSWORD)``)
    Signs an account of the live database in through the two pages (password,
    then a TOTP code computed from the account's secret at ``portal.clock``'s
    time) and checks it got past the sign-in pages. An account may be signed in
    any number of times: its last used code step is cleared first.

Plain helpers (``from tests.browser.conftest import assert_accessible, submit, ...``):

``assert_accessible(page)``
    Runs axe-core (offline) on the current page and fails on any violation of
    impact serious or critical, printing each with the offending elements. Works
    in ``page_without_js`` too (the rendered DOM is checked in a scratch page).
``submit(page, "Button text")``
    Presses a button and waits for the page it loads. Use it rather than a bare
    ``.click()`` on form buttons: an error state answers on the same URL, and
    without the wait the next check would read the old page.
``sign_out(page)``
    Presses "Sign out" and waits for the signed-out sign-in page.
``totp_code(live_server, email)``
    A code that works now for that account (for tests of the code step itself).

Time: ``portal.clock.freeze``/``advance`` in a browser test move the live
server's clock too (same process); the autouse fixture resets it after each test.
"""

import re
import threading
from dataclasses import dataclass

import pyotp
import pytest
from flask import Flask, url_for
from sqlalchemy import func, select
from werkzeug.serving import WSGIRequestHandler, make_server

from portal import clock, create_app
from portal.demo import DEMO_PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
BLOCKING_IMPACTS = ("serious", "critical")
TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(config, items):
    here = __file__.rsplit("/", 1)[0] + "/"
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.browser)


# ---------------------------------------------------------------- live server


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code="-", size="-"):
        pass  # errors still reach the log; one line per asset request would drown them


@dataclass
class LiveServer:
    app: Flask
    url: str

    def url_for(self, endpoint: str, **values) -> str:
        with self.app.test_request_context(base_url=self.url):
            return url_for(endpoint, _external=True, **values)


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    import os

    instance = tmp_path_factory.mktemp("browser-instance")
    previous = os.environ.get("PORTAL_INSTANCE_PATH")
    os.environ["PORTAL_INSTANCE_PATH"] = str(instance)
    try:
        app = create_app(
            {
                "PORTAL_ENV": "test",
                "SECRET_KEY": "browser-test-secret-key",
                # Its own database in both CI passes (see the module docstring);
                # explicit values win over DATABASE_URL/REDIS_URL in the environment.
                "DATABASE_URL": f"sqlite:///{instance}/browser.sqlite",
                "DATABASE_OWNER_URL": None,
                "REDIS_URL": None,
                # Plain http on 127.0.0.1: the test environment's Secure cookie would
                # never be sent back. Only this app instance is changed.
                "SESSION_COOKIE_SECURE": False,
            }
        )
    finally:
        if previous is None:
            os.environ.pop("PORTAL_INSTANCE_PATH", None)
        else:
            os.environ["PORTAL_INSTANCE_PATH"] = previous
    with app.app_context():
        from flask_migrate import upgrade

        from portal import demo
        from portal.extensions import db

        upgrade()
        demo.seed()
        db.session.remove()

    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["PUBLIC_BASE_URL"] = url
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    yield LiveServer(app=app, url=url)
    server.shutdown()
    thread.join(timeout=10)
    server.server_close()
    with app.app_context():
        from portal.extensions import db

        db.engine.dispose()


# ------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def _playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(_playwright):
    import os

    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium (make browser)")
    chromium = _playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def new_page(browser, live_server):
    """new_page(javascript=True): a page in a fresh context (its own cookies)."""
    contexts = []
    problems = []

    def make(javascript: bool = True):
        context = browser.new_context(
            base_url=live_server.url, java_script_enabled=javascript, viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        page = context.new_page()
        page.portal_javascript = javascript  # read by assert_accessible
        error_pages = set()  # pages a test visits on purpose (a 404 page): not a broken asset

        def on_response(response):
            if response.status >= 500:
                problems.append(f"HTTP {response.status}: {response.url}")
            elif response.status >= 400 and response.request.is_navigation_request():
                error_pages.add(response.url)

        def on_console(message):
            if message.type != "error":
                return
            if message.text.startswith("Failed to load resource") and message.location.get("url") in error_pages:
                return
            problems.append(f"console: {message.text} ({message.location.get('url') or page.url})")

        page.on("response", on_response)
        page.on("console", on_console)
        page.on("pageerror", lambda exc: problems.append(f"JavaScript error: {exc} ({page.url})"))
        return page

    yield make
    for context in contexts:
        context.close()
    assert not problems, "the browser saw problems:\n" + "\n".join(problems)


@pytest.fixture
def page(new_page):
    return new_page(javascript=True)


@pytest.fixture
def page_without_js(new_page):
    return new_page(javascript=False)


# ------------------------------------------------------------------- helpers


def totp_code(live_server, email: str) -> str:
    """A code for the account at the portal's current time, usable now: the last
    used step is cleared first (a code works once, and tests sign in often)."""
    from portal.extensions import db
    from portal.models import User

    with live_server.app.app_context():
        user = db.session.scalars(select(User).where(func.lower(User.email) == email.strip().lower())).first()
        assert user is not None, f"no account {email} in the live server's database"
        user.totp_last_step = None
        db.session.commit()
        code = pyotp.TOTP(user.totp_secret).at(clock.now())
        db.session.remove()
    return code


@pytest.fixture
def sign_in(live_server):
    def sign_in(page, email: str, password: str = DEMO_PASSWORD):
        page.goto("/login")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password", exact=True).fill(password)
        submit(page, "Continue")
        assert page.url.endswith("/login/code"), f"{email}: the password step failed ({page.url})"
        page.get_by_label("Security code").fill(totp_code(live_server, email))
        submit(page, "Sign in")
        assert "/login" not in page.url, f"{email} did not get past the sign-in pages ({page.url})"
        return page

    return sign_in


def submit(page, button: str):
    """Press a button (by its accessible name) and wait for the page it loads:
    a form that answers with the same URL (an error state) is waited for too."""
    with page.expect_navigation():
        page.get_by_role("button", name=button, exact=True).click()
    return page


def sign_out(page):
    submit(page, "Sign out")
    page.wait_for_url(re.compile(r"/login\?signed_out=1$"))


def assert_accessible(page, context=None):
    """No axe-core violation of impact serious or critical on the current page.

    With JavaScript off axe cannot run in the page itself (its timers never fire),
    so the page as rendered (its DOM, scripts removed) is checked in a scratch
    JavaScript-on page at the same address, with the same stylesheets."""
    if getattr(page, "portal_javascript", True) is False:
        return _assert_accessible_without_js(page, context)
    return _run_axe(page, context, page.url)


def _assert_accessible_without_js(page, context):
    html = re.sub(r"<script\b.*?</script>", "", page.content(), flags=re.S | re.I)
    url = page.url
    scratch = page.context.browser.new_context(viewport=page.viewport_size)
    try:
        scratch_page = scratch.new_page()
        scratch_page.route(
            lambda u: u == url,
            lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8", body=html),
        )
        scratch_page.goto(url)
        return _run_axe(scratch_page, context, url + " (JavaScript off)")
    finally:
        scratch.close()


def _run_axe(page, context, where: str):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, context=context)
    blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    if blocking:
        lines = [f"axe: {len(blocking)} serious/critical violation(s) on {where}"]
        for violation in blocking:
            lines.append(f"- [{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
            for node in violation["nodes"][:5]:
                lines.append(
                    f"    {' '.join(map(str, node['target']))}: {node.get('failureSummary', '').splitlines()[-1:]}"
                )
        report = "\n".join(lines)
        print(report)
        pytest.fail(report, pytrace=False)
    return results
