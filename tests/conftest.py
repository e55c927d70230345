"""Test fixtures: an app on a database built by running the migrations.

By default the suite runs on a fresh SQLite file with jobs inline. With
DATABASE_URL (the app's non-superuser role), DATABASE_OWNER_URL (the owner, for
migrations and clean-up) and REDIS_URL set, the same suite runs on PostgreSQL
and Redis (.ci/run creates a fresh database and role for each run).
"""

import os
import re

import pytest

from portal import clock, create_app
from portal.extensions import db
from tests.factories import Factory
from tests.support import database
from tests.support.web import sign_in

POSTGRES = bool(os.environ.get("DATABASE_URL", "").startswith("postgres"))
REDIS = bool(os.environ.get("REDIS_URL"))
# Under pytest-xdist (`make test` runs two workers) each worker has a database and a
# Redis DB of its own: "<database>_gw0", "<database>_gw1", … (.ci/run and
# scripts/pg-env.sh create them) and the Redis DB number plus the worker's index.
WORKER = os.environ.get("PYTEST_XDIST_WORKER")


def _own_to_this_worker() -> None:
    """Point DATABASE_URL, DATABASE_OWNER_URL and REDIS_URL at this worker's own, in the
    environment too, so that subprocesses (the rq worker tests) use the same."""
    if not WORKER:
        return
    for name in ("DATABASE_URL", "DATABASE_OWNER_URL"):
        url = os.environ.get(name, "")
        if url.startswith("postgres"):
            base, _, query = url.partition("?")
            os.environ[name] = f"{base}_{WORKER}" + (f"?{query}" if query else "")
    url = os.environ.get("REDIS_URL", "")
    match = re.fullmatch(r"(redis://[^/]+)/(\d+)", url)
    if match:
        os.environ["REDIS_URL"] = f"{match.group(1)}/{int(match.group(2)) + int(WORKER.removeprefix('gw'))}"


_own_to_this_worker()


def pytest_collection_modifyitems(config, items):
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL (DATABASE_URL); runs in CI's second pass")
    skip_redis = pytest.mark.skip(reason="needs Redis (REDIS_URL); runs in CI's second pass")
    for item in items:
        if "browser" in item.keywords and "committed" not in item.keywords:
            item.add_marker(pytest.mark.committed)  # the live server is another connection
        if "postgres" in item.keywords and not POSTGRES:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not REDIS:
            item.add_marker(skip_redis)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    config = {"PORTAL_ENV": "test", "SECRET_KEY": "test-secret-key", "PUBLIC_BASE_URL": "http://portal.test"}
    if POSTGRES:
        config["DATABASE_URL"] = os.environ["DATABASE_URL"]
        config["DATABASE_OWNER_URL"] = os.environ.get("DATABASE_OWNER_URL") or os.environ["DATABASE_URL"]
    else:
        config["DATABASE_URL"] = f"sqlite:///{instance}/test.sqlite"
    config["REDIS_URL"] = os.environ.get("REDIS_URL") or None
    # Jobs run as each request ends (or at once outside one): inline on SQLite, through
    # rq's synchronous queue on Redis. Tests of the real worker switch to "rq" themselves.
    config["JOBS_MODE"] = "rq-sync" if REDIS else "inline"
    os.environ["PORTAL_INSTANCE_PATH"] = str(instance)
    application = create_app(config)
    with application.app_context():
        from flask_migrate import upgrade

        upgrade()
    yield application


@pytest.fixture(autouse=True)
def _fresh_state(request):
    """Each test starts with the real clock and sees no other test's rows: it runs inside
    a transaction rolled back at its end, or, marked ``committed``, commits for real and
    has every table emptied after it (tests/support/database.py)."""
    clock.reset()
    if "app" not in request.fixturenames:
        yield
        clock.reset()
        return
    app = request.getfixturevalue("app")
    isolation = database.committed if request.node.get_closest_marker("committed") else database.rolled_back
    with isolation(app):
        yield
        clock.reset()


@pytest.fixture
def app_ctx(app):
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def make(app_ctx):
    """Factories for organisations, users and (later) participants."""
    return Factory()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def login(app):
    """login(user) -> a test client signed in as ``user`` (tests/support/web.py)."""
    return lambda user: sign_in(app, user)


def pytest_sessionfinish(session, exitstatus):
    """CI's PostgreSQL + Redis pass runs everything: a skipped test fails it."""
    if os.environ.get("PORTAL_FAIL_ON_SKIP") and exitstatus == 0:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
        if skipped:
            reporter.write_line(f"FAILED: {skipped} test(s) skipped in the run that must skip none")
            session.exitstatus = 1
