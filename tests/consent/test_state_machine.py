"""The consent state machine: given → withdrawn, refused → given later, across
notice versions; history is never overwritten."""

from datetime import date, timedelta

import pytest

from portal import clock
from portal.consent import consents, privacy_notices, receipts, recording
from portal.consent.consents import ConsentRequired
from portal.extensions import db
from portal.models import Consent
from portal.validation import Problems


def _record(world, decision="given", purpose="gp_contact", words="Yes, write to my GP", at=None, notice=None):
    return recording.record_consent(
        world.participant,
        purpose,
        decision,
        "verbal",
        words,
        at or clock.now(),
        (notice or privacy_notices.current_notice()).id,
        None,
        world.vrc.id,
    )


def test_given_then_withdrawn_stops_being_live_at_once(world):
    consent = _record(world)
    assert consents.live_consent(world.participant, "gp_contact").id == consent.id
    assert consent.recorded_by_position == world.vrc.position
    assert consent.notice_id == world.notice.id

    clock.advance(timedelta(minutes=1))
    recording.withdraw_consent(world.participant, consent, clock.now(), "phone", "Please stop", world.vrc.id)
    assert consents.live_consent(world.participant, "gp_contact") is None
    with pytest.raises(ConsentRequired) as refused:
        consents.require_live_consent(world.participant, "gp_contact")
    assert "GP or health practitioner contact" in refused.value.message
    assert "gp_contact" in refused.value.message
    assert "withdrew" in refused.value.message
    # Still live before the withdrawal took effect, and the consent row is untouched.
    assert (
        consents.live_consent(world.participant, "gp_contact", at=clock.now() - timedelta(seconds=30)).id == consent.id
    )
    db.session.expire_all()
    stored = db.session.get(Consent, consent.id)
    assert (stored.decision, stored.participant_words) == ("given", "Yes, write to my GP")
    assert stored.withdrawal.method == "phone"


def test_refused_then_given_later(world):
    refused = _record(world, decision="refused", words="Not now")
    assert consents.live_consent(world.participant, "gp_contact") is None
    with pytest.raises(ConsentRequired, match="refused"):
        consents.require_live_consent(world.participant, "gp_contact")
    clock.advance(timedelta(days=3))
    given = _record(world, words="I have thought about it: yes")
    assert consents.live_consent(world.participant, "gp_contact").id == given.id
    states = {s.purpose.code: s for s in consents.purpose_states(world.participant)}
    assert states["gp_contact"].state == "given"
    assert [c.id for c in states["gp_contact"].history] == [given.id, refused.id]
    assert states["employer_contact"].state == "not_asked"


def test_purposes_are_independent(world):
    _record(world, purpose="employer_contact")
    assert consents.live_consent(world.participant, "employer_contact") is not None
    assert consents.live_consent(world.participant, "gp_contact") is None
    with pytest.raises(ConsentRequired, match="has not been asked"):
        consents.require_live_consent(world.participant, "gp_contact")


def test_each_consent_keeps_the_notice_version_it_was_given_under(world, make):
    first = _record(world)
    v2 = make.privacy_notice(version="2", published_on=clock.today(), change_note="Clearer wording")
    clock.advance(timedelta(minutes=1))
    second = _record(world, notice=v2)
    assert (first.notice.version, second.notice.version) == ("1", "2")
    # A change that does not ask again leaves the earlier consent live meanwhile.
    assert consents.decision_state(first)[0] == "given" and consents.consent_live_at(first)


def test_a_notice_that_asks_again_ends_older_consents_from_its_publication_date(world, make):
    consent = _record(world)
    v2 = make.privacy_notice(
        version="2",
        published_on=clock.today() + timedelta(days=7),
        reconsent_required=True,
        change_note="New research partner",
    )
    assert consents.live_consent(world.participant, "gp_contact").id == consent.id  # not in force yet
    clock.advance(timedelta(days=7))
    assert consents.live_consent(world.participant, "gp_contact") is None
    with pytest.raises(ConsentRequired, match="version 1"):
        consents.require_live_consent(world.participant, "gp_contact")
    assert {s.purpose.code: s.state for s in consents.purpose_states(world.participant)}["gp_contact"] == "renew"
    again = _record(world, notice=v2)
    assert consents.live_consent(world.participant, "gp_contact").id == again.id


