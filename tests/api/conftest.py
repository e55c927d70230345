"""API fixtures: the service of tests/reporting, DWP's client with both scopes, and a
helper that gets a bearer token the way a client does."""

import base64
from types import SimpleNamespace

import pytest

from portal.api import api_clients
from tests.reporting.conftest import svc  # noqa: F401 - shared fixtures

REFERRAL = {
    "atw_reference": "ATW-API-0001",
    "first_name": "Sam",
    "last_name": "Example",
    "date_of_birth": "1985-03-27",
    "ni_number": "AB123456C",
    "email": "sam@example.com",
    "phone": "07700 900 123",
    "address_line_1": "1 Example Street",
    "town": "Leeds",
    "postcode": "ls1 4ap",
    "occupation": "Analyst",
    "employer": "Example Ltd",
    "health_information": "Anxiety at work",
}


def basic(client_id: str, secret: str) -> dict:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


def get_token(http, client_id: str, secret: str, scope: str | None = None) -> str:
    data = {"grant_type": "client_credentials"}
    if scope:
        data["scope"] = scope
    response = http.post("/oauth/token", data=data, headers=basic(client_id, secret))
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["access_token"]


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def dwp_api(svc, app):
    issued = api_clients.register(svc.dwp_org.id, "DWP systems", ["reports:read", "referrals:write"], svc.lead_admin.id)
    return SimpleNamespace(client=issued.client, client_id=issued.client.client_id, secret=issued.secret)


@pytest.fixture
def http(app):
    return app.test_client()
