"""GP letters and employer contact: refused by the service unless the matching
consent is live at that moment, refused while restricted; each writes a disclosure."""

from datetime import timedelta

import pytest

from portal import clock, private_files
from portal.access.participant_access import ParticipantRestricted
from portal.casework import employer_contacts, gp_letters
from portal.consent import disclosures, recording
from portal.consent.consents import ConsentRequired
from portal.extensions import db
from portal.models import Disclosure
from portal.validation import Problems

CATEGORIES = ["Health and wellbeing information"]


def _draft(world):
    return gp_letters.draft_letter(
        world.participant,
        "Dear Dr Patel",
        "Park Surgery",
        "1 Park Road\nLeeds",
        "We agreed a phased return.",
        CATEGORIES,
        world.vrc.id,
    )


def _contact(world, at=None):
    return employer_contacts.record_employer_contact(
        world.participant,
        "call",
        at or clock.now(),
        "Test Employer Ltd",
        "Line manager",
        "Asked for a later start",
        ["Work obstacles and adjustments"],
        world.vrc.id,
    )


def test_gp_letter_refused_without_consent_and_the_refusal_names_it(world):
    with pytest.raises(ConsentRequired) as refused:
        _draft(world)
    assert "‘GP or health practitioner contact’ (gp_contact)" in refused.value.message
    assert gp_letters.letters_of(world.participant) == []


def test_employer_contact_refused_without_consent(world, make):
    make.consent(world.participant, "gp_contact", recorded_by=world.vrc)  # the wrong purpose
    with pytest.raises(ConsentRequired, match="employer_contact"):
        _contact(world)
    assert disclosures.disclosures_of(world.participant) == []


def test_gp_letter_from_draft_to_sent_writes_one_disclosure_with_the_pdf(world, make):
    consent = make.consent(
        world.participant, "gp_contact", recorded_by=world.vrc, decided_at=clock.now() - timedelta(minutes=5)
    )
    letter = _draft(world)
    assert letter.status == "draft" and disclosures.disclosures_of(world.participant) == []
    gp_letters.issue_letter(world.participant, letter, world.vrc.id)
    assert letter.status == "issued" and letter.consent_id == consent.id
    pdf = private_files.read(letter.pdf_key)
    assert pdf.startswith(b"%PDF-")
    assert disclosures.disclosures_of(world.participant) == []  # nothing has left yet
    clock.advance(timedelta(minutes=3))
    gp_letters.record_sent(world.participant, letter, "secure_email", clock.now() - timedelta(minutes=1), world.vrc.id)
    [disclosure] = disclosures.disclosures_of(world.participant)
    assert (disclosure.recipient_type, disclosure.consent_id, disclosure.legal_basis) == ("gp", consent.id, None)
    assert disclosure.copy_key == letter.pdf_key and disclosure.method == "Secure email"
    assert disclosure.source == "gp_letter" and disclosure.source_id == letter.id
    assert letter.status == "sent" and letter.disclosure_id == disclosure.id


def test_gp_letter_pdf_carries_the_letter(world, make):
    make.consent(world.participant, "gp_contact", recorded_by=world.vrc)
    letter = _draft(world)
    html = gp_letters.letter_html(world.participant, letter, world.vrc)
    assert "Park Surgery" in html and "We agreed a phased return." in html and world.participant.name in html
    assert world.vrc.name in html


def test_withdrawal_blocks_the_very_next_gp_action(world, make):
    consent = make.consent(
        world.participant, "gp_contact", recorded_by=world.vrc, decided_at=clock.now() - timedelta(minutes=5)
    )
    letter = _draft(world)
    recording.withdraw_consent(world.participant, consent, clock.now(), "phone", "Stop please", world.vrc.id)
    with pytest.raises(ConsentRequired, match="withdrew"):
        gp_letters.issue_letter(world.participant, letter, world.vrc.id)
    with pytest.raises(ConsentRequired):
        _draft(world)
    db.session.refresh(letter)
    assert letter.status == "draft" and letter.pdf_key is None


def test_an_issued_letter_cannot_be_recorded_as_sent_after_the_withdrawal(world, make):
    consent = make.consent(
        world.participant, "gp_contact", recorded_by=world.vrc, decided_at=clock.now() - timedelta(minutes=5)
    )
    letter = _draft(world)
    gp_letters.issue_letter(world.participant, letter, world.vrc.id)
    clock.advance(timedelta(minutes=10))
    recording.withdraw_consent(
        world.participant, consent, clock.now() - timedelta(minutes=5), "phone", "", world.vrc.id
    )
    with pytest.raises(ConsentRequired):
        gp_letters.record_sent(world.participant, letter, "post", clock.now(), world.vrc.id)
    # Sent before the participant withdrew: that disclosure relied on a live consent.
    gp_letters.record_sent(world.participant, letter, "post", clock.now() - timedelta(minutes=8), world.vrc.id)
    assert len(disclosures.disclosures_of(world.participant)) == 1
    gp_letters.cancel_letter(world.participant, _issued_again(world, make), "Consent withdrawn", world.vrc.id)


