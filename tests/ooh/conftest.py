"""Out-of-hours fixtures: the lead partner and two delivery partners, their staff, and
h2e's participant assigned to ``vrc`` (health information and a case note with marker
texts, an appointment in three days); clients signed in by a session row."""

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, OohEvent
from tests.support import worlds
from tests.support.web import errors_of, post, sign_in, text_of  # noqa: F401 - shared helpers

HEALTH_TEXT = worlds.OOH_HEALTH_TEXT
NOTE_TEXT = worlds.OOH_NOTE_TEXT


@pytest.fixture
def w(make):
    return worlds.out_of_hours(make)


def call_url(participant, org_slug=None, tail=""):
    from portal.models import Organisation

    org_slug = org_slug or db.session.get(Organisation, participant.org_id).slug
    return f"/ooh/{org_slug}/participants/{participant.id}{tail}"


def identity(participant, **changes):
    dob = participant.date_of_birth
    data = {
        "caller": "participant",
        "full_name": f"{participant.first_name} {participant.last_name}",
        "date_of_birth": [str(dob.day), str(dob.month), str(dob.year)],
        "postcode": participant.postcode,
    }
    data.update(changes)
    return data


def run_check(client, participant, answer="agreed", note="Wants to move Thursday's appointment", **changes):
    """The whole check on a call: the identity answers, then (when confirmed) the
    participant's answer. Returns the last response."""
    response = post(client, call_url(participant, tail="/check"), identity(participant, **changes))
    assert response.status_code == 303, response.status_code
    location = response.headers["Location"]
    if answer is None or "/check/" not in location:
        return response
    return post(client, location, {"consent": answer, "note": note})


def ooh_events(kind=None, participant_id=None):
    stmt = select(OohEvent).order_by(OohEvent.id)
    if kind:
        stmt = stmt.where(OohEvent.kind == kind)
    if participant_id is not None:
        stmt = stmt.where(OohEvent.participant_id == participant_id)
    return db.session.scalars(stmt).all()


def audit_events(action=None):
    stmt = select(AuditEvent).order_by(AuditEvent.seq)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    return db.session.scalars(stmt).all()
