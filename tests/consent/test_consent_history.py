"""A withdrawn consent never comes back to life (issue 15, item 1).

A purpose's state is a function of its whole history, in the order each event took
effect: a withdrawal ends every decision dated before it, whatever is recorded
later. A decision recorded more than 15 minutes after the moment it says it took
effect is back-dated: it needs a reason, and the consent page and the disclosures
register say so. ``flask recheck-consent-disclosures`` puts disclosures already made
relying on a consent the rule says was not live on the DPO's review list.
"""

from datetime import timedelta

import pytest

from portal import clock
from portal.casework import employer_contacts, gp_letters
from portal.consent import consent_rule, consents, disclosures, privacy_notices, recording
from portal.consent.consents import ConsentRequired
from portal.extensions import db
from portal.models import AuditEvent, Consent, ConsentWithdrawal, Disclosure, DisclosureReview, Notification
from portal.validation import Problems
from tests.casework.conftest import errors_of, events, post

CATEGORIES = ["Health and wellbeing information"]


def _record(world, decision="given", at=None, reason="", purpose="gp_contact"):
    return recording.record_consent(
        world.participant,
        purpose,
        decision,
        "verbal",
        "Yes, write to my GP",
        at or clock.now(),
        privacy_notices.current_notice().id,
        None,
        world.vrc.id,
        backdated_reason=reason,
    )


def _fields(prefix, moment):
    local = clock.local(moment)
    return {
        f"{prefix}_on": [str(local.day), str(local.month), str(local.year)],
        f"{prefix}_time": local.strftime("%H:%M"),
    }


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


def _reported_case(world):
    """Given 2 hours ago, withdrawn 1 minute ago, then a new "given" dated 1 hour ago."""
    now = clock.now()
    first = _record(world, at=now - timedelta(hours=2), reason="Told me on the phone; recorded back at my desk")
    recording.withdraw_consent(
        world.participant, first, now - timedelta(minutes=1), "phone", "Please stop", world.vrc.id
    )
    again = _record(world, at=now - timedelta(hours=1), reason="Forgot to record it at the meeting")
    return first, again


def test_the_reported_case_a_given_dated_before_a_withdrawal_does_not_revive_the_consent(world):
    first, again = _reported_case(world)
    assert consents.live_consent(world.participant, "gp_contact") is None
    with pytest.raises(ConsentRequired, match="withdrew it") as refused:
        consents.require_live_consent(world.participant, "gp_contact")
    assert "a withdrawal ends every decision dated before it" in refused.value.message
    with pytest.raises(ConsentRequired):
        _draft(world)  # the GP letter is refused
    assert gp_letters.letters_of(world.participant) == []
    [state] = [s for s in consents.purpose_states(world.participant) if s.purpose.code == "gp_contact"]
    assert state.state == "withdrawn" and state.latest.id == again.id and state.withdrawable is None
    # Between the new decision and the withdrawal it was live (the history is one timeline).
    assert consents.live_consent(world.participant, "gp_contact", at=clock.now() - timedelta(minutes=30)).id == again.id
    # Nothing was overwritten.
    assert db.session.query(Consent).count() == 2 and db.session.query(ConsentWithdrawal).count() == 1


def test_the_reported_case_through_the_pages(world, login):
    now = clock.now()
    first = _record(world, at=now - timedelta(hours=2), reason="Recorded after a home visit")
    recording.withdraw_consent(world.participant, first, now - timedelta(minutes=1), "phone", "", world.vrc.id)
    vrc = login(world.vrc)
    base = f"/h2e/participants/{world.participant.id}"
    response = post(
        vrc,
        f"{base}/consents/new",
        {
            "purpose": "gp_contact",
            "decision": "given",
            "method": "verbal",
            "words": "Yes",
            "notice_id": str(world.notice.id),
            "backdated_reason": "Forgot to record it at the meeting",
            **_fields("decided", now - timedelta(hours=1)),
        },
    )
    assert response.status_code == 302
    page = vrc.get(f"{base}/consents").get_data(as_text=True)
    assert "Decision recorded, but the consent is not live" in page
    gp = page.split('id="purpose-gp_contact"')[1].split('id="purpose-employer_contact"')[0]
    assert "Withdrawn" in gp and "Withdraw consent" not in gp
    assert "Ended by the withdrawal dated" in gp  # the back-dated "given" shows why it is not live
    # The record's overview (the same table as the out-of-hours limited view) agrees.
    record = vrc.get(base).get_data(as_text=True)
    row = record.split(">GP or health practitioner contact</th>")[1].split("</tr>")[0]
    assert "Withdrawn" in row and "Withdraw<" not in row
    assert "Write to the GP" not in page
    refused = vrc.get(f"{base}/gp-letters/new")
    assert refused.status_code == 403 and "withdrew it" in refused.get_data(as_text=True)


