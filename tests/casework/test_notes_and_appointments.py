"""Case notes (versions, never edited in place) and appointments (schedule, reschedule,
cancel, attended / did not attend, next appointment, first contact)."""

from datetime import timedelta

from portal import clock
from portal.extensions import db
from portal.models import Appointment, AppointmentReschedule, CaseNote, Participant
from tests.casework.conftest import NOTE_TEXT, errors_of, events, post


def _url(w, tail=""):
    return f"/{w.home.slug}/participants/{w.participant.id}{tail}"


def _day(d):
    return [str(d.day), str(d.month), str(d.year)]


def test_write_a_note(cw, login):
    client = login(cw.vrc)
    assert client.get(_url(cw, "/notes/new")).status_code == 200
    response = post(
        client,
        _url(cw, "/notes/new"),
        {
            "contact_date": _day(clock.today()),
            "note_type": "appointment",
            "text": "Met at the library. Agreed next steps.",
        },
    )
    assert response.status_code == 302
    note = db.session.query(CaseNote).order_by(CaseNote.id.desc()).first()
    assert (note.author_id, note.note_type, note.current.text) == (
        cw.vrc.id,
        "appointment",
        "Met at the library. Agreed next steps.",
    )
    page = client.get(_url(cw, "/notes")).get_data(as_text=True)
    assert "Met at the library" in page and "Vera Assigned" in page
    written = events("case_note.written", participant_id=cw.participant.id)[-1]
    assert "library" not in str(written.detail)


def test_note_bad_input(cw, login):
    client = login(cw.vrc)
    tomorrow = clock.today() + timedelta(days=1)
    response = post(client, _url(cw, "/notes/new"), {"contact_date": _day(tomorrow), "note_type": "", "text": " "})
    assert set(errors_of(response)) == {
        "The date of the contact must be today or in the past",
        "Select the type of contact",
        "Enter the note",
    }
    response = post(
        client, _url(cw, "/notes/new"), {"contact_date": ["40", "1", "2026"], "note_type": "phone", "text": "Kept text"}
    )
    assert errors_of(response) == ["Date of the contact must be a real date"]
    assert "Kept text" in response.get_data(as_text=True)
    long = post(
        client, _url(cw, "/notes/new"), {"contact_date": _day(clock.today()), "note_type": "phone", "text": "x" * 10001}
    )
    assert errors_of(long) == ["The note must be 10000 characters or fewer"]


def test_amending_a_note_adds_a_version_and_keeps_the_old_one(cw, login):
    client = login(cw.vrc)
    url = _url(cw, f"/notes/{cw.note.id}/amend")
    assert NOTE_TEXT in client.get(url).get_data(as_text=True)
    assert errors_of(post(client, url, {"text": NOTE_TEXT, "reason": ""})) == [
        "The amended note is the same as the current version",
        "Enter the reason for the amendment",
    ]
    response = post(client, url, {"text": "Talked about the commute and hours", "reason": "Added hours"})
    assert response.status_code == 302
    db.session.expire_all()
    note = db.session.get(CaseNote, cw.note.id)
    assert [v.text for v in note.versions] == [NOTE_TEXT, "Talked about the commute and hours"]
    assert note.versions[1].reason == "Added hours" and note.versions[0].reason == ""
    history = client.get(_url(cw, f"/notes/{cw.note.id}")).get_data(as_text=True)
    assert NOTE_TEXT in history and "Version 2 (current)" in history and "Added hours" in history
    notes = client.get(_url(cw, "/notes")).get_data(as_text=True)
    assert "Amended" in notes and "Talked about the commute and hours" in notes and NOTE_TEXT not in notes


def test_a_phone_note_after_allocation_is_first_contact(cw, login, make):
    p = make.participant(cw.home, cw.vrc, status="referred")
    assert p.first_contact_at is None
    post(
        login(cw.vrc),
        f"/{cw.home.slug}/participants/{p.id}/notes/new",
        {"contact_date": _day(clock.today()), "note_type": "other", "text": "Left a voicemail? No: other."},
    )
    assert db.session.get(Participant, p.id).first_contact_at is None
    post(
        login(cw.vrc),
        f"/{cw.home.slug}/participants/{p.id}/notes/new",
        {"contact_date": _day(clock.today()), "note_type": "phone", "text": "First call"},
    )
    db.session.expire_all()
    p = db.session.get(Participant, p.id)
    assert p.first_contact_at is not None and p.status == "active"


