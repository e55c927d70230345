"""Referrals by CSV upload: a tracked job, row by row, line numbers, no duplicates."""

import io

import pytest
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.models import ContractArea, Participant, ReferralUpload
from portal.models.job import Job
from portal.referrals import referral_upload
from portal.validation import Invalid
from tests.casework.conftest import events, post

HEADER = "atw_reference,first_name,last_name,date_of_birth,ni_number,email,phone,address_line_1,postcode\n"
GOOD_1 = "ATW-CSV-0001,Ann,Lowe,12/05/1980,JT100001A,ann@example.com,,1 Road,LS2 7EY\n"
BAD_NI = "ATW-CSV-0002,Bob,Hart,1981-01-02,QQ123456C,,07700900111,2 Road,LS2 7EY\n"
GOOD_2 = '"ATW-CSV-0003","Cat","Moss","03/03/1990","JT100003C","","07700 900 333","3 Road\nFlat 2","M1 1AE"\n'
BAD_MANY = "ATW-CSV-0004,,Dunn,2020-01-01,JT100004D,bad,,4 Road,XX\n"
ELSEWHERE = "ATW-HELD-9999,Eve,Ray,1970-07-07,JT100005A,eve@example.com,,5 Road,LS1 4AP\n"


@pytest.fixture
def areas(cw):
    now = clock.now()
    db.session.add_all(
        [
            ContractArea(area="LS", org_id=cw.home.id, changed_at=now),
            ContractArea(area="M", org_id=cw.other.id, changed_at=now),
        ]
    )
    db.session.commit()


def _upload(client, org, content: str, name="referrals.csv"):
    return post(
        client,
        f"/{org.slug}/referrals/upload",
        {"file": (io.BytesIO(content.encode()), name)},
        content_type="multipart/form-data",
    )


