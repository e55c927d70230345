"""Allocation, reallocation and the caseload pages (search, filters, pages, audit,
the same number of queries at 5 and at 50 rows)."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal import clock
from portal.casework import participants
from portal.extensions import db
from portal.models import Notification, Participant, ParticipantChange, User
from tests.casework.conftest import errors_of, events, post
from tests.support.queries import statements


def _p(participant_id):
    db.session.expire_all()
    return db.session.get(Participant, participant_id)


def test_allocate_a_new_referral(cw, login, make):
    waiting = make.participant(cw.home)
    client = login(cw.tm)
    page = client.get(f"/{cw.home.slug}/participants/{waiting.id}/allocate").get_data(as_text=True)
    assert "Vera Assigned" in page and "Omar Colleague" in page
    response = post(
        client, f"/{cw.home.slug}/participants/{waiting.id}/allocate", {"vrc": str(cw.vrc.id), "reason": ""}
    )
    assert response.status_code == 302
    p = _p(waiting.id)
    assert p.assigned_vrc_id == cw.vrc.id and p.allocated_at is not None
    note = db.session.scalars(select(Notification).where(Notification.user_id == cw.vrc.id)).one()
    assert note.link == f"/{cw.home.slug}/participants/{waiting.id}" and waiting.last_name not in note.text
    assert events("participant.allocated", participant_id=waiting.id)[0].detail == {
        "from_user_id": None,
        "to_user_id": cw.vrc.id,
    }


def test_reallocate_needs_a_reason_and_keeps_history(cw, login):
    client = login(cw.tm)
    url = f"/{cw.home.slug}/participants/{cw.participant.id}/allocate"
    assert errors_of(post(client, url, {"vrc": str(cw.other_vrc.id), "reason": ""})) == [
        "Enter the reason for reallocating"
    ]
    assert errors_of(post(client, url, {"vrc": str(cw.salus_vrc.id), "reason": "x"})) == [
        "Select a VRC of this organisation"
    ]
    allocated_at = cw.participant.allocated_at
    assert post(client, url, {"vrc": str(cw.other_vrc.id), "reason": "Vera on leave"}).status_code == 302
    p = _p(cw.participant.id)
    assert p.assigned_vrc_id == cw.other_vrc.id and p.allocated_at == allocated_at  # the first allocation counts
    change = db.session.scalars(select(ParticipantChange).where(ParticipantChange.field == "assigned_vrc")).one()
    assert (change.old_value, change.new_value, change.reason) == ("Vera Assigned", "Omar Colleague", "Vera on leave")
    # The record is now Omar's: Vera is sent to the check.
    assert login(cw.vrc).get(f"/{cw.home.slug}/participants/{cw.participant.id}").status_code in (303, 403)
    assert login(cw.other_vrc).get(f"/{cw.home.slug}/participants/{cw.participant.id}").status_code == 200


def test_reallocate_a_whole_caseload(cw, login, make):
    second = make.participant(cw.home, cw.vrc)
    restricted = make.participant(cw.home, cw.vrc)
    closed = make.participant(cw.home, cw.vrc, status="completed", closed_on=clock.today())
    participants.set_restriction(restricted, True, "Objection", None)
    client = login(cw.tm)
    assert client.get(f"/{cw.home.slug}/team/reallocate").status_code == 200
    bad = post(
        client, f"/{cw.home.slug}/team/reallocate", {"from_vrc": str(cw.vrc.id), "to_vrc": str(cw.vrc.id), "reason": ""}
    )
    assert set(errors_of(bad)) == {
        "Select a different VRC to take over the caseload",
        "Enter the reason for reallocating",
    }
    response = post(
        client,
        f"/{cw.home.slug}/team/reallocate",
        {"from_vrc": str(cw.vrc.id), "to_vrc": str(cw.other_vrc.id), "reason": "Leaving"},
        follow_redirects=True,
    )
    assert "2 open cases moved to Omar Colleague" in response.get_data(as_text=True)
    assert "1 restricted record was left" in response.get_data(as_text=True)
    assert [_p(x.id).assigned_vrc_id for x in (cw.participant, second, restricted, closed)] == [
        cw.other_vrc.id,
        cw.other_vrc.id,
        cw.vrc.id,
        cw.vrc.id,
    ]
    assert (
        db.session.scalars(select(Notification).where(Notification.user_id == cw.other_vrc.id)).one().text
        == "2 participants have been reallocated to you"
    )
    empty = post(
        client,
        f"/{cw.home.slug}/team/reallocate",
        {"from_vrc": str(cw.tm.id), "to_vrc": str(cw.other_vrc.id), "reason": "x"},
    )
    assert errors_of(empty) == ["Select a VRC of this organisation"]


def test_vrc_caseload_shows_own_participants_new_first(cw, login, make):
    old = make.participant(cw.home, cw.vrc, last_name="Aardvark")
    new = make.participant(
        cw.home,
        cw.vrc,
        last_name="Zebra",
        status="referred",
        first_contact_at=None,
        allocated_at=clock.now() - timedelta(hours=1),
    )
    make.participant(cw.home, cw.other_vrc, last_name="NotMine")
    make.appointment(old, starts_at=clock.now() + timedelta(days=2))
    make.action(old, due_on=clock.today() - timedelta(days=1))
    make.note(old, cw.vrc)
    body = login(cw.vrc).get(f"/{cw.home.slug}/caseload").get_data(as_text=True)
    assert "NotMine" not in body
    assert body.index("Zebra") < body.index("Aardvark")
    assert "New" in body and "1 overdue" in body
    listed = events("participants.listed")[-1]
    assert set(listed.detail["participant_ids"]) == {cw.participant.id, old.id, new.id}
    assert listed.detail["view"] == "caseload.own" and listed.user_id == cw.vrc.id


def test_search_and_filter_never_audit_the_terms(cw, login, make):
    target = make.participant(
        cw.home, cw.vrc, first_name="Harriet", last_name="Quill", ni_number="AB123456C", atw_reference="ATW-FIND-ME"
    )
    closed = make.participant(cw.home, cw.vrc, last_name="Gone", status="withdrawn", closed_on=clock.today())
    client = login(cw.vrc)
    for term in ("harriet", "Quill", "ab 12 34", "atw-find", "harr qui"):
        body = client.get(f"/{cw.home.slug}/caseload", query_string={"q": term}).get_data(as_text=True)
        assert "Quill" in body and cw.participant.last_name not in body, term
    assert "Gone" not in client.get(f"/{cw.home.slug}/caseload").get_data(as_text=True)
    assert "Gone" in client.get(f"/{cw.home.slug}/caseload", query_string={"status": "withdrawn"}).get_data(
        as_text=True
    )
    assert "Gone" in client.get(f"/{cw.home.slug}/caseload", query_string={"status": "all"}).get_data(as_text=True)
    for e in events("participants.listed"):
        assert "harr" not in str(e.detail).lower() and "AB12" not in str(e.detail)
    assert target.id and closed.id


def test_pagination(cw, login, make, monkeypatch):
    from portal.casework import caseloads

    monkeypatch.setattr(caseloads, "PAGE_SIZE", 2)
    for _ in range(4):
        make.participant(cw.home, cw.vrc)
    client = login(cw.vrc)
    first = client.get(f"/{cw.home.slug}/caseload").get_data(as_text=True)
    assert "page 1 of 3" in first and "govuk-pagination" in first
    third = client.get(f"/{cw.home.slug}/caseload", query_string={"page": "3"}).get_data(as_text=True)
    assert "page 3 of 3" in third
    assert len(events("participants.listed")[-1].detail["participant_ids"]) == 1
    assert client.get(f"/{cw.home.slug}/caseload", query_string={"page": "x"}).status_code == 200


def test_team_manager_pages(cw, login, make):
    waiting = make.participant(cw.home, last_name="Waiting")
    contacted = make.participant(
        cw.home,
        cw.other_vrc,
        referred_at=clock.now() - timedelta(days=10),
        allocated_at=clock.now() - timedelta(days=8),
        first_contact_at=clock.now() - timedelta(days=6),
    )
    client = login(cw.tm)
    team = client.get(f"/{cw.home.slug}/team/caseload").get_data(as_text=True)
    assert cw.participant.last_name in team and contacted.last_name in team and "Vera Assigned" in team
    only_omar = client.get(f"/{cw.home.slug}/team/caseload", query_string={"vrc": str(cw.other_vrc.id)})
    assert cw.participant.last_name not in only_omar.get_data(as_text=True)
    unallocated = client.get(f"/{cw.home.slug}/team/unallocated").get_data(as_text=True)
    assert "Waiting" in unallocated and cw.participant.last_name not in unallocated
    overview = client.get(f"/{cw.home.slug}/team")
    body = overview.get_data(as_text=True)
    assert overview.status_code == 200
    assert "Unallocated referrals (1)" in body and "Omar Colleague" in body
    assert waiting.id


def test_contact_times_are_this_months(cw, make):
    from portal.casework import team

    clock.freeze(datetime(2026, 3, 20, 12, tzinfo=UTC))
    make.participant(
        cw.home,
        cw.vrc,
        referred_at=clock.now() - timedelta(days=6),
        allocated_at=clock.now() - timedelta(days=5),
        first_contact_at=clock.now() - timedelta(days=2),
    )
    make.participant(
        cw.home,
        cw.vrc,
        referred_at=clock.now() - timedelta(days=30),
        allocated_at=clock.now() - timedelta(days=29),
        first_contact_at=clock.now() - timedelta(days=25),
    )  # February: not counted
    times = team.contact_times(cw.home)
    assert (times.first_contacts, times.median_days_to_first_contact, times.median_days_to_allocation) == (1, 4.0, 1.0)
    assert times.month_label == "March 2026"


def _count_queries(client, url):
    with statements() as seen:
        response = client.get(url)
    assert response.status_code == 200
    return len(seen)


@pytest.mark.parametrize("path, assign", [("caseload", "vrc"), ("team/caseload", "vrc"), ("team/unallocated", None)])
def test_list_pages_cost_the_same_at_5_and_50_rows(cw, login, make, path, assign):
    user = cw.vrc if path == "caseload" else cw.tm
    vrc = cw.vrc if assign else None
    client = login(user)

    def add(n):
        for _ in range(n):
            p = make.participant(cw.home, vrc)
            make.appointment(p)
            make.note(p, cw.vrc)
            make.action(p, due_on=clock.today() - timedelta(days=1))

    add(5 - (1 if assign else 0))  # the fixture's participant is already on Vera's caseload
    client.get(f"/{cw.home.slug}/{path}")  # warm up: first-request work is not the page's
    at_5 = _count_queries(client, f"/{cw.home.slug}/{path}")
    assert len(events("participants.listed")[-1].detail["participant_ids"]) == 5
    add(45)
    at_50 = _count_queries(client, f"/{cw.home.slug}/{path}")
    listed = events("participants.listed")
    assert len(listed[-1].detail["participant_ids"]) == 50
    assert at_5 == at_50
    assert len(listed) == 3  # one event per page shown


def test_callbacks_shown_beside_the_list_are_in_the_pages_one_event(cw, login, make):
    closed = make.participant(cw.home, cw.vrc, last_name="Closedcase", status="completed", closed_on=clock.today())
    make.ooh_callback(closed, cw.ooh)  # not on the open caseload, but its callback is shown
    make.ooh_callback(cw.participant, cw.ooh)
    waiting = make.participant(cw.home)
    make.ooh_callback(waiting, cw.ooh)  # no VRC: the team managers'
    before = len(events("participants.listed"))
    body = login(cw.vrc).get(f"/{cw.home.slug}/caseload").get_data(as_text=True)
    assert "Closedcase" in body
    listed = events("participants.listed")
    assert len(listed) == before + 1
    assert listed[-1].detail["participant_ids"] == [cw.participant.id, closed.id]
    login(cw.tm).get(f"/{cw.home.slug}/team/caseload")
    listed = events("participants.listed")
    assert len(listed) == before + 2
    assert sorted(listed[-1].detail["participant_ids"]) == sorted([cw.participant.id, waiting.id])


def test_deactivated_vrc_is_not_offered(cw, login):
    db.session.get(User, cw.other_vrc.id).active = False
    db.session.commit()
    page = login(cw.tm).get(f"/{cw.home.slug}/participants/{cw.participant.id}/allocate").get_data(as_text=True)
    assert "Omar Colleague" not in page


def test_allocation_bad_input(cw, login, make):
    waiting = make.participant(cw.home)
    closed = make.participant(cw.home, status="withdrawn", closed_on=clock.today())
    client = login(cw.tm)
    url = f"/{cw.home.slug}/participants/{waiting.id}/allocate"
    assert errors_of(post(client, url, {"vrc": "", "reason": ""})) == ["Select a VRC"]
    assert errors_of(post(client, url, {"vrc": str(cw.tm.id), "reason": ""})) == ["Select a VRC of this organisation"]
    assert errors_of(
        post(client, f"/{cw.home.slug}/participants/{closed.id}/allocate", {"vrc": str(cw.vrc.id), "reason": ""})
    ) == ["This case is closed: it cannot be allocated"]
    assert _p(waiting.id).assigned_vrc_id is None
    assert not db.session.scalars(select(Notification)).all()
