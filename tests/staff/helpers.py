"""Shared set-up for the staff tests: the organisations and admins of the matrix."""

import re
from types import SimpleNamespace

from sqlalchemy import select

from portal.extensions import db
from portal.models import OutboxMessage
from tests.support import worlds

LINK_RE = re.compile(r"http://portal\.test(/account/invitation/[A-Za-z0-9_\-]+)")


def world(make) -> SimpleNamespace:
    w = worlds.organisations(make)
    w.lead_admin = make.user(w.lead, ["admin"])
    w.admin = make.user(w.h2e, ["admin"])
    w.vrc = make.user(w.h2e, ["vrc"])
    w.salus_vrc = make.user(w.salus, ["vrc"])
    return w


def invitation_path(email: str) -> str:
    """The link of the newest invitation emailed to ``email`` (from the outbox)."""
    message = db.session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.email_address == email, OutboxMessage.kind == "staff.invitation")
        .order_by(OutboxMessage.id.desc())
    ).first()
    assert message is not None, f"no invitation emailed to {email}"
    return LINK_RE.search(message.body).group(1)
