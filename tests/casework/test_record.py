"""The participant record: pages, edits with history, closure, audit of views."""

from datetime import timedelta

from portal import clock
from portal.casework import participants
from portal.extensions import db
from portal.models import Milestone, Participant, ParticipantChange
from tests.casework.conftest import HEALTH_TEXT, errors_of, events, post


def _url(w, tail=""):
    return f"/{w.home.slug}/participants/{w.participant.id}{tail}"


def _fresh(participant):
    db.session.expire_all()
    return db.session.get(Participant, participant.id)


def test_record_shows_every_section(cw, login):
    body = login(cw.vrc).get(_url(cw)).get_data(as_text=True)
    for text in (
        "Personal details",
        "National Insurance number",
        "JT",
        "Contact details",
        "Contact preferences",
        "Employment",
        "GP or health practitioner",
        "Health and wellbeing information",
        HEALTH_TEXT,
        "Status history",
        "Vera Assigned",
        cw.participant.atw_reference,
    ):
        assert text in body, text


def test_viewing_the_record_is_audited_with_the_participant_id(cw, login):
    login(cw.vrc).get(_url(cw))
    event = events("participant.viewed", participant_id=cw.participant.id)[-1]
    assert event.user_id == cw.vrc.id and event.object_id == str(cw.participant.id)
    assert event.detail == {"view": "record", "level": "full", "shows": ["health"]}
    login(cw.tm).get(_url(cw, "/notes"))
    event = events("participant.viewed", participant_id=cw.participant.id)[-1]
    assert event.detail["shows"] == ["case_notes"] and event.user_id == cw.tm.id


def test_edit_keeps_field_history(cw, login):
    client = login(cw.vrc)
    old_ni = cw.participant.ni_number
    form = client.get(_url(cw, "/edit/identity"))
    assert form.status_code == 200 and old_ni in form.get_data(as_text=True)
    response = post(client, _url(cw, "/edit/identity"), {"ni_number": "ab 12 34 56 c"})
    assert response.status_code == 302
    assert _fresh(cw.participant).ni_number == "AB123456C"
    change = db.session.query(ParticipantChange).filter_by(participant_id=cw.participant.id).one()
    assert (change.field, change.new_value, change.changed_by_id) == ("ni_number", "AB123456C", cw.vrc.id)
    assert change.old_value == old_ni
    history = client.get(_url(cw, "/history")).get_data(as_text=True)
    assert "National Insurance number" in history and "AB123456C" in history and "Vera Assigned" in history
    updated = events("participant.updated", participant_id=cw.participant.id)[-1]
    assert updated.detail == {"section": "identity", "fields": ["ni_number"]}
    assert "AB123456C" not in str(updated.detail)


def test_edit_with_bad_input_keeps_it_and_shows_errors(cw, login):
    client = login(cw.vrc)
    response = post(
        client,
        _url(cw, "/edit/contact"),
        {
            "email": "not-an-email",
            "phone": "123",
            "address_line_1": "",
            "address_line_2": "",
            "town": "",
            "postcode": "XX",
        },
    )
    assert response.status_code == 200
    assert set(errors_of(response)) >= {
        "Enter an email address in the correct format, like name@example.com",
        "Enter a UK phone number, like 07700 900 982 or +44 7700 900 982",
        "Enter the first line of the address",
        "Enter a real UK postcode, like LS1 4AP",
    }
    body = response.get_data(as_text=True)
    assert 'value="not-an-email"' in body and "Error:" in body
    assert _fresh(cw.participant).email == cw.participant.email


def test_contact_details_need_email_or_phone(cw, login):
    response = post(
        login(cw.vrc),
        _url(cw, "/edit/contact"),
        {"email": "", "phone": "", "address_line_1": "1 Road", "postcode": "LS1 4AP"},
    )
    assert errors_of(response) == ["Enter an email address or a phone number"]


def test_preferences_and_other_sections_save(cw, login):
    client = login(cw.tm)
    assert (
        post(
            client,
            _url(cw, "/edit/preferences"),
            {"preferred_channel": "email", "safe_to_call_at_work": "yes", "times_to_avoid": "Mondays"},
        ).status_code
        == 302
    )
    assert post(client, _url(cw, "/edit/health"), {"health_information": "Updated"}).status_code == 302
    assert (
        post(
            client,
            _url(cw, "/edit/personal"),
            {
                "first_name": "Tia",
                "last_name": "Ng",
                "date_of_birth": ["1", "2", "1990"],
                "gender": "",
                "family_circumstances": "Two children",
            },
        ).status_code
        == 302
    )
    p = _fresh(cw.participant)
    assert (p.preferred_channel, p.safe_to_call_at_work, p.times_to_avoid) == ("email", True, "Mondays")
    assert (p.first_name, p.health_information, p.family_circumstances) == ("Tia", "Updated", "Two children")
    assert client.get(_url(cw, "/edit/nonsense")).status_code == 404


def test_date_of_birth_must_be_16_or_over(cw, login):
    young = clock.today().replace(year=clock.today().year - 15)
    response = post(
        login(cw.vrc),
        _url(cw, "/edit/personal"),
        {"first_name": "Tia", "last_name": "Ng", "date_of_birth": [str(young.day), str(young.month), str(young.year)]},
    )
    assert errors_of(response) == ["The participant must be aged 16 or over"]
    response = post(
        login(cw.vrc),
        _url(cw, "/edit/personal"),
        {"first_name": "Tia", "last_name": "Ng", "date_of_birth": ["31", "2", "1990"]},
    )
    assert errors_of(response) == ["Date of birth must be a real date"]


def test_close_the_case(cw, login):
    client = login(cw.vrc)
    assert client.get(_url(cw, "/close")).status_code == 200
    today = clock.today()
    day = [str(today.day), str(today.month), str(today.year)]
    response = post(
        client, _url(cw, "/close"), {"status": "left_early", "closed_on": day, "left_early_reason": "", "reason": ""}
    )
    assert errors_of(response) == ["Select why the participant left early"]
    response = post(
        client,
        _url(cw, "/close"),
        {"status": "left_early", "closed_on": day, "left_early_reason": "moved_away", "reason": "To Scotland"},
    )
    assert response.status_code == 302
    p = _fresh(cw.participant)
    assert (p.status, p.closed_on, p.closure_reason) == ("left_early", today, "Moved out of the area: To Scotland")
    milestone = db.session.query(Milestone).filter_by(participant_id=p.id).one()
    assert (milestone.kind, milestone.left_early_reason) == ("left_early", "moved_away")
    assert participants.status_history(p)[-1].status == "left_early"
    again = post(client, _url(cw, "/close"), {"status": "completed", "closed_on": day, "reason": "Done"})
    assert "This case is already closed" in errors_of(again)


def test_close_needs_reason_date_and_status(cw, login):
    client = login(cw.tm)
    tomorrow = clock.today() + timedelta(days=1)
    response = post(
        client,
        _url(cw, "/close"),
        {"status": "", "closed_on": [str(tomorrow.day), str(tomorrow.month), str(tomorrow.year)], "reason": ""},
    )
    assert set(errors_of(response)) == {
        "Select how the case ended",
        "The closure date must be today or in the past",
        "Enter the reason for closing the case",
    }
    response = post(client, _url(cw, "/close"), {"status": "withdrawn", "closed_on": ["", "", ""], "reason": "x"})
    assert errors_of(response) == ["Enter the closure date"]
    assert _fresh(cw.participant).status == "active"
