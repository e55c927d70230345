"""The lead partner's team manager passes an unallocated referral (a postcode outside
every contract area lands in the lead partner's queue) to a delivery partner."""

from sqlalchemy import select

from portal.extensions import db
from portal.models import Notification, Participant, ParticipantChange, StatusChange
from tests.casework.conftest import errors_of, events, post


def _queue_referral(cw, make):
    return make.participant(cw.lead, None)


def test_the_lead_team_manager_passes_a_referral_on(cw, login, make):
    waiting = _queue_referral(cw, make)
    client = login(cw.lead_tm)
    url = f"/{cw.lead.slug}/participants/{waiting.id}/pass-on"
    record = client.get(f"/{cw.lead.slug}/participants/{waiting.id}").get_data(as_text=True)
    assert "Pass to another partner" in record
    page = client.get(url).get_data(as_text=True)
    assert "Health 2 Employment" in page and "Salus" in page and "Ingeus UK" not in page
    response = post(client, url, {"organisation": str(cw.home.id), "reason": "LS postcode missing from the areas"})
    assert response.status_code == 302 and response.location.endswith(f"/{cw.lead.slug}/team/unallocated")
    moved = db.session.get(Participant, waiting.id)
    db.session.refresh(moved)
    assert moved.org_id == cw.home.id and moved.assigned_vrc_id is None
    # The record's own history moves with it, and says what happened.
    statuses = db.session.scalars(select(StatusChange).where(StatusChange.participant_id == waiting.id)).all()
    assert statuses and {s.org_id for s in statuses} == {cw.home.id}
    change = db.session.scalars(
        select(ParticipantChange).where(
            ParticipantChange.participant_id == waiting.id, ParticipantChange.field == "organisation"
        )
    ).one()
    assert (change.old_value, change.new_value, change.org_id) == ("Ingeus UK", "Health 2 Employment", cw.home.id)
    assert events("participant.passed_on", participant_id=waiting.id)[0].detail == {
        "from_org_id": cw.lead.id,
        "to_org_id": cw.home.id,
    }
    told = db.session.scalars(select(Notification).where(Notification.user_id == cw.tm.id)).all()
    assert [n.link for n in told] == [f"/{cw.home.slug}/team/unallocated"]
    # Now h2e's: its team manager allocates it; the lead team manager no longer sees it.
    assert login(cw.tm).get(f"/{cw.home.slug}/participants/{waiting.id}").status_code == 200
    assert client.get(f"/{cw.lead.slug}/participants/{waiting.id}").status_code == 404


def test_bad_choices_redisplay_with_errors(cw, login, make):
    waiting = _queue_referral(cw, make)
    client = login(cw.lead_tm)
    url = f"/{cw.lead.slug}/participants/{waiting.id}/pass-on"
    bad = post(client, url, {"organisation": str(cw.lead.id), "reason": ""})
    assert bad.status_code == 200
    assert set(errors_of(bad)) == {
        "Select the partner to pass the referral to",
        "Enter the reason for passing the referral on",
    }
    kept = post(client, url, {"organisation": "", "reason": "Kept text"})
    assert "Kept text" in kept.get_data(as_text=True)
    assert db.session.get(Participant, waiting.id).org_id == cw.lead.id


def test_only_unallocated_referrals_of_the_lead_partner_can_be_passed_on(cw, login, make):
    allocated = make.participant(cw.lead, make.user(cw.lead, ["vrc"]))
    client = login(cw.lead_tm)
    assert client.get(f"/{cw.lead.slug}/participants/{allocated.id}/pass-on").status_code == 404
    assert "Pass to another partner" not in client.get(f"/{cw.lead.slug}/participants/{allocated.id}").get_data(
        as_text=True
    )
    # A delivery partner's own queue is not passed around.
    waiting_here = make.participant(cw.home, None)
    assert login(cw.tm).get(f"/{cw.home.slug}/participants/{waiting_here.id}/pass-on").status_code == 404
    # A VRC may not, even of the lead partner.
    queued = _queue_referral(cw, make)
    assert (
        login(make.user(cw.lead, ["vrc"])).get(f"/{cw.lead.slug}/participants/{queued.id}/pass-on").status_code == 403
    )


def test_a_restricted_referral_stays_where_it_is(cw, login, make):
    from portal.casework import participants

    waiting = _queue_referral(cw, make)
    participants.set_restriction(waiting, True, "Accuracy disputed", user_id=cw.dpo.id)
    response = post(
        login(cw.lead_tm),
        f"/{cw.lead.slug}/participants/{waiting.id}/pass-on",
        {"organisation": str(cw.home.id), "reason": "Their area"},
    )
    assert response.status_code == 403 and "record is restricted" in response.get_data(as_text=True)
    assert db.session.get(Participant, waiting.id).org_id == cw.lead.id