def test_a_later_withdrawal_ends_every_decision_dated_before_it_whatever_the_recording_order(world):
    now = clock.now()
    a = _record(world, at=now - timedelta(hours=3), reason="Paper form posted back")
    b = _record(world, at=now - timedelta(hours=2), reason="Paper form posted back")
    recording.withdraw_consent(world.participant, b, now - timedelta(hours=1), "letter", "", world.vrc.id)
    assert consents.live_consent(world.participant, "gp_contact") is None
    assert not consents.consent_live_at(a) and not consents.consent_live_at(b)
    assert consents.decision_state(a)[0] == "withdrawn"
    # A decision dated after the withdrawal does bring it back.
    c = _record(world, at=now - timedelta(minutes=30), reason="Said yes again on a call")
    assert consents.live_consent(world.participant, "gp_contact").id == c.id


def test_resolve_is_a_pure_function_of_the_history_in_any_order(world):
    first, again = _reported_case(world)
    history = consents.consents_of(world.participant)
    now = clock.now()
    forward = consent_rule.resolve(history, now, lambda c, at: False)
    backward = consent_rule.resolve(list(reversed(history)), now, lambda c, at: False)
    assert (forward.state, forward.current.id) == (backward.state, backward.current.id) == ("withdrawn", again.id)
    assert forward.ended_by.id == first.withdrawal.id


def test_a_back_dated_decision_needs_a_reason_and_future_dates_stay_refused(world):
    with pytest.raises(Problems) as problems:
        _record(world, at=clock.now() - timedelta(minutes=16))
    assert [p.field for p in problems.value.problems] == ["backdated_reason"]
    assert "more than 15 minutes" in problems.value.problems[0].message
    recent = _record(world, at=clock.now() - timedelta(minutes=14), reason="ignored: not back-dated")
    assert not recent.backdated and recent.backdated_reason == ""
    with pytest.raises(Problems, match="must be now or in the past"):
        _record(world, at=clock.now() + timedelta(minutes=5), reason="The future")


def test_back_dated_decision_through_the_form_keeps_the_input_and_shows_on_the_page_and_register(world, login):
    vrc = login(world.vrc)
    base = f"/h2e/participants/{world.participant.id}"
    when = clock.now() - timedelta(hours=3)
    fields = {
        "purpose": "gp_contact",
        "decision": "given",
        "method": "verbal",
        "words": "Yes, write to Dr Patel",
        "notice_id": str(world.notice.id),
        **_fields("decided", when),
    }
    response = post(vrc, f"{base}/consents/new", {**fields, "backdated_reason": ""})
    assert response.status_code == 200
    assert errors_of(response) == [
        "Enter why the decision is recorded more than 15 minutes after the participant made it"
    ]
    assert "Yes, write to Dr Patel" in response.get_data(as_text=True)  # input kept
    response = post(vrc, f"{base}/consents/new", {**fields, "backdated_reason": "Said yes at the home visit"})
    assert response.status_code == 302
    consent = db.session.query(Consent).one()
    assert consent.backdated and consent.backdated_reason == "Said yes at the home visit"
    letter = _draft(world)
    gp_letters.issue_letter(world.participant, letter, world.vrc.id)
    gp_letters.record_sent(world.participant, letter, "post", clock.now(), world.vrc.id)
    page = vrc.get(f"{base}/consents").get_data(as_text=True)
    history, register = page.split('id="register"')
    assert "Back-dated" in history and "Said yes at the home visit" in history
    assert "Back-dated" in register and "Said yes at the home visit" in register
    [disclosure] = disclosures.disclosures_of(world.participant)
    detail = vrc.get(f"{base}/disclosures/{disclosure.id}").get_data(as_text=True)
    assert "Back-dated" in detail and "Said yes at the home visit" in detail
    receipt = vrc.get(f"{base}/consents/{consent.id}/receipt").get_data(as_text=True)
    assert "Back-dated: Said yes at the home visit" in receipt


def test_employer_contact_gate_reads_the_same_rule(world):
    now = clock.now()
    first = _record(world, purpose="employer_contact", at=now - timedelta(hours=2), reason="Recorded late")
    recording.withdraw_consent(world.participant, first, now - timedelta(minutes=1), "email", "", world.vrc.id)
    _record(world, purpose="employer_contact", at=now - timedelta(hours=1), reason="Recorded late")
    with pytest.raises(ConsentRequired, match="employer_contact"):
        employer_contacts.record_employer_contact(
            world.participant,
            "call",
            clock.now(),
            "Test Employer Ltd",
            "Line manager",
            "A later start",
            ["Work obstacles and adjustments"],
            world.vrc.id,
        )


