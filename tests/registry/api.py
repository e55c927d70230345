"""Cases for the machine API (issue 9). A staff session opens nothing here: without a
bearer token every role (anonymous included) gets 401; with the world's token every
role gets the API's answer. The world holds a DWP client with two known tokens, one
per scope, a published report (tests/registry/reporting.py) and a referral it sent.
"""

from datetime import timedelta

from portal import clock
from portal.api import api_clients
from portal.extensions import db
from portal.models import ApiReferral, ApiToken
from portal.models.api_client import sha256_hex
from tests.factories import Factory
from tests.registry import WORLD_BUILDERS, Case

READ_TOKEN = "registry-reports-read-token"
WRITE_TOKEN = "registry-referrals-write-token"
READ = {"Authorization": f"Bearer {READ_TOKEN}"}
WRITE = {"Authorization": f"Bearer {WRITE_TOKEN}"}
REFERENCE = "ATW-REG-0001"
EVERYONE = {"anonymous": 200}


def _api(w):
    client = api_clients.register(
        w.commissioner.id, "DWP (registry)", ["reports:read", "referrals:write"], w.users["lead_admin"].id
    ).client
    now = clock.now()
    for token, scope in ((READ_TOKEN, "reports:read"), (WRITE_TOKEN, "referrals:write")):
        db.session.add(
            ApiToken(
                token_sha256=sha256_hex(token),
                client_pk=client.id,
                scope=scope,
                issued_at=now,
                expires_at=now + timedelta(hours=1),
            )
        )
    sent = Factory().participant(w.home, atw_reference=REFERENCE, taken_in_by_org_id=w.commissioner.id)
    db.session.add(
        ApiReferral(
            client_pk=client.id,
            atw_reference=REFERENCE,
            body_sha256="0" * 64,
            participant_id=sent.id,
            org_id=sent.org_id,
            created_at=now,
        )
    )
    db.session.flush()


WORLD_BUILDERS.append(_api)


def _referral(w):
    return {
        "atw_reference": "ATW-REG-NEW-1",
        "first_name": "Robin",
        "last_name": "Registry",
        "date_of_birth": "1980-01-31",
        "ni_number": "AB123456C",
        "email": "robin@example.com",
        "address_line_1": "1 Example Street",
        "postcode": "LS1 4AP",
    }


CASES = [
    Case("api.token", "POST", public=True, default=400, note="no grant type: Authlib's 400"),
    Case("api.openapi_document", public=True, default=200),
    Case("api.reports", default=401, note="a staff session is no token"),
    Case("api.reports", headers=READ, default=200, expect=EVERYONE, note="with a token"),
    Case("api.reports", headers=WRITE, default=403, expect={"anonymous": 403}, note="without the scope"),
    Case("api.report", args=lambda w: {"report_id": w.report.id}, default=401),
    Case(
        "api.report",
        args=lambda w: {"report_id": w.report.id},
        headers=READ,
        default=200,
        expect=EVERYONE,
        note="with a token",
    ),
    Case("api.report_csv", args=lambda w: {"report_id": w.report.id}, default=401),
    Case(
        "api.report_csv",
        args=lambda w: {"report_id": w.report.id},
        headers=READ,
        default=200,
        expect=EVERYONE,
        note="with a token",
    ),
    Case("api.send_referral", "POST", json=_referral, default=401),
    Case(
        "api.send_referral",
        "POST",
        json=_referral,
        headers=WRITE,
        default=201,
        expect={"anonymous": 201},
        note="with a token",
    ),
    Case("api.referral_status", args={"atw_reference": REFERENCE}, default=401),
    Case(
        "api.referral_status",
        args={"atw_reference": REFERENCE},
        headers=WRITE,
        default=200,
        expect=EVERYONE,
        note="with a token",
    ),
]
