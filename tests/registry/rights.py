"""Cases for data-subject rights (issue 8): the intake page (every staff role; DWP
refused), the DPO's home, dashboard, request workflows and complaints (DPO only).

The world (on top of casework's and consent's): ``w.rights_request``, logged by h2e's
``vrc`` and linked to ``w.participant``; ``w.stopped_request`` with its clock stopped;
``w.extended_request`` extended, its notice not yet sent; ``w.restricted_request``
whose participant (``w.restricted_participant``) is restricted; a portability file
(``w.export``) and a complaint (``w.complaint``).
"""

from datetime import timedelta

from portal import clock, private_files
from portal.extensions import db
from portal.models.rights import ClockStop, Complaint, PortabilityExport, RightsRequest, RightsRequestRight
from tests.factories import Factory
from tests.registry import WORLD_BUILDERS, Case


def _request(w, **extra):
    values = dict(
        requester_name="Pat Example",
        requester_contact="pat@example.org",
        what_requested="All data",
        received_on=clock.today() - timedelta(days=3),
        channel="email",
        logged_by_id=w.users["vrc"].id,
        logged_at=clock.now(),
        status="open",
        participant_id=w.participant.id,
        org_id=w.home.id,
        rights=[RightsRequestRight(right="access"), RightsRequestRight(right="portability")],
    )
    values.update(extra)
    row = RightsRequest(**values)
    row.due_on = row.received_on + timedelta(days=31)
    db.session.add(row)
    return row


def _rights(w):
    make = Factory()
    now = clock.now()
    w.rights_request = _request(w)
    # Identity proved: the disclosures (portability, a "done" close, a release) may go.
    w.verified_request = _request(
        w,
        identity_status="proved",
        identity_received_on=clock.today() - timedelta(days=2),
        identity_method="Passport copy by post",
    )
    w.stopped_request = _request(
        w, stops=[ClockStop(asked_on=clock.today() - timedelta(days=1), question="Which records?")]
    )
    w.extended_request = _request(w, extension_reason="complex", extension_detail="Many records", extended_at=now)
    w.restricted_participant = make.participant(
        w.home, w.users["vrc"], restricted=True, restriction_reason="Accuracy contested", restricted_at=now
    )
    w.restricted_request = _request(w, participant_id=w.restricted_participant.id)
    db.session.flush()
    stored = private_files.store("rights_portability", b"PK\x05\x06" + b"\x00" * 18, "application/zip")
    w.export = PortabilityExport(
        org_id=w.home.id,
        participant_id=w.participant.id,
        request_id=w.rights_request.id,
        file_key=stored.key,
        sha256=stored.sha256,
        created_at=now,
    )
    w.complaint = Complaint(
        complainant_name="Pat Example",
        complainant_contact="pat@example.org",
        received_on=clock.today(),
        channel="letter",
        about="Letter sent to old address",
        logged_at=now,
        status="open",
    )
    db.session.add_all([w.export, w.complaint])
    db.session.commit()


WORLD_BUILDERS.append(_rights)


def _today():
    day = clock.today()
    return [str(day.day), str(day.month), str(day.year)]


STAFF_OK = dict.fromkeys(
    ("vrc", "other_vrc", "team_manager", "ooh", "ooh_lead", "admin", "dpo", "contract_manager", "lead_admin"), 200
)
DPO = {"dpo": 200}
DPO_POSTED = {"dpo": 302}


def _r(name="rights_request"):
    return lambda w: {"request_id": getattr(w, name).id}


