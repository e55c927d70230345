"""API clients: registered by the lead admin for an organisation, rotated, revoked.

A client is a machine (DWP's reporting system, Access to Work's referral system) that
signs in with OAuth2 client credentials. Its secret is shown once, when it is made or
rotated, and only its SHA-256 is kept. Rotating or revoking ends every token the client
holds at once. Scopes follow the organisation: DWP (the commissioner) may read published
reports and send referrals; the lead partner may read published reports; delivery
partners receive neither (their data reaches DWP through the lead partner's report).
"""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import select, update

from portal import audit, clock, tenancy
from portal.extensions import db
from portal.models import ApiClient, ApiToken, Organisation
from portal.models.api_client import SCOPES, sha256_hex
from portal.validation import Invalid, Problems, clean_text

if TYPE_CHECKING:
    from sqlalchemy import CursorResult

SCOPES_BY_KIND = {"commissioner": ("reports:read", "referrals:write"), "lead": ("reports:read",)}


@dataclass
class Issued:
    """A client and the secret just made for it (shown once, never stored)."""

    client: ApiClient
    secret: str


def organisations() -> list[Organisation]:
    """Organisations that may hold API clients, by name."""
    return list(
        db.session.scalars(
            select(Organisation).where(Organisation.kind.in_(tuple(SCOPES_BY_KIND))).order_by(Organisation.name)
        )
    )


def clients() -> list[ApiClient]:
    return list(
        db.session.scalars(select(ApiClient).order_by(ApiClient.revoked_at.is_not(None), ApiClient.name, ApiClient.id))
    )


def get_client(client_pk: int | str) -> ApiClient | None:
    try:
        client_pk = int(client_pk)
    except (TypeError, ValueError):
        return None
    if not 1 <= client_pk <= 2**31 - 1:  # ids are 32-bit integers on every database
        return None
    return db.session.get(ApiClient, client_pk)


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def register(
    org_id: int | str | None,
    name: str,
    scopes: Iterable[str] | None,
    user_id: int | None,
    *,
    client_id: str | None = None,
    secret: str | None = None,
) -> Issued:
    """Register a client for an organisation with some of the scopes its kind allows.
    ``client_id`` and ``secret`` are for the demo seed only; otherwise both are random. Commits."""
    problems: list[Invalid] = []
    org_id = tenancy.valid_id(org_id)
    org = db.session.get(Organisation, org_id) if org_id else None
    if org is None or org.kind not in SCOPES_BY_KIND:
        problems.append(Invalid("Select the organisation the client belongs to", field="organisation"))
    try:
        name = clean_text(name, "a name for the client", 200, required=True)
    except Invalid as problem:
        problem.field = "name"
        problems.append(problem)
    scopes = [s for s in (scopes or []) if s]
    if not scopes:
        problems.append(Invalid("Select what the client may do", field="scopes"))
    elif org is not None and org.kind in SCOPES_BY_KIND:
        refused = [s for s in scopes if s not in SCOPES_BY_KIND[org.kind]]
        if refused:
            allowed = " and ".join(SCOPES[s].lower() for s in SCOPES_BY_KIND[org.kind])
            problems.append(Invalid(f"A client of {org.name} may only {allowed}", field="scopes"))
    if problems:
        raise Problems(problems)
    assert org is not None  # no problems: the organisation was found
    secret = secret or new_secret()
    now = clock.now()
    client = ApiClient(
        client_id=client_id or f"{org.slug}-{secrets.token_hex(8)}",
        secret_sha256=sha256_hex(secret),
        name=name,
        org_id=org.id,
        scope=" ".join(s for s in SCOPES if s in scopes),
        created_at=now,
        created_by_id=user_id,
        secret_set_at=now,
    )
    db.session.add(client)
    db.session.flush()
    audit.record(
        "api_client.registered",
        object_type="api_client",
        object_id=client.id,
        user_id=user_id,
        org_id=org.id,
        detail={"client_id": client.client_id, "scopes": client.scopes},
    )
    db.session.commit()
    return Issued(client, secret)


def _end_tokens(client: ApiClient) -> int:
    return cast(
        "CursorResult[Any]",
        db.session.execute(
            update(ApiToken)
            .where(ApiToken.client_pk == client.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=clock.now())
        ),
    ).rowcount


def rotate(client: ApiClient, user_id: int | None) -> Issued:
    """A new secret for the client; the old secret and every token stop working. Commits."""
    if not client.active:
        raise Problems([Invalid("This client is revoked: register a new one", field="client")])
    secret = new_secret()
    client.secret_sha256 = sha256_hex(secret)
    client.secret_set_at = clock.now()
    ended = _end_tokens(client)
    audit.record(
        "api_client.rotated",
        object_type="api_client",
        object_id=client.id,
        user_id=user_id,
        org_id=client.org_id,
        detail={"client_id": client.client_id, "tokens_revoked": ended},
    )
    db.session.commit()
    return Issued(client, secret)


def revoke(client: ApiClient, user_id: int | None) -> None:
    """Stop the client for good: no new tokens, and its tokens end now. Commits."""
    if not client.active:
        return
    client.revoked_at = clock.now()
    client.revoked_by_id = user_id
    ended = _end_tokens(client)
    audit.record(
        "api_client.revoked",
        object_type="api_client",
        object_id=client.id,
        user_id=user_id,
        org_id=client.org_id,
        detail={"client_id": client.client_id, "tokens_revoked": ended},
    )
    db.session.commit()
