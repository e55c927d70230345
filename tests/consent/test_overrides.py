"""Emergency override: a written reason, legal basis vital_interests, and the DPO's
review list until the DPO records a review."""

from datetime import timedelta

import pytest

from portal import clock
from portal.consent import disclosures, emergency
from portal.extensions import db
from portal.models import Notification
from portal.validation import Problems
from tests.casework.conftest import events, post


def _override(world, user, reason="Said they had taken an overdose and were alone"):
    return emergency.record_emergency_contact(
        world.participant,
        user.id,
        "emergency_services",
        "999 ambulance service",
        reason,
        "Name and address",
        ["Name and contact details", "Address or where the participant is now"],
        clock.now() - timedelta(minutes=5),
    )


def test_override_without_consent_reaches_the_dpo_and_leaves_only_when_reviewed(world):
    contact = _override(world, world.vrc)
    [disclosure] = disclosures.disclosures_of(world.participant)
    assert disclosure.legal_basis == "vital_interests" and disclosure.consent_id is None
    assert disclosure.recipient_type == "emergency_services" and disclosure.source_id == contact.id
    assert [c.id for c in emergency.awaiting_review()] == [contact.id]
    assert db.session.query(Notification).filter_by(user_id=world.dpo.id, kind="emergency_override").count() == 1
    with pytest.raises(Problems):
        emergency.review_override(contact, "appropriate", "", world.dpo.id)
    assert [c.id for c in emergency.awaiting_review()] == [contact.id]
    with pytest.raises(PermissionError):
        emergency.review_override(contact, "appropriate", "Fine", world.vrc.id)
    emergency.review_override(contact, "appropriate", "Risk to life; proportionate", world.dpo.id)
    assert emergency.awaiting_review() == []
    assert [c.id for c in emergency.reviewed()] == [contact.id]
    with pytest.raises(Problems, match="already been reviewed"):
        emergency.review_override(contact, "not_appropriate", "Again", world.dpo.id)
    assert events("emergency_contact.reviewed")[-1].participant_id == world.participant.id


def test_a_written_reason_is_required(world):
    with pytest.raises(Problems) as problems:
        _override(world, world.vrc, reason="   ")
    assert [p.field for p in problems.value.problems] == ["reason"]
    assert emergency.awaiting_review() == []


def test_only_the_assigned_vrc_or_a_live_grant_may_override(world, make):
    for user in (world.other_vrc, world.tm, world.ooh, world.salus_vrc, world.dpo):
        with pytest.raises(emergency.EmergencyContactNotAllowed):
            _override(world, user)
    make.ooh_grant(world.participant, world.ooh)
    contact = _override(world, world.ooh)
    assert contact.made_as == "ooh"


def test_override_is_allowed_while_restricted_and_flagged(world):
    world.participant.restricted = True
    db.session.commit()
    contact = _override(world, world.vrc)
    assert contact.made_while_restricted is True


def test_the_dpo_review_pages(world, login):
    contact = _override(world, world.vrc)
    dpo = login(world.dpo)
    page = dpo.get("/dpo/overrides")
    assert page.status_code == 200 and world.participant.atw_reference in page.get_data(as_text=True)
    page = dpo.get(f"/dpo/overrides/{contact.id}")
    assert "Said they had taken an overdose" in page.get_data(as_text=True)
    response = post(dpo, f"/dpo/overrides/{contact.id}", {"outcome": "appropriate", "notes": ""})
    assert response.status_code == 200 and "Enter your review notes" in response.get_data(as_text=True)
    response = post(dpo, f"/dpo/overrides/{contact.id}", {"outcome": "appropriate", "notes": "Proportionate"})
    assert response.status_code == 302
    assert world.participant.atw_reference not in dpo.get("/dpo/overrides").get_data(as_text=True)
    assert world.participant.atw_reference in dpo.get("/dpo/overrides?show=reviewed").get_data(as_text=True)
    page = dpo.get(f"/dpo/overrides/{contact.id}").get_data(as_text=True)
    assert "Proportionate" in page and "Your review" not in page
    assert login(world.vrc).get("/dpo/overrides").status_code == 403


def test_the_vrc_records_an_override_through_the_page(world, login):
    vrc = login(world.vrc)
    url = f"/h2e/participants/{world.participant.id}/emergency-contact"
    assert vrc.get(url).status_code == 200
    local = clock.local(clock.now() - timedelta(minutes=3))
    data = {
        "recipient_type": "gp",
        "recipient_name": "Park Surgery",
        "reason": "",
        "what_shared": "Risk",
        "data_categories": ["Health and wellbeing information"],
        "contacted_on": [str(local.day), str(local.month), str(local.year)],
        "contacted_time": local.strftime("%H:%M"),
    }
    response = post(vrc, url, data)
    assert response.status_code == 200
    assert "Enter why consent could not be asked for or was overridden" in response.get_data(as_text=True)
    response = post(vrc, url, {**data, "reason": "Threatened to harm themselves; would not agree to help"})
    assert response.status_code == 302
    [contact] = emergency.awaiting_review()
    assert contact.recipient_type == "gp" and contact.made_by_id == world.vrc.id
