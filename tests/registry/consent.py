"""Cases for consent and the disclosures register (issue 6).

The world (on top of casework's): the consent purposes, version 1 of the notice
(published) and a draft version 2; ``w.participant`` (assigned to h2e's ``vrc``)
has live GP and employer consents, a signed form as evidence, a draft and an issued
GP letter, a disclosure with a copy, an emergency override waiting for review and
the disclosure flagged by a one-off check (``w.disclosure_review``);
h2e's ``vrc`` logged an authority request (``w.authority_request``), and another was
approved (``w.approved_request``).

On participant URLs the roles behave as on casework pages (``CHECK`` for h2e's other
VRC, 404 for roles without participant access in h2e); ``ooh`` lacks the
permissions of the full record (403) but may withdraw a consent and make an
emergency contact once it holds a grant (until then: ``CHECK``).
"""

import io
from datetime import timedelta

from portal import clock, private_files
from portal.extensions import db
from portal.models import AuthorityRequest, ConsentEvidence, Disclosure, DisclosureReview, EmergencyContact, GpLetter
from tests.factories import Factory
from tests.registry import WORLD_BUILDERS, Case
from tests.registry.casework import CHECK, NO_ACCESS

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _consent(w):
    make = Factory()
    make.consent_purposes()
    now = clock.now()
    w.notice = make.privacy_notice()
    w.draft_notice = make.privacy_notice(
        version="2", status="draft", change_note="Clearer wording", published_on=clock.today()
    )
    vrc = w.users["vrc"]
    w.gp_consent = make.consent(w.participant, "gp_contact", recorded_by=vrc, decided_at=now - timedelta(days=2))
    w.employer_consent = make.consent(
        w.participant, "employer_contact", recorded_by=vrc, decided_at=now - timedelta(days=2)
    )
    stored = private_files.store("consent_evidence", PDF, "application/pdf")
    w.evidence = ConsentEvidence(
        org_id=w.home.id,
        participant_id=w.participant.id,
        consent_id=w.gp_consent.id,
        storage_key=stored.key,
        content_type="application/pdf",
        size_bytes=stored.size,
        sha256=stored.sha256,
        original_filename="form.pdf",
        uploaded_by_id=vrc.id,
        uploaded_at=now,
    )
    letter = dict(
        org_id=w.home.id,
        participant_id=w.participant.id,
        practice_name="Park Surgery",
        practice_address="1 Park Road\nLeeds LS1 1AA",
        addressee="Dear Dr Patel",
        body="Agreed a phased return.",
        data_categories=["Health and wellbeing information"],
        created_by_id=vrc.id,
        created_at=now,
        updated_at=now,
    )
    w.draft_letter = GpLetter(status="draft", **letter)
    letter_pdf = private_files.store("gp_letters", PDF, "application/pdf")
    w.issued_letter = GpLetter(
        status="issued",
        issued_at=now - timedelta(hours=1),
        issued_by_id=vrc.id,
        consent_id=w.gp_consent.id,
        pdf_key=letter_pdf.key,
        pdf_sha256=letter_pdf.sha256,
        **letter,
    )
    w.disclosure = Disclosure(
        org_id=w.home.id,
        participant_id=w.participant.id,
        recipient_type="gp",
        recipient_name="Park Surgery",
        purpose="GP or health practitioner contact",
        data_categories=["Health and wellbeing information"],
        consent_id=w.gp_consent.id,
        summary="Letter",
        method="Post",
        copy_key=letter_pdf.key,
        copy_content_type="application/pdf",
        disclosed_at=now - timedelta(days=1),
        disclosed_by_id=vrc.id,
        recorded_at=now,
        source="gp_letter",
    )
    db.session.add_all([w.evidence, w.draft_letter, w.issued_letter, w.disclosure])
    db.session.flush()
    w.override = EmergencyContact(
        org_id=w.home.id,
        participant_id=w.participant.id,
        recipient_type="emergency_services",
        recipient_name="999 ambulance",
        reason="Said they would harm themselves tonight",
        what_shared="Name and address",
        data_categories=["Name and contact details"],
        contacted_at=now - timedelta(hours=2),
        made_by_id=vrc.id,
        made_as="vrc",
        recorded_at=now,
        disclosure_id=w.disclosure.id,
    )
    request = dict(
        authority_type="police",
        requester="DC Smith, West Yorkshire Police",
        reason="crime",
        legal_basis_cited="DPA 2018 Schedule 2 paragraph 2",
        what_requested="Dates of attendance",
        subject_details=f"AtW reference {w.participant.atw_reference}",
        received_on=clock.today(),
        logged_by_id=vrc.id,
        logged_at=now,
    )
    w.authority_request = AuthorityRequest(status="awaiting_decision", **request)
    w.approved_request = AuthorityRequest(
        status="approved",
        participant_id=w.participant.id,
        org_id=w.home.id,
        legal_basis="crime_and_taxation",
        decided_by_id=w.users["dpo"].id,
        decided_at=now,
        decision_reasons="Necessary and proportionate",
        **request,
    )
    w.disclosure_review = DisclosureReview(
        org_id=w.home.id,
        participant_id=w.participant.id,
        disclosure_id=w.disclosure.id,
        kind="consent_not_live",
        finding=f"Disclosure {w.disclosure.id} relied on a consent that was not live then.",
        found_by="recheck-consent-disclosures",
        found_at=now,
        review_notes="",
    )
    db.session.add_all([w.override, w.authority_request, w.approved_request, w.disclosure_review])
    db.session.flush()


