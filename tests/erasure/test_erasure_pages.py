"""The DPO's erasure page: the plan (erased, kept and why), the confirmation, the
tombstone; refused under a legal hold; only the DPO."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.governance import legal_holds
from portal.models import Participant, Tombstone
from portal.models.rights import RightsRequest, RightsRequestRight
from tests.erasure.rich import ZED, rich_participant
from tests.factories import sign_in
from tests.support.web import csrf_from


@pytest.fixture
def world(make):
    org = make.org("h2e")
    vrc = make.user(org, roles=("vrc",))
    dpo = make.user(make.org("ingeus", kind="lead"), roles=("dpo",))
    zed = rich_participant(make, org, vrc, ZED)
    request = RightsRequest(
        org_id=org.id,
        participant_id=zed.id,
        requester_name="Z Q",
        requester_contact="by post",
        what_requested="Delete my data",
        received_on=clock.today(),
        channel="letter",
        logged_at=clock.now(),
        status="open",
        rights=[RightsRequestRight(right="erasure")],
    )
    db.session.add(request)
    db.session.commit()
    return {"vrc": vrc, "dpo": dpo, "zed": zed, "request": request, "url": f"/dpo/requests/{request.id}/erasure"}


def test_plan_confirmation_and_tombstone(world, client):
    sign_in(client, world["dpo"])
    page = client.get(world["url"])
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "What must be kept, and why" in text and "Retention duty" in text and "Legal claim" in text
    unconfirmed = client.post(world["url"], data={"csrf_token": csrf_from(page)})
    assert unconfirmed.status_code == 400 and "Confirm that you have checked the plan" in unconfirmed.get_data(
        as_text=True
    )
    assert db.session.get(Participant, world["zed"].id).first_name == ZED.first
    done = client.post(world["url"], data={"csrf_token": csrf_from(page), "confirm": "y"})
    assert done.status_code == 303
    db.session.expire_all()
    assert db.session.get(Participant, world["zed"].id).first_name == "Erased"
    stone = db.session.scalars(select(Tombstone)).one()
    assert stone.rights_request_id == world["request"].id and stone.confirmed_by_id == world["dpo"].id
    after = client.get(world["url"]).get_data(as_text=True)
    assert "Tombstone" in after and ZED.first not in after


def test_refused_under_a_legal_hold(world, client):
    legal_holds.place_hold(
        world["zed"], reason="Tribunal", review_on=clock.today() + timedelta(days=30), placed_by=world["dpo"]
    )
    db.session.commit()
    sign_in(client, world["dpo"])
    page = client.get(world["url"])
    assert "A legal hold stands" in page.get_data(as_text=True)
    refused = client.post(world["url"], data={"csrf_token": csrf_from(page), "confirm": "y"})
    assert refused.status_code == 400 and "legal hold" in refused.get_data(as_text=True)
    assert db.session.scalars(select(Tombstone)).first() is None


def test_only_the_dpo(world, client):
    sign_in(client, world["vrc"])
    assert client.get(world["url"]).status_code == 403
    assert client.get(f"/dpo/requests/{world['request'].id}/record").status_code == 403
