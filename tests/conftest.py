"""Test fixtures: an app on a database built by running the migrations.

By default the suite runs on a fresh SQLite file with jobs inline. With
DATABASE_URL (the app's non-superuser role), DATABASE_OWNER_URL (the owner, for
migrations and clean-up) and REDIS_URL set, the same suite runs on PostgreSQL
and Redis (.ci/run creates a fresh database and role for each run).
"""
import os
import re

import pytest
from sqlalchemy import create_engine, text

from portal import clock, create_app
from portal.extensions import db
from tests.factories import Factory

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
        if "postgres" in item.keywords and not POSTGRES:
            item.add_marker(skip_pg)
        if "redis" in item.keywords and not REDIS:
            item.add_marker(skip_redis)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    config = {
        "PORTAL_ENV": "test",
        "SECRET_KEY": "test-secret-key",
        "PUBLIC_BASE_URL": "http://portal.test",
    }
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


_owner_engines = {}


def _owner_engine(app):
    """One engine for the whole run (the owner's, for migrations-level clean-up)."""
    url = app.config.get("DATABASE_OWNER_URL") or app.config["SQLALCHEMY_DATABASE_URI"]
    if url not in _owner_engines:
        _owner_engines[url] = create_engine(url)
    return _owner_engines[url]


def _clean(app):
    """Empty every table (as the owner: the app role may not delete audit rows).

    On PostgreSQL only the tables holding rows are truncated: TRUNCATE costs the same
    for an empty table as for a full one, and most tests touch a handful of tables.
    """
    tables = [t.name for t in reversed(db.metadata.sorted_tables)]
    engine = _owner_engine(app)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            probe = " UNION ALL ".join(
                f"SELECT '{t}' WHERE EXISTS (SELECT 1 FROM \"{t}\")" for t in tables
            )
            used = conn.execute(text(probe)).scalars().all()
            if used:
                conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in used) + " RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                conn.execute(text(f'DELETE FROM "{table}"'))
    if engine.dialect.name != "postgresql":
        engine.dispose()


@pytest.fixture(autouse=True)
def _fresh_state(request):
    """Each test starts with empty tables and the real clock."""
    clock.reset()
    yield
    clock.reset()
    if "app" in request.fixturenames:
        app = request.getfixturevalue("app")
        with app.app_context():
            db.session.remove()
        _clean(app)


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


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(response) -> str:
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, "page has no CSRF token"
    return match.group(1)


def pytest_sessionfinish(session, exitstatus):
    """CI's PostgreSQL + Redis pass runs everything: a skipped test fails it."""
    if os.environ.get("PORTAL_FAIL_ON_SKIP") and exitstatus == 0:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
        if skipped:
            reporter.write_line(f"FAILED: {skipped} test(s) skipped in the run that must skip none")
            session.exitstatus = 1
