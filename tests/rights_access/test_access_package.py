"""The access package: every kind of record of the participant and nothing of anyone
else; the DPO's redactions recorded with reasons; the released file is the reviewed
content; the release is a disclosure; the build is a tracked job with progress."""

import hashlib
import io
import json
import zipfile

import pytest
from sqlalchemy import select

from portal import audit, private_files
from portal.extensions import db
from portal.models import AccessPackage, AccessRedaction, Disclosure, Job
from portal.rights import access_content, access_packages
from portal.validation import Problems
from tests.erasure.rich import OTHER, ZED, rich_world
from tests.factories import sign_in

EXPECTED_SECTIONS = (
    "personal_details",
    "personal_details_history",
    "case_notes",
    "assessments",
    "support_plan",
    "appointments",
    "consents",
    "consent_history",
    "notice_versions",
    "disclosures",
    "ooh_checks",
    "ooh_callbacks",
    "record_views",
    "rights_requests",
)


@pytest.fixture
def world(make):
    world = rich_world(make, "access", "Everything you hold")
    zed, vrc = world["zed"], world["vrc"]
    audit.record(
        "participant.viewed",
        object_type="participant",
        object_id=zed.id,
        participant_id=zed.id,
        user_id=vrc.id,
        org_id=zed.org_id,
        detail={"view": "record"},
    )
    db.session.commit()
    return world


def _files(body: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _built(world) -> AccessPackage:
    package = access_packages.start_package(world["request"], world["dpo"].id)
    db.session.refresh(package)
    assert package.status == "ready"
    return package


def test_package_holds_every_kind_of_record_and_nothing_of_anyone_else(world):
    package = _built(world)
    files = _files(private_files.read(package.draft_key))
    assert {"summary.html", "data.json"} <= set(files)
    data = json.loads(files["data.json"])
    sections = {s["key"]: s for s in data["sections"]}
    for key in EXPECTED_SECTIONS:
        assert sections[key]["rows"], f"{key} is empty"
        assert f"{key}.csv" in files
    notes = " ".join(r["text"] for r in sections["case_notes"]["rows"])
    assert "(corrected)" in notes and "workplace stress plan" in notes  # both versions
    assert sections["personal_details"]["rows"][0]["ni_number"] == ZED.ni
    assert sections["record_views"]["rows"][0]["name"] == world["vrc"].name
    summary = files["summary.html"].decode()
    assert "Case notes" in summary and ZED.last in summary
    everything = b"".join(files.values()).decode("utf-8").lower()
    for term in OTHER.terms:
        assert term.lower() not in everything, term


def test_redact_release_and_download_the_reviewed_content(world, client):
    package = _built(world)
    passages = list(access_content.passages(access_packages.draft_sections(package)))
    key, _section, _label, text = next(p for p in passages if p[0].startswith("case_notes/"))
    access_packages.redact(package, key, "About another person", world["dpo"].id)
    with pytest.raises(Problems):
        access_packages.redact(package, key, "", world["dpo"].id)
    db.session.rollback()
    redaction = db.session.scalars(select(AccessRedaction)).one()
    assert redaction.reason == "About another person" and redaction.redacted_by_id == world["dpo"].id

    reviewed = access_packages.reviewed_sections(package)
    access_packages.release(package, world["dpo"].id)
    db.session.refresh(package)
    released = private_files.read(package.released_key)
    assert hashlib.sha256(released).hexdigest() == package.released_sha256
    assert released == access_packages.make_zip(package, reviewed)
    data = json.loads(_files(released)["data.json"])
    notes = [r["text"] for s in data["sections"] if s["key"] == "case_notes" for r in s["rows"]]
    assert "[Redacted: About another person]" in notes and text not in notes

    disclosure = db.session.get(Disclosure, package.disclosure_id)
    assert disclosure.participant_id == world["zed"].id and disclosure.source == "access_package"
    assert disclosure.copy_key == package.released_key and disclosure.legal_basis == "legal_obligation"

    sign_in(client, world["dpo"])
    response = client.get(f"/dpo/requests/{world['request'].id}/access/{package.id}/download")
    assert response.status_code == 200 and response.data == released


def test_build_is_a_tracked_job_with_progress(world, client):
    from tests.support.web import csrf_from

    sign_in(client, world["dpo"])
    page = client.get(f"/dpo/requests/{world['request'].id}/access")
    assert page.status_code == 200
    response = client.post(f"/dpo/requests/{world['request'].id}/access", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 303 and "/jobs/" in response.headers["Location"]
    job = db.session.scalars(select(Job).where(Job.kind == "access_package")).one()
    assert job.status == "done" and job.progress == 100
    job_page = client.get(response.headers["Location"])
    assert job_page.status_code == 200
    assert "Review the access package" in job_page.get_data(as_text=True)
    package = db.session.scalars(select(AccessPackage)).one()
    review = client.get(f"/dpo/requests/{world['request'].id}/access/{package.id}")
    assert review.status_code == 200 and "workplace stress plan" in review.get_data(as_text=True)


def test_dpo_full_read_is_audited_and_other_roles_refused(world, client):
    from portal.models import AuditEvent

    sign_in(client, world["dpo"])
    page = client.get(f"/dpo/requests/{world['request'].id}/record/case-notes")
    assert page.status_code == 200 and "workplace stress plan" in page.get_data(as_text=True)
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "participant.viewed", AuditEvent.user_id == world["dpo"].id)
    ).one()
    assert event.participant_id == world["zed"].id and ZED.first not in json.dumps(event.detail)
    health = client.get(f"/dpo/requests/{world['request'].id}/record/health")
    assert "anxiety at work" in health.get_data(as_text=True)
    # The DPO still gets 404 on the casework URL of the same participant.
    assert client.get(f"/h2e/participants/{world['zed'].id}").status_code == 404


def test_the_full_read_view_is_recorded_and_committed(world):
    from portal.models import AuditEvent

    access_content.audit_full_read(world["request"], world["zed"], "health", world["dpo"].id)
    db.session.rollback()
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "participant.viewed", AuditEvent.user_id == world["dpo"].id)
    ).one()
    assert event.participant_id == world["zed"].id
    assert event.detail == {"view": "dpo.record.health", "rights_request_id": world["request"].id}
