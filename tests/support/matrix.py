"""The route matrix's world: every role at the home organisation, the lead partner and
DWP, and a record for each area's routes (tests/registry), built once per module that
uses the ``world`` fixture; each test then runs in a savepoint of it
(tests/support/database.py). The world's objects are detached, every column loaded: read
them freely, but change a row through ``db.session.get(Model, world.x.id)``. Also: a client
signed in as a role, and one request of a registry case with a valid CSRF token."""

import pytest

from portal.extensions import db
from tests.factories import Factory
from tests.registry import WORLD_BUILDERS, all_cases, new_world, value_of
from tests.support import database
from tests.support.web import csrf_token, sign_in

# Every route's case; loading the registry's area modules also registers their world
# builders, which build_world needs whoever imports it first.
CASES = all_cases()


def build_world():
    make = Factory()
    w = new_world()
    w.lead = make.org("ingeus", kind="lead", name="Ingeus UK")
    w.home = make.org("h2e", name="Health 2 Employment")
    w.other = make.org("salus", name="Salus")
    w.commissioner = make.org("dwp", kind="commissioner", name="DWP")
    w.users = {
        "vrc": make.user(w.home, ["vrc"]),
        "other_vrc": make.user(w.home, ["vrc"]),
        "team_manager": make.user(w.home, ["team_manager"]),
        "ooh": make.user(w.home, ["ooh"]),
        "ooh_lead": make.user(w.lead, ["ooh"]),
        "admin": make.user(w.home, ["admin"]),
        "dpo": make.user(w.lead, ["dpo"]),
        "contract_manager": make.user(w.lead, ["contract_manager"]),
        "lead_admin": make.user(w.lead, ["admin"]),
        "dwp": make.user(w.commissioner, ["dwp"]),
    }
    # Staff of the other organisation, so its lists are not empty.
    w.other_vrc_elsewhere = make.user(w.other, ["vrc"])
    for build in WORLD_BUILDERS:
        build(w)
    db.session.commit()
    return w


@pytest.fixture(scope="module")
def world(app):
    """The matrix's world, built once: every test's requests run in savepoints of it."""
    with database.rolled_back(app), app.app_context():
        built = build_world()
        database.detach_loaded(db.session)
        yield built


def client_for(app, world, role):
    """A test client signed in as ``role`` (a session stored directly: fast)."""
    if role == "anonymous":
        return app.test_client()
    return sign_in(app, world.users[role])


def send(client, case, url, world, api):
    kwargs = {"headers": case.headers or {}}
    if case.method != "GET" and not api:
        data = dict(value_of(case.data, world) or {})
        data["csrf_token"] = csrf_token(client)
        kwargs["data"] = data
    elif case.json is not None:
        kwargs["json"] = value_of(case.json, world)
    return client.open(url, method=case.method, **kwargs)