# ----------------------------------------------------------------- the one-off check


def _disclosure_as_the_old_code_allowed(world, consent, at):
    """A GP letter's disclosure written while the old rule said the consent was live."""
    row = Disclosure(
        org_id=world.participant.org_id,
        participant_id=world.participant.id,
        recipient_type="gp",
        recipient_name="Park Surgery",
        purpose="GP or health practitioner contact",
        data_categories=CATEGORIES,
        consent_id=consent.id,
        summary="Letter",
        method="Post",
        disclosed_at=at,
        disclosed_by_id=world.vrc.id,
        recorded_at=at,
        source="gp_letter",
    )
    db.session.add(row)
    db.session.commit()
    return row


def test_recheck_puts_each_disclosure_on_a_dead_consent_on_the_dpo_review_list_once(world, app, login):
    first, again = _reported_case(world)
    bad = _disclosure_as_the_old_code_allowed(world, again, clock.now())
    # A disclosure made while the first consent really was live is left alone.
    good = _disclosure_as_the_old_code_allowed(world, first, clock.now() - timedelta(minutes=90))
    bad_id, good_id, again_id = bad.id, good.id, again.id
    participant_id, name, reference = world.participant.id, world.participant.name, world.participant.atw_reference
    dpo_id = world.dpo.id
    runner = app.test_cli_runner()
    output = runner.invoke(args=["recheck-consent-disclosures"]).output
    assert "relied on a consent that was not live: 1" in output and f"disclosure ids {bad_id}" in output
    assert "added to the DPO's review list: 1" in output
    output = runner.invoke(args=["recheck-consent-disclosures"]).output  # safe to run twice
    assert "added to the DPO's review list: 0" in output and "already on the list: 1" in output
    [item] = db.session.query(DisclosureReview).all()
    assert (item.disclosure_id, item.kind, item.participant_id) == (bad_id, "consent_not_live", participant_id)
    assert f"consent decision {again_id}" in item.finding and "ended every decision dated before it" in item.finding
    assert name not in item.finding and good_id != item.disclosure_id
    item_id = item.id
    runs = (
        db.session.query(AuditEvent)
        .filter(AuditEvent.action == "consent_disclosures.rechecked")
        .order_by(AuditEvent.seq)
        .all()
    )
    assert len(runs) == 2
    assert runs[0].detail["raised"] == [item_id] and runs[0].detail["participant_ids"] == [participant_id]
    assert runs[1].detail["raised"] == [] and runs[1].detail["not_live"] == [bad_id]
    assert (
        db.session.query(Notification)
        .filter(Notification.user_id == dpo_id, Notification.kind == "disclosure_review")
        .count()
        == 1
    )

    # The DPO sees it on the review list, opens it (audited) and records a review.
    from portal.models import User

    dpo = login(db.session.get(User, dpo_id))
    page = dpo.get("/dpo/overrides").get_data(as_text=True)
    assert "Disclosures to review as possible breaches (1)" in page and reference in page
    assert dpo.get(f"/dpo/disclosure-reviews/{item_id}").status_code == 200
    assert events("participant.viewed", participant_id)[-1].detail["view"] == "dpo.disclosure_review"
    response = post(dpo, f"/dpo/disclosure-reviews/{item_id}", {"outcome": "breach", "notes": ""})
    assert errors_of(response) == ["Enter your review notes"]
    response = post(dpo, f"/dpo/disclosure-reviews/{item_id}", {"outcome": "breach", "notes": "Breach 12 opened"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(DisclosureReview, item_id).review_outcome == "breach"
    page = dpo.get(f"/dpo/disclosure-reviews/{item_id}").get_data(as_text=True)
    assert "Breach 12 opened" in page and "Your review" not in page
    assert "Disclosures to review as possible breaches (0)" in dpo.get("/dpo/overrides").get_data(as_text=True)
    assert events("disclosure_review.reviewed", participant_id)
    # Reviewed items are not added again when the check runs again.
    runner.invoke(args=["recheck-consent-disclosures"])
    assert db.session.query(DisclosureReview).count() == 1


def test_the_disclosure_service_refuses_the_dead_consent_now(world):
    _first, again = _reported_case(world)
    with pytest.raises(ConsentRequired):
        disclosures.record_disclosure(
            world.participant,
            "gp",
            "Park Surgery",
            "GP contact",
            CATEGORIES,
            summary="Letter",
            consent=again,
            user_id=world.vrc.id,
        )
