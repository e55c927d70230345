"""Referrals through the API: routed by postcode area, idempotent per AtW reference,
validated by the form's rules (every error named), 409 / 415 / 400 / 422, and the
status for the client that sent it."""

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal import clock
from portal.api import api_clients
from portal.extensions import db
from portal.models import ApiReferral, AuditEvent, Participant
from portal.referrals import contract_areas
from tests.api.conftest import REFERRAL, bearer, get_token
from tests.factories import Factory


@pytest.fixture
def writer(http, svc, dwp_api):
    contract_areas.add_area("LS", svc.h2e.id, user_id=svc.lead_admin.id)
    contract_areas.add_area("M", svc.salus.id, user_id=svc.lead_admin.id)
    return bearer(get_token(http, dwp_api.client_id, dwp_api.secret, "referrals:write"))


def _participants() -> int:
    return db.session.scalar(select(func.count()).select_from(Participant))


def test_a_new_referral_is_taken_in_and_routed_by_postcode_area(http, svc, writer):
    response = http.post("/api/v1/referrals", json=REFERRAL, headers=writer)
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["atw_reference"] == "ATW-API-0001" and body["status"] == "received"
    assert body["delivering_organisation"] == {"slug": "h2e", "name": "Health 2 Employment"}
    assert response.headers["Location"] == "/api/v1/referrals/ATW-API-0001"
    p = db.session.scalars(select(Participant)).one()
    assert p.org_id == svc.h2e.id and p.taken_in_by_org_id == svc.dwp_org.id
    assert (p.ni_number, p.postcode, p.phone) == ("AB123456C", "LS1 4AP", "07700900123")  # cleaned as the form does
    assert p.status == "referred"
    to_salus = http.post(
        "/api/v1/referrals",
        json={**REFERRAL, "atw_reference": "ATW-API-0002", "ni_number": "AB123457C", "postcode": "M1 1AE"},
        headers=writer,
    )
    assert to_salus.get_json()["delivering_organisation"]["slug"] == "salus"
    unmapped = http.post(
        "/api/v1/referrals",
        json={**REFERRAL, "atw_reference": "ATW-API-0003", "ni_number": "AB123458C", "postcode": "EX1 1AA"},
        headers=writer,
    )
    assert unmapped.get_json()["delivering_organisation"]["slug"] == "ingeus"  # the lead partner's queue
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "api.call", AuditEvent.detail["status"].as_integer() == 201)
    ).first()
    assert event.detail["participant_ids"] == [p.id] and "Example" not in str(event.detail)


def test_the_same_body_again_answers_200_with_the_same_referral(http, writer):
    first = http.post("/api/v1/referrals", json=REFERRAL, headers=writer)
    again = http.post("/api/v1/referrals", json=dict(reversed(list(REFERRAL.items()))), headers=writer)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json() == first.get_json()
    assert _participants() == 1


def test_a_different_body_under_the_same_reference_is_a_conflict(http, writer):
    http.post("/api/v1/referrals", json=REFERRAL, headers=writer)
    response = http.post("/api/v1/referrals", json={**REFERRAL, "first_name": "Samuel"}, headers=writer)
    assert response.status_code == 409 and response.get_json()["error"] == "conflict"
    assert _participants() == 1


def test_a_reference_the_service_already_holds_is_a_conflict_without_saying_where(http, svc, writer):
    Factory().participant(svc.salus, atw_reference="ATW-API-0001")
    response = http.post("/api/v1/referrals", json=REFERRAL, headers=writer)
    assert response.status_code == 409
    assert "Salus" not in response.get_data(as_text=True) and "salus" not in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(ApiReferral)) == 0  # the claim is let go
    open_case = http.post(
        "/api/v1/referrals",
        json={**REFERRAL, "atw_reference": "ATW-API-0009", "ni_number": Factory().participant(svc.h2e).ni_number},
        headers=writer,
    )
    assert open_case.status_code == 409


def test_an_interrupted_intake_is_finished_by_sending_the_body_again(http, svc, dwp_api, writer):
    from portal.api import api_referrals

    claim = ApiReferral(
        client_pk=dwp_api.client.id,
        atw_reference="ATW-API-0001",
        body_sha256=api_referrals.body_hash(REFERRAL),
        created_at=clock.now(),
    )
    db.session.add(claim)
    db.session.commit()  # the claim was committed, then the request died before the intake
    response = http.post("/api/v1/referrals", json=REFERRAL, headers=writer)
    assert response.status_code == 201 and _participants() == 1
    assert db.session.get(ApiReferral, claim.id).participant_id is not None


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("atw_reference", "", "Enter the Access to Work reference"),
        ("atw_reference", "A!", "Enter the Access to Work reference as it appears"),
        ("first_name", "", "Enter the first name"),
        ("first_name", "x" * 101, "first name must be 100 characters or fewer"),
        ("last_name", None, "Enter the last name"),
        ("date_of_birth", "", "Enter the date of birth"),
        ("date_of_birth", "1985-02-30", "Enter a real date of birth"),
        ("date_of_birth", "2100-01-01", "Date of birth must be in the past"),
        ("date_of_birth", "2015-01-01", "aged 16 or over"),
        ("ni_number", "", "Enter a National Insurance number"),
        ("ni_number", "QQ123456C", "Enter a National Insurance number in the correct format"),
        ("email", "not-an-email", "Enter an email address in the correct format"),
        ("phone", "12345", "Enter a UK phone number"),
        ("address_line_1", "", "Enter the first line of the address"),
        ("postcode", "", "Enter a postcode"),
        ("postcode", "NOT A POSTCODE", "Enter a real UK postcode"),
        ("health_information", "x" * 5001, "must be 5000 characters or fewer"),
    ],
)
def test_each_field_error_is_a_422_naming_the_field(http, writer, field, value, message):
    response = http.post("/api/v1/referrals", json={**REFERRAL, field: value}, headers=writer)
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert body["error"] == "validation_failed"
    assert [e["field"] for e in body["errors"]] == [field]
    assert message in body["errors"][0]["message"]
    assert _participants() == 0 and db.session.scalar(select(func.count()).select_from(ApiReferral)) == 0


