"""The participant's consent pages: state and history, recording and withdrawing
through the pages, the receipt, refusals that name the consent, the limited view,
and 404 across organisations on every consent, evidence, letter and disclosure URL."""

from datetime import timedelta

import pytest

from portal import clock, private_files
from portal.extensions import db
from portal.models import ConsentEvidence, Disclosure, GpLetter
from tests.casework.conftest import errors_of, events, post
from tests.consent.conftest import PDF


def _now_fields(prefix):
    local = clock.local(clock.now())
    return {
        f"{prefix}_on": [str(local.day), str(local.month), str(local.year)],
        f"{prefix}_time": local.strftime("%H:%M"),
    }


def test_record_show_and_withdraw_through_the_pages(world, login):
    vrc = login(world.vrc)
    base = f"/h2e/participants/{world.participant.id}"
    page = vrc.get(f"{base}/consents/new?purpose=gp_contact").get_data(as_text=True)
    assert "Privacy notice version 1" in page and "Right to Withdraw Consent" in page
    response = post(
        vrc,
        f"{base}/consents/new",
        {
            "purpose": "gp_contact",
            "decision": "given",
            "method": "verbal",
            "words": "",
            "notice_id": str(world.notice.id),
            **_now_fields("decided"),
        },
    )
    assert errors_of(response) == ["Enter what the participant said"]
    assert "gp_contact" in response.get_data(as_text=True)  # input kept
    response = post(
        vrc,
        f"{base}/consents/new",
        {
            "purpose": "gp_contact",
            "decision": "given",
            "method": "verbal",
            "words": "Yes, write to Dr Patel",
            "notice_id": str(world.notice.id),
            **_now_fields("decided"),
        },
    )
    assert response.status_code == 302
    page = vrc.get(f"{base}/consents").get_data(as_text=True)
    assert "Yes, write to Dr Patel" in page and "Notice version 1" in page and world.vrc.position in page
    record = vrc.get(base).get_data(as_text=True)
    assert "GP or health practitioner contact" in record and "Given" in record

    from portal.consent import consents

    consent = consents.live_consent(world.participant, "gp_contact")
    receipt = vrc.get(f"{base}/consents/{consent.id}/receipt").get_data(as_text=True)
    for expected in (
        consent.receipt_id,
        "KI-CR-v1.1.0",
        "Ingeus UK Ltd",
        "How to withdraw",
        "Version 1",
        "The participant’s GP or health practitioner",
    ):
        assert expected in receipt
    clock.advance(timedelta(minutes=2))
    response = post(
        vrc,
        f"{base}/consents/{consent.id}/withdraw",
        {"method": "phone", "words": "Changed my mind", **_now_fields("withdrawn")},
    )
    assert response.status_code == 302
    assert consents.live_consent(world.participant, "gp_contact") is None
    page = vrc.get(f"{base}/consents").get_data(as_text=True)
    assert "Withdrawn" in page and "Changed my mind" in page and "Yes, write to Dr Patel" in page
    assert "Withdrawn on" in vrc.get(f"{base}/consents/{consent.id}/receipt").get_data(as_text=True)
    views = [e.detail["view"] for e in events("participant.viewed", participant_id=world.participant.id)]
    assert {"consents", "consents.new", "consents.receipt"} <= set(views)


def test_refusal_page_names_the_missing_consent(world, login):
    vrc = login(world.vrc)
    base = f"/h2e/participants/{world.participant.id}"
    for url in (f"{base}/gp-letters/new", f"{base}/employer-contacts/new"):
        response = vrc.get(url)
        assert response.status_code == 403
        assert "there is no live consent" in response.get_data(as_text=True)
    assert "‘Employer contact’ (employer_contact)" in vrc.get(f"{base}/employer-contacts/new").get_data(as_text=True)
    assert [e.detail["purpose"] for e in events("consent.required")] == [
        "gp_contact",
        "employer_contact",
        "employer_contact",
    ]


