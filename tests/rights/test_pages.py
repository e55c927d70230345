"""The rights pages over HTTP: intake for staff, the DPO's home, dashboard and request
page, permissions (DWP refused, other roles 403 on /dpo/, VRC sees existence only)."""

from datetime import UTC, date, datetime

import pytest

from portal import clock
from portal.extensions import db
from portal.models.rights import RightsRequest
from portal.rights import clock_changes, rights_requests, rights_workflows
from tests.casework.conftest import errors_of, events, post

FORM = {
    "requester_name": "Pat Example",
    "requester_contact": "pat@example.org",
    "rights": ["access", "objection"],
    "what_requested": "Everything you hold",
    "received_on": ["2", "3", "2026"],
    "channel": "email",
}


pytestmark = pytest.mark.usefixtures("march_4")


def test_staff_log_and_see_only_the_reference(world, login):
    client = login(world.vrc)
    response = post(client, "/rights-requests/new", FORM)
    assert response.status_code == 302, errors_of(response)
    found = db.session.scalars(db.select(RightsRequest)).one()
    assert response.headers["Location"].endswith(f"/rights-requests/{found.id}/logged")
    assert found.right_codes == ["access", "objection"] and found.received_on == date(2026, 3, 2)
    assert found.due_on == date(2026, 4, 2)
    page = client.get(f"/rights-requests/{found.id}/logged").get_data(as_text=True)
    assert found.reference in page and "Everything you hold" not in page
    assert login(world.other_vrc).get(f"/rights-requests/{found.id}/logged").status_code == 404
    assert client.get("/dpo/requests").status_code == 403
    event = events("rights_request.logged")[-1]
    assert "Pat" not in str(event.detail) and "Everything" not in str(event.detail)


def test_intake_errors_keep_input(world, login):
    client = login(world.tm)
    response = post(client, "/rights-requests/new", {**FORM, "requester_name": "", "rights": []})
    assert response.status_code == 200
    errors = errors_of(response)
    assert "Enter the name of the person asking" in errors and "Select the rights the request asks for" in errors
    assert "pat@example.org" in response.get_data(as_text=True)


def test_dwp_refused(world, login, make):
    dwp_user = make.user(make.org("dwp", kind="commissioner"), ["dwp"])
    assert login(dwp_user).get("/rights-requests/new").status_code == 403


def test_dpo_pages_render(world, login):
    found = rights_requests.log_request(
        requester_name="Pat Example",
        requester_contact="pat@example.org",
        what_requested="All",
        rights=["access", "rectification", "restriction", "objection", "portability", "informed", "erasure"],
        received_on=date(2026, 3, 2),
        channel="letter",
        on_behalf=False,
        on_behalf_of="",
        identity_needed=False,
        identity_asked_for="",
        user_id=world.vrc.id,
    )
    client = login(world.dpo)
    for url in (
        "/dpo/",
        "/dpo/requests",
        f"/dpo/requests/{found.id}",
        f"/dpo/requests/{found.id}/clarify",
        f"/dpo/requests/{found.id}/extend",
        f"/dpo/requests/{found.id}/close",
        f"/dpo/requests/{found.id}/notice",
        f"/dpo/requests/{found.id}/link",
        "/dpo/complaints",
        "/dpo/complaints/new",
    ):
        assert client.get(url).status_code == 200, url
    ni = world.participant.ni_number
    page = client.get(f"/dpo/requests/{found.id}/link?ni_number={ni.lower()}").get_data(as_text=True)
    assert "1 found" in page
    search = events("rights_request.participant_search")[-1]
    assert search.detail == {"participant_ids": [world.participant.id]}
    # By name, by date of birth: participants of every organisation.
    dob = f"{world.participant.date_of_birth:%d/%m/%Y}"
    for query, who in (
        (f"name={world.elsewhere.last_name}", world.elsewhere),
        (f"date_of_birth={dob}", world.participant),
    ):
        client.get(f"/dpo/requests/{found.id}/link?{query}")
        assert who.id in events("rights_request.participant_search")[-1].detail["participant_ids"], query
    too_large = post(client, f"/dpo/requests/{found.id}/link", {"participant_id": str(2**63)})
    assert "Select the participant the request is about" in too_large.get_data(as_text=True)
    response = post(client, f"/dpo/requests/{found.id}/link", {"participant_id": str(world.participant.id)})
    assert response.status_code == 302 and found.participant_id == world.participant.id
    for section in ("personal", "contact", "preferences"):
        assert client.get(f"/dpo/requests/{found.id}/rectify/{section}").status_code == 200
    for url in ("restrict", "objection", "portability"):
        assert client.get(f"/dpo/requests/{found.id}/{url}").status_code == 200
    salus = rights_requests.log_request(
        requester_name="Sam Other",
        requester_contact="sam@example.org",
        what_requested="All",
        rights=["access"],
        received_on=date(2026, 3, 3),
        channel="vrc",
        on_behalf=False,
        on_behalf_of="",
        identity_needed=False,
        identity_asked_for="",
        user_id=world.salus_vrc.id,
        org_id=world.other.id,
    )
    page = client.get("/dpo/requests").get_data(as_text=True)
    assert found.reference in page and salus.reference in page and "On track" in page  # every organisation
    home = client.get("/dpo/").get_data(as_text=True)
    for link in ("/dpo/requests", "/dpo/complaints", "/dpo/notices", "/dpo/overrides", "/dpo/authority-requests"):
        assert f'href="{link}' in home, link
    assert "/dpo/" in client.get("/").get_data(as_text=True)
    assert "/rights-requests/new" in login(world.vrc).get("/").get_data(as_text=True)


