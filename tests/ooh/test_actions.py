"""With a grant: cancelling and rescheduling through the casework services, a call
note, callbacks; the assigned VRC is told of every action and sees it on the record.
Restricted records: the banner, callbacks and cancellation at the participant's
request only."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from portal import clock
from portal.casework import participants
from portal.extensions import db
from portal.models import (
    Appointment,
    AppointmentReschedule,
    CaseNote,
    Notification,
    OohCallback,
    OohCallNote,
    Participant,
)
from portal.ooh import ooh_calls
from portal.validation import Problems
from tests.ooh.conftest import call_url, errors_of, ooh_events, post, run_check, text_of


def _future(days=5, hour="18:30"):
    day = clock.local(clock.now()).date() + timedelta(days=days)
    return {"date": [str(day.day), str(day.month), str(day.year)], "time": hour}


def _notes_for(user):
    return db.session.scalars(
        select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
    ).all()


def _restrict(w):
    participant = db.session.get(Participant, w.participant.id)
    participants.set_restriction(participant, True, "Accuracy disputed", user_id=w.dpo.id)


def test_reschedule_on_a_call(w, login):
    client = login(w.ooh_lead)
    p, a = w.participant, w.appointment
    run_check(client, p)
    url = call_url(p, tail=f"/appointments/{a.id}/reschedule")
    missing = post(client, url, {**_future(), "requested_by": "participant", "reason": ""})
    assert missing.status_code == 200 and errors_of(missing) == ["Enter the reason for rescheduling"]
    done = post(client, url, {**_future(), "requested_by": "participant", "reason": "Working late on Thursday"})
    assert done.status_code == 302 and done.headers["Location"].endswith(call_url(p))
    db.session.expire_all()
    moved = db.session.get(Appointment, a.id)
    assert clock.local(moved.starts_at).hour == 18
    change = db.session.scalars(select(AppointmentReschedule)).one()
    assert (change.reason, change.changed_by_id) == ("Working late on Thursday", w.ooh_lead.id)
    event = ooh_events("appointment_rescheduled")[0]
    assert event.detail["requested_by"] == "participant" and event.object_id == a.id
    told = _notes_for(w.vrc)[-1]
    assert told.kind == "ooh.action" and told.link == f"/h2e/participants/{p.id}"
    assert "rescheduled" in told.text and "Maryam" not in told.text and "O'Brien" not in told.text
    # The assigned VRC sees it on the record.
    record = text_of(login(w.vrc).get(f"/h2e/participants/{p.id}"))
    assert "Out-of-hours calls" in record and "Appointment rescheduled" in record
    assert "Asked for by the participant" in record and w.ooh_lead.name in record


def test_cancel_on_a_call(w, login):
    client = login(w.ooh_lead)
    p, a = w.participant, w.appointment
    run_check(client, p)
    missing = post(
        client, call_url(p, tail=f"/appointments/{a.id}/cancel"), {"cancelled_by": "participant", "reason": ""}
    )
    assert missing.status_code == 200 and errors_of(missing) == ["Enter the reason for cancelling"]
    unsaid = post(client, call_url(p, tail=f"/appointments/{a.id}/cancel"), {"reason": "Unwell"})
    assert errors_of(unsaid) == ["Select who asked for the cancellation"]
    assert not ooh_events("appointment_cancelled") and not _notes_for(w.vrc)
    done = post(
        client, call_url(p, tail=f"/appointments/{a.id}/cancel"), {"cancelled_by": "participant", "reason": "Unwell"}
    )
    assert done.status_code == 302
    db.session.expire_all()
    cancelled = db.session.get(Appointment, a.id)
    assert (cancelled.status, cancelled.cancelled_by, cancelled.cancellation_reason) == (
        "cancelled",
        "participant",
        "Unwell",
    )
    assert ooh_events("appointment_cancelled")[0].detail["requested_by"] == "participant"
    assert "cancelled" in _notes_for(w.vrc)[-1].text


def test_a_call_note_is_not_a_case_note(w, login):
    client = login(w.ooh)
    p = w.participant
    run_check(client, p)
    cases_before = db.session.scalar(select(func.count(CaseNote.id)))
    empty = post(client, call_url(p, tail="/call-note"), {"text": " "})
    assert errors_of(empty) == ["Enter the call note"]
    post(client, call_url(p, tail="/call-note"), {"text": "Asked about parking at the office; told to ask Vera."})
    assert db.session.scalar(select(func.count(CaseNote.id))) == cases_before
    note = db.session.scalars(select(OohCallNote)).one()
    assert note.worker_id == w.ooh.id
    assert "Asked about parking" in text_of(client.get(call_url(p)))
    assert "Asked about parking" in text_of(login(w.vrc).get(f"/h2e/participants/{p.id}"))
    assert "call note" in _notes_for(w.vrc)[-1].text
    # Not among the case notes, which the worker cannot open anyway.
    assert "Asked about parking" not in text_of(login(w.vrc).get(f"/h2e/participants/{p.id}/notes"))


def test_a_callback_reaches_the_top_of_the_vrcs_caseload(w, login):
    p = w.participant
    client = login(w.ooh_lead)
    refused = run_check(client, p, answer="refused", note="Wants Vera")
    page = client.get(refused.headers["Location"])
    assert "Leave a callback note" in text_of(page)
    form = client.get(call_url(p, tail="/callback"))
    assert form.status_code == 200 and p.phone not in text_of(form)
    bad = post(client, call_url(p, tail="/callback"), {"reason": "", "best_time": "", "phone": "12"})
    assert errors_of(bad) == [
        "Enter the reason for the call",
        "Enter the best time to call back",
        "Enter a UK phone number, like 07700 900 982 or +44 7700 900 982",
    ]
    sent = post(
        client,
        call_url(p, tail="/callback"),
        {"reason": "Wants to talk about her hours", "best_time": "Weekdays after 6pm", "phone": "07700 900 321"},
    )
    assert sent.status_code == 302 and sent.headers["Location"].endswith("/ooh/")
    callback = db.session.scalars(select(OohCallback)).one()
    assert (callback.vrc_id, callback.phone) == (w.vrc.id, "07700900321")
    told = _notes_for(w.vrc)[-1]
    assert told.kind == "ooh.callback" and told.link == "/h2e/caseload" and "O'Brien" not in told.text
    vrc = login(w.vrc)
    caseload = vrc.get("/h2e/caseload")
    body = text_of(caseload)
    assert "Callbacks requested out of hours" in body
    assert body.index("Wants to talk about her hours") < body.index("Search by name")
    assert "Weekdays after 6pm" in body and "07700900321" in body
    assert "Wants to talk about her hours" in text_of(vrc.get(f"/h2e/participants/{p.id}"))
    # Another VRC's caseload does not show it, nor can they close it.
    assert "Wants to talk" not in text_of(login(w.other_vrc).get("/h2e/caseload"))
    assert post(login(w.other_vrc), f"/h2e/callbacks/{callback.id}/done").status_code == 404
    done = post(vrc, f"/h2e/callbacks/{callback.id}/done")
    assert done.status_code == 302 and done.headers["Location"].endswith("/h2e/caseload")
    assert "Callbacks requested out of hours" not in text_of(vrc.get("/h2e/caseload"))
    assert [e.kind for e in ooh_events(participant_id=p.id)][-2:] == ["callback", "callback_closed"]


def test_a_callback_needs_a_check_on_the_call(w, login):
    client = login(w.ooh)
    response = client.get(call_url(w.participant, tail="/callback"))
    assert response.status_code == 303 and response.headers["Location"].endswith("/check")
    post(
        client,
        call_url(w.participant, tail="/check"),
        {"caller": "third_party", "full_name": "", "date_of_birth": ["", "", ""], "postcode": ""},
    )
    assert client.get(call_url(w.participant, tail="/callback")).status_code == 200


def test_callbacks_for_a_participant_with_no_vrc_go_to_the_team_managers(w, login, make):
    waiting = make.participant(w.home, None, last_name="Unallocated")
    client = login(w.ooh)
    run_check(client, waiting, answer="refused")
    post(
        client,
        call_url(waiting, tail="/callback"),
        {"reason": "Has not heard from anyone", "best_time": "Any time", "phone": "07700900999"},
    )
    told = _notes_for(w.tm)[-1]
    assert told.kind == "ooh.callback" and told.link == "/h2e/team/caseload"
    assert "Has not heard from anyone" in text_of(login(w.tm).get("/h2e/team/caseload"))


def test_another_vrcs_change_through_the_casework_limited_view_is_told_too(w, login):
    client = login(w.other_vrc)
    p, a = w.participant, w.appointment
    run_check(client, p)
    response = post(
        client,
        f"/h2e/participants/{p.id}/appointments/{a.id}/cancel",
        {"cancelled_by": "participant", "reason": "On holiday"},
    )
    assert response.status_code == 302
    assert ooh_events("appointment_cancelled")[0].worker_id == w.other_vrc.id
    assert "cancelled by Omar Colleague" in _notes_for(w.vrc)[-1].text


def test_every_change_through_the_casework_limited_view_is_an_out_of_hours_action(w, login, make):
    """Another VRC under a grant: a reschedule says who asked, a consent withdrawal and
    the emergency override are logged and told to the assigned VRC, who sees them."""
    p, a = w.participant, w.appointment
    consent = make.consent(p, "gp_contact", decision="given")
    client = login(w.other_vrc)
    run_check(client, p)
    url = f"/h2e/participants/{p.id}/appointments/{a.id}/reschedule"
    unsaid = post(client, url, {**_future(), "reason": "Working late"})
    assert unsaid.status_code == 200 and errors_of(unsaid) == ["Select who asked for the change"]
    with pytest.raises(Problems):  # the service itself asks, whichever page calls it
        ooh_calls.reschedule_appointment(p, a, clock.now() + timedelta(days=3), "Working late", None, w.other_vrc)
    assert ooh_events("appointment_rescheduled") == []
    assert post(client, url, {**_future(), "requested_by": "participant", "reason": "Working late"}).status_code == 302
    assert ooh_events("appointment_rescheduled")[0].detail["requested_by"] == "participant"
    now = clock.local(clock.now())
    when = {"day": [str(now.day), str(now.month), str(now.year)], "time": now.strftime("%H:%M")}
    withdrawn = post(
        client,
        f"/h2e/participants/{p.id}/consents/{consent.id}/withdraw",
        {
            "method": "phone",
            "words": "Please do not write to my GP",
            "withdrawn_on": when["day"],
            "withdrawn_time": when["time"],
        },
    )
    assert withdrawn.status_code == 302
    assert ooh_events("consent_withdrawn")[0].object_id == consent.id
    assert "consent" in _notes_for(w.vrc)[-1].text and "withdrawn" in _notes_for(w.vrc)[-1].text
    emergency = post(
        client,
        f"/h2e/participants/{p.id}/emergency-contact",
        {
            "recipient_type": "gp",
            "recipient_name": "Dr Patel",
            "contacted_on": when["day"],
            "contacted_time": when["time"],
            "reason": "Said she would harm herself",
            "what_shared": "Name and address",
            "data_categories": ["Name and contact details"],
        },
    )
    assert emergency.status_code == 302
    assert ooh_events("emergency_override")[0].worker_id == w.other_vrc.id
    assert "without consent" in _notes_for(w.vrc)[-1].text
    record = text_of(login(w.vrc).get(f"/h2e/participants/{p.id}"))
    for seen in ("Consent withdrawn", "Emergency override", "Asked for by the participant", "Record viewed"):
        assert seen in record, seen


def test_views_under_a_grant_are_on_the_record_one_line_a_run(w, login):
    p = w.participant
    client = login(w.ooh_lead)
    run_check(client, p)
    for _ in range(2):
        client.get(call_url(p))
    client.get(call_url(p, tail="/call-note"))
    record = text_of(login(w.vrc).get(f"/h2e/participants/{p.id}"))
    assert record.count("Record viewed") == 1 and "Record viewed (3 pages)" in record


def test_the_assigned_vrcs_own_changes_are_not_out_of_hours_actions(w, login):
    p, a = w.participant, w.appointment
    response = post(
        login(w.vrc),
        f"/h2e/participants/{p.id}/appointments/{a.id}/cancel",
        {"cancelled_by": "participant", "reason": "On holiday"},
    )
    assert response.status_code == 302
    assert not ooh_events() and not _notes_for(w.vrc)


def test_a_restricted_record_allows_only_cancellation_at_the_participants_request_and_callbacks(w, login):
    _restrict(w)
    client = login(w.ooh_lead)
    p, a = w.participant, w.appointment
    run_check(client, p)
    page = text_of(client.get(call_url(p)))
    assert "This record is restricted" in page and "Reschedule" not in page and "Add a call note" not in page
    refused = post(
        client,
        call_url(p, tail=f"/appointments/{a.id}/reschedule"),
        {**_future(), "requested_by": "participant", "reason": "Later"},
    )
    assert refused.status_code == 403 and "restricted" in text_of(refused)
    assert client.get(call_url(p, tail="/call-note")).status_code == 403
    by_staff = post(
        client, call_url(p, tail=f"/appointments/{a.id}/cancel"), {"cancelled_by": "staff", "reason": "VRC away"}
    )
    assert (
        by_staff.status_code == 200 and "only be cancelled at the participant’s own request" in errors_of(by_staff)[0]
    )
    db.session.expire_all()
    assert db.session.get(Appointment, a.id).status == "scheduled"
    assert not ooh_events("appointment_cancelled") and not _notes_for(w.vrc)
    by_participant = post(
        client, call_url(p, tail=f"/appointments/{a.id}/cancel"), {"cancelled_by": "participant", "reason": "Unwell"}
    )
    assert by_participant.status_code == 302
    db.session.expire_all()
    assert db.session.get(Appointment, a.id).status == "cancelled"
    callback = post(
        client,
        call_url(p, tail="/callback"),
        {"reason": "Wants to talk about the restriction", "best_time": "Mornings", "phone": "07700900111"},
    )
    assert callback.status_code == 302
    assert db.session.scalar(select(func.count(OohCallback.id))) == 1


def test_the_worker_sees_only_their_own_call_notes_of_this_call(w, login):
    p = w.participant
    first = login(w.ooh)
    run_check(first, p)
    post(first, call_url(p, tail="/call-note"), {"text": "First worker's note about the bus route"})
    second = login(w.ooh_lead)
    run_check(second, p)
    assert "bus route" not in text_of(second.get(call_url(p)))


def test_the_emergency_override_from_the_call(w, login):
    from portal.models import Disclosure, EmergencyContact

    p = w.participant
    client = login(w.ooh_lead)
    assert client.get(call_url(p, tail="/emergency")).status_code == 303  # no grant: to the check
    run_check(client, p)
    assert "Emergency: contact services without consent" in text_of(client.get(call_url(p)))
    now = clock.local(clock.now())
    data = {
        "recipient_type": "emergency_services",
        "recipient_name": "999 ambulance service",
        "contacted_on": [str(now.day), str(now.month), str(now.year)],
        "contacted_time": now.strftime("%H:%M"),
        "reason": "",
        "what_shared": "Name and address",
        "data_categories": ["Name and contact details"],
    }
    missing = post(client, call_url(p, tail="/emergency"), data)
    assert missing.status_code == 200 and errors_of(missing)
    assert not ooh_events("emergency_override") and not _notes_for(w.vrc)
    done = post(client, call_url(p, tail="/emergency"), {**data, "reason": "Said he would harm himself tonight"})
    assert done.status_code == 302
    contact = db.session.scalars(select(EmergencyContact)).one()
    assert (contact.made_by_id, contact.made_as) == (w.ooh_lead.id, "ooh")
    assert db.session.get(Disclosure, contact.disclosure_id).legal_basis == "vital_interests"
    assert ooh_events("emergency_override")[0].object_id == contact.id
    assert "without consent" in _notes_for(w.vrc)[-1].text
    assert _notes_for(w.dpo)  # the DPO's review list
