"""The verbal-consent check: compared by the service, stored and logged whatever the
outcome; wrong answers, refusals and third parties never open anything."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal import clock
from portal.access import ooh_access
from portal.extensions import db
from portal.models import OohCheck, OohGrant
from tests.ooh.conftest import (
    HEALTH_TEXT,
    NOTE_TEXT,
    audit_events,
    call_url,
    errors_of,
    identity,
    ooh_events,
    post,
    run_check,
    text_of,
)


def _grants():
    return db.session.scalar(select(func.count(OohGrant.id)))


def test_confirmed_identity_and_agreement_open_the_limited_view(w, login):
    client = login(w.ooh_lead)
    p = w.participant
    assert client.get(call_url(p)).status_code == 303  # no grant yet: to the check
    first = post(client, call_url(p, tail="/check"), identity(p, full_name="  maryam   O’BRIEN ", postcode="ls62qt"))
    assert first.status_code == 303 and "/check/" in first.headers["Location"]
    question = client.get(first.headers["Location"])
    assert "Identity confirmed" in text_of(question)
    assert "May I look at your records to help you with this call?" in text_of(question)
    answered = post(client, first.headers["Location"], {"consent": "agreed", "note": "Wants to move Thursday"})
    assert answered.status_code == 303 and answered.headers["Location"].endswith(call_url(p))
    page = client.get(call_url(p))
    body = text_of(page)
    assert page.status_code == 200
    assert "Maryam O'Brien" in body and p.phone in body and p.email in body and w.vrc.name in body
    assert HEALTH_TEXT not in body and NOTE_TEXT not in body and p.ni_number not in body
    check = db.session.scalars(select(OohCheck)).one()
    assert (check.caller, check.identity_confirmed, check.consent, check.consent_note) == (
        "participant",
        True,
        "agreed",
        "Wants to move Thursday",
    )
    grant = db.session.scalars(select(OohGrant)).one()
    assert (grant.worker_id, grant.participant_id, grant.check_id) == (w.ooh_lead.id, p.id, check.id)
    assert [e.kind for e in ooh_events(participant_id=p.id)][:3] == ["check", "grant", "view"]
    assert [e.outcome for e in ooh_events("check")] == ["confirmed"]


@pytest.mark.parametrize(
    "wrong",
    [
        {"full_name": "Maryam OBrien"},
        {"full_name": "Mary O'Brien"},
        {"date_of_birth": ["28", "3", "1985"]},
        {"postcode": "LS6 2QU"},
        {"full_name": "", "postcode": ""},
    ],
)
def test_wrong_answers_never_grant(w, login, wrong):
    client = login(w.ooh)
    p = w.participant
    response = post(client, call_url(p, tail="/check"), identity(p, **wrong))
    if "full_name" in wrong and not wrong["full_name"]:
        assert response.status_code == 200 and errors_of(response)
        assert not db.session.scalars(select(OohCheck)).all()
        return
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    body = text_of(page)
    assert "Identity not confirmed" in body and "May I look" not in body
    for which in ("name", "date of birth", "postcode"):
        assert f"{which} does not match" not in body.lower()
    # Answering the question anyway opens nothing.
    forced = post(client, response.headers["Location"], {"consent": "agreed", "note": "Let me in"})
    assert forced.status_code == 303
    assert _grants() == 0
    assert client.get(call_url(p)).status_code == 303
    assert client.get(f"/h2e/participants/{p.id}").status_code == 303
    check = db.session.scalars(select(OohCheck)).one()
    assert check.identity_confirmed is False and check.consent is None
    assert [e.outcome for e in ooh_events("check")] == ["not_confirmed"]
    assert audit_events("ooh.check")[0].detail["outcome"] == "not_confirmed"


def test_three_wrong_sets_of_answers_lock_the_check(w, login):
    client = login(w.ooh_lead)
    p = w.participant
    for _ in range(ooh_access.MAX_FAILED_CHECKS):
        post(client, call_url(p, tail="/check"), identity(p, postcode="LS1 1AA"))
    page = client.get(call_url(p, tail="/check"))
    assert "no more checks can be made" in text_of(page) and 'name="full_name"' not in page.get_data(as_text=True)
    # Even the right answers now open nothing (the check cannot be guessed field by field).
    response = post(client, call_url(p, tail="/check"), identity(p))
    assert response.status_code == 200 and "no more checks can be made" in text_of(response)
    assert _grants() == 0
    assert [e.outcome for e in ooh_events("check")] == ["not_confirmed"] * 3 + ["locked"]
    # Another worker, or the next day, is not locked out.
    clock.advance(ooh_access.FAILED_CHECKS_WINDOW + timedelta(minutes=1))
    run_check(login(w.ooh_lead), p)
    assert _grants() == 1


def test_refusal_leaves_no_grant_and_offers_a_callback(w, login):
    client = login(w.ooh_lead)
    p = w.participant
    response = run_check(client, p, answer="refused", note="Would rather speak to Vera")
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert "The participant refused" in text_of(page) and "Leave a callback note" in text_of(page)
    assert _grants() == 0
    assert client.get(call_url(p)).status_code == 303
    check = db.session.scalars(select(OohCheck)).one()
    assert (check.consent, check.consent_note) == ("refused", "Would rather speak to Vera")
    assert [e.kind for e in ooh_events(participant_id=p.id)] == ["check", "refusal"]
    # The answer cannot be changed afterwards.
    again = post(client, response.headers["Location"], {"consent": "agreed", "note": "Changed my mind"})
    assert again.status_code == 303 and _grants() == 0


def test_a_third_party_is_recorded_as_such_and_cannot_consent(w, login):
    client = login(w.ooh_lead)
    p = w.participant
    response = post(
        client,
        call_url(p, tail="/check"),
        {"caller": "third_party", "full_name": "", "date_of_birth": ["", "", ""], "postcode": ""},
    )
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert "cannot consent for them" in text_of(page) and "May I look" not in text_of(page)
    post(client, response.headers["Location"], {"consent": "agreed", "note": "Her husband says yes"})
    check = db.session.scalars(select(OohCheck)).one()
    assert check.caller == "third_party" and check.consent is None and check.name_matched is None
    assert _grants() == 0
    assert [e.outcome for e in ooh_events("check")] == ["third_party"]


def test_the_answer_belongs_to_the_same_call(w, login):
    client = login(w.ooh_lead)
    p = w.participant
    first = post(client, call_url(p, tail="/check"), identity(p))
    clock.advance(ooh_access.ANSWER_WITHIN + timedelta(seconds=1))
    client = login(w.ooh_lead)  # a session idles out in 30 minutes too
    late = post(client, first.headers["Location"], {"consent": "agreed", "note": "Later"})
    assert late.status_code == 303
    assert "ran out of time" in text_of(client.get(first.headers["Location"]))
    assert _grants() == 0


def test_the_consent_question_needs_an_answer_and_a_note(w, login):
    client = login(w.ooh_lead)
    p = w.participant
    first = post(client, call_url(p, tail="/check"), identity(p))
    page = post(client, first.headers["Location"], {"consent": "", "note": ""})
    assert page.status_code == 200
    assert errors_of(page) == ["Select whether the participant agrees", "Enter a short note of the call"]
    assert _grants() == 0


def test_another_workers_check_is_not_found(w, login):
    p = w.participant
    first = post(login(w.ooh_lead), call_url(p, tail="/check"), identity(p))
    other = login(w.ooh)
    assert other.get(first.headers["Location"]).status_code == 404
    assert post(other, first.headers["Location"], {"consent": "agreed", "note": "x"}).status_code == 404
    assert _grants() == 0


def test_the_check_page_shows_nothing_beyond_the_search_fields(w, login):
    p = w.participant
    for user in (w.ooh_lead, w.ooh, w.other_vrc):
        body = text_of(login(user).get(call_url(p, tail="/check")))
        assert "M. O'Brien" in body and "Health 2 Employment" in body
        for withheld in ("Maryam", p.phone, p.email, p.postcode, "27 March 1985", p.atw_reference, HEALTH_TEXT):
            assert withheld not in body, withheld
