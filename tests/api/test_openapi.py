"""The OpenAPI 3.1 description, and a Schemathesis run of it against the app in-process.

The run is Schemathesis' own engine with every phase (examples, coverage, fuzzing,
stateful) and every built-in check, on positive and negative data, with the examples
per operation capped: no server error, every response documented and matching its
schema, nothing the schema allows refused and nothing it refuses accepted, a 405 with
its Allow header for each undeclared method. Statuses the description declares (409 for
a conflicting referral, 429 for the rate limit) are answers the checks accept as
declared, not exclusions. It runs in both CI passes (SQLite, then PostgreSQL + Redis).
"""

import pytest
import schemathesis
from schemathesis import engine
from schemathesis.checks import CHECKS
from schemathesis.engine import events
from schemathesis.generation import GenerationMode

from portal import clock
from portal.extensions import db
from portal.months import Month
from portal.referrals import contract_areas
from portal.reporting import contract_reports, report_drafts, report_publication
from tests.api.conftest import REFERRAL, bearer, get_token
from tests.reporting import dataset
from tests.reporting.dataset import utc

EXAMPLES_PER_OPERATION = 12
PHASES = ["examples", "coverage", "fuzzing", "stateful"]


def test_the_description_covers_every_api_route(app, http):
    document = http.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.1")
    described = {(path, method.upper()) for path, item in document["paths"].items() for method in item}
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/api/", "/oauth/")):
            path = rule.rule.replace("<int:", "{").replace("<path:", "{").replace("<", "{").replace(">", "}")
            routes |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == described
    assert set(
        document["components"]["securitySchemes"]["client_credentials"]["flows"]["clientCredentials"]["scopes"]
    ) == {"reports:read", "referrals:write"}


@pytest.fixture
def world(app, svc, dwp_api, http):
    """A published report, areas to route referrals by, a referral already sent, a token."""
    clock.freeze(utc(2026, 4, 3))
    dataset.build(svc)
    march = Month(2026, 3)
    report_drafts.store_draft(march, contract_reports.build_content(march), svc.cm.id)
    db.session.commit()
    report_publication.publish(march, report_drafts.draft_of(march).content_sha256, svc.cm.id)
    contract_areas.add_area("LS", svc.h2e.id, user_id=svc.lead_admin.id)
    clock.reset()
    token = get_token(http, dwp_api.client_id, dwp_api.secret)
    assert http.post("/api/v1/referrals", json=REFERRAL, headers=bearer(token)).status_code == 201
    app.config["API_RATE_LIMIT"] = 100000
    yield bearer(token)
    app.config["API_RATE_LIMIT"] = 120


def _configured(app, headers):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    schema.config.update(headers=headers, workers=1)
    schema.config.generation.update(
        modes=list(GenerationMode), max_examples=EXAMPLES_PER_OPERATION, deterministic=True, database="none"
    )
    schema.config.phases.update(phases=PHASES)
    return schema


def _failures(event: events.ScenarioFinished) -> list[str]:
    found = []
    for case_id, checks in event.recorder.checks.items():
        for check in checks:
            if check.failure_info is None:
                continue
            case = event.recorder.cases[case_id].value
            interaction = event.recorder.interactions.get(case_id)
            answer = (
                f"{interaction.response.status_code} {interaction.response.content[:300]!r}"
                if interaction and interaction.response
                else "no response"
            )
            found.append(
                f"[{event.phase.value}] {event.label}: {check.name}: {check.failure_info.failure.title}\n"
                f"    {case.method} {case.formatted_path} query={case.query} body={str(case.body)[:300]}\n"
                f"    -> {answer}"
            )
    return found


def test_schemathesis_with_every_check_finds_nothing(app, world):
    schema = _configured(app, world)
    operations = [result.ok() for result in schema.get_all_operations()]
    # Schemathesis leaves out the operation that serves the description itself.
    assert len(operations) == 6, [o.label for o in operations]
    config = schema.config.checks_config_for(operation=operations[0], phase=None)
    assert all(
        config.get_by_name(name=check.__name__).enabled for check in CHECKS.get_all() if not isinstance(check, type)
    )
    failures, errors, ran = [], [], set()
    for event in engine.from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            failures += _failures(event)
            ran.add(event.phase.value)
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            errors.append(str(getattr(event, "info", None) and event.info.message or event))
    db.session.remove()
    assert not errors, "\n".join(errors)
    assert not failures, "\n\n".join(failures)
    assert set(PHASES) <= ran, ran
