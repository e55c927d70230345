"""Finding the caller: minimal disclosure, across organisations, audited without the terms."""

import json
from datetime import date

from sqlalchemy import select

from portal.extensions import db
from portal.models import AuditEvent, OohEvent, OohSearchHit
from tests.ooh.conftest import audit_events, errors_of, ooh_events, post, text_of


def _search(client, surname, dob: date, postcode=""):
    return post(
        client,
        "/ooh/",
        {"surname": surname, "date_of_birth": [str(dob.day), str(dob.month), str(dob.year)], "postcode": postcode},
    )


def test_a_search_shows_initial_surname_birth_date_postcode_area_and_organisation_only(w, login):
    p = w.participant
    page = _search(login(w.ooh_lead), "  o’brien ", p.date_of_birth)
    assert page.status_code == 200
    body = text_of(page)
    assert "1 match" in body
    assert "M. O'Brien" in body and "27 March 1985" in body and "LS6" in body and "Health 2 Employment" in body
    for withheld in (
        "Maryam",
        "LS6 2QT",
        "2QT",
        p.phone,
        p.email,
        p.atw_reference,
        p.ni_number,
        "1 Test Street",
        "Leeds",
        "Analyst",
        "Test Employer",
        w.vrc.name,
        "HEALTHMARKER",
        "NOTEMARKER",
    ):
        assert withheld not in body, withheld
    # The start of the check is the only way on.
    assert f'href="/ooh/h2e/participants/{p.id}/check"' in page.get_data(as_text=True)


def test_only_the_first_half_of_a_postcode_is_shown_however_it_was_stored():
    from portal.validation import outward_code

    assert [outward_code(pc) for pc in ("LS6 2QT", "ls62qt", "SW1A 1AA", "M1 1AE", "", None, "AB1")] == [
        "LS6",
        "LS6",
        "SW1A",
        "M1",
        "",
        "",
        "",
    ]


def test_the_search_reaches_every_organisation(w, login, make):
    twin = make.participant(
        w.other, w.salus_vrc, last_name="O'Brien", date_of_birth=w.participant.date_of_birth, postcode="CF10 2AB"
    )
    body = text_of(_search(login(w.ooh), "O'BRIEN", w.participant.date_of_birth))
    assert "2 matches" in body and "Salus" in body and "Health 2 Employment" in body and "CF10" in body
    narrowed = text_of(_search(login(w.ooh), "obrien", w.participant.date_of_birth, postcode="cf102ab"))
    assert "No match" in narrowed  # "obrien" is not "O'Brien": only case and spaces are ignored
    narrowed = text_of(_search(login(w.ooh), "o'brien", w.participant.date_of_birth, postcode="cf102ab"))
    assert "1 match" in narrowed and "Salus" in narrowed and "Health 2 Employment" not in narrowed
    assert twin.id in [h.participant_id for h in db.session.scalars(select(OohSearchHit))]


def test_no_match_and_too_many_list_nobody(w, login, make):
    client = login(w.ooh_lead)
    none = text_of(_search(client, "Nobody", date(1990, 1, 1)))
    assert "No match" in none and "Start the check" not in none
    dob = date(1979, 6, 1)
    people = [
        make.participant(w.home, w.vrc, last_name="Smith", date_of_birth=dob, first_name=f"Person{i}") for i in range(6)
    ]
    many = _search(client, "smith", dob)
    body = text_of(many)
    assert "More than five matches" in body and "Start the check" not in body
    for person in people:
        assert f"/participants/{person.id}/" not in many.get_data(as_text=True)
    five = text_of(_search(client, "smith", dob, postcode="LS1 4AP"))
    assert "More than five" in five  # all six share the factory's postcode
    people[0].status = "completed"  # a closed case is not offered, so five remain
    db.session.commit()
    assert "5 matches" in text_of(_search(client, "smith", dob))
    outcomes = [e.outcome for e in ooh_events("search")]
    assert outcomes == ["none", "too_many", "too_many", "one_to_five"]
    too_many = ooh_events("search")[1]
    assert too_many.hits == []  # nobody was shown, so nobody is logged as shown


def test_closed_cases_are_not_offered(w, login, make):
    make.participant(w.home, w.vrc, last_name="Closed", date_of_birth=date(1970, 2, 2), status="completed")
    assert "No match" in text_of(_search(login(w.ooh), "Closed", date(1970, 2, 2)))


def test_searches_are_audited_without_the_terms(w, login):
    p = w.participant
    client = login(w.ooh_lead)
    _search(client, "O'Brien", p.date_of_birth, postcode="LS6 2QT")
    _search(client, "Zzyzx", date(1961, 12, 25))
    events = audit_events("ooh.search")
    assert [e.user_id for e in events] == [w.ooh_lead.id, w.ooh_lead.id]
    assert events[0].detail["participant_ids"] == [p.id] and events[0].detail["outcome"] == "one_to_five"
    assert events[1].detail["outcome"] == "none" and "participant_ids" not in events[1].detail
    log = ooh_events("search")
    assert [(e.worker_id, e.outcome) for e in log] == [(w.ooh_lead.id, "one_to_five"), (w.ooh_lead.id, "none")]
    assert all(e.at is not None and e.participant_id is None for e in log)
    # Nothing typed, nor anything derived from it, anywhere in the audit trail or the log.
    stored = json.dumps(
        [[e.action, e.object_type, e.object_id, e.detail] for e in db.session.scalars(select(AuditEvent))]
        + [[e.kind, e.outcome, e.detail] for e in db.session.scalars(select(OohEvent))]
    )
    for term in ("brien", "BRIEN", "Zzyzx", "zzyzx", "1985", "1961", "12-25", "LS6", "2QT", "ls62qt"):
        assert term not in stored, term


def test_the_results_page_does_not_repeat_what_was_typed(w, login):
    page = _search(login(w.ooh), "o'brien", w.participant.date_of_birth, postcode="ls6 2qt")
    html = page.get_data(as_text=True)
    assert "ls6 2qt" not in html and "LS6 2QT" not in html and 'value="o&#39;brien"' not in html


def test_problems_are_shown_with_the_input_kept(w, login):
    page = post(login(w.ooh), "/ooh/", {"surname": "Jones", "date_of_birth": ["31", "2", "1980"], "postcode": "nope"})
    assert page.status_code == 200
    assert "Date of birth must be a real date" in errors_of(page)
    page = post(login(w.ooh), "/ooh/", {"surname": "", "date_of_birth": ["", "", ""], "postcode": "nope"})
    errors = errors_of(page)
    assert "Enter the caller’s surname" in errors and "Enter the caller’s date of birth" in errors
    assert "Enter a real UK postcode, like LS1 4AP" in errors
    assert 'value="nope"' in page.get_data(as_text=True)
    assert not ooh_events("search")


def test_only_out_of_hours_staff_search(w, login):
    for user in (w.vrc, w.tm, w.admin, w.dpo):
        assert login(user).get("/ooh/").status_code == 403
    assert login(w.ooh).get("/ooh/").status_code == 200
