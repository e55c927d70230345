"""Cases for the out-of-hours service (issue 7).

The world adds to casework's: ``ooh_lead`` (ingeus's out-of-hours worker, not a
member of h2e) took a call from h2e's ``w.participant``: a confirmed check the
participant agreed to (``w.ooh_check``) and the live grant it gave (``w.ooh_grant``),
a second confirmed check still waiting for the answer (``w.ooh_pending``), and a
callback note for the assigned VRC (``w.ooh_callback``).

On the call pages (``/ooh/<org>/participants/<id>/...``): ooh_lead, with its grant,
gets the pages; h2e's other VRC and its ooh worker (no grant) are sent to the check;
the assigned VRC and the team manager, who need no check, to the record; everyone
else gets 404, like a participant that does not exist.
"""

from portal import clock
from tests.factories import Factory
from tests.registry import WORLD_BUILDERS, Case
from tests.registry.casework import NOT_MEMBERS, _future


def _ooh(w):
    make = Factory()
    worker = w.users["ooh_lead"]
    w.ooh_check = make.ooh_check(w.participant, worker)
    w.ooh_grant = make.ooh_grant(w.participant, worker, check=w.ooh_check)
    w.ooh_pending = make.ooh_check(w.participant, worker, consent=None)
    w.ooh_callback = make.ooh_callback(w.participant, worker)


WORLD_BUILDERS.append(_ooh)

RECORD = "/h2e/participants/"
CHECK = "/check"
NONE = {"admin": 404, "dpo": 404, "contract_manager": 404, "lead_admin": 404, "dwp": 404}


def _call(**more):
    def args(w):
        values = {"org": w.home.slug, "participant_id": w.participant.id}
        for key, attr in more.items():
            values[key] = getattr(w, attr).id
        return values

    return args


def checking(**expect):
    """The check pages: the record for those who need no check, 404 for no access."""
    return {"vrc": 303, "team_manager": 303, "other_vrc": 200, "ooh": 200, "ooh_lead": 200, **NONE, **expect}


def granted(**expect):
    """The limited view and its actions: ooh_lead's grant; the check for the others."""
    return {"vrc": 303, "team_manager": 303, "other_vrc": 303, "ooh": 303, "ooh_lead": 200, **NONE, **expect}


def _identity(w):
    p = w.participant
    dob = p.date_of_birth
    return {
        "caller": "participant",
        "full_name": f"  {p.first_name.upper()} {p.last_name.lower()} ",
        "date_of_birth": [str(dob.day), str(dob.month), str(dob.year)],
        "postcode": p.postcode.replace(" ", ""),
    }


def _search(w):
    dob = w.participant.date_of_birth
    return {
        "surname": w.participant.last_name,
        "date_of_birth": [str(dob.day), str(dob.month), str(dob.year)],
        "postcode": "",
    }


def _reschedule(w):
    return {**_future(days=6, hour="18:30"), "requested_by": "participant", "reason": "Working late that day"}


def _emergency(w):
    now = clock.local(clock.now())
    return {
        "recipient_type": "emergency_services",
        "recipient_name": "999 ambulance service",
        "contacted_on": [str(now.day), str(now.month), str(now.year)],
        "contacted_time": now.strftime("%H:%M"),
        "reason": "Said he would harm himself tonight",
        "what_shared": "Name, address and what he said",
        "data_categories": ["Name and contact details", "What the participant said about the risk"],
    }


CASES = [
    # Finding the caller
    Case("ooh.search", expect={"ooh": 200, "ooh_lead": 200}),
    Case("ooh.search", "POST", data=_search, expect={"ooh": 200, "ooh_lead": 200}),
    # The verbal-consent check
    Case("ooh.check", args=_call(), default=404, expect=checking(), see_other_to=RECORD),
    Case(
        "ooh.check",
        "POST",
        args=_call(),
        data=_identity,
        default=404,
        expect=checking(other_vrc=303, ooh=303, ooh_lead=303),
        see_other_to="/participants/",
    ),
    Case(
        "ooh.check_result",
        args=_call(check_id="ooh_check"),
        default=404,
        expect=checking(other_vrc=404, ooh=404),
        see_other_to=RECORD,
    ),
    Case(
        "ooh.check_result",
        "POST",
        args=_call(check_id="ooh_pending"),
        data={"consent": "agreed", "note": "Wants to move Tuesday's appointment"},
        default=404,
        expect=checking(other_vrc=404, ooh=404, ooh_lead=303),
        see_other_to=RECORD,
    ),
    # Callbacks: after a check (ooh_lead); the others must make one first
    Case("ooh.callback", args=_call(), default=404, expect=checking(other_vrc=303, ooh=303)),
    Case(
        "ooh.callback",
        "POST",
        args=_call(),
        data={"reason": "Wants to talk about hours", "best_time": "After 6pm", "phone": "07700 900 321"},
        default=404,
        expect=checking(other_vrc=303, ooh=303, ooh_lead=302),
    ),
    # The limited view and its actions
    Case("ooh.participant", args=_call(), default=404, expect=granted()),
    Case("ooh.reschedule", args=_call(appointment_id="appointment"), default=404, expect=granted()),
    Case(
        "ooh.reschedule",
        "POST",
        args=_call(appointment_id="appointment"),
        data=_reschedule,
        default=404,
        expect=granted(ooh_lead=302),
    ),
    Case("ooh.cancel", args=_call(appointment_id="appointment"), default=404, expect=granted()),
    Case(
        "ooh.cancel",
        "POST",
        args=_call(appointment_id="appointment"),
        data={"cancelled_by": "participant", "reason": "Unwell"},
        default=404,
        expect=granted(ooh_lead=302),
    ),
    Case("ooh.call_note", args=_call(), default=404, expect=granted()),
    Case(
        "ooh.call_note",
        "POST",
        args=_call(),
        data={"text": "Called to move an appointment; done."},
        default=404,
        expect=granted(ooh_lead=302),
    ),
    Case("ooh.emergency", args=_call(), default=404, expect=granted()),
    Case("ooh.emergency", "POST", args=_call(), data=_emergency, default=404, expect=granted(ooh_lead=302)),
    # The worker's own grants
    Case("ooh.grants", expect={"vrc": 200, "other_vrc": 200, "ooh": 200, "ooh_lead": 200}),
    Case(
        "ooh.end_grant",
        "POST",
        args=lambda w: {"grant_id": w.ooh_grant.id},
        expect={"ooh_lead": 302, "vrc": 404, "other_vrc": 404, "ooh": 404},
    ),
    # Oversight
    Case("dpo.ooh.dpo_log", expect={"dpo": 200}),
    Case("ooh_oversight.org_log", expect={"team_manager": 200, **NOT_MEMBERS}),
    Case(
        "ooh_oversight.callback_done",
        "POST",
        args=lambda w: {"callback_id": w.ooh_callback.id},
        expect={"vrc": 302, "team_manager": 302, "other_vrc": 404, **NOT_MEMBERS},
    ),
]
