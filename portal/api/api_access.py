"""OAuth2 for the machine API (Authlib): the client-credentials token endpoint, bearer
token checks with scopes, and a per-client rate limit.

- ``POST /oauth/token`` takes ``client_secret_basic`` or ``client_secret_post``, reads its
  parameters from the form body only (never the query string, where secrets end up in
  logs), and issues a bearer token valid for ``API_TOKEN_LIFETIME`` seconds (one hour).
  The token itself is shown once; only its SHA-256 is stored, and rotating or revoking
  the client revokes it.
- ``authenticate(scope)`` checks the request's bearer token and scope, then counts the
  request in the client's fixed window (``API_RATE_LIMIT`` requests per
  ``API_RATE_WINDOW`` seconds, counted in the database so every web worker shares it);
  an authenticated token request counts in the same window.
  Refusals are ``ApiRefused`` (401 without a valid token, 403 without the scope, 429 over
  the limit), which the API answers as JSON.
"""

from datetime import timedelta
from typing import TYPE_CHECKING, Any, cast

from authlib.integrations.flask_oauth2 import AuthorizationServer, ResourceProtector
from authlib.integrations.flask_oauth2.requests import FlaskOAuth2Payload, FlaskOAuth2Request
from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749.grants import ClientCredentialsGrant
from authlib.oauth2.rfc6750 import BearerTokenValidator
from flask import Flask, Response, current_app
from flask import request as flask_request
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from portal import audit, clock
from portal.extensions import db
from portal.models import ApiClient, ApiRateWindow, ApiToken
from portal.models.api_client import SCOPES, sha256_hex

if TYPE_CHECKING:
    from flask.wrappers import Request
    from werkzeug.datastructures import ImmutableMultiDict

REALM = "atw-mhss"
DEFAULTS = {"API_TOKEN_LIFETIME": 3600, "API_RATE_LIMIT": 120, "API_RATE_WINDOW": 60}


def setting(name: str) -> int:
    return int(current_app.config.get(name, DEFAULTS[name]))


class _FormOnlyPayload(FlaskOAuth2Payload):  # type: ignore[misc]  # Authlib ships no type information
    @property
    def data(self) -> "ImmutableMultiDict[str, str]":
        return cast("ImmutableMultiDict[str, str]", self._request.form)


class _FormOnlyRequest(FlaskOAuth2Request):  # type: ignore[misc]  # Authlib ships no type information
    def __init__(self, request: "Request") -> None:
        super().__init__(request)
        self.payload = _FormOnlyPayload(request)


class PortalAuthorizationServer(AuthorizationServer):  # type: ignore[misc]  # Authlib ships no type information
    def create_oauth2_request(self, request: object) -> _FormOnlyRequest:
        return _FormOnlyRequest(flask_request)


class RateLimited(OAuth2Error):  # type: ignore[misc]  # Authlib ships no type information
    """429 from the token endpoint: the client has used up its window."""

    error = "rate_limited"
    status_code = 429

    def __init__(self, retry_after: int) -> None:
        super().__init__("Too many requests from this client: wait and try again")
        self.retry_after = retry_after

    def get_headers(self) -> list[tuple[str, str]]:
        return cast("list[tuple[str, str]]", super().get_headers()) + [("Retry-After", str(self.retry_after))]


class ClientCredentials(ClientCredentialsGrant):  # type: ignore[misc]  # Authlib ships no type information
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def validate_token_request(self) -> None:
        """Authlib's checks, then the client's rate limit: token requests count in the
        same window as its API calls (only once the client has authenticated, so nobody
        can use up another client's window by naming it)."""
        super().validate_token_request()
        retry_after = count_request(self.request.client)
        if retry_after:
            raise RateLimited(retry_after)


def query_client(client_id: str | None) -> ApiClient | None:
    if not client_id:
        return None
    return db.session.scalars(
        select(ApiClient).where(ApiClient.client_id == str(client_id)[:48], ApiClient.revoked_at.is_(None))
    ).first()


def save_token(token: dict[str, Any], request: _FormOnlyRequest) -> None:
    """Keep the token's hash, scope and expiry (never the token), audited. Commits."""
    now = clock.now()
    client = request.client
    row = ApiToken(
        token_sha256=sha256_hex(token["access_token"]),
        client_pk=client.id,
        scope=token.get("scope", ""),
        issued_at=now,
        expires_at=now + timedelta(seconds=int(token["expires_in"])),
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        "api.token_issued",
        object_type="api_client",
        object_id=client.id,
        org_id=client.org_id,
        detail={"client_id": client.client_id, "token_id": row.id, "scope": row.scope},
    )
    db.session.commit()


