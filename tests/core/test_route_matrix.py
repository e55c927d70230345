"""Every route × every role × own and other organisation, from the route registry.

A rule of app.url_map with no case in tests/registry fails here, so a new route is
covered the day it is added. POSTs carry a valid CSRF token, so a refusal is the
permission's, not CSRF's. The world is built once for the module; each request runs in
a savepoint rolled back after it, so a POST that gets through changes nothing the next
request sees.
"""

import pytest
from flask import url_for
from sqlalchemy import select

from portal.extensions import db
from tests.factories import Factory
from tests.support import database
from tests.support.web import csrf_token, sign_in
from tests.registry import ROLES, WORLD_BUILDERS, all_cases, new_world

CASES = all_cases()
IGNORED_METHODS = {"HEAD", "OPTIONS"}


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


def _value(spec, world):
    return spec(world) if callable(spec) else spec


def test_every_rule_has_a_case(app):
    covered = {(c.endpoint, c.method) for c in CASES}
    missing = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - IGNORED_METHODS):
            if (rule.endpoint, method) not in covered:
                missing.append(f"{method} {rule.rule} ({rule.endpoint})")
    assert not missing, "routes missing from tests/registry:\n" + "\n".join(missing)


def test_every_route_has_a_permission(app):
    from portal.web import permission_of

    unmarked = [rule.endpoint for rule in app.url_map.iter_rules() if permission_of(app, rule.endpoint) is None]
    assert not unmarked, f"routes without @requires or @public: {unmarked}"


def _request(client, case, url, world, api):
    kwargs = {"headers": case.headers or {}}
    if case.method != "GET" and not api:
        data = dict(_value(case.data, world) or {})
        data["csrf_token"] = csrf_token(client)
        kwargs["data"] = data
    elif case.json is not None:
        kwargs["json"] = _value(case.json, world)
    return client.open(url, method=case.method, **kwargs)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method} {c.endpoint} {c.note}".strip())
def test_route_answers_each_role(app, world, case):
    failures = []
    rule = next(r for r in app.url_map.iter_rules(case.endpoint))
    for role in ROLES:
        with database.rolled_back(app):  # whatever a POST let through is undone
            args = dict(_value(case.args, world) or {})
            if "org" in rule.arguments:
                args.setdefault("org", world.home.slug)
            with app.test_request_context():
                url = url_for(case.endpoint, **args)
            api = url.startswith(("/api/", "/oauth/"))
            client = client_for(app, world, role)
            response = _request(client, case, url, world, api)
            expected = case.expected(role, api)
            if response.status_code != expected:
                failures.append(f"{role}: {response.status_code} (expected {expected}) {case.method} {url}")
            elif expected == 302 and role == "anonymous" and not case.public:
                if "/login" not in response.headers.get("Location", ""):
                    failures.append(f"{role}: redirected to {response.headers.get('Location')}, not /login")
            elif expected == 303 and case.see_other_to and case.see_other_to not in response.headers.get("Location", ""):
                failures.append(f"{role}: 303 to {response.headers.get('Location')}, not {case.see_other_to}")
        if "org" in rule.arguments and role != "anonymous":
            with database.rolled_back(app):
                with app.test_request_context():
                    other_url = url_for(case.endpoint, **dict(args, org=world.other.slug))
                response = _request(client_for(app, world, role), case, other_url, world, api)
                if response.status_code != 404:
                    failures.append(f"{role}: {response.status_code} on another organisation (expected 404) {other_url}")
    assert not failures, "\n".join(failures)


def test_refusals_on_tenant_routes_are_audited(app, world):
    from portal.models import AuditEvent

    c = client_for(app, world, "vrc")
    assert c.get(f"/{world.other.slug}/").status_code == 404
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "access.refused.404")).all()
        assert [e.user_id for e in events] == [world.users["vrc"].id]
