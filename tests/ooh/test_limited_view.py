"""The limited view shows what a call needs, every part the issue lists: contact
details and preferences, the assigned VRC, upcoming and recent appointments, current
consents; and nothing of case notes or health information. Numbers no row can have
in a call page's address are a 404, never an error."""

from datetime import timedelta

from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.models import AuditEvent, Participant
from tests.ooh.conftest import HEALTH_TEXT, NOTE_TEXT, call_url, errors_of, post, run_check, text_of

TOO_BIG = "99999999999999999999"


def test_the_limited_view_shows_what_a_call_needs(w, login, make):
    p = db.session.get(Participant, w.participant.id)
    p.preferred_channel, p.safe_to_call_at_work, p.times_to_avoid = "text", False, "Before 10am on Mondays"
    db.session.commit()
    past = make.appointment(p, starts_at=clock.now() - timedelta(days=10), status="attended", channel="video")
    make.consent(p, "gp_contact", decision="given")
    make.consent(p, "employer_contact", decision="refused")
    client = login(w.ooh_lead)
    run_check(client, p)
    page = client.get(call_url(p))
    body = text_of(page)
    assert page.status_code == 200
    # Contact details and preferences, and the assigned VRC.
    for shown in (
        p.phone,
        p.email,
        p.address_line_1,
        p.postcode,
        "Text message",
        "Safe to call at work No",
        "Before 10am on Mondays",
        w.vrc.name,
    ):
        assert shown in body, shown
    # Upcoming and recent appointments, with the change links on the upcoming one only.
    upcoming, recent = body.split("Upcoming", 1)[1].split("Recent", 1)
    assert "Reschedule" in upcoming and "Cancel" in upcoming
    assert "Reschedule" not in recent.split("Current consents")[0]
    html = page.get_data(as_text=True)
    assert f"/appointments/{w.appointment.id}/reschedule" in html
    assert f"/appointments/{past.id}/" not in html
    assert "Attended" in recent
    # Current consents, one line a purpose.
    consents = body.split("Current consents", 1)[1].split("This call", 1)[0]
    assert "Given" in consents and "Refused" in consents
    # Never case notes, health information or other identifiers.
    assert HEALTH_TEXT not in body and NOTE_TEXT not in body and p.ni_number not in body
    assert p.atw_reference not in body


def test_numbers_no_row_can_have_are_not_found(w, login):
    p = w.participant
    client = login(w.ooh_lead)
    run_check(client, p)
    for url in (
        f"/ooh/h2e/participants/{TOO_BIG}/check",
        f"/ooh/h2e/participants/{TOO_BIG}",
        call_url(p, tail=f"/check/{TOO_BIG}"),
        call_url(p, tail=f"/appointments/{TOO_BIG}/cancel"),
        call_url(p, tail=f"/appointments/{TOO_BIG}/reschedule"),
    ):
        assert client.get(url).status_code == 404, url
    assert post(client, f"/ooh/access/{TOO_BIG}/end").status_code == 404
    assert post(login(w.tm), f"/h2e/callbacks/{TOO_BIG}/done").status_code == 404
    # In the log's filters such a number is a problem shown to fix, not an error.
    for client, url in ((login(w.dpo), "/dpo/ooh-log"), (login(w.tm), "/h2e/ooh-log")):
        response = client.get(f"{url}?participant={TOO_BIG}&worker={TOO_BIG}&organisation={TOO_BIG}&page={TOO_BIG}")
        assert response.status_code == 200
        assert errors_of(response) == ["Enter the participant’s number, like 1042"]


def test_a_cancellation_the_restriction_refuses_is_audited(w, login):
    from portal.casework import participants

    participants.set_restriction(
        db.session.get(Participant, w.participant.id), True, "Accuracy disputed", user_id=w.dpo.id
    )
    client = login(w.ooh_lead)
    p, a = w.participant, w.appointment
    run_check(client, p)
    refused = post(client, call_url(p, tail=f"/appointments/{a.id}/cancel"), {"cancelled_by": "staff", "reason": "x"})
    assert refused.status_code == 200
    events = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "participant.refused.restricted")).all()
    assert [(e.participant_id, e.detail["action"]) for e in events] == [(p.id, "appointment.cancel")]