def test_dashboard_shows_states_and_stopped_clocks(world, login):
    def log(received_on):
        return rights_requests.log_request(
            requester_name="Pat Example",
            requester_contact="pat@example.org",
            what_requested="All",
            rights=["access"],
            received_on=received_on,
            channel="letter",
            on_behalf=False,
            on_behalf_of="",
            identity_needed=False,
            identity_asked_for="",
            user_id=world.vrc.id,
        )

    late, soon, fine = log(date(2026, 1, 20)), log(date(2026, 2, 9)), log(date(2026, 3, 4))
    clock_changes.stop_clock(fine, date(2026, 3, 4), "Which records?", world.dpo.id)
    extended = log(date(2026, 3, 3))
    clock_changes.extend(extended, "complex", "Many records", world.dpo.id)
    page = login(world.dpo).get("/dpo/requests").get_data(as_text=True)
    assert page.index(late.reference) < page.index(soon.reference) < page.index(fine.reference)
    assert "Overdue" in page and "Due within 5 working days" in page and "Clock stopped" in page
    assert "Extension notice to send by" in page
    # Shown until the notice is recorded as sent.
    clock_changes.record_extension_notice(extended, date(2026, 3, 4), "letter", world.dpo.id)
    assert "Extension notice" not in login(world.dpo).get("/dpo/requests").get_data(as_text=True)
    # One month from 3 March is Good Friday 3 April: the notice is due by Tuesday 7 April;
    # on the 8th an extension nobody was told of has lapsed and the request is overdue.
    untold = log(date(2026, 3, 3))
    clock_changes.extend(untold, "complex", "Many records", world.dpo.id)
    clock.freeze(datetime(2026, 4, 8, 10, tzinfo=UTC))
    page = login(world.dpo).get(f"/dpo/requests/{untold.id}").get_data(as_text=True)
    assert "Extension notice overdue" in page and "Overdue" in page


def test_vrc_sees_existence_only(world, login):
    found = rights_requests.log_request(
        requester_name="Pat Example",
        requester_contact="pat@example.org",
        what_requested="SECRETASK",
        rights=["access"],
        received_on=date(2026, 3, 2),
        channel="letter",
        on_behalf=False,
        on_behalf_of="",
        identity_needed=False,
        identity_asked_for="",
        user_id=world.dpo.id,
    )
    record = f"/h2e/participants/{world.participant.id}"
    notice = "This participant has an open data protection rights request"
    assert notice not in login(world.vrc).get(record).get_data(as_text=True)  # not linked yet
    rights_workflows.link_participant(found, world.participant.id, world.dpo.id)
    for user in (world.vrc, world.tm):
        page = login(user).get(record).get_data(as_text=True)
        assert notice in page and "SECRETASK" not in page and "Pat Example" not in page
    assert login(world.vrc).get(f"/dpo/requests/{found.id}").status_code == 403
    assert login(world.salus_vrc).get(f"/h2e/participants/{world.participant.id}").status_code == 404


def test_complaint_pages(world, login):
    client = login(world.dpo)
    response = post(
        client,
        "/dpo/complaints/new",
        {
            "complainant_name": "Pat",
            "complainant_contact": "pat@x.org",
            "about": "Letter to old address",
            "received_on": ["2", "3", "2026"],
            "channel": "letter",
        },
    )
    assert response.status_code == 302
    url = response.headers["Location"]
    assert post(client, url, {"investigation": "Address out of date", "save_notes": "Save"}).status_code == 302
    response = post(client, url, {"outcome": "", "outcome_on": ["4", "3", "2026"]})
    assert response.status_code == 200 and "Enter the outcome" in errors_of(response)
    response = post(
        client,
        url,
        {
            "outcome": "Upheld",
            "outcome_on": ["4", "3", "2026"],
            "ico_told_on": ["4", "3", "2026"],
            "ico_told_method": "letter",
        },
    )
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert "Upheld (4 March 2026)" in page and "Address out of date" in page
    assert "Told they can complain to the ICO" in page and "4 March 2026 (Letter)" in page
