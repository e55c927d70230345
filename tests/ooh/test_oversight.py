"""The log of the out-of-hours service: the DPO sees all of it, a team manager their
organisation's, filtered by date, worker, organisation and participant."""

from datetime import date, datetime, timedelta

from portal import clock
from tests.ooh.conftest import audit_events, call_url, errors_of, post, run_check, text_of


def _search(client, surname, dob):
    return post(
        client,
        "/ooh/",
        {"surname": surname, "date_of_birth": [str(dob.day), str(dob.month), str(dob.year)], "postcode": ""},
    )


def _a_night(w, login):
    """A night on the line: searches, a refused call, an agreed call with a change."""
    clock.freeze(clock.as_utc(datetime(2026, 2, 10, 21, 0, tzinfo=clock.LONDON)))
    lead = login(w.ooh_lead)
    _search(lead, "O'Brien", w.participant.date_of_birth)
    _search(lead, "Nobody", date(1990, 1, 1))
    run_check(lead, w.participant, answer="refused")
    clock.advance(timedelta(hours=1))
    home = login(w.ooh)
    _search(home, "Elsewhere", w.elsewhere.date_of_birth)
    run_check(home, w.elsewhere)
    home.get(call_url(w.elsewhere, org_slug="salus"))
    post(home, call_url(w.elsewhere, org_slug="salus", tail="/call-note"), {"text": "Called about parking"})


def test_the_dpo_sees_every_search_check_grant_refusal_view_and_action(w, login):
    _a_night(w, login)
    page = login(w.dpo).get("/dpo/ooh-log")
    assert page.status_code == 200
    body = text_of(page)
    for what in (
        "Search: one to five matches",
        "Search: no match",
        "Identity check: identity confirmed",
        "Consent refused",
        "Consent given: access granted",
        "Record viewed",
        "Call note",
    ):
        assert what in body, what
    assert "Nobody shown" in body and "Maryam O'Brien" in body and "Sam Elsewhere" in body
    assert "Nobody" not in body.replace("Nobody shown", "")  # never the terms
    assert "9 entries" in body
    assert audit_events("ooh.log.viewed")[-1].user_id == w.dpo.id


def test_filters(w, login):
    _a_night(w, login)
    client = login(w.dpo)

    def entries(**query):
        return text_of(client.get("/dpo/ooh-log", query_string=query))

    assert "4 entries" in entries(worker=str(w.ooh_lead.id))
    assert "5 entries" in entries(organisation=str(w.other.id))  # the search that showed them, check, grant, view, note
    assert "3 entries" in entries(participant=str(w.participant.id))  # the search that showed them, check, refusal
    assert "0 entries" in entries(date_from=["11", "2", "2026"])
    assert "9 entries" in entries(date_from=["10", "2", "2026"], date_to=["10", "2", "2026"])
    bad = client.get("/dpo/ooh-log", query_string={"participant": "abc", "date_from": ["31", "2", "2026"]})
    assert bad.status_code == 200
    assert errors_of(bad) == ["From must be a real date", "Enter the participant’s number, like 1042"]


def test_a_team_manager_sees_their_organisations_part_only(w, login):
    _a_night(w, login)
    h2e = text_of(login(w.tm).get("/h2e/ooh-log"))
    assert "Maryam O'Brien" in h2e and "Consent refused" in h2e
    assert "Sam Elsewhere" not in h2e and "Call note" not in h2e and "Search: no match" not in h2e
    salus = text_of(login(w.salus_tm).get("/salus/ooh-log"))
    assert "Sam Elsewhere" in salus and "Call note" in salus and "Maryam" not in salus
    assert login(w.vrc).get("/h2e/ooh-log").status_code == 403
    assert login(w.tm).get("/salus/ooh-log").status_code == 404
