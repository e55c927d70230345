"""Casework fixtures: a small service (lead, two delivery partners), its staff and a
participant of h2e assigned to ``vrc``; clients signed in by a session row."""

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent
from tests.support import worlds
from tests.support.web import errors_of, post, sign_in, text_of  # noqa: F401 - shared helpers

HEALTH_TEXT = worlds.CASEWORK_HEALTH_TEXT
NOTE_TEXT = worlds.CASEWORK_NOTE_TEXT


@pytest.fixture
def cw(make):
    return worlds.casework(make)


def events(action=None, participant_id=None):
    stmt = select(AuditEvent).order_by(AuditEvent.seq)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if participant_id is not None:
        stmt = stmt.where(AuditEvent.participant_id == participant_id)
    return db.session.scalars(stmt).all()
