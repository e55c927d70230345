"""Out-of-hours fixtures: the lead partner and two delivery partners, their staff, and
h2e's participant assigned to ``vrc`` (health information and a case note with marker
texts, an appointment in three days); clients signed in by a session row."""
import re
import secrets
from html import unescape
from datetime import timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.models import AuditEvent, OohEvent, StaffSession
from portal.sessions import _key
from tests.conftest import csrf_from

HEALTH_TEXT = "HEALTHMARKER-OOH3 panic attacks at night"
NOTE_TEXT = "NOTEMARKER-OOH8 spoke about the night shifts"


@pytest.fixture
def w(make):
    w = SimpleNamespace()
    w.lead = make.org("ingeus", kind="lead", name="Ingeus UK")
    w.home = make.org("h2e", name="Health 2 Employment")
    w.other = make.org("salus", name="Salus")
    w.vrc = make.user(w.home, ["vrc"], name="Vera Assigned")
    w.other_vrc = make.user(w.home, ["vrc"], name="Omar Colleague")
    w.tm = make.user(w.home, ["team_manager"], name="Tess Manager")
    w.ooh = make.user(w.home, ["ooh"], name="Hal Homeline")
    w.ooh_lead = make.user(w.lead, ["ooh"], name="Olu Nightline")
    w.admin = make.user(w.home, ["admin"], name="Ada Admin")
    w.dpo = make.user(w.lead, ["dpo"], name="Dee Protection")
    w.salus_vrc = make.user(w.other, ["vrc"])
    w.salus_tm = make.user(w.other, ["team_manager"], name="Sal Manager")
    w.participant = make.participant(
        w.home, w.vrc, first_name="Maryam", last_name="O'Brien", postcode="LS6 2QT", phone="07700900777",
        email="maryam.obrien@example.com", health_information=HEALTH_TEXT)
    w.note = make.note(w.participant, w.vrc, text=NOTE_TEXT)
    w.appointment = make.appointment(w.participant, starts_at=clock.now() + timedelta(days=3))
    w.elsewhere = make.participant(w.other, w.salus_vrc, first_name="Sam", last_name="Elsewhere", postcode="CF10 1AA")
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
    page = client.get("/")
    return client.post(url, data={**(data or {}), "csrf_token": csrf_from(page)}, **kwargs)


def call_url(participant, org_slug=None, tail=""):
    from portal.models import Organisation

    org_slug = org_slug or db.session.get(Organisation, participant.org_id).slug
    return f"/ooh/{org_slug}/participants/{participant.id}{tail}"


def identity(participant, **changes):
    dob = participant.date_of_birth
    data = {"caller": "participant", "full_name": f"{participant.first_name} {participant.last_name}",
            "date_of_birth": [str(dob.day), str(dob.month), str(dob.year)], "postcode": participant.postcode}
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


def text_of(response) -> str:
    """A page's visible text, tags removed (so a marker split by markup still counts)."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S | re.I)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def errors_of(response) -> list[str]:
    html = response.get_data(as_text=True)
    if "govuk-error-summary__list" not in html:
        return []
    block = html.split("govuk-error-summary__list")[1].split("</ul>")[0]
    return [re.sub(r"\s+", " ", m).strip() for m in re.findall(r'<a href="#[^"]*">(.*?)</a>', block, re.S)]
