"""Reporting fixtures: the service (lead partner, two delivery partners, DWP), its staff,
and clients signed in by a session row."""
import secrets
from types import SimpleNamespace

import pytest

from portal import clock
from portal.extensions import db
from portal.models import StaffSession
from portal.sessions import _key


@pytest.fixture
def svc(make):
    w = SimpleNamespace()
    w.lead = make.org("ingeus", kind="lead", name="Ingeus UK")
    w.h2e = make.org("h2e", name="Health 2 Employment")
    w.salus = make.org("salus", name="Salus")
    w.dwp_org = make.org("dwp", kind="commissioner", name="Department for Work and Pensions")
    w.cm = make.user(w.lead, ["contract_manager"], name="Carla Contracts")
    w.dwp = make.user(w.dwp_org, ["dwp"], name="Dev Analyst")
    w.lead_admin = make.user(w.lead, ["admin"], name="Lee Admin")
    w.dpo = make.user(w.lead, ["dpo"])
    w.vrc = make.user(w.h2e, ["vrc"], name="Vera VRC")
    w.tm = make.user(w.h2e, ["team_manager"], name="Tom Manager")
    w.salus_vrc = make.user(w.salus, ["vrc"])
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