class TokenValidator(BearerTokenValidator):  # type: ignore[misc]  # Authlib ships no type information
    def authenticate_token(self, token_string: str | None) -> ApiToken | None:
        if not token_string:
            return None
        return db.session.scalars(select(ApiToken).where(ApiToken.token_sha256 == sha256_hex(token_string))).first()


authorization = PortalAuthorizationServer()
resource_protector = ResourceProtector()
resource_protector.register_token_validator(TokenValidator(realm=REALM))


def init_app(app: Flask) -> None:
    app.config.setdefault("OAUTH2_SCOPES_SUPPORTED", list(SCOPES))
    lifetime = int(app.config.get("API_TOKEN_LIFETIME", DEFAULTS["API_TOKEN_LIFETIME"]))
    app.config["OAUTH2_TOKEN_EXPIRES_IN"] = {"client_credentials": lifetime}
    authorization.init_app(app, query_client=query_client, save_token=save_token)
    if ClientCredentials not in [grant for grant, _ in authorization._token_grants]:
        authorization.register_grant(ClientCredentials)


def token_response() -> Response:
    """The token endpoint's response (Authlib's, JSON, with Cache-Control: no-store)."""
    return cast(Response, authorization.create_token_response())


class ApiRefused(Exception):
    def __init__(self, status: int, error: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.headers = headers or {}


def authenticate(scope: str) -> ApiToken:
    """The request's valid bearer token holding ``scope``, counted against its client's
    rate limit. Raises ``ApiRefused``."""
    try:
        token: ApiToken = resource_protector.acquire_token([scope])
    except OAuth2Error as error:
        if error.error == "insufficient_scope":
            challenge = f'Bearer realm="{REALM}", error="insufficient_scope", scope="{scope}"'
            raise ApiRefused(
                403,
                "insufficient_scope",
                f"This token does not hold the {scope} scope",
                {"WWW-Authenticate": challenge},
            ) from error
        # RFC 6750 3.1: no error code when the request carried no token at all.
        missing = error.error == "missing_authorization"
        raise ApiRefused(
            401,
            "missing_token" if missing else "invalid_token",
            "Send a valid bearer token: get one from /oauth/token with your client credentials",
            {
                "WWW-Authenticate": f'Bearer realm="{REALM}"'
                if missing
                else f'Bearer realm="{REALM}", error="invalid_token"'
            },
        ) from error
    retry_after = count_request(token.client)
    if retry_after:
        raise ApiRefused(
            429,
            "rate_limited",
            "Too many requests from this client: wait and try again",
            {"Retry-After": str(retry_after)},
        )
    return token


def record_call(
    client: ApiClient | None, endpoint: str | None, method: str, status: int, participant_ids: list[int] | None = None
) -> None:
    """One audit event per API call, whatever its outcome: the client, the endpoint, the
    status and the participants the answer showed (ids and codes only). Commits."""
    detail: dict[str, Any] = {"endpoint": endpoint, "method": method, "status": status}
    if client is not None:
        detail["client_id"] = client.client_id
    if participant_ids:
        detail["participant_ids"] = list(participant_ids)
    audit.record(
        "api.call",
        object_type="api_client",
        object_id=client.id if client else None,
        org_id=client.org_id if client else None,
        detail=detail,
        outcome="ok" if status < 400 else "refused",
    )
    db.session.commit()


def count_request(client: ApiClient) -> int:
    """Count one request in the client's current fixed window. Returns 0 when it is within
    the limit, otherwise the seconds until the window ends. Commits."""
    window = setting("API_RATE_WINDOW")
    now = int(clock.now().timestamp())
    start = now - now % window
    dialect = db.session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(ApiRateWindow).values(client_pk=client.id, window_start=start, count=1)
    db.session.execute(
        statement.on_conflict_do_update(
            index_elements=["client_pk", "window_start"], set_={"count": ApiRateWindow.count + 1}
        )
    )
    count = db.session.scalar(
        select(ApiRateWindow.count).where(ApiRateWindow.client_pk == client.id, ApiRateWindow.window_start == start)
    )
    db.session.execute(
        delete(ApiRateWindow).where(ApiRateWindow.client_pk == client.id, ApiRateWindow.window_start < start)
    )
    db.session.commit()
    assert count is not None  # the upsert above made the row
    return 0 if count <= setting("API_RATE_LIMIT") else start + window - now
