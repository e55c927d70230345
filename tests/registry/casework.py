"""Cases for casework: participants, caseloads, referrals (issue 5).

The world: h2e's ``vrc`` is assigned ``w.participant`` (with health information and
a case note carrying marker texts, a future and a past appointment, a support plan
action); ``w.unallocated`` waits in h2e's queue; ``w.elsewhere`` belongs to salus;
``w.upload`` is a finished CSV upload of h2e.

"Who may see what" on a participant URL: the assigned VRC and the team manager get
the record; h2e's other VRC and its ooh worker are sent to the verbal-consent check
(``CHECK``); everyone without participant access in h2e gets 404.
"""

import io
from datetime import timedelta

from portal import clock
from portal.extensions import db
from portal.models import ReferralUpload
from tests.factories import Factory
from tests.registry import WORLD_BUILDERS, Case

HEALTH_TEXT = "HEALTHMARKER-7Q2 panic attacks on the commute"
NOTE_TEXT = "NOTEMARKER-4K9 discussed a phased return"

# The verbal-consent check is the out-of-hours service's page: a 303 to
# /ooh/<org>/participants/<id>/check (see_other_to is set on every case below that
# expects it).
CHECK = 303
# Roles with no participant access in h2e: not members (ooh_lead, the lead's staff,
# DWP) or members without a casework role (admin).
NO_ACCESS = {"ooh_lead": 404, "admin": 404, "dpo": 404, "contract_manager": 404, "lead_admin": 404, "dwp": 404}
NOT_MEMBERS = {"ooh_lead": 404, "dpo": 404, "contract_manager": 404, "lead_admin": 404, "dwp": 404}


def _casework(w):
    make = Factory()
    vrc = w.users["vrc"]
    now = clock.now()
    w.participant = make.participant(w.home, vrc, health_information=HEALTH_TEXT)
    w.note = make.note(w.participant, vrc, text=NOTE_TEXT)
    w.appointment = make.appointment(w.participant, starts_at=now + timedelta(days=3))
    w.past_appointment = make.appointment(w.participant, starts_at=now - timedelta(days=1))
    w.action = make.action(w.participant)
    w.unallocated = make.participant(w.home)
    w.elsewhere = make.participant(w.other, w.other_vrc_elsewhere)
    w.upload = ReferralUpload(
        org_id=w.home.id,
        uploaded_by_id=w.users["team_manager"].id,
        filename="referrals.csv",
        sha256="0" * 64,
        content="",
        status="done",
        rows_total=2,
        rows_done=2,
        accepted=1,
        rejected=1,
        created_at=now,
        finished_at=now,
        results=[
            {
                "line": 2,
                "outcome": "accepted",
                "participant_id": w.unallocated.id,
                "org_id": w.home.id,
                "re_referral": False,
            },
            {"line": 3, "outcome": "rejected", "reasons": ["Postcode: Enter a real UK postcode, like LS1 4AP"]},
        ],
    )
    db.session.add(w.upload)
    db.session.flush()


WORLD_BUILDERS.append(_casework)


def _p(w):
    return {"participant_id": w.participant.id}


def _with(**more):
    def args(w):
        values = {"participant_id": w.participant.id}
        for key, attr in more.items():
            values[key] = getattr(w, attr).id
        return values

    return args


def full(**expect):
    """A page of the full record: the assigned VRC and the team manager."""
    return {"vrc": 200, "team_manager": 200, "other_vrc": CHECK, "ooh": CHECK, **NO_ACCESS, **expect}


def tm_only(**expect):
    """A team manager's action on a participant: VRCs and ooh lack the permission (403)."""
    return {"vrc": 403, "other_vrc": 403, "ooh": 403, "team_manager": 200, **NO_ACCESS, **expect}


def writers(**expect):
    """A change by the assigned VRC or a team manager; ooh lacks the permission (403)."""
    return {"vrc": 200, "team_manager": 200, "other_vrc": CHECK, "ooh": 403, **NO_ACCESS, **expect}


def _future(days=5, hour="10:30"):
    day = clock.local(clock.now()).date() + timedelta(days=days)
    return {"date": [str(day.day), str(day.month), str(day.year)], "time": hour}