def _when(days=3, hour="10:30"):
    d = clock.local(clock.now()).date() + timedelta(days=days)
    return {"date": _day(d), "time": hour}


def test_schedule_reschedule_and_cancel(cw, login):
    client = login(cw.vrc)
    assert client.get(_url(cw, "/appointments/new")).status_code == 200
    response = post(
        client,
        _url(cw, "/appointments/new"),
        {**_when(), "duration_minutes": "45", "channel": "in_person", "location": "Leeds office"},
    )
    assert response.status_code == 302
    appointment = db.session.query(Appointment).one()
    assert (appointment.duration_minutes, appointment.channel, appointment.status) == (45, "in_person", "scheduled")
    assert clock.local(appointment.starts_at).strftime("%H:%M") == "10:30"
    record = client.get(_url(cw)).get_data(as_text=True)
    assert "Next appointment" in record and "In person" in record

    url = _url(cw, f"/appointments/{appointment.id}/reschedule")
    assert client.get(url).status_code == 200
    old = appointment.starts_at
    response = post(client, url, {**_when(days=4, hour="15:00"), "reason": "Clashes with a shift"})
    assert response.status_code == 302
    db.session.expire_all()
    change = db.session.query(AppointmentReschedule).one()
    assert change.old_starts_at == old and change.reason == "Clashes with a shift"
    assert clock.local(db.session.get(Appointment, appointment.id).starts_at).strftime("%H:%M") == "15:00"
    listing = client.get(_url(cw, "/appointments")).get_data(as_text=True)
    assert "Moved from" in listing and "Clashes with a shift" in listing

    url = _url(cw, f"/appointments/{appointment.id}/cancel")
    assert errors_of(post(client, url, {"cancelled_by": "", "reason": ""})) == ["Select who asked for the cancellation"]
    response = post(client, url, {"cancelled_by": "participant", "reason": "Feeling unwell"})
    assert response.status_code == 302
    db.session.expire_all()
    cancelled = db.session.get(Appointment, appointment.id)
    assert (cancelled.status, cancelled.cancelled_by, cancelled.cancellation_reason) == (
        "cancelled",
        "participant",
        "Feeling unwell",
    )
    again = post(client, url, {"cancelled_by": "participant", "reason": "Again"})
    assert errors_of(again) == ["This appointment is already cancelled"]


def test_appointment_bad_input(cw, login):
    client = login(cw.vrc)
    past = _when(days=-1)
    response = post(
        client, _url(cw, "/appointments/new"), {**past, "duration_minutes": "7", "channel": "", "location": ""}
    )
    assert set(errors_of(response)) == {
        "The appointment must be in the future",
        "Select how long the appointment is",
        "Select how the appointment takes place",
    }
    response = post(
        client, _url(cw, "/appointments/new"), {**_when(hour="25:99"), "duration_minutes": "60", "channel": "phone"}
    )
    assert errors_of(response) == ["Enter a real time, like 14:30"]
    response = post(
        client,
        _url(cw, "/appointments/new"),
        {"date": ["", "", ""], "time": "10:00", "duration_minutes": "60", "channel": "phone"},
    )
    assert errors_of(response) == ["Enter the date of the appointment"]
    response = post(
        client,
        _url(cw, "/appointments/new"),
        {**_when(), "duration_minutes": "60", "channel": "in_person", "location": ""},
    )
    assert errors_of(response) == ["Enter where the appointment takes place"]
    assert db.session.query(Appointment).count() == 0


def test_attended_and_did_not_attend(cw, login, make):
    client = login(cw.vrc)
    future = make.appointment(cw.participant, starts_at=clock.now() + timedelta(days=1))
    past = make.appointment(cw.participant, starts_at=clock.now() - timedelta(hours=2))
    missed = make.appointment(cw.participant, starts_at=clock.now() - timedelta(days=2))
    assert errors_of(post(client, _url(cw, f"/appointments/{future.id}/outcome"), {"outcome": "attended"})) == [
        "Attendance can be recorded once the appointment has started"
    ]
    assert post(client, _url(cw, f"/appointments/{past.id}/outcome"), {"outcome": "attended"}).status_code == 302
    assert (
        post(client, _url(cw, f"/appointments/{missed.id}/outcome"), {"outcome": "did_not_attend"}).status_code == 302
    )
    db.session.expire_all()
    assert [db.session.get(Appointment, a.id).status for a in (future, past, missed)] == [
        "scheduled",
        "attended",
        "did_not_attend",
    ]