def test_decision_must_be_recorded_under_the_notice_in_force(world, make):
    old_id = world.notice.id
    make.privacy_notice(version="2", published_on=clock.today(), change_note="Changed")
    with pytest.raises(Problems, match="Version 2 of the privacy notice is now in force"):
        recording.record_consent(
            world.participant, "gp_contact", "given", "verbal", "yes", clock.now(), old_id, None, world.vrc.id
        )


def test_no_notice_no_consent(cw, make):
    make.consent_purposes()
    with pytest.raises(Problems, match="No privacy notice has been published"):
        recording.record_consent(
            cw.participant, "gp_contact", "given", "verbal", "yes", clock.now(), "", None, cw.vrc.id
        )


def test_refusing_a_live_consent_is_a_withdrawal(world):
    _record(world)
    with pytest.raises(Problems, match="withdraw it"):
        _record(world, decision="refused")


def test_verbal_needs_the_participants_words_and_written_a_form(world):
    with pytest.raises(Problems) as problems:
        recording.record_consent(
            world.participant, "gp_contact", "given", "verbal", "", clock.now(), world.notice.id, None, world.vrc.id
        )
    assert {p.field for p in problems.value.problems} == {"words"}
    with pytest.raises(Problems) as problems:
        recording.record_consent(
            world.participant, "gp_contact", "given", "written", "", clock.now(), world.notice.id, None, world.vrc.id
        )
    assert {p.field for p in problems.value.problems} == {"evidence"}


def test_times_cannot_be_in_the_future(world):
    with pytest.raises(Problems, match="now or in the past"):
        _record(world, at=clock.now() + timedelta(hours=1))
    consent = _record(world)
    with pytest.raises(Problems, match="now or in the past"):
        recording.withdraw_consent(
            world.participant, consent, clock.now() + timedelta(hours=1), "phone", "", world.vrc.id
        )


def test_withdrawal_only_once_and_only_of_the_latest(world):
    first = _record(world)
    clock.advance(timedelta(minutes=1))
    second = _record(world, words="Yes again, in writing later")
    with pytest.raises(Problems, match="later decision"):
        recording.withdraw_consent(world.participant, first, clock.now(), "phone", "", world.vrc.id)
    recording.withdraw_consent(world.participant, second, clock.now(), "phone", "", world.vrc.id)
    with pytest.raises(Problems, match="already withdrawn"):
        recording.withdraw_consent(world.participant, second, clock.now(), "phone", "", world.vrc.id)


def test_restricted_record_refuses_recording_but_allows_withdrawal(world):
    from portal.access.participant_access import ParticipantRestricted

    consent = _record(world)
    world.participant.restricted = True
    db.session.commit()
    with pytest.raises(ParticipantRestricted):
        _record(world, purpose="employer_contact")
    recording.withdraw_consent(world.participant, consent, clock.now(), "letter", "", world.vrc.id)
    assert consents.live_consent(world.participant, "gp_contact") is None


def test_recording_and_withdrawing_are_audited_by_id_only(world):
    from tests.casework.conftest import events

    consent = _record(world, words="WORDSMARKER yes")
    recording.withdraw_consent(world.participant, consent, clock.now(), "phone", "WITHDRAWMARKER", world.vrc.id)
    recorded = events("consent.recorded")[-1]
    withdrawn = events("consent.withdrawn")[-1]
    assert recorded.participant_id == withdrawn.participant_id == world.participant.id
    assert recorded.detail["purpose"] == "gp_contact"
    for event in events():
        text = str(event.detail)
        assert "MARKER" not in text and world.participant.last_name not in text


def test_receipt_fields(world):
    consent = _record(world)
    receipt = receipts.receipt(consent, world.participant, "Health 2 Employment")
    for key in (
        "receipt_id",
        "version",
        "consent_timestamp",
        "collection_method",
        "controller",
        "purpose_name",
        "data_categories",
        "recipients",
        "how_to_withdraw",
        "notice_version",
        "principal_id",
    ):
        assert receipt[key], key
    assert receipt["receipt_id"] == consent.receipt_id
    assert receipt["notice_version"] == "1"
    assert receipt["sensitive"] is True
    assert receipt["state"] == "given"


def test_demo_notice_is_the_atw_mhss_notice(notice):
    assert notice.version == "1"
    assert notice.text.startswith("Access to Work Mental Health Support Service Privacy Notice")
    assert "Right to Withdraw Consent" in notice.text
    assert privacy_notices.current_notice().id == notice.id
    assert privacy_notices.current_notice(date(2024, 1, 1)) is None