CASES = [
    Case("rights_intake.new", expect=STAFF_OK),
    Case(
        "rights_intake.new",
        "POST",
        data=lambda w: {
            "requester_name": "Pat Example",
            "requester_contact": "pat@example.org",
            "rights": ["access"],
            "what_requested": "A copy",
            "received_on": _today(),
            "channel": "phone",
        },
        expect={**dict.fromkeys(STAFF_OK, 302)},
    ),
    Case(
        "rights_intake.logged",
        args=_r(),
        default=404,
        expect={"vrc": 200, "dwp": 403},
        note="only whoever logged it sees the confirmation",
    ),
    Case("dpo.requests.home", expect=DPO),
    Case("dpo.requests.requests", expect=DPO),
    Case("dpo.requests.show", args=_r(), expect=DPO),
    Case("dpo.requests.identity", args=_r(), expect=DPO),
    Case(
        "dpo.requests.identity",
        "POST",
        args=_r(),
        data={"decision": "proved", "received_on": _today(), "method": "Passport by post"},
        expect=DPO_POSTED,
    ),
    Case("dpo.requests.clarify", args=_r(), expect=DPO),
    Case(
        "dpo.requests.clarify",
        "POST",
        args=_r(),
        data=lambda w: {"asked_on": _today(), "question": "Which?"},
        expect=DPO_POSTED,
    ),
    Case("dpo.requests.answer", args=_r("stopped_request"), expect=DPO),
    Case(
        "dpo.requests.answer",
        "POST",
        args=_r("stopped_request"),
        data=lambda w: {"answered_on": _today(), "note": "Case notes only"},
        expect=DPO_POSTED,
    ),
    Case("dpo.requests.extend", args=_r(), expect=DPO),
    Case(
        "dpo.requests.extend",
        "POST",
        args=_r(),
        data={"reason": "complex", "detail": "Many records"},
        expect=DPO_POSTED,
    ),
    Case("dpo.requests.extension_notice", args=_r("extended_request"), expect=DPO),
    Case(
        "dpo.requests.extension_notice",
        "POST",
        args=_r("extended_request"),
        data=lambda w: {"sent_on": _today(), "method": "email"},
        expect=DPO_POSTED,
    ),
    Case("dpo.requests.dwp", args=_r(), expect=DPO),
    Case(
        "dpo.requests.dwp",
        "POST",
        args=_r(),
        data=lambda w: {"informed_on": _today(), "note": "As contract"},
        expect=DPO_POSTED,
    ),
    Case("dpo.requests.notice", args=_r(), expect=DPO),
    Case(
        "dpo.requests.notice",
        "POST",
        args=_r(),
        data=lambda w: {"notice_id": str(w.notice.id), "sent_on": _today(), "method": "email"},
        expect=DPO_POSTED,
    ),
    Case("dpo.requests.restrict", args=_r(), expect=DPO),
    Case("dpo.requests.restrict", "POST", args=_r(), data={"reason": "Accuracy contested"}, expect=DPO_POSTED),
    Case("dpo.requests.lift_restriction", args=_r("restricted_request"), expect=DPO),
    Case(
        "dpo.requests.lift_restriction",
        "POST",
        args=_r("restricted_request"),
        data=lambda w: {"reason": "Checked", "told_on": _today(), "told_method": "letter"},
        expect=DPO_POSTED,
    ),
    Case("dpo.requests.objection", args=_r(), expect=DPO),
    Case("dpo.requests.objection", "POST", args=_r(), data={"scopes": ["research", "statistics"]}, expect=DPO_POSTED),
    Case("dpo.requests.portability", args=_r(), expect=DPO),
    Case("dpo.requests.portability", "POST", args=_r("verified_request"), data={}, expect=DPO_POSTED),
    Case(
        "dpo.requests.portability_download",
        args=lambda w: {"request_id": w.rights_request.id, "export_id": w.export.id},
        expect=DPO,
    ),
    Case("dpo.requests.close", args=_r(), expect=DPO),
    Case(
        "dpo.requests.close",
        "POST",
        args=_r("verified_request"),
        data=lambda w: {"outcome": "done", "response_sent_on": _today(), "response_method": "email"},
        expect=DPO_POSTED,
    ),
    Case("dpo.requests.link", args=_r(), expect=DPO),
    Case(
        "dpo.requests.link",
        "POST",
        args=_r(),
        data=lambda w: {"participant_id": str(w.participant.id)},
        expect=DPO_POSTED,
    ),
    Case("dpo.requests.rectify", args=lambda w: {"request_id": w.rights_request.id, "section": "contact"}, expect=DPO),
    Case(
        "dpo.requests.rectify",
        "POST",
        args=lambda w: {"request_id": w.rights_request.id, "section": "contact"},
        data={
            "email": "pat.new@example.org",
            "phone": "07700 900123",
            "address_line_1": "1 Park Road",
            "address_line_2": "",
            "town": "Leeds",
            "postcode": "LS1 1AA",
        },
        expect=DPO_POSTED,
    ),
    Case("dpo.requests.complaints", expect=DPO),
    Case("dpo.requests.new_complaint", expect=DPO),
    Case(
        "dpo.requests.new_complaint",
        "POST",
        data=lambda w: {
            "complainant_name": "Pat",
            "complainant_contact": "pat@example.org",
            "about": "Misuse",
            "received_on": _today(),
            "channel": "email",
        },
        expect=DPO_POSTED,
    ),
    Case("dpo.requests.complaint", args=lambda w: {"complaint_id": w.complaint.id}, expect=DPO),
    Case(
        "dpo.requests.complaint",
        "POST",
        args=lambda w: {"complaint_id": w.complaint.id},
        data={"investigation": "Checked the letters log", "save_notes": "Save"},
        expect=DPO_POSTED,
    ),
]