WORLD_BUILDERS.append(_consent)


def _with(**more):
    def args(w):
        values = {"participant_id": w.participant.id}
        for key, attr in more.items():
            values[key] = getattr(w, attr).id
        return values

    return args


def _p(w):
    return {"participant_id": w.participant.id}


def writers(**expect):
    """A page of consent and sharing: the assigned VRC and the team manager."""
    return {"vrc": 200, "team_manager": 200, "other_vrc": CHECK, "ooh": 403, **NO_ACCESS, **expect}


def _moment(prefix, minutes_ago=10):
    local = clock.local(clock.now() - timedelta(minutes=minutes_ago))
    return {
        f"{prefix}_on": [str(local.day), str(local.month), str(local.year)],
        f"{prefix}_time": local.strftime("%H:%M"),
    }


def _today():
    day = clock.today()
    return [str(day.day), str(day.month), str(day.year)]


LETTER = {
    "addressee": "Dear Dr Patel",
    "practice_name": "Park Surgery",
    "practice_address": "1 Park Road, Leeds",
    "body": "We agreed a phased return to work.",
    "data_categories": ["Health and wellbeing information"],
}
STAFF_OK = dict.fromkeys(
    ("vrc", "other_vrc", "team_manager", "ooh", "ooh_lead", "admin", "dpo", "contract_manager", "lead_admin"), 200
)
STAFF_POSTED = dict.fromkeys(STAFF_OK, 302)
DPO = {"dpo": 200}

