"""Casework fixtures: a small service (lead, two delivery partners), its staff and a
participant of h2e assigned to ``vrc``; clients signed in by a session row."""
import secrets
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.models import AuditEvent, StaffSession
from portal.sessions import _key

HEALTH_TEXT = "HEALTHMARKER-Z81 low mood since the spring"
NOTE_TEXT = "NOTEMARKER-P55 talked about the commute"


@pytest.fixture
def cw(make):
    w = SimpleNamespace()
    w.lead = make.org("ingeus", kind="lead", name="Ingeus UK")
    w.home = make.org("h2e", name="Health 2 Employment")
    w.other = make.org("salus", name="Salus")
    w.vrc = make.user(w.home, ["vrc"], name="Vera Assigned")
    w.other_vrc = make.user(w.home, ["vrc"], name="Omar Colleague")
    w.tm = make.user(w.home, ["team_manager"], name="Tess Manager")
    w.ooh = make.user(w.home, ["ooh"])
    w.admin = make.user(w.home, ["admin"], name="Ada Admin")
    w.dpo = make.user(w.lead, ["dpo"])
    w.salus_vrc = make.user(w.other, ["vrc"])
    w.salus_tm = make.user(w.other, ["team_manager"])
    w.lead_tm = make.user(w.lead, ["team_manager"])
    w.participant = make.participant(w.home, w.vrc, health_information=HEALTH_TEXT)
    w.note = make.note(w.participant, w.vrc, text=NOTE_TEXT)
    w.elsewhere = make.participant(w.other, w.salus_vrc)
    return w


@pytest.fixture
def login(app):
    """login(user) -> a test client signed in as ``user``."""
    def _login(user):
        client = app.test_client()
        token = secrets.token_urlsafe(32)
        now = clock.now()
        db.session.add(StaffSession(id=_key(token), user_id=user.id, created_at=now, last_seen_at=now,
                                    data={"_user_id": str(user.id), "_fresh": True}))
        db.session.commit()
        client.set_cookie("portal_session", token)
        return client
    return _login


def post(client, url, data=None, **kwargs):
    """POST with a CSRF token taken from the signed-in home page."""
    from tests.conftest import csrf_from

    page = client.get("/")
    return client.post(url, data={**(data or {}), "csrf_token": csrf_from(page)}, **kwargs)


def events(action=None, participant_id=None):
    stmt = select(AuditEvent).order_by(AuditEvent.seq)
    if action:
        stmt = stmt.where(AuditEvent.action == action)
    if participant_id is not None:
        stmt = stmt.where(AuditEvent.participant_id == participant_id)
    return db.session.scalars(stmt).all()


def errors_of(response) -> list[str]:
    import re

    html = response.get_data(as_text=True)
    return [re.sub(r"\s+", " ", m).strip() for m in re.findall(r'<a href="#[^"]*">(.*?)</a>', html.split("govuk-error-summary__list")[1].split("</ul>")[0], re.S)] if "govuk-error-summary__list" in html else []
