"""The OpenAPI 3.1 description, and a Schemathesis run of it against the app in-process:
every operation, examples capped per operation, no server errors, every response
documented and matching its schema."""
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_headers_conformance, response_schema_conformance, status_code_conformance,
)

from portal import clock
from portal.extensions import db
from portal.services import contract_areas, contract_reports, report_publication
from portal.services.months import Month
from tests.api.conftest import REFERRAL, bearer, get_token
from tests.reporting import dataset
from tests.reporting.dataset import utc

EXAMPLES_PER_OPERATION = 25
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


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
    assert set(document["components"]["securitySchemes"]["client_credentials"]["flows"]["clientCredentials"]
               ["scopes"]) == {"reports:read", "referrals:write"}


@pytest.fixture
def world(app, svc, dwp_api, http):
    """A published report, areas to route referrals by, a referral already sent, a token."""
    clock.freeze(utc(2026, 4, 3))
    dataset.build(svc)
    march = Month(2026, 3)
    contract_reports.store_draft(march, contract_reports.build_content(march), svc.cm.id)
    db.session.commit()
    report_publication.publish(march, contract_reports.draft_of(march).content_sha256, svc.cm.id)
    contract_areas.add_area("LS", svc.h2e.id, user_id=svc.lead_admin.id)
    clock.reset()
    token = get_token(http, dwp_api.client_id, dwp_api.secret)
    assert http.post("/api/v1/referrals", json=REFERRAL, headers=bearer(token)).status_code == 201
    app.config["API_RATE_LIMIT"] = 100000
    yield bearer(token)
    app.config["API_RATE_LIMIT"] = 120


def test_schemathesis_finds_no_server_error_and_no_response_outside_the_description(app, world):
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    # Schemathesis leaves out the operation that serves the description itself.
    assert len(operations) == 6, [o.label for o in operations]
    failures = []
    for operation in operations:
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None, derandomize=True,
                  phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case):
            case.call_and_validate(headers=world, checks=CHECKS)

        try:
            run()
        except Exception as error:  # noqa: BLE001 - collect every operation's failure, then report them all
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
        db.session.remove()
    assert not failures, "\n\n".join(failures)
