"""Rule 9: staff whose data protection training is more than 12 months old cannot open
participant records. Walks every participant route of the route registry (GET cases
whose URL holds /participants/, the DPO's own pages aside) with a lapsed VRC, team
manager and out-of-hours worker of h2e, and expects the gate page saying why and whom
to ask (the organisation's admin, by name)."""
from dateutil.relativedelta import relativedelta
from flask import url_for

from portal import clock
from portal.extensions import db
from tests.core.test_route_matrix import CASES, _request, _value, build_world, client_for

LAPSED_ROLES = ("vrc", "team_manager", "ooh")


def _participant_cases(app):
    found = []
    for case in CASES:
        if case.method != "GET":
            continue
        rule = next(app.url_map.iter_rules(case.endpoint))
        if "/participants/" in rule.rule and not rule.rule.startswith(("/dpo/", "/api/")):
            found.append((case, rule))
    return found


def test_every_participant_route_shows_the_training_gate(app):
    cases = _participant_cases(app)
    assert len(cases) > 10, "the registry should hold many participant routes"
    failures = []
    with app.app_context():
        world = build_world()
        lapsed_on = clock.today() - relativedelta(months=12, days=1)
        for role in LAPSED_ROLES:
            world.users[role].dp_training_completed_on = lapsed_on
        db.session.commit()
        admin_name = world.users["admin"].name
        for case, rule in cases:
            args = dict(_value(case.args, world) or {})
            if "org" in rule.arguments:
                args.setdefault("org", world.home.slug)
            with app.test_request_context():
                url = url_for(case.endpoint, **args)
            for role in LAPSED_ROLES:
                if case.expected(role, False) == 404:
                    continue  # no participant access at all: the 404 comes first (no leak)
                response = _request(client_for(app, world, role), case, url, world, False)
                html = response.get_data(as_text=True)
                if response.status_code != 403 or "data protection training" not in html or admin_name not in html:
                    failures.append(f"{role}: {response.status_code} {url}")
    assert not failures, "\n".join(failures)
