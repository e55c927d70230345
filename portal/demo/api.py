"""Demo API client: DWP's system, with a fixed secret so the demo document can print it."""

from typing import Any

from sqlalchemy import select

from portal.api import api_clients
from portal.extensions import db
from portal.models import ApiClient, Organisation
from portal.models.api_client import sha256_hex

DEMO_CLIENT_ID = "dwp-demo-system"
DEMO_CLIENT_SECRET = "demo-api-secret-dwp-2026-not-for-production"
DEMO_SCOPES = ["reports:read", "referrals:write"]


def seed_api_clients(orgs: dict[str, Organisation]) -> None:
    """DWP's demo client, made once; its secret put back to the demo secret if it was rotated."""

    client = db.session.scalars(select(ApiClient).where(ApiClient.client_id == DEMO_CLIENT_ID)).first()
    if client is None:
        api_clients.register(
            orgs["dwp"].id,
            "DWP reporting and referrals (demo)",
            DEMO_SCOPES,
            None,
            client_id=DEMO_CLIENT_ID,
            secret=DEMO_CLIENT_SECRET,
        )
    elif client.secret_sha256 != sha256_hex(DEMO_CLIENT_SECRET):
        client.secret_sha256 = sha256_hex(DEMO_CLIENT_SECRET)
        db.session.commit()


def api_clients_document() -> dict[str, Any]:
    return {
        "api_clients": [
            {
                "client_id": DEMO_CLIENT_ID,
                "client_secret": DEMO_CLIENT_SECRET,
                "org": "dwp",
                "scopes": list(DEMO_SCOPES),
            }
        ]
    }