def test_letter_pages_from_preview_to_register(world, login, make):
    make.consent(world.participant, "gp_contact", recorded_by=world.vrc, decided_at=clock.now() - timedelta(hours=1))
    vrc = login(world.vrc)
    base = f"/h2e/participants/{world.participant.id}"
    form = vrc.get(f"{base}/gp-letters/new").get_data(as_text=True)
    assert "[Describe the work obstacles" in form
    response = post(
        vrc,
        f"{base}/gp-letters/new",
        {
            "addressee": "Dear Dr Patel",
            "practice_name": "Park Surgery",
            "practice_address": "1 Park Road",
            "body": "A phased return.",
            "data_categories": ["Health and wellbeing information"],
        },
    )
    assert response.status_code == 302
    letter = db.session.query(GpLetter).one()
    preview = vrc.get(response.headers["Location"]).get_data(as_text=True)
    assert "A phased return." in preview and "Issue letter" in preview
    assert post(vrc, f"{base}/gp-letters/{letter.id}/issue").status_code == 302
    pdf = vrc.get(f"{base}/gp-letters/{letter.id}/pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF-") and pdf.mimetype == "application/pdf"
    response = post(vrc, f"{base}/gp-letters/{letter.id}/sent", {"method": "post", **_now_fields("sent")})
    assert response.status_code == 302
    register = vrc.get(f"{base}/consents").get_data(as_text=True)
    assert "Park Surgery" in register and "Consent: GP or health practitioner contact" in register
    disclosure = db.session.query(Disclosure).one()
    copy = vrc.get(f"{base}/disclosures/{disclosure.id}/copy")
    assert copy.status_code == 200 and copy.data == pdf.data


def test_limited_view_shows_current_consents_and_allows_withdrawal(world, login, make):
    consent = make.consent(world.participant, "gp_contact", recorded_by=world.vrc)
    make.ooh_grant(world.participant, world.ooh)
    ooh = login(world.ooh)
    base = f"/h2e/participants/{world.participant.id}"
    page = ooh.get(base).get_data(as_text=True)
    assert "GP or health practitioner contact" in page and "Withdraw" in page
    assert ooh.get(f"{base}/consents").status_code == 403
    response = post(
        ooh, f"{base}/consents/{consent.id}/withdraw", {"method": "phone", "words": "", **_now_fields("withdrawn")}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(base)


@pytest.fixture
def elsewhere_rows(world, make):
    """Consent, evidence, letter and disclosure of salus's participant."""
    other = world.elsewhere
    consent = make.consent(other, "gp_contact", recorded_by=world.salus_vrc)
    stored = private_files.store("consent_evidence", PDF, "application/pdf")
    evidence = ConsentEvidence(
        org_id=other.org_id,
        participant_id=other.id,
        consent_id=consent.id,
        storage_key=stored.key,
        content_type="application/pdf",
        size_bytes=stored.size,
        sha256=stored.sha256,
        uploaded_at=clock.now(),
    )
    now = clock.now()
    letter = GpLetter(
        org_id=other.org_id,
        participant_id=other.id,
        status="issued",
        practice_name="P",
        practice_address="A",
        addressee="Dear Doctor",
        body="B",
        data_categories=["x"],
        created_at=now,
        updated_at=now,
        issued_at=now,
        pdf_key=stored.key,
    )
    disclosure = Disclosure(
        org_id=other.org_id,
        participant_id=other.id,
        recipient_type="gp",
        recipient_name="P",
        purpose="p",
        data_categories=["x"],
        consent_id=consent.id,
        copy_key=stored.key,
        copy_content_type="application/pdf",
        disclosed_at=now,
        recorded_at=now,
    )
    db.session.add_all([evidence, letter, disclosure])
    db.session.commit()
    return consent, evidence, letter, disclosure


def test_another_organisations_rows_are_404_through_any_participant(world, login, elsewhere_rows):
    consent, evidence, letter, disclosure = elsewhere_rows
    paths = [
        f"consents/{consent.id}/receipt",
        f"consents/{consent.id}/withdraw",
        f"consents/{consent.id}/evidence",
        f"consents/{consent.id}/evidence/{evidence.id}",
        f"gp-letters/{letter.id}",
        f"gp-letters/{letter.id}/edit",
        f"gp-letters/{letter.id}/pdf",
        f"gp-letters/{letter.id}/sent",
        f"gp-letters/{letter.id}/cancel",
        f"disclosures/{disclosure.id}",
        f"disclosures/{disclosure.id}/copy",
    ]
    for user in (world.vrc, world.tm):
        client = login(user)
        for path in paths:
            # Our participant with their ids, and their participant under our slug or theirs.
            for url in (
                f"/h2e/participants/{world.participant.id}/{path}",
                f"/h2e/participants/{world.elsewhere.id}/{path}",
                f"/salus/participants/{world.elsewhere.id}/{path}",
            ):
                assert client.get(url).status_code == 404, url
        for url in (
            f"/h2e/participants/{world.participant.id}/gp-letters/{letter.id}/issue",
            f"/h2e/participants/{world.elsewhere.id}/gp-letters/{letter.id}/issue",
        ):
            assert post(client, url).status_code == 404, url
    salus = login(world.salus_vrc)
    assert salus.get(f"/salus/participants/{world.elsewhere.id}/{paths[0]}").status_code == 200
    assert salus.get(f"/salus/participants/{world.elsewhere.id}/{paths[3]}").status_code == 200
