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
from tests.registry import ROLES, all_cases, value_of
from tests.support import database
from tests.support.matrix import client_for, send, world  # noqa: F401 - world: a fixture, built once per module

CASES = all_cases()
IGNORED_METHODS = {"HEAD", "OPTIONS"}


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


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.method} {c.endpoint} {c.note}".strip())
def test_route_answers_each_role(app, world, case):
    failures = []
    rule = next(r for r in app.url_map.iter_rules(case.endpoint))
    for role in ROLES:
        with database.rolled_back(app):  # whatever a POST let through is undone
            args = dict(value_of(case.args, world) or {})
            if "org" in rule.arguments:
                args.setdefault("org", world.home.slug)
            with app.test_request_context():
                url = url_for(case.endpoint, **args)
            api = url.startswith(("/api/", "/oauth/"))
            client = client_for(app, world, role)
            response = send(client, case, url, world, api)
            expected = case.expected(role, api)
            if response.status_code != expected:
                failures.append(f"{role}: {response.status_code} (expected {expected}) {case.method} {url}")
            elif expected == 302 and role == "anonymous" and not case.public:
                if "/login" not in response.headers.get("Location", ""):
                    failures.append(f"{role}: redirected to {response.headers.get('Location')}, not /login")
            elif (
                expected == 303 and case.see_other_to and case.see_other_to not in response.headers.get("Location", "")
            ):
                failures.append(f"{role}: 303 to {response.headers.get('Location')}, not {case.see_other_to}")
        if "org" in rule.arguments and role != "anonymous":
            with database.rolled_back(app):
                with app.test_request_context():
                    other_url = url_for(case.endpoint, **dict(args, org=world.other.slug))
                response = send(client_for(app, world, role), case, other_url, world, api)
                if response.status_code != 404:
                    failures.append(
                        f"{role}: {response.status_code} on another organisation (expected 404) {other_url}"
                    )
    assert not failures, "\n".join(failures)


def test_refusals_on_tenant_routes_are_audited(app, world):
    from portal.models import AuditEvent

    c = client_for(app, world, "vrc")
    assert c.get(f"/{world.other.slug}/").status_code == 404
    with app.app_context():
        events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "access.refused.404")).all()
        assert [e.user_id for e in events] == [world.users["vrc"].id]