def test_every_problem_is_reported_at_once(http, writer):
    response = http.post(
        "/api/v1/referrals", json={"atw_reference": "", "first_name": "", "postcode": "x"}, headers=writer
    )
    fields = [e["field"] for e in response.get_json()["errors"]]
    assert response.status_code == 422
    # The missing email-or-phone too: the schema names every problem in one answer.
    assert fields == [
        "atw_reference",
        "first_name",
        "last_name",
        "date_of_birth",
        "ni_number",
        "email",
        "address_line_1",
        "postcode",
    ]


def test_an_email_or_a_phone_number_is_needed(http, writer):
    response = http.post("/api/v1/referrals", json={**REFERRAL, "email": "", "phone": None}, headers=writer)
    assert response.status_code == 422
    assert response.get_json()["errors"] == [{"field": "email", "message": "Enter an email address or a phone number"}]


def test_the_shape_of_the_body_is_checked(http, writer):
    unknown = http.post("/api/v1/referrals", json={**REFERRAL, "nickname": "Sammy"}, headers=writer)
    assert unknown.status_code == 422 and unknown.get_json()["errors"] == [
        {"field": "nickname", "message": "This field is not part of a referral"}
    ]
    wrong_type = http.post("/api/v1/referrals", json={**REFERRAL, "postcode": 12345}, headers=writer)
    assert wrong_type.get_json()["errors"] == [{"field": "postcode", "message": "Must be a string"}]
    not_object = http.post("/api/v1/referrals", json=["a", "list"], headers=writer)
    assert not_object.status_code == 422 and not_object.get_json()["errors"][0]["field"] == "body"
    null = http.post("/api/v1/referrals", data="null", content_type="application/json", headers=writer)
    assert null.status_code == 422 and null.get_json()["errors"][0]["field"] == "body"


def test_wrong_content_type_and_broken_json(http, writer):
    form = http.post("/api/v1/referrals", data=REFERRAL, headers=writer)
    assert form.status_code == 415 and form.get_json()["error"] == "unsupported_media_type"
    text = http.post("/api/v1/referrals", data="atw_reference=X", content_type="text/plain", headers=writer)
    assert text.status_code == 415
    broken = http.post("/api/v1/referrals", data="{not json", content_type="application/json", headers=writer)
    assert broken.status_code == 400 and broken.get_json()["error"] == "invalid_json"
    assert _participants() == 0


def test_status_follows_the_case_for_the_client_that_sent_it(http, svc, dwp_api, writer):
    http.post("/api/v1/referrals", json=REFERRAL, headers=writer)
    url = "/api/v1/referrals/ATW-API-0001"

    def status():
        body = http.get(url, headers=writer).get_json()
        return body["status"], body["status_date"]

    today = clock.today().isoformat()
    assert status() == ("received", today)
    p = db.session.scalars(select(Participant)).one()
    p.allocated_at = clock.now()
    p.assigned_vrc_id = svc.vrc.id
    db.session.commit()
    assert status() == ("allocated", today)
    Factory().appointment(p, starts_at=clock.now() - timedelta(hours=1), status="attended")
    assert status()[0] == "started"
    p = db.session.get(Participant, p.id)
    p.status, p.closed_on = "completed", date.today()
    db.session.commit()
    assert status() == ("closed", date.today().isoformat())
    p = db.session.get(Participant, p.id)
    p.restricted = True
    db.session.commit()
    assert status() == ("withheld", None)
    # Another client of DWP did not send it: not found, as for a reference never sent.
    other = api_clients.register(svc.dwp_org.id, "Other", ["referrals:write"], svc.lead_admin.id)
    other_token = bearer(get_token(http, other.client.client_id, other.secret))
    assert http.get(url, headers=other_token).status_code == 404
    assert http.get("/api/v1/referrals/ATW-NEVER-SENT", headers=writer).status_code == 404
    assert http.get("/api/v1/referrals/ATW/WITH/SLASH", headers=writer).status_code == 404


def test_a_reference_with_a_slash_is_one_path_segment_in_its_links(http, writer):
    """Found by Schemathesis' stateful phase: the Location of ATW/2026/7 named a second
    path segment, so a client reading it by the description's one {atw_reference} got 404."""
    response = http.post("/api/v1/referrals", json={**REFERRAL, "atw_reference": "atw/2026/7"}, headers=writer)
    assert response.status_code == 201
    assert response.headers["Location"] == "/api/v1/referrals/ATW%2F2026%2F7"
    assert response.get_json()["links"]["self"] == response.headers["Location"]
    found = http.get(response.headers["Location"], headers=writer)
    assert found.status_code == 200 and found.get_json()["atw_reference"] == "ATW/2026/7"