def test_upload_keeps_good_rows_and_lists_bad_ones_by_line(cw, areas, login, make):
    make.participant(cw.other, cw.salus_vrc, atw_reference="ATW-HELD-9999")
    client = login(cw.tm)
    assert client.get(f"/{cw.home.slug}/referrals/upload").status_code == 200
    content = HEADER + GOOD_1 + BAD_NI + "\n" + GOOD_2 + BAD_MANY + ELSEWHERE
    response = _upload(client, cw.home, content)
    assert response.status_code == 303
    upload = db.session.scalars(select(ReferralUpload)).one()
    assert response.headers["Location"].endswith(f"/referrals/uploads/{upload.id}")
    db.session.refresh(upload)
    assert (upload.status, upload.rows_total, upload.accepted, upload.rejected) == ("done", 5, 2, 3)
    assert upload.content == ""  # the file is not kept once read
    by_line = {r["line"]: r for r in upload.results}
    assert sorted(by_line) == [2, 3, 5, 7, 8]  # the blank line 4 is skipped; line 5 spans two lines
    assert by_line[2]["outcome"] == "accepted" and by_line[5]["outcome"] == "accepted"
    assert by_line[3]["reasons"] == [
        "National Insurance number: Enter a National Insurance number in the correct format, like QQ 12 34 56 C, "
        "with a valid prefix"
    ]
    assert [r.split(":")[0] for r in by_line[7]["reasons"]] == [
        "First name",
        "Date of birth",
        "Email address",
        "Postcode",
    ]
    assert by_line[8]["reasons"] == [
        "Access to Work reference: This person has already been referred: "
        "the Access to Work reference is already in use"
    ]
    ann = db.session.scalars(select(Participant).where(Participant.atw_reference == "ATW-CSV-0001")).one()
    cat = db.session.scalars(select(Participant).where(Participant.atw_reference == "ATW-CSV-0003")).one()
    assert (ann.org_id, cat.org_id, cat.address_line_1, cat.phone) == (
        cw.home.id,
        cw.other.id,
        "3 Road\nFlat 2",
        "07700900333",
    )
    job = db.session.get(Job, upload.job_id)
    assert (job.kind, job.status, job.org_id, job.requested_by) == ("referral_upload", "done", cw.home.id, cw.tm.id)

    page = client.get(f"/{cw.home.slug}/referrals/uploads/{upload.id}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Rejected lines (3)" in body and "Lines taken in (2)" in body and "Salus, by its contract area" in body
    assert "JT100001A" not in body and "Lowe" not in body
    listed = events("participants.listed")[-1]
    assert listed.detail["participant_ids"] == [ann.id]


def test_the_same_file_twice_creates_no_duplicates(cw, areas, login):
    client = login(cw.tm)
    content = HEADER + GOOD_1 + GOOD_2
    _upload(client, cw.home, content)
    second = _upload(client, cw.home, content)
    assert db.session.query(Participant).filter(Participant.atw_reference.like("ATW-CSV-%")).count() == 2
    upload = db.session.scalars(select(ReferralUpload).order_by(ReferralUpload.id.desc())).first()
    assert (upload.accepted, upload.rejected) == (0, 2)
    reasons = [r["reasons"][0] for r in upload.results]
    assert reasons == [
        "Access to Work reference: This Access to Work reference is already on your organisation’s caseload",
        "Access to Work reference: This person has already been referred: "
        "the Access to Work reference is already in use",
    ]
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "The same file was uploaded on" in page


@pytest.mark.parametrize(
    "content, message",
    [
        ("", "Select a CSV file"),
        ("first_name,last_name\nA,B\n", "missing: atw_reference, date_of_birth, ni_number, address_line_1, postcode"),
        (HEADER, "The file has no referrals under its first line"),
        ("\xff\xfe", "The file must be a CSV file saved as UTF-8"),
    ],
)
def test_file_problems(cw, areas, login, content, message):
    client = login(cw.tm)
    data = content.encode("latin-1") if content.startswith("\xff") else content.encode()
    response = post(
        client,
        f"/{cw.home.slug}/referrals/upload",
        {"file": (io.BytesIO(data), "r.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert db.session.query(ReferralUpload).count() == 0


def test_too_big_a_file(cw, areas, login, monkeypatch):
    monkeypatch.setattr(referral_upload, "MAX_BYTES", 100)
    response = _upload(login(cw.tm), cw.home, HEADER + GOOD_1 + GOOD_2)
    assert "The file must be smaller than 2MB" in response.get_data(as_text=True)


def test_too_many_rows(monkeypatch):
    monkeypatch.setattr(referral_upload, "MAX_ROWS", 1)
    with pytest.raises(Invalid) as refused:
        referral_upload.read_rows(HEADER + GOOD_1 + GOOD_2)
    assert "at most 1" in refused.value.message


def test_the_job_is_safe_to_run_twice(cw, areas, login):
    _upload(login(cw.tm), cw.home, HEADER + GOOD_1)
    upload = db.session.scalars(select(ReferralUpload)).one()
    summary = referral_upload.process_upload(upload.id)
    assert summary["message"] == "1 referral taken in, 0 rejected"
    assert db.session.query(Participant).filter_by(atw_reference="ATW-CSV-0001").count() == 1


def test_an_interrupted_job_resumes_after_the_rows_it_did(cw, areas):
    upload = ReferralUpload(
        org_id=cw.home.id,
        uploaded_by_id=cw.tm.id,
        filename="r.csv",
        sha256="1" * 64,
        content=HEADER + GOOD_1 + BAD_NI,
        status="running",
        rows_total=2,
        created_at=clock.now(),
        results=[{"line": 2, "outcome": "rejected", "reasons": ["earlier run"]}],
    )
    db.session.add(upload)
    db.session.commit()
    referral_upload.process_upload(upload.id)
    db.session.refresh(upload)
    assert [r["line"] for r in upload.results] == [2, 3]
    assert upload.results[0]["reasons"] == ["earlier run"]
    assert db.session.query(Participant).filter_by(atw_reference="ATW-CSV-0001").count() == 0


def test_another_organisations_upload_is_not_found(cw, areas, login):
    _upload(login(cw.salus_tm), cw.other, HEADER + GOOD_1)
    upload = db.session.scalars(select(ReferralUpload)).one()
    assert login(cw.tm).get(f"/{cw.home.slug}/referrals/uploads/{upload.id}").status_code == 404
