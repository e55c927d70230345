"""Hostile input at the boundary (issue 15 item 8, DESIGN.md rule 11): the reported
probes, each a field error (a GOV.UK error on the form with the input kept, a 4xx
with field errors on the API, a row error in a CSV import), never a 500 and never a
stored NUL, on SQLite and PostgreSQL. The class of bug is tests/core/test_fuzz_hostile.py.
"""

import io
import json

import pytest
from flask import url_for
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.models import AuditEvent, CaseNote, Participant, ReferralUpload, RightsRequest
from tests.registry.api import WRITE
from tests.support.matrix import build_world, client_for
from tests.support.web import csrf_from

NUL_EMAIL = "vrc1@ingeus.example\x00"


@pytest.fixture
def world(app):
    with app.app_context():
        yield build_world()
        db.session.remove()


def _url(app, endpoint, **args):
    with app.test_request_context():
        return url_for(endpoint, **args)


def _post(client, url, data, page="/"):
    form = client.get(page if client.get_cookie("portal_session") else "/login")
    return client.post(url, data={**data, "csrf_token": csrf_from(form)})


def _refusals():
    return db.session.scalars(select(AuditEvent).where(AuditEvent.action == "input.refused")).all()


def test_a_nul_in_the_sign_in_email_is_a_field_error_kept_and_audited(app, world):
    client = app.test_client()
    response = _post(client, "/login", {"email": NUL_EMAIL, "password": "whatever it is"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Email address must not include tabs, line breaks or hidden control characters" in page
    assert "govuk-error-summary" in page and "vrc1@ingeus.example" in page  # the input is kept
    [event] = _refusals()
    assert event.detail == {"channel": "form", "endpoint": "auth.login", "fields": ["email"]}
    assert event.outcome == "refused" and event.user_id is None


def test_a_nul_in_forgot_password_is_a_field_error(app, world):
    response = _post(app.test_client(), "/account/forgot-password", {"email": NUL_EMAIL})
    assert response.status_code == 200
    assert "must not include tabs, line breaks or hidden control characters" in response.get_data(as_text=True)


@pytest.mark.parametrize("how", ["post", "basic"])
def test_a_nul_in_the_oauth_client_id_is_invalid_request(app, world, how):
    client = app.test_client()
    if how == "post":
        response = client.post(
            "/oauth/token", data={"grant_type": "client_credentials", "client_id": "a\x00", "client_secret": "s"}
        )
    else:
        response = client.post("/oauth/token", data={"grant_type": "client_credentials"}, auth=("a\x00", "s"))
    assert response.status_code == 400
    assert response.json["error"] == "invalid_request"
    assert response.headers["Cache-Control"] == "no-store"


def test_a_nul_in_the_caseload_search_is_a_400_naming_the_parameter(app, world):
    client = client_for(app, world, "vrc")
    response = client.get(_url(app, "caseload.mine", org=world.home.slug) + "?q=a%00b")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The value of ‘q’ must not include control characters" in page
    assert "govuk-error-summary" in page
    assert client.get(_url(app, "caseload.mine", org=world.home.slug) + "?q=a%09b").status_code == 400
    assert client.get(_url(app, "caseload.mine", org=world.home.slug) + "?q=ab").status_code == 200


def test_a_case_note_refuses_nul_but_keeps_tab_and_browser_line_endings(app, world):
    client = client_for(app, world, "vrc")
    url = _url(app, "participants.new_note", org=world.home.slug, participant_id=world.participant.id)
    today = clock.today()
    when = [str(today.day), str(today.month), str(today.year)]
    response = _post(client, url, {"contact_date": when, "note_type": "phone", "text": "Called\x00 today"})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Note must not include hidden control characters (like NUL)" in page
    assert "Called" in page and "today</textarea>" in page  # the input is kept
    before = db.session.scalar(select(db.func.count()).select_from(CaseNote))
    response = _post(
        client, url, {"contact_date": when, "note_type": "phone", "text": "Line one\r\nLine two\tindented\r\n"}
    )
    assert response.status_code == 302
    assert db.session.scalar(select(db.func.count()).select_from(CaseNote)) == before + 1
    stored = db.session.scalars(select(CaseNote).order_by(CaseNote.id.desc())).first()
    assert stored.current.text.startswith("Line one\nLine two\tindented")


def test_a_rights_request_name_with_nul_or_10kb_is_a_field_error(app, world):
    client = client_for(app, world, "vrc")
    url = _url(app, "rights_intake.new")
    base = {
        "requester_contact": "pat@example.org",
        "rights": ["access"],
        "what_requested": "A copy",
        "received_on": ["1", "12", "2026"],
        "channel": "phone",
    }
    before = db.session.scalar(select(db.func.count()).select_from(RightsRequest))
    response = _post(client, url, {**base, "requester_name": "Pat\x00 Example"})
    assert response.status_code == 200
    assert "Name of the person asking must not include" in response.get_data(as_text=True)
    response = _post(client, url, {**base, "requester_name": "P" * 10_000})
    assert response.status_code == 200
    assert "Name of the person asking must be 500 characters or fewer" in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count()).select_from(RightsRequest)) == before


