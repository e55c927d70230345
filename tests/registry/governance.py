"""Cases for governance (issue 10): the breach register, audit search, training
records and quarterly access reviews.

The world: a breach reported by h2e's ``vrc`` awaiting a decision (``w.breach``) and
one already decided (``w.decided_breach``). Any staff member but DWP reports a breach;
the DPO alone reaches /dpo/breaches and /dpo/audit; admins record training and review
access for their own organisation (others' answer 404), the lead admin for every one.
"""

from datetime import timedelta

from portal import clock
from portal.extensions import db
from portal.models import Breach
from tests.registry import WORLD_BUILDERS, Case

STAFF_200 = dict.fromkeys(
    ("vrc", "other_vrc", "team_manager", "ooh", "ooh_lead", "admin", "dpo", "contract_manager", "lead_admin"), 200
)
STAFF_303 = dict.fromkeys(STAFF_200, 303)
DPO = {"dpo": 200}
ADMINS = {"admin": 200, "lead_admin": 200}


def _breaches(w):
    now = clock.now()
    common = dict(
        org_id=w.home.id,
        reported_by_id=w.users["vrc"].id,
        reported_at=now,
        discovered_at=now - timedelta(hours=2),
        what_happened="Email sent to the wrong person",
        data_affected="Contact details",
        people_affected="One participant",
        updated_at=now,
    )
    w.breach = Breach(status="reported", **common)
    w.decided_breach = Breach(
        status="decided",
        risk_level="risk",
        risk_assessment="Low",
        report_to_ico=False,
        decision_reasons="Contained",
        decided_at=now,
        decided_by_id=w.users["dpo"].id,
        **common,
    )
    db.session.add_all([w.breach, w.decided_breach])
    db.session.flush()


WORLD_BUILDERS.append(_breaches)


def _today():
    day = clock.today()
    return [str(day.day), str(day.month), str(day.year)]


def _report():
    return {
        "what_happened": "A letter went to the wrong address",
        "discovered_on": _today(),
        "discovered_time": "00:00",
        "data_affected": "Name and address",
        "people_affected": "One participant",
    }


DECISION = {
    "risk_level": "risk",
    "risk_assessment": "Contained quickly",
    "report_to_ico": "no",
    "reasons": "Recipient confirmed deletion",
}
FOLLOW_UP = {"ico_reference": "", "actions_taken": "Retrained the team", "close": "no"}

CASES = [
    Case("breaches.new", expect=STAFF_200),
    Case("breaches.new", "POST", data=lambda w: _report(), expect=STAFF_303),
    Case("dpo.governance.breach_register", expect=DPO),
    Case("dpo.governance.breach", args=lambda w: {"breach_id": w.breach.id}, expect=DPO),
    Case("dpo.governance.breach", args={"breach_id": 999999}, expect={"dpo": 404}, note="missing"),
    Case(
        "dpo.governance.decide_breach",
        "POST",
        args=lambda w: {"breach_id": w.breach.id},
        data=DECISION,
        expect={"dpo": 303},
    ),
    Case(
        "dpo.governance.follow_up_breach",
        "POST",
        args=lambda w: {"breach_id": w.decided_breach.id},
        data=FOLLOW_UP,
        expect={"dpo": 303},
    ),
    Case(
        "dpo.governance.follow_up_breach",
        "POST",
        args=lambda w: {"breach_id": w.breach.id},
        data=FOLLOW_UP,
        expect={"dpo": 404},
        note="no decision yet",
    ),
    Case("dpo.governance.audit_search_page", expect=DPO),
    Case("dpo.governance.audit_search_page", args={"action": "participant.viewed", "submit": ""}, expect=DPO),
    Case("dpo.governance.audit_verify", "POST", expect={"dpo": 303}),
    Case("dpo.governance.viewers", args=lambda w: {"participant_id": w.participant.id}, expect=DPO),
    Case("dpo.governance.viewers", args={"participant_id": 999999}, expect={"dpo": 404}, note="missing"),
    Case("governance.training_overview", expect={"admin": 302, "lead_admin": 200}),
    Case("governance.training_page", args={"slug": "h2e"}, expect=ADMINS),
    Case(
        "governance.training_page",
        args={"slug": "salus"},
        expect={"admin": 404, "lead_admin": 200},
        note="another organisation",
    ),
    Case(
        "governance.training_upload",
        "POST",
        args={"slug": "h2e"},
        expect={"admin": 400, "lead_admin": 400},
        note="no file",
    ),
    Case("governance.training_member", args=lambda w: {"slug": "h2e", "user_id": w.users["vrc"].id}, expect=ADMINS),
    Case(
        "governance.training_member",
        "POST",
        args=lambda w: {"slug": "h2e", "user_id": w.users["vrc"].id},
        data=lambda w: {"completed_on": _today()},
        expect={"admin": 303, "lead_admin": 303},
    ),
    Case(
        "governance.training_member",
        args=lambda w: {"slug": "h2e", "user_id": w.users["dpo"].id},
        expect={"admin": 404, "lead_admin": 404},
        note="not a member of h2e",
    ),
    Case("governance.access_reviews_overview", expect={"lead_admin": 200}),
    Case("governance.access_review", args={"slug": "h2e"}, expect=ADMINS),
    Case(
        "governance.access_review",
        args={"slug": "salus"},
        expect={"admin": 404, "lead_admin": 200},
        note="another organisation",
    ),
    Case(
        "governance.access_review",
        "POST",
        args={"slug": "h2e"},
        expect={"admin": 400, "lead_admin": 400},
        note="no decisions",
    ),
]
