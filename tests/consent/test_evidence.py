"""Evidence: a signed form checked by its content (not its name), size-limited,
kept outside the web root, served only to those who may see the record, audited."""

import io
import os

from flask import current_app

from portal import clock
from portal.extensions import db
from portal.models import ConsentEvidence
from tests.casework.conftest import errors_of, events, post
from tests.consent.conftest import JPEG, PDF, PNG

EXECUTABLE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 200


def _form(world, content, filename, **more):
    local = clock.local(clock.now())
    return {
        "purpose": "gp_contact",
        "decision": "given",
        "method": "written",
        "words": "",
        "notice_id": str(world.notice.id),
        "decided_on": [str(local.day), str(local.month), str(local.year)],
        "decided_time": local.strftime("%H:%M"),
        "evidence": (io.BytesIO(content), filename),
        **more,
    }


def _url(world):
    return f"/h2e/participants/{world.participant.id}/consents/new"


def test_a_renamed_executable_is_refused_whatever_its_name(world, login):
    vrc = login(world.vrc)
    for program in (EXECUTABLE, ELF):
        response = post(vrc, _url(world), _form(world, program, "signed-form.pdf"), content_type="multipart/form-data")
        assert response.status_code == 200
        assert errors_of(response) == [
            "The selected file is a program or an archive, whatever its name says: "
            "upload the signed form as a PDF, PNG or JPEG"
        ]
    assert db.session.query(ConsentEvidence).count() == 0


def test_a_wrong_type_is_refused(world, login):
    vrc = login(world.vrc)
    response = post(
        vrc, _url(world), _form(world, b"GIF89a" + b"\x00" * 50, "form.png"), content_type="multipart/form-data"
    )
    assert errors_of(response) == ["The selected file must be a PDF, PNG or JPEG"]
    response = post(
        vrc, _url(world), _form(world, b"Dear VRC, I agree.", "form.pdf"), content_type="multipart/form-data"
    )
    assert errors_of(response) == ["The selected file must be a PDF, PNG or JPEG"]


def test_an_oversize_file_is_refused(world, login):
    vrc = login(world.vrc)
    big = PDF + b"0" * (current_app.config["CONSENT_EVIDENCE_MAX_BYTES"])
    response = post(vrc, _url(world), _form(world, big, "form.pdf"), content_type="multipart/form-data")
    assert errors_of(response) == ["The selected file must be smaller than 5MB"]


def test_an_empty_file_and_a_missing_form(world, login):
    vrc = login(world.vrc)
    response = post(vrc, _url(world), _form(world, b"", "form.pdf"), content_type="multipart/form-data")
    assert "Select the signed consent form to upload" in errors_of(response)


def test_pdf_png_and_jpeg_are_kept_outside_the_web_root_and_served_to_the_record_only(world, login):
    vrc = login(world.vrc)
    for content, name in ((PDF, "scan.PDF"), (PNG, "photo.jpg"), (JPEG, "photo")):
        response = post(vrc, _url(world), _form(world, content, name), content_type="multipart/form-data")
        assert response.status_code == 302, errors_of(response)
    rows = db.session.query(ConsentEvidence).order_by(ConsentEvidence.id).all()
    assert [r.content_type for r in rows] == ["application/pdf", "image/png", "image/jpeg"]  # by content
    static = os.path.realpath(current_app.static_folder)
    for row in rows:
        path = os.path.realpath(os.path.join(current_app.config["PRIVATE_FILES_DIR"], row.storage_key))
        assert os.path.exists(path) and not path.startswith(static)
        assert row.original_filename not in row.storage_key
    row = rows[0]
    url = f"/h2e/participants/{world.participant.id}/consents/{row.consent_id}/evidence/{row.id}"
    response = vrc.get(url)
    assert response.status_code == 200 and response.data == PDF
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["Cache-Control"] == "no-store"
    assert events("consent.evidence_viewed")[-1].participant_id == world.participant.id
    assert login(world.other_vrc).get(url).status_code in (303, 403)
    assert login(world.salus_vrc).get(url).status_code == 404
    assert login(world.dpo).get(url).status_code == 404
    assert login(world.salus_vrc).get(url.replace("/h2e/", "/salus/")).status_code == 404


def test_evidence_added_later_leaves_the_consent_unchanged(world, login, make):
    consent = make.consent(world.participant, "gp_contact", recorded_by=world.vrc)
    vrc = login(world.vrc)
    url = f"/h2e/participants/{world.participant.id}/consents/{consent.id}/evidence"
    response = post(vrc, url, {"evidence": (io.BytesIO(EXECUTABLE), "form.jpg")}, content_type="multipart/form-data")
    assert response.status_code == 200 and "is a program" in errors_of(response)[0]
    response = post(vrc, url, {"evidence": (io.BytesIO(PNG), "form.png")}, content_type="multipart/form-data")
    assert response.status_code == 302
    db.session.expire_all()
    assert [e.content_type for e in consent.evidence] == ["image/png"]
    assert consent.method == "verbal" and consent.decision == "given"


def test_a_file_name_with_control_characters_is_a_field_error(world, login, make):
    """Rule 11: an uploaded file's name is stored as text, so NUL and other control
    characters in it are refused at the form's boundary (PostgreSQL refuses NUL)."""
    consent = make.consent(world.participant, "gp_contact", recorded_by=world.vrc)
    vrc = login(world.vrc)
    url = f"/h2e/participants/{world.participant.id}/consents/{consent.id}/evidence"
    for name in ("form\x00.png", "form\x1b.png"):
        response = post(vrc, url, {"evidence": (io.BytesIO(PNG), name)}, content_type="multipart/form-data")
        assert response.status_code == 200
        assert "characters that are not allowed" in errors_of(response)[0]
    db.session.expire_all()
    assert consent.evidence == []