def test_invalid_utf8_in_a_form_body_and_query_string_is_no_500(app, world):
    client = app.test_client()
    page = client.get("/login")
    body = b"csrf_token=" + csrf_from(page).encode() + b"&email=%ff%fe%c3%28vrc&password=%80"
    response = client.post("/login", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert client.get("/login?next=%ff%fe").status_code == 200
    signed_in = client_for(app, world, "vrc")
    assert signed_in.get(_url(app, "caseload.mine", org=world.home.slug) + "?q=%ff%c3%28").status_code == 200


def test_a_control_character_in_a_url_path_names_no_record(app, world):
    client = client_for(app, world, "vrc")
    assert client.get("/h2e%00/").status_code == 404
    api = app.test_client()
    assert api.get("/api/v1/referrals/ATW%00REF", headers=WRITE).status_code == 404


@pytest.mark.parametrize("value", ["Robin\x00", "Rob\ud800in", "Rob\x1bin"])
def test_a_json_body_with_control_characters_is_a_422_naming_the_field(app, world, value):
    api = app.test_client()
    body = {
        "atw_reference": "ATW-NUL-1",
        "first_name": value,
        "last_name": "Registry",
        "date_of_birth": "1980-01-31",
        "ni_number": "AB123456C",
        "address_line_1": "1 Example Street",
        "postcode": "LS1 4AP",
    }
    raw = json.dumps(body)  # \ud800 as an escape, as a client would send it
    response = api.post("/api/v1/referrals", data=raw, content_type="application/json", headers=WRITE)
    assert response.status_code == 422
    assert response.json["errors"] == [
        {"field": "first_name", "message": "The value must not include control characters (like NUL)"}
    ]
    assert (
        db.session.scalar(
            select(db.func.count()).select_from(Participant).where(Participant.atw_reference == "ATW-NUL-1")
        )
        == 0
    )


def test_a_nul_in_an_api_query_string_is_a_400_with_field_errors(app, world):
    response = app.test_client().get(
        "/api/v1/reports?month=2026-01%00", headers={"Authorization": "Bearer registry-reports-read-token"}
    )
    assert response.status_code == 400
    assert response.json["errors"][0]["field"] == "month"


def test_a_referral_csv_row_with_nul_is_a_row_error_and_no_nul_is_stored(app, world):
    client = client_for(app, world, "team_manager")
    content = (
        "atw_reference,first_name,last_name,date_of_birth,ni_number,email,phone,address_line_1,postcode\n"
        "ATW-CSV-0001,Alex,Rowe,12/05/1980,JT998877B,alex@example.com,,1 Road,LS2 7EY\n"
        "ATW-CSV-0002,Al\x00ex,Rowe,12/05/1981,JT998878B,alex2@example.com,,1 Road,LS2 7EY\n"
    )
    url = _url(app, "referrals.upload", org=world.home.slug)
    response = _post(client, url, {"file": (io.BytesIO(content.encode()), "referrals.csv")})
    assert response.status_code == 303
    upload = db.session.scalars(select(ReferralUpload).order_by(ReferralUpload.id.desc())).first()
    db.session.refresh(upload)
    outcomes = {r["line"]: r for r in upload.results}
    assert outcomes[2]["outcome"] == "accepted"
    assert outcomes[3]["outcome"] == "rejected"
    assert outcomes[3]["reasons"] == [
        "The row has hidden control characters (like NUL) in column 2: remove them and upload the row again"
    ]
    assert (upload.accepted, upload.rejected) == (1, 1)
    assert "\x00" not in (upload.content or "")
    assert (
        db.session.scalar(
            select(db.func.count()).select_from(Participant).where(Participant.atw_reference == "ATW-CSV-0002")
        )
        == 0
    )


def test_a_training_csv_row_with_nul_is_a_row_error(app, world):
    from portal.governance import training

    result = training.upload(
        world.home, b"email,completed_on\nsomeone\x00@example.com,2026-01-01\n", world.users["admin"].id
    )
    assert result.saved == 0
    assert result.errors == [
        (2, "The row has hidden control characters (like NUL) in column 1: remove them and upload the row again")
    ]
