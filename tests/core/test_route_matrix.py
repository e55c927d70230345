"""Every route × every role × own and other organisation, from the route registry.

A rule of app.url_map with no case in tests/registry fails here, so a new route is
covered the day it is added. POSTs carry a valid CSRF token, so a refusal is the
permission's, not CSRF's.
"""
import secrets

import pytest
from flask import url_for
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.models import StaffSession
from portal.sessions import _key
from tests.conftest import _clean, csrf_from
from tests.factories import Factory
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


def client_for(app, world, role):
    """A test client signed in as ``role`` (a session row made directly: fast)."""
    client = app.test_client()
    if role == "anonymous":
        return client
    user = world.users[role]
    token = secrets.token_urlsafe(32)
    now = clock.now()
    db.session.add(StaffSession(id=_key(token), user_id=user.id, created_at=now, last_seen_at=now,
                                data={"_user_id": str(user.id), "_fresh": True}))
    db.session.commit()
    client.set_cookie("portal_session", token)
    return client


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
        page = client.get("/") if client.get_cookie("portal_session") else client.get("/login")
        if page.status_code != 200:
            page = client.get("/login")
        data = dict(_value(case.data, world) or {})
        data["csrf_token"] = csrf_from(page)
        kwargs["data"] = data
    elif case.json is not None:
        kwargs["json"] = _value(case.json, world)
    return client.open(url, method=case.method, **kwargs)


def _let_through(response) -> bool:
    """Whether a request may have changed anything: refusals (4xx), the sign-in redirect
    and the 303 to the verbal-consent check change nothing but the audit trail."""
    if response.status_code >= 400:
        return False
    location = response.headers.get("Location", "")
    return not ((response.status_code == 302 and "/login" in location)
                or (response.status_code == 303 and location.endswith("/check")))


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method} {c.endpoint} {c.note}".strip())
def test_route_answers_each_role(app, case):
    api = False
    mutating = case.method != "GET"
    with app.app_context():
        world = build_world()
        failures = []
        dirty = False  # a POST that was let through may have changed the world: rebuild it
        for role in ROLES:
            if mutating and dirty:
                db.session.remove()
                _clean(app)
                world = build_world()
                dirty = False
            args = dict(_value(case.args, world) or {})
            rule = next(r for r in app.url_map.iter_rules(case.endpoint))
            if "org" in rule.arguments:
                args.setdefault("org", world.home.slug)
            with app.test_request_context():
                url = url_for(case.endpoint, **args)
            api = url.startswith(("/api/", "/oauth/"))
            client = client_for(app, world, role)
            response = _request(client, case, url, world, api)
            dirty = dirty or _let_through(response)
            expected = case.expected(role, api)
            if response.status_code != expected:
                failures.append(f"{role}: {response.status_code} (expected {expected}) {case.method} {url}")
            elif expected == 302 and role == "anonymous" and not case.public:
                if "/login" not in response.headers.get("Location", ""):
                    failures.append(f"{role}: redirected to {response.headers.get('Location')}, not /login")
            elif expected == 303 and case.see_other_to and case.see_other_to not in response.headers.get("Location", ""):
                failures.append(f"{role}: 303 to {response.headers.get('Location')}, not {case.see_other_to}")
            if "org" in rule.arguments and role != "anonymous":
                other_args = dict(args, org=world.other.slug)
                with app.test_request_context():
                    other_url = url_for(case.endpoint, **other_args)
                response = _request(client_for(app, world, role), case, other_url, world, api)
                dirty = dirty or _let_through(response)
                if response.status_code != 404:
                    failures.append(f"{role}: {response.status_code} on another organisation (expected 404) {other_url}")
        assert not failures, "\n".join(failures)


def test_refusals_on_tenant_routes_are_audited(app, client):
    from portal.models import AuditEvent

    with app.app_context():
        world = build_world()
        c = client_for(app, world, "vrc")
        assert c.get(f"/{world.other.slug}/").status_code == 404
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "access.refused.404")).all()
        assert [e.user_id for e in events] == [world.users["vrc"].id]
