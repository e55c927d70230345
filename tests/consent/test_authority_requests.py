"""Requests from authorities: logged by any staff member but DWP's; decided only by
the DPO, with reasons; what is disclosed goes in the register with that legal basis."""

from datetime import timedelta

import pytest

from portal import clock
from portal.consent import authority_requests, disclosures
from portal.extensions import db
from portal.validation import Problems
from tests.casework.conftest import post


def _log(user, subject="Name and date of birth as the police gave them"):
    return authority_requests.log_request(
        "police",
        "DC Smith, West Yorkshire Police",
        "crime",
        "DPA 2018 Schedule 2 paragraph 2",
        "Dates of attendance",
        subject,
        clock.today(),
        clock.today() + timedelta(days=10),
        user.id,
    )


def test_any_staff_member_logs_and_only_the_dpo_decides(world, make):
    dwp_user = make.user(make.org("dwp", kind="commissioner"), ["dwp"])
    with pytest.raises(PermissionError):
        _log(dwp_user)
    request = _log(world.admin)
    for user in (world.vrc, world.tm, world.admin):
        with pytest.raises(authority_requests.NotTheDpo):
            authority_requests.decide(
                request, "approve", world.participant.atw_reference, "crime_and_taxation", "Yes", user.id
            )
    assert request.status == "awaiting_decision"
    with pytest.raises(Problems) as problems:
        authority_requests.decide(request, "approve", "", "", "", world.dpo.id)
    assert {p.field for p in problems.value.problems} == {"reasons", "atw_reference", "legal_basis"}
    authority_requests.decide(
        request,
        "approve",
        world.participant.atw_reference.lower(),
        "crime_and_taxation",
        "Necessary and proportionate for the investigation",
        world.dpo.id,
    )
    assert request.status == "approved" and request.participant_id == world.participant.id
    assert request.org_id == world.home.id
    with pytest.raises(authority_requests.NotTheDpo):
        authority_requests.record_disclosure(
            request, ["Dates of attendance and contact"], "Dates", "Secure email", clock.now(), world.vrc.id
        )
    disclosure = authority_requests.record_disclosure(
        request,
        ["Dates of attendance and contact"],
        "Appointment dates for March",
        "Secure email",
        clock.now(),
        world.dpo.id,
    )
    assert disclosure.legal_basis == "crime_and_taxation"
    assert disclosure.legal_basis_detail == "DPA 2018 Schedule 2 paragraph 2"
    assert disclosure.recipient_type == "authority"
    assert [d.id for d in disclosures.disclosures_of(world.participant)] == [disclosure.id]
    assert request.status == "disclosed"


def test_refused_requests_disclose_nothing(world):
    request = _log(world.vrc)
    authority_requests.decide(request, "refuse", "", "", "No legal basis for identifiable data", world.dpo.id)
    assert request.status == "refused"
    with pytest.raises(Problems, match="approved"):
        authority_requests.record_disclosure(request, ["Case notes"], "x", "post", clock.now(), world.dpo.id)
    assert disclosures.disclosures_of(world.participant) == []


def test_nothing_is_disclosed_while_restricted(world):
    request = _log(world.vrc)
    authority_requests.decide(
        request, "approve", world.participant.atw_reference, "legal_obligation", "Court order", world.dpo.id
    )
    world.participant.restricted = True
    db.session.commit()
    with pytest.raises(Problems, match="restricted"):
        authority_requests.record_disclosure(request, ["Case notes"], "Notes", "post", clock.now(), world.dpo.id)
    assert disclosures.disclosures_of(world.participant) == []


def test_the_logger_sees_the_status_never_the_participant(world, login):
    vrc = login(world.vrc)
    form = {
        "authority_type": "hmrc",
        "requester": "HMRC Fraud Investigation Service",
        "reason": "fraud",
        "legal_basis_cited": "",
        "what_requested": "Employment dates",
        "subject_details": f"AtW {world.participant.atw_reference}",
        "received_on": [str(clock.today().day), str(clock.today().month), str(clock.today().year)],
    }
    response = post(vrc, "/authority-requests/new", form)
    assert response.status_code == 200 and "Enter the legal basis they cite" in response.get_data(as_text=True)
    response = post(vrc, "/authority-requests/new", {**form, "legal_basis_cited": "DPA 2018 Sch 2 para 2"})
    assert response.status_code == 302
    [request] = authority_requests.logged_by(world.vrc.id)
    assert login(world.other_vrc).get(f"/authority-requests/{request.id}").status_code == 404
    dpo = login(world.dpo)
    page = dpo.get(f"/dpo/authority-requests/{request.id}").get_data(as_text=True)
    assert world.participant.atw_reference in page  # suggested for the DPO to confirm
    response = post(
        dpo,
        f"/dpo/authority-requests/{request.id}/decide",
        {
            "decision": "approve",
            "atw_reference": world.participant.atw_reference,
            "legal_basis": "crime_and_taxation",
            "reasons": "Fraud investigation",
        },
    )
    assert response.status_code == 302
    shown = vrc.get(f"/authority-requests/{request.id}").get_data(as_text=True)
    assert "Approved" in shown and world.participant.name not in shown


def test_the_dpo_records_the_disclosure_through_the_page(world, login):
    request = _log(world.vrc)
    authority_requests.decide(
        request,
        "approve",
        world.participant.atw_reference,
        "crime_and_taxation",
        "Necessary for the investigation",
        world.dpo.id,
    )
    dpo = login(world.dpo)
    url = f"/dpo/authority-requests/{request.id}/disclose"
    today = clock.today()
    form = {
        "data_categories": [],
        "summary": "Appointment dates for March",
        "method": "",
        "disclosed_on": [str(today.day), str(today.month), str(today.year)],
        "disclosed_time": "00:00",
    }
    response = post(dpo, url, form)
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "govuk-error-summary" in body
    assert "Select the categories of information disclosed" in body
    assert "Appointment dates for March" in body  # input kept
    assert disclosures.disclosures_of(world.participant) == []
    response = post(
        dpo, url, {**form, "data_categories": ["Dates of attendance and contact"], "method": "Secure email"}
    )
    assert response.status_code == 302
    [disclosure] = disclosures.disclosures_of(world.participant)
    assert (disclosure.recipient_type, disclosure.legal_basis, disclosure.summary) == (
        "authority",
        "crime_and_taxation",
        "Appointment dates for March",
    )
    register = login(world.vrc).get(f"/h2e/participants/{world.participant.id}/consents").get_data(as_text=True)
    assert "DC Smith, West Yorkshire Police" in register