CASES = [
    # A participant's consents
    Case("consent.overview", args=_p, default=404, expect=writers()),
    Case("consent.record_decision", args=_p, default=404, expect=writers()),
    Case(
        "consent.record_decision",
        "POST",
        args=_p,
        data=lambda w: {
            "purpose": "research_contact",
            "decision": "given",
            "method": "verbal",
            "words": "Happy to join a focus group",
            "notice_id": str(w.notice.id),
            **_moment("decided"),
        },
        default=404,
        expect=writers(vrc=302, team_manager=302),
    ),
    Case("consent.withdraw", args=_with(consent_id="gp_consent"), default=404, expect=writers(ooh=CHECK)),
    Case(
        "consent.withdraw",
        "POST",
        args=_with(consent_id="gp_consent"),
        data=lambda w: {"method": "phone", "words": "Please stop", **_moment("withdrawn", 1)},
        default=404,
        expect=writers(vrc=302, team_manager=302, ooh=CHECK),
    ),
    Case("consent.add_evidence", args=_with(consent_id="gp_consent"), default=404, expect=writers()),
    Case(
        "consent.add_evidence",
        "POST",
        args=_with(consent_id="gp_consent"),
        data=lambda w: {"evidence": (io.BytesIO(PDF), "signed.pdf")},
        default=404,
        expect=writers(vrc=302, team_manager=302),
    ),
    Case(
        "consent.evidence", args=_with(consent_id="gp_consent", evidence_id="evidence"), default=404, expect=writers()
    ),
    Case("consent.receipt", args=_with(consent_id="gp_consent"), default=404, expect=writers()),
    # GP letters
    Case("consent.new_letter", args=_p, default=404, expect=writers()),
    Case("consent.new_letter", "POST", args=_p, data=LETTER, default=404, expect=writers(vrc=302, team_manager=302)),
    Case("consent.letter", args=_with(letter_id="draft_letter"), default=404, expect=writers()),
    Case("consent.edit_letter", args=_with(letter_id="draft_letter"), default=404, expect=writers()),
    Case(
        "consent.edit_letter",
        "POST",
        args=_with(letter_id="draft_letter"),
        data=LETTER,
        default=404,
        expect=writers(vrc=302, team_manager=302),
    ),
    Case(
        "consent.issue_letter",
        "POST",
        args=_with(letter_id="draft_letter"),
        default=404,
        expect=writers(vrc=302, team_manager=302),
    ),
    Case("consent.letter_pdf", args=_with(letter_id="issued_letter"), default=404, expect=writers()),
    Case("consent.letter_sent", args=_with(letter_id="issued_letter"), default=404, expect=writers()),
    Case(
        "consent.letter_sent",
        "POST",
        args=_with(letter_id="issued_letter"),
        data=lambda w: {"method": "post", **_moment("sent", 1)},
        default=404,
        expect=writers(vrc=302, team_manager=302),
    ),
    Case("consent.cancel_letter", args=_with(letter_id="draft_letter"), default=404, expect=writers()),
    Case(
        "consent.cancel_letter",
        "POST",
        args=_with(letter_id="draft_letter"),
        data={"reason": "Not needed"},
        default=404,
        expect=writers(vrc=302, team_manager=302),
    ),
    # Employer contact, the emergency override, the register
    Case("consent.new_employer_contact", args=_p, default=404, expect=writers()),
    Case(
        "consent.new_employer_contact",
        "POST",
        args=_p,
        data=lambda w: {
            "kind": "call",
            "employer_name": "Test Employer Ltd",
            "contact_name": "Line manager",
            "what_shared": "Agreed a later start",
            "data_categories": ["Work obstacles and adjustments"],
            **_moment("contacted"),
        },
        default=404,
        expect=writers(vrc=302, team_manager=302),
    ),
    Case(
        "consent.emergency_contact",
        args=_p,
        default=404,
        expect={"vrc": 200, "team_manager": 403, "other_vrc": CHECK, "ooh": CHECK, **NO_ACCESS},
    ),
    Case(
        "consent.emergency_contact",
        "POST",
        args=_p,
        data=lambda w: {
            "recipient_type": "emergency_services",
            "recipient_name": "999 ambulance",
            "reason": "Said they had taken an overdose",
            "what_shared": "Name and address",
            "data_categories": ["Name and contact details"],
            **_moment("contacted"),
        },
        default=404,
        expect={"vrc": 302, "team_manager": 403, "other_vrc": CHECK, "ooh": CHECK, **NO_ACCESS},
    ),
    Case("consent.disclosure", args=_with(disclosure_id="disclosure"), default=404, expect=writers()),
    Case("consent.disclosure_copy", args=_with(disclosure_id="disclosure"), default=404, expect=writers()),
    # The DPO: notice versions
    Case("dpo.privacy.notices", expect=DPO),
    Case("dpo.privacy.new_notice", expect=DPO),
    Case(
        "dpo.privacy.new_notice",
        "POST",
        data={"version": "3", "published_on": _today(), "text": "The notice, version 3.", "change_note": "New partner"},
        expect={"dpo": 302},
    ),
    Case("dpo.privacy.notice", args=lambda w: {"notice_id": w.notice.id}, expect=DPO),
    Case("dpo.privacy.edit_notice", args=lambda w: {"notice_id": w.draft_notice.id}, expect=DPO),
    Case(
        "dpo.privacy.edit_notice",
        "POST",
        args=lambda w: {"notice_id": w.draft_notice.id},
        data={
            "version": "2",
            "published_on": _today(),
            "text": "The notice, version 2.",
            "change_note": "Clearer wording",
        },
        expect={"dpo": 302},
    ),
    Case("dpo.privacy.publish_notice", "POST", args=lambda w: {"notice_id": w.draft_notice.id}, expect={"dpo": 302}),
    # The DPO: overrides and authority requests
    Case("dpo.privacy.overrides", expect=DPO),
    Case("dpo.privacy.override", args=lambda w: {"override_id": w.override.id}, expect=DPO),
    Case(
        "dpo.privacy.override",
        "POST",
        args=lambda w: {"override_id": w.override.id},
        data={"outcome": "appropriate", "notes": "Risk to life; proportionate"},
        expect={"dpo": 302},
    ),
    Case("dpo.privacy.disclosure_review", args=lambda w: {"review_id": w.disclosure_review.id}, expect=DPO),
    Case(
        "dpo.privacy.disclosure_review",
        "POST",
        args=lambda w: {"review_id": w.disclosure_review.id},
        data={"outcome": "breach", "notes": "Recorded in the breach register"},
        expect={"dpo": 302},
    ),
    Case("dpo.privacy.authority_requests_list", expect=DPO),
    Case("dpo.privacy.authority_request", args=lambda w: {"request_id": w.authority_request.id}, expect=DPO),
    Case(
        "dpo.privacy.decide_authority_request",
        "POST",
        args=lambda w: {"request_id": w.authority_request.id},
        data=lambda w: {
            "decision": "approve",
            "atw_reference": w.participant.atw_reference,
            "legal_basis": "crime_and_taxation",
            "reasons": "Necessary for a criminal investigation",
        },
        expect={"dpo": 302},
    ),
    Case(
        "dpo.privacy.disclose_authority_request",
        "POST",
        args=lambda w: {"request_id": w.approved_request.id},
        data={
            "data_categories": ["Dates of attendance and contact"],
            "summary": "Appointment dates",
            "method": "Secure email",
            **_moment("disclosed"),
        },
        expect={"dpo": 302},
    ),
    # Any staff member: authority requests, published notices
    Case("authority_requests.index", expect=STAFF_OK),
    Case("authority_requests.new", expect=STAFF_OK),
    Case(
        "authority_requests.new",
        "POST",
        data={
            "authority_type": "hmrc",
            "requester": "HMRC Fraud Investigation Service",
            "reason": "fraud",
            "legal_basis_cited": "DPA 2018 Schedule 2 paragraph 2",
            "what_requested": "Employment dates",
            "subject_details": "A named person",
            "received_on": _today(),
        },
        expect=STAFF_POSTED,
    ),
    Case(
        "authority_requests.show",
        args=lambda w: {"request_id": w.authority_request.id},
        expect={**dict.fromkeys(STAFF_OK, 404), "vrc": 200},
    ),
    Case("privacy_notices.show_notice", args=lambda w: {"notice_id": w.notice.id}, expect=STAFF_OK),
]
