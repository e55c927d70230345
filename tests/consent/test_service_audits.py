"""Audits the services own: a DPO review page's view and the refusals the error
pages show, each committed by the service itself."""

from portal.access import participant_access
from portal.access.participant_access import ParticipantRestricted
from portal.consent import consents
from portal.consent.consents import ConsentRequired
from tests.casework.conftest import events


def test_a_review_page_view_is_recorded_with_its_page(world):
    participant_access.audit_review_view(world.participant, {"view": "dpo.override", "override_id": 7})
    [event] = events("participant.viewed", participant_id=world.participant.id)
    assert event.detail == {"view": "dpo.override", "override_id": 7}


def test_refusals_are_audited_with_what_was_refused(world):
    participant = world.participant
    consents.audit_refusal(ConsentRequired(participant, None, "gp_contact", "it was never asked for"))
    participant_access.audit_restricted_refusal(
        ParticipantRestricted(participant, "gp_letter.write", "writing"), org_id=participant.org_id
    )
    [consent] = events("consent.required", participant_id=participant.id)
    [restricted] = events("participant.refused.restricted", participant_id=participant.id)
    assert (consent.outcome, consent.detail) == ("refused", {"purpose": "gp_contact"})
    assert (restricted.outcome, restricted.detail, restricted.org_id) == (
        "refused",
        {"action": "gp_letter.write"},
        participant.org_id,
    )