def _issued_again(world, make):
    make.consent(world.participant, "gp_contact", recorded_by=world.vrc)
    letter = _draft(world)
    gp_letters.issue_letter(world.participant, letter, world.vrc.id)
    return letter


def test_employer_contact_with_consent_writes_a_disclosure(world, make):
    consent = make.consent(
        world.participant, "employer_contact", recorded_by=world.vrc, decided_at=clock.now() - timedelta(hours=1)
    )
    contact = _contact(world, at=clock.now() - timedelta(minutes=30))
    [disclosure] = disclosures.disclosures_of(world.participant)
    assert disclosure.id == contact.disclosure_id and disclosure.consent_id == consent.id
    assert disclosure.recipient_type == "employer" and disclosure.summary == "Asked for a later start"
    assert disclosure.data_categories == ["Work obstacles and adjustments"]
    assert disclosure.method == "Phone call"


def test_employer_contact_before_the_consent_was_given_is_refused(world, make):
    make.consent(world.participant, "employer_contact", recorded_by=world.vrc)
    with pytest.raises(ConsentRequired):
        _contact(world, at=clock.now() - timedelta(hours=1))


def test_withdrawal_blocks_the_very_next_employer_contact(world, make):
    consent = make.consent(
        world.participant, "employer_contact", recorded_by=world.vrc, decided_at=clock.now() - timedelta(hours=1)
    )
    _contact(world, at=clock.now() - timedelta(minutes=1))
    recording.withdraw_consent(world.participant, consent, clock.now(), "email", "", world.vrc.id)
    with pytest.raises(ConsentRequired):
        _contact(world)
    assert len(disclosures.disclosures_of(world.participant)) == 1


def test_restricted_record_refuses_letters_and_employer_contact(world, make):
    make.consent(world.participant, "gp_contact", recorded_by=world.vrc)
    make.consent(world.participant, "employer_contact", recorded_by=world.vrc)
    world.participant.restricted = True
    db.session.commit()
    with pytest.raises(ParticipantRestricted):
        _draft(world)
    with pytest.raises(ParticipantRestricted):
        _contact(world)


def test_letter_needs_its_fields_and_the_template_text_replaced(world, make):
    make.consent(world.participant, "gp_contact", recorded_by=world.vrc)
    defaults = gp_letters.defaults(world.participant)
    with pytest.raises(Problems) as problems:
        gp_letters.draft_letter(world.participant, "", "", "", defaults["body"], [], world.vrc.id)
    assert {p.field for p in problems.value.problems} == {
        "addressee",
        "practice_name",
        "practice_address",
        "body",
        "data_categories",
    }


def test_record_disclosure_needs_a_basis_and_a_live_consent(world, make):
    with pytest.raises(disclosures.DisclosureNotAllowed):
        disclosures.record_disclosure(world.participant, "gp", "Park Surgery", "Letter", ["Health"], summary="x")
    with pytest.raises(disclosures.DisclosureNotAllowed):
        disclosures.record_disclosure(
            world.participant, "gp", "Park Surgery", "Letter", ["Health"], summary="x", legal_basis="because"
        )
    elsewhere = make.consent(world.elsewhere, "gp_contact")
    with pytest.raises(disclosures.DisclosureNotAllowed):
        disclosures.record_disclosure(
            world.participant, "gp", "Park Surgery", "Letter", ["Health"], summary="x", consent=elsewhere
        )
    refused = make.consent(world.participant, "gp_contact", decision="refused")
    with pytest.raises(ConsentRequired):
        disclosures.record_disclosure(
            world.participant, "gp", "Park Surgery", "Letter", ["Health"], summary="x", consent=refused
        )
    db.session.rollback()
    assert db.session.query(Disclosure).count() == 0


def test_bulk_disclosures_for_a_publication(world, make):
    other = make.participant(world.home, world.vrc)
    rows = disclosures.record_disclosures(
        [world.participant, other],
        "dwp",
        "Department for Work and Pensions",
        "Contract progress return",
        ["Programme progress"],
        summary="Monthly return",
        legal_basis="public_task",
        source="dwp_publication",
        source_id=7,
    )
    db.session.commit()
    assert {r.participant_id for r in rows} == {world.participant.id, other.id}
    from tests.casework.conftest import events

    [event] = events("disclosures.recorded")
    assert set(event.detail["participant_ids"]) == {world.participant.id, other.id}
    world.participant.restricted = True
    db.session.commit()
    with pytest.raises(ParticipantRestricted):
        disclosures.record_disclosures(
            [world.participant], "dwp", "DWP", "Return", ["Progress"], summary="x", legal_basis="public_task"
        )