def _today():
    day = clock.today()
    return [str(day.day), str(day.month), str(day.year)]


def _csv(w):
    content = (
        "atw_reference,first_name,last_name,date_of_birth,ni_number,email,phone,address_line_1,postcode\n"
        "ATW-REG-0001,Alex,Rowe,12/05/1980,JT998877B,alex@example.com,,1 Road,LS2 7EY\n"
    )
    return {"file": (io.BytesIO(content.encode()), "referrals.csv")}


REFERRAL = {
    "atw_reference": "ATW-REG-0002",
    "first_name": "Sam",
    "last_name": "Lee",
    "date_of_birth": ["3", "4", "1979"],
    "ni_number": "jt 11 22 33 c",
    "email": "sam@example.com",
    "phone": "",
    "address_line_1": "2 Lane",
    "address_line_2": "",
    "town": "Leeds",
    "postcode": "ls1 4ap",
    "occupation": "Nurse",
    "employer": "NHS",
    "health_information": "Anxiety",
}

CASES = [
    # Caseload pages
    Case("caseload.mine", expect={"vrc": 200, "other_vrc": 200, **NOT_MEMBERS}),
    Case("caseload.team_caseload", expect={"team_manager": 200, **NOT_MEMBERS}),
    Case("caseload.unallocated", expect={"team_manager": 200, **NOT_MEMBERS}),
    Case("caseload.overview", expect={"team_manager": 200, **NOT_MEMBERS}),
    Case("caseload.reallocate", expect={"team_manager": 200, **NOT_MEMBERS}),
    Case(
        "caseload.reallocate",
        "POST",
        data=lambda w: {
            "from_vrc": str(w.users["vrc"].id),
            "to_vrc": str(w.users["other_vrc"].id),
            "reason": "Long-term leave",
        },
        expect={"team_manager": 302, **NOT_MEMBERS},
    ),
    # Referrals
    Case("referrals.new", expect={"team_manager": 200, **NOT_MEMBERS}),
    Case("referrals.new", "POST", data=REFERRAL, expect={"team_manager": 302, **NOT_MEMBERS}),
    Case("referrals.upload", expect={"team_manager": 200, **NOT_MEMBERS}),
    Case("referrals.upload", "POST", data=_csv, expect={"team_manager": 303, **NOT_MEMBERS}),
    Case(
        "referrals.upload_result",
        args=lambda w: {"upload_id": w.upload.id},
        expect={"team_manager": 200, **NOT_MEMBERS},
    ),
    # The record
    Case("participants.record", args=_p, default=404, expect=full()),
    Case("participants.history", args=_p, default=404, expect=full()),
    Case(
        "participants.edit",
        args=lambda w: {"participant_id": w.participant.id, "section": "contact"},
        default=404,
        expect=writers(),
    ),
    Case(
        "participants.edit",
        "POST",
        args=lambda w: {"participant_id": w.participant.id, "section": "contact"},
        data={
            "email": "new@example.com",
            "phone": "07700 900 456",
            "address_line_1": "3 New Street",
            "address_line_2": "",
            "town": "Leeds",
            "postcode": "LS2 9JT",
        },
        default=404,
        expect=writers(vrc=302, team_manager=302),
    ),
    Case("participants.allocate", args=_p, default=404, expect=tm_only()),
    Case(
        "participants.allocate",
        "POST",
        args=_p,
        data=lambda w: {"vrc": str(w.users["other_vrc"].id), "reason": "Caseload balancing"},
        default=404,
        expect=tm_only(team_manager=302),
    ),
    # Passing on is for the lead partner's queue only: h2e's referral answers 404 (the
    # lead team manager's path is tested in tests/casework/test_pass_on.py).
    Case(
        "participants.pass_on",
        args=lambda w: {"participant_id": w.unallocated.id},
        default=404,
        expect=tm_only(team_manager=404),
    ),
    Case(
        "participants.pass_on",
        "POST",
        args=lambda w: {"participant_id": w.unallocated.id},
        data=lambda w: {"organisation": str(w.other.id), "reason": "Their area"},
        default=404,
        expect=tm_only(team_manager=404),
    ),
    Case("participants.close", args=_p, default=404, expect=writers()),
    Case(
        "participants.close",
        "POST",
        args=_p,
        data=lambda w: {
            "status": "withdrawn",
            "closed_on": _today(),
            "reason": "Moved abroad",
            "left_early_reason": "",
        },
        default=404,
        expect=writers(vrc=302, team_manager=302),
    ),
    # Case notes
    Case("participants.notes", args=_p, default=404, expect=full()),
    Case("participants.note", args=_with(note_id="note"), default=404, expect=full()),
    Case("participants.new_note", args=_p, default=404, expect=writers()),
    Case(
        "participants.new_note",
        "POST",
        args=_p,
        data=lambda w: {"contact_date": _today(), "note_type": "phone", "text": "Called to check in"},
        default=404,
        expect=writers(vrc=302, team_manager=302),
    ),
    Case("participants.amend_note", args=_with(note_id="note"), default=404, expect=writers()),
    Case(
        "participants.amend_note",
        "POST",
        args=_with(note_id="note"),
        data={"text": "Discussed a phased return over four weeks", "reason": "Added the length"},
        default=404,
        expect=writers(vrc=302, team_manager=302),
    ),
    # Appointments
    Case("participants.appointments_list", args=_p, default=404, expect=full()),
    Case("participants.new_appointment", args=_p, default=404, expect=writers()),
    Case(
        "participants.new_appointment",
        "POST",
        args=_p,
        data=lambda w: {**_future(), "duration_minutes": "60", "channel": "phone", "location": ""},
        default=404,
        expect=writers(vrc=302, team_manager=302),
    ),
    Case("participants.reschedule", args=_with(appointment_id="appointment"), default=404, expect=full()),
    Case(
        "participants.reschedule",
        "POST",
        args=_with(appointment_id="appointment"),
        data=lambda w: {**_future(days=6, hour="14:00"), "reason": "Participant at work"},
        default=404,
        expect=full(vrc=302, team_manager=302),
    ),
    Case("participants.cancel", args=_with(appointment_id="appointment"), default=404, expect=full()),
    Case(
        "participants.cancel",
        "POST",
        args=_with(appointment_id="appointment"),
        data={"cancelled_by": "participant", "reason": "Unwell"},
        default=404,
        expect=full(vrc=302, team_manager=302),
    ),
    Case("participants.outcome", args=_with(appointment_id="past_appointment"), default=404, expect=writers()),
    Case(
        "participants.outcome",
        "POST",
        args=_with(appointment_id="past_appointment"),
        data={"outcome": "attended"},
        default=404,
        expect=writers(vrc=302, team_manager=302),
    ),
    # Assessment, support plan, milestones
    Case("participants.plan", args=_p, default=404, expect=full()),
    Case("participants.assessment", args=_p, default=404, expect=writers()),
    Case(
        "participants.assessment",
        "POST",
        args=_p,
        data=lambda w: {
            "assessed_on": _today(),
            "support_level": "standard",
            "work_obstacles": "Open-plan office noise",
            "goals": "Agree quiet space",
        },
        default=404,
        expect=writers(vrc=302, team_manager=302),
    ),
    Case("participants.new_action", args=_p, default=404, expect=writers()),
    Case(
        "participants.new_action",
        "POST",
        args=_p,
        data=lambda w: {
            "description": "Ask for a quiet desk",
            "owner": "Participant",
            "due_on": _future(days=14)["date"],
        },
        default=404,
        expect=writers(vrc=302, team_manager=302),
    ),
    Case(
        "participants.action_done",
        "POST",
        args=_with(action_id="action"),
        default=404,
        expect=writers(vrc=302, team_manager=302),
    ),
    Case("participants.new_milestone", args=_p, default=404, expect=writers()),
    Case(
        "participants.new_milestone",
        "POST",
        args=_p,
        data=lambda w: {
            "kind": "support_plan_agreed",
            "achieved_on": _today(),
            "month_number": "",
            "left_early_reason": "",
            "reason": "",
        },
        default=404,
        expect=writers(vrc=302, team_manager=302),
    ),
]

# Every 303 of a participant URL leads to the verbal-consent check.
for _case in CASES:
    if _case.endpoint.startswith("participants.") and CHECK in _case.expect.values():
        _case.see_other_to = _case.see_other_to or "/check"
