"""Machine clients of the API (OAuth2 client credentials), their tokens, the referrals
they sent, and the per-client request counter.

Secrets and tokens are never stored: only their SHA-256 (both are 256-bit random
values, so a fast hash is as strong as a slow one here). Authlib's client and token
interfaces are implemented on these rows; the secret check compares hashes.
"""

import hashlib
import hmac
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:

    class ClientMixin:
        """Authlib's client interface (the package ships no types); every method is implemented below."""

    class TokenMixin:
        """Authlib's token interface (the package ships no types); every method is implemented below."""
else:
    from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin
from sqlalchemy import BigInteger, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from portal import clock
from portal.extensions import Model
from portal.models.organisation import Organisation
from portal.models.types import UTCDateTime

SCOPES = {"reports:read": "Read published contract reports", "referrals:write": "Send referrals and read their status"}
AUTH_METHODS = ("client_secret_basic", "client_secret_post")


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


class ApiClient(ClientMixin, Model):
    __tablename__ = "api_client"

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[str] = mapped_column(String(48), unique=True)
    secret_sha256: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(200))
    org_id: Mapped[int] = mapped_column(ForeignKey("organisation.id"), index=True)
    # Space-separated, as OAuth2 writes scopes.
    scope: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    secret_set_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    organisation: Mapped[Organisation] = relationship(lazy="joined")

    @property
    def scopes(self) -> list[str]:
        return self.scope.split()

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    # --- Authlib's ClientMixin
    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> None:
        return None

    def get_allowed_scope(self, scope: str | None) -> str | None:
        """No scope asked: every scope of the client. Any scope it does not hold: None
        (Authlib answers invalid_scope)."""
        if not scope:
            return self.scope
        asked = scope.split()
        if any(s not in self.scopes for s in asked):
            return None
        return " ".join(s for s in self.scopes if s in asked)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return False

    def check_client_secret(self, client_secret: str | None) -> bool:
        """Compare hashes (the secret itself is not kept); a revoked client never passes."""
        if not self.active or not client_secret:
            return False
        return hmac.compare_digest(self.secret_sha256, sha256_hex(client_secret))

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return endpoint == "token" and method in AUTH_METHODS

    def check_response_type(self, response_type: str) -> bool:
        return False

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type == "client_credentials"


class ApiToken(TokenMixin, Model):
    """A bearer token: its hash, scope and lifetime. Revoked with its client."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    client_pk: Mapped[int] = mapped_column(ForeignKey("api_client.id"), index=True)
    scope: Mapped[str] = mapped_column(String(200))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    client: Mapped[ApiClient] = relationship(lazy="joined")

    # --- Authlib's TokenMixin
    def check_client(self, client: ApiClient) -> bool:
        return client.id == self.client_pk

    def get_scope(self) -> str:
        return self.scope

    def get_expires_in(self) -> int:
        return int((self.expires_at - self.issued_at).total_seconds())

    def is_expired(self) -> bool:
        return clock.now() >= self.expires_at

    def is_revoked(self) -> bool:
        return self.revoked_at is not None or not self.client.active

    def get_user(self) -> None:
        return None

    def get_client(self) -> ApiClient:
        return self.client


class ApiReferral(Model):
    """A referral a client sent: the reference, the hash of the body, the participant.

    Makes ``POST /api/v1/referrals`` idempotent (the same body again answers with the
    same referral) and lets the sender, and only the sender, read its status.
    """

    __tablename__ = "api_referral"
    __table_args__ = (UniqueConstraint("client_pk", "atw_reference", name="uq_api_referral_client_reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_pk: Mapped[int] = mapped_column(ForeignKey("api_client.id"))
    atw_reference: Mapped[str] = mapped_column(String(30))
    body_sha256: Mapped[str] = mapped_column(String(64))
    # Set once the referral is taken in (with the delivering organisation it went to).
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id"), index=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ApiRateWindow(Model):
    """Requests a client made in one fixed window (its start, in whole seconds since the epoch)."""

    __tablename__ = "api_rate_window"

    client_pk: Mapped[int] = mapped_column(ForeignKey("api_client.id"), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    count: Mapped[int] = mapped_column(default=0)
