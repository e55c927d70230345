"""Rule 9: staff whose data protection training is more than 12 months old cannot open
participant records. Walks every participant route of the route registry, GET and
POST (a POST with one role; URLs holding /participants/, the DPO's own pages and the API aside, and the
organisation's caseload, team, referral, out-of-hours and callback pages), with a
lapsed VRC, team manager and out-of-hours worker of h2e, and expects the gate page
saying why and whom to ask (the organisation's admin, by name)."""
from dateutil.relativedelta import relativedelta
from flask import url_for

from portal import clock
from portal.extensions import db
from tests.conftest import csrf_from
from tests.core.test_route_matrix import CASES, _value, build_world, client_for

LAPSED_ROLES = ("vrc", "team_manager", "ooh")
# Pages under /<org>/ that list or change participants without /participants/ in the URL.
LIST_PREFIXES = ("/<org>/caseload", "/<org>/team/", "/<org>/referrals/", "/<org>/ooh-log", "/<org>/callbacks/",
                 "/ooh/")


def _participant_cases(app):
    found = []
    for case in CASES:
        rule = next(r for r in app.url_map.iter_rules(case.endpoint) if case.method in r.methods)
        if rule.rule.startswith(("/dpo/", "/api/")):
            continue
        if "/participants/" in rule.rule:
            found.append((case, rule, (404,)))
        elif rule.rule.startswith(LIST_PREFIXES):
            found.append((case, rule, (403, 404)))  # a role without the permission is refused by it
    return found


def test_every_participant_route_shows_the_training_gate(app):
    cases = _participant_cases(app)
    assert len(cases) > 60, "the registry should hold many participant routes"
    assert {c.method for c, _, _ in cases} == {"GET", "POST"}
    failures, checked = [], 0
    with app.app_context():
        world = build_world()
        lapsed_on = clock.today() - relativedelta(months=12, days=1)
        for role in LAPSED_ROLES:
            world.users[role].dp_training_completed_on = lapsed_on
        db.session.commit()
        admin_name = world.users["admin"].name
        clients = {role: client_for(app, world, role) for role in LAPSED_ROLES}
        tokens = {role: csrf_from(clients[role].get("/")) for role in LAPSED_ROLES}
        for case, rule, skipped in cases:
            args = dict(_value(case.args, world) or {})
            if "org" in rule.arguments:
                args.setdefault("org", world.home.slug)
            with app.test_request_context():
                url = url_for(case.endpoint, **args)
            roles = [r for r in LAPSED_ROLES if case.expected(r, False) not in skipped]
            # (the 404 comes first, no leak; or the role may not do this at all).
            # A POST is refused before its form is read: one role is enough.
            for role in roles if case.method == "GET" else roles[:1]:
                checked += 1
                if case.method == "GET":
                    response = clients[role].get(url)
                else:
                    data = {**(_value(case.data, world) or {}), "csrf_token": tokens[role]}
                    response = clients[role].open(url, method=case.method, data=data)
                html = response.get_data(as_text=True)
                if response.status_code != 403 or "data protection training" not in html or admin_name not in html:
                    failures.append(f"{role}: {response.status_code} {case.method} {url}")
    assert not failures, "\n".join(failures)
    assert checked > 100
