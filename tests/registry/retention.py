"""Cases for retention, legal holds, destruction lists and audit checkpoints (issue 10).

The world (on top of casework's): a legal hold on ``w.participant`` (``w.hold``) and
a destruction list built by the DPO (``w.destruction_list``, no items: nothing in the
world is past its period). Only the DPO may reach any of these pages.
"""

from datetime import timedelta

from portal import clock
from portal.extensions import db
from portal.governance import legal_holds
from portal.retention import destruction_lists
from tests.registry import WORLD_BUILDERS, Case

DPO = {"dpo": 200}


def _retention(w):
    dpo = w.users["dpo"]
    w.hold = legal_holds.place_hold(
        w.participant, reason="Tribunal claim", review_on=clock.today() + timedelta(days=90), placed_by=dpo
    )
    w.destruction_list = destruction_lists.build_list(dpo)
    db.session.commit()


WORLD_BUILDERS.append(_retention)


def _review_on():
    day = clock.today() + timedelta(days=30)
    return {"review_on": [str(day.day), str(day.month), str(day.year)]}


CASES = [
    Case("dpo.retention.rules", expect=DPO),
    Case("dpo.retention.edit_rule", args={"key": "reports"}, expect=DPO),
    Case(
        "dpo.retention.edit_rule",
        "POST",
        args={"key": "reports"},
        data={"period_months": "18", "counted_from": "created", "note": "Contract variation"},
        expect={"dpo": 302},
    ),
    Case("dpo.retention.checkpoint", expect=DPO),
    Case(
        "dpo.retention.checkpoint",
        "POST",
        data={"confirm": "y"},
        expect=DPO,
        note="nothing in the world is past the audit rule: the page again",
    ),
    Case("dpo.retention.holds", expect=DPO),
    Case("dpo.retention.new_hold", expect=DPO),
    Case(
        "dpo.retention.new_hold",
        "POST",
        data=lambda w: {"atw_reference": w.elsewhere.atw_reference, "reason": "Claim", **_review_on()},
        expect={"dpo": 302},
    ),
    Case("dpo.retention.lift_hold", args=lambda w: {"hold_id": w.hold.id}, expect=DPO),
    Case(
        "dpo.retention.lift_hold",
        "POST",
        args=lambda w: {"hold_id": w.hold.id},
        data={"reason": "Settled"},
        expect={"dpo": 302},
    ),
    Case("dpo.retention.lists", expect=DPO),
    Case("dpo.retention.build", "POST", expect={"dpo": 303}),
    Case("dpo.retention.destruction_list", args=lambda w: {"list_id": w.destruction_list.id}, expect=DPO),
    Case(
        "dpo.retention.approve",
        "POST",
        args=lambda w: {"list_id": w.destruction_list.id},
        data={"approve_all": "1"},
        expect={"dpo": 303},
    ),
    Case(
        "dpo.retention.destroy",
        "POST",
        args=lambda w: {"list_id": w.destruction_list.id},
        data={"confirm": "y"},
        expect={"dpo": 303},
    ),
    Case("dpo.retention.certificate", args=lambda w: {"list_id": w.destruction_list.id}, expect=DPO),
]
