"""Shared set-up for the lifecycle tests."""

import re
from types import SimpleNamespace

from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, OutboxMessage
from tests.support import worlds
from tests.support.web import csrf_from

RESET_LINK_RE = re.compile(r"http://portal\.test(/account/reset-password/[A-Za-z0-9_\-]+)")
NONCE_RE = re.compile(r'nonce="[^"]*"|name="csrf_token"[^>]*value="[^"]*"')
NEW_PASSWORD = "quiet orchard lantern 4817"


def world(make) -> SimpleNamespace:
    w = worlds.organisations(make)
    w.lead_admin = make.user(w.lead, ["admin"])
    w.admin = make.user(w.h2e, ["admin"])
    w.second_admin = make.user(w.h2e, ["admin"])
    w.vrc = make.user(w.h2e, ["vrc"])
    w.salus_admin = make.user(w.salus, ["admin"])
    return w


def outbox(kind: str, email: str | None = None) -> list[OutboxMessage]:
    stmt = select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)
    if email:
        stmt = stmt.where(OutboxMessage.email_address == email)
    return list(db.session.scalars(stmt))


def reset_link(email: str) -> str:
    """The link of the newest password-reset email sent to ``email``."""
    messages = outbox("account.password_reset", email)
    assert messages, f"no reset link emailed to {email}"
    return RESET_LINK_RE.search(messages[-1].body).group(1)


def events(action: str) -> list[AuditEvent]:
    return list(db.session.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.seq)))


def post_form(client, path, data, page_path=None):
    """GET the form page (for its CSRF token), then POST ``data`` to ``path``."""
    page = client.get(page_path or path)
    return client.post(path, data={"csrf_token": csrf_from(page), **data})


def comparable(body: str) -> str:
    """A page without its per-request nonces and tokens."""
    return NONCE_RE.sub("", body)
