"""Access lasts until the end of the worker's shift (12 hours at most), for that one
worker and participant; it expires by itself and can be ended early."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from portal import clock, create_app
from portal.access import ooh_access
from portal.config import ConfigError
from portal.extensions import db
from portal.models import OohGrant
from tests.ooh.conftest import call_url, ooh_events, post, run_check, text_of


def _london(*args):
    return clock.as_utc(datetime(*args, tzinfo=clock.LONDON))


@pytest.mark.parametrize(
    "now, expected",
    [
        (_london(2026, 1, 14, 22, 0), _london(2026, 1, 15, 8, 0)),  # evening: the shift's end next morning
        (_london(2026, 1, 15, 6, 30), _london(2026, 1, 15, 8, 0)),  # early morning: the same morning
        (_london(2026, 1, 14, 17, 0), _london(2026, 1, 15, 5, 0)),  # 15 hours away: 12 at most
        (_london(2026, 1, 15, 8, 0), _london(2026, 1, 15, 20, 0)),  # at the end itself: the next, capped
        (_london(2026, 3, 28, 23, 0), _london(2026, 3, 29, 8, 0)),  # the clocks go forward: 8 hours, not 9
        (_london(2026, 10, 24, 23, 0), _london(2026, 10, 25, 8, 0)),  # the clocks go back: 10 hours
    ],
)
def test_grants_end_at_the_shift_end_and_never_after_12_hours(app_ctx, now, expected):
    assert ooh_access.grant_expiry(now) == expected
    assert ooh_access.grant_expiry(now) - now <= timedelta(hours=12)


def test_the_shift_end_is_configured(app, app_ctx, monkeypatch):
    monkeypatch.setitem(app.config, "OOH_SHIFT_END", "07:30")
    assert ooh_access.grant_expiry(_london(2026, 1, 14, 22, 0)) == _london(2026, 1, 15, 7, 30)
    for bad in ("8am", "25:00", "", "08:60"):
        with pytest.raises(ConfigError):
            ooh_access.parse_shift_end(bad)


def test_a_malformed_shift_end_refuses_to_start(tmp_path):
    with pytest.raises(ConfigError, match="OOH_SHIFT_END"):
        create_app({"PORTAL_ENV": "test", "DATABASE_URL": f"sqlite:///{tmp_path}/x.sqlite", "OOH_SHIFT_END": "8pm"})


def test_grants_expire_by_themselves(w, login):
    clock.freeze(_london(2026, 1, 14, 22, 0))
    p = w.participant
    run_check(login(w.ooh_lead), p)
    grant = db.session.scalars(select(OohGrant)).one()
    assert clock.local(grant.expires_at).hour == 8
    clock.advance(timedelta(hours=9, minutes=59))
    client = login(w.ooh_lead)
    assert client.get(call_url(p)).status_code == 200
    clock.advance(timedelta(minutes=1))
    client = login(w.ooh_lead)
    response = client.get(call_url(p))
    assert response.status_code == 303 and response.headers["Location"].endswith(call_url(p, tail="/check"))
    page = text_of(client.get("/ooh/access"))
    assert "Maryam O'Brien" in page and "(end of shift)" in page


def test_a_grant_ends_early(w, login):
    p = w.participant
    client = login(w.ooh_lead)
    run_check(client, p)
    grant = db.session.scalars(select(OohGrant)).one()
    listed = text_of(client.get("/ooh/access"))
    assert "Open now" in listed and "Maryam O'Brien" in listed
    ended = post(client, f"/ooh/access/{grant.id}/end")
    assert ended.status_code == 302
    assert client.get(call_url(p)).status_code == 303
    db.session.expire_all()
    assert db.session.get(OohGrant, grant.id).ended_at is not None
    assert "(ended early)" in text_of(client.get("/ooh/access"))
    assert [e.kind for e in ooh_events("grant_ended")] == ["grant_ended"]
    # Only the worker's own grants can be ended by them.
    run_check(client, p)
    second = db.session.scalars(select(OohGrant).order_by(OohGrant.id.desc())).first()
    assert post(login(w.ooh), f"/ooh/access/{second.id}/end").status_code == 404
    assert client.get(call_url(p)).status_code == 200


def test_a_grant_is_for_one_worker_and_one_participant(w, login, make):
    p = w.participant
    run_check(login(w.ooh_lead), p)
    second = make.participant(w.home, w.vrc)
    assert login(w.ooh_lead).get(call_url(p)).status_code == 200
    assert login(w.ooh_lead).get(call_url(second)).status_code == 303
    assert login(w.ooh).get(call_url(p)).status_code == 303
    assert login(w.other_vrc).get(f"/h2e/participants/{p.id}").status_code == 303