def test_first_attended_appointment_is_first_contact(cw, login, make):
    p = make.participant(cw.home, cw.vrc, status="referred")
    appointment = make.appointment(p, starts_at=clock.now() - timedelta(hours=1))
    post(
        login(cw.vrc),
        f"/{cw.home.slug}/participants/{p.id}/appointments/{appointment.id}/outcome",
        {"outcome": "attended"},
    )
    db.session.expire_all()
    p = db.session.get(Participant, p.id)
    assert p.first_contact_at == appointment.starts_at and p.status == "active"


def test_cancelling_at_the_participants_request_is_allowed_while_restricted(cw, login, make):
    from portal.casework import participants

    appointment = make.appointment(cw.participant)
    participants.set_restriction(db.session.get(Participant, cw.participant.id), True, "Objection", None)
    client = login(cw.vrc)
    url = _url(cw, f"/appointments/{appointment.id}/cancel")
    refused = post(client, url, {"cancelled_by": "staff", "reason": "VRC on leave"})
    assert refused.status_code == 403 and "record is restricted" in refused.get_data(as_text=True)
    assert post(client, url, {"cancelled_by": "participant", "reason": "Unwell"}).status_code == 302
    db.session.expire_all()
    assert db.session.get(Appointment, appointment.id).status == "cancelled"
    record = client.get(_url(cw)).get_data(as_text=True)
    assert "This record is restricted" in record and "Objection" in record
    assert "/edit/" not in record and "Close the case" not in record


def test_reschedule_cancel_and_outcome_bad_input(cw, login, make):
    from datetime import datetime, time

    day = clock.local(clock.now()).date() + timedelta(days=2)
    appointment = make.appointment(
        cw.participant, starts_at=clock.as_utc(datetime.combine(day, time(10, 0), tzinfo=clock.LONDON))
    )
    client = login(cw.vrc)
    url = _url(cw, f"/appointments/{appointment.id}/reschedule")
    same = clock.local(appointment.starts_at)
    response = post(client, url, {"date": _day(same.date()), "time": same.strftime("%H:%M"), "reason": ""})
    assert set(errors_of(response)) == {
        "Enter a different date or time from the current one",
        "Enter the reason for rescheduling",
    }
    assert errors_of(post(client, url, {"date": ["", "", ""], "time": "", "reason": "x"})) == [
        "Enter the date of the appointment"
    ]
    assert errors_of(post(client, url, {**_when(days=-2), "reason": "x"})) == ["The appointment must be in the future"]
    assert errors_of(post(client, url, {**_when(days=500), "reason": "x"})) == [
        "The appointment must be within the next year"
    ]
    cancel = _url(cw, f"/appointments/{appointment.id}/cancel")
    assert client.get(cancel).status_code == 200
    assert errors_of(post(client, cancel, {"cancelled_by": "staff", "reason": ""})) == [
        "Enter the reason for cancelling"
    ]
    assert errors_of(post(client, cancel, {"cancelled_by": "someone", "reason": "x"})) == [
        "Select who asked for the cancellation"
    ]
    outcome = _url(cw, f"/appointments/{appointment.id}/outcome")
    assert client.get(outcome).status_code == 200
    assert errors_of(post(client, outcome, {})) == ["Select whether the participant attended"]
    db.session.expire_all()
    assert db.session.get(Appointment, appointment.id).status == "scheduled"
    assert db.session.query(AppointmentReschedule).count() == 0


def test_no_booking_on_a_closed_case(cw, login, make):
    closed = make.participant(cw.home, cw.vrc, status="completed", closed_on=clock.today())
    response = post(
        login(cw.vrc),
        f"/{cw.home.slug}/participants/{closed.id}/appointments/new",
        {**_when(), "duration_minutes": "60", "channel": "phone"},
    )
    assert errors_of(response) == ["This case is closed: appointments cannot be booked"]
