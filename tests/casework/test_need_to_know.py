"""Rule 1 over every route of the registry: what each role can reach never carries
health information or case notes unless the role is entitled to them; every 200 on a
participant URL leaves an audit event with the participant's id; a restricted record
refuses every change. The world is the route matrix's, built once for the module; each
test's changes are undone in its own savepoint."""

import pytest
from flask import url_for
from sqlalchemy import func, select

from portal.casework import participants
from portal.extensions import db
from portal.models import AuditEvent, Participant
from tests.registry import ROLES, all_cases, case_url, value_of
from tests.registry.casework import HEALTH_TEXT, NOTE_TEXT
from tests.support.matrix import client_for, send, world  # noqa: F401 - world: a fixture, built once per module

CASES = all_cases()
GETS = [c for c in CASES if c.method == "GET"]
# Participant URLs (/<org>/participants/<id>/...): the casework pages and the
# participant's consent, letter, evidence, employer-contact and disclosure pages.
PARTICIPANT_BLUEPRINTS = ("participants.", "consent.")


def _on_participant_url(case) -> bool:
    return case.endpoint.startswith(PARTICIPANT_BLUEPRINTS)


# Entitled to the world's participant's health information and notes on casework
# URLs: its assigned VRC and h2e's team manager. Everyone else, on every page, but the
# DPO on the DPO's own pages (/dpo/: the full read and the access package review,
# DESIGN.md "Who may see what"); the DPO still gets 404 on the casework URLs.
NOT_ENTITLED = [r for r in ROLES if r not in ("vrc", "team_manager")]
ENTITLED_PAGES = {"dpo": "/dpo/"}


def test_health_and_note_text_reach_no_one_else(app, world):
    with app.app_context():
        leaks = []
        for role in NOT_ENTITLED:
            client = client_for(app, world, role)
            for case in GETS:
                urls = [case_url(app, case, world)]
                if "org" in next(app.url_map.iter_rules(case.endpoint)).arguments:
                    urls.append(case_url(app, case, world, org=world.other.slug))
                for url in urls:
                    if role in ENTITLED_PAGES and url.startswith(ENTITLED_PAGES[role]):
                        continue
                    # Downloads may be binary (an XLSX report): read them as text leniently.
                    body = client.get(url, follow_redirects=True).get_data().decode("utf-8", "replace")
                    for marker in (HEALTH_TEXT, NOTE_TEXT):
                        if marker in body:
                            leaks.append(f"{role} {url}: {marker[:12]}")
        assert not leaks, "\n".join(leaks)


def test_entitled_roles_do_see_them(app, world):
    with app.app_context():
        for role in ("vrc", "team_manager"):
            client = client_for(app, world, role)
            record = client.get(f"/h2e/participants/{world.participant.id}").get_data(as_text=True)
            notes = client.get(f"/h2e/participants/{world.participant.id}/notes").get_data(as_text=True)
            assert HEALTH_TEXT in record and NOTE_TEXT in notes


# Downloads of stored files name the file they served (still carrying the participant's id).
VIEW_ACTIONS = {
    "consent.evidence": ("consent.evidence_viewed",),
    "consent.letter_pdf": ("gp_letter.downloaded",),
    "consent.disclosure_copy": ("disclosure.copy_viewed",),
}


def _participant_events(participant_id):
    return db.session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.participant_id == participant_id)
    )


def test_every_200_on_a_participant_url_is_audited_with_its_id(app, world):
    with app.app_context():
        checked = 0
        for case in GETS:
            if not _on_participant_url(case):
                continue
            for role in ROLES[1:]:
                client = client_for(app, world, role)
                before = _participant_events(world.participant.id)
                response = client.get(case_url(app, case, world))
                if response.status_code != 200:
                    continue
                assert _participant_events(world.participant.id) == before + 1, (case.endpoint, role)
                viewed = db.session.scalars(select(AuditEvent).order_by(AuditEvent.seq.desc()).limit(1)).one()
                assert viewed.action in VIEW_ACTIONS.get(case.endpoint, ("participant.viewed",)), (case.endpoint, role)
                assert viewed.user_id == world.users[role].id
                checked += 1
        assert checked >= 60


def test_a_form_shown_again_with_errors_is_audited_too(app, world):
    with app.app_context():
        client = client_for(app, world, "vrc")
        case = next(c for c in CASES if c.endpoint == "participants.new_note" and c.method == "POST")
        before = _participant_events(world.participant.id)
        from tests.registry import Case

        bad = Case(case.endpoint, "POST", args=case.args, data={"note_type": "phone", "text": ""})
        response = send(client, bad, case_url(app, bad, world), world, False)
        assert response.status_code == 200
        assert _participant_events(world.participant.id) == before + 1


# Changes some matrix role makes on a participant URL (participants.pass_on is the lead
# partner's only, so no matrix role succeeds: tests/casework/test_pass_on.py checks its
# restriction itself).
MUTATING = [
    c
    for c in CASES
    if c.method == "POST"
    and _on_participant_url(c)
    and any(c.expected(r, False) == 302 for r in ROLES if r != "anonymous")
]
# Rule 5: still allowed on a restricted record (the registry's cancel is at the
# participant's own request; withdrawing a consent). Cancelling a GP letter stops a
# sharing (portal/casework/gp_letters.py); the emergency override stays possible in a
# risk to life and is flagged for the DPO (tests/consent/test_overrides.py).
ALLOWED_WHILE_RESTRICTED = {
    "participants.cancel",
    "consent.withdraw",
    "consent.cancel_letter",
    "consent.emergency_contact",
}


def _snapshot(participant_id):
    """Everything a change to the participant could touch."""
    from portal.models import (
        Appointment,
        AppointmentReschedule,
        Assessment,
        CaseNoteVersion,
        Consent,
        ConsentEvidence,
        ConsentWithdrawal,
        Disclosure,
        EmergencyContact,
        EmployerContact,
        GpLetter,
        Milestone,
        ParticipantChange,
        StatusChange,
        SupportPlanAction,
    )

    db.session.expire_all()
    row = db.session.get(Participant, participant_id)
    state = {c.key: getattr(row, c.key) for c in Participant.__table__.columns}
    for model in (
        AppointmentReschedule,
        Assessment,
        CaseNoteVersion,
        Milestone,
        ParticipantChange,
        StatusChange,
        SupportPlanAction,
        Consent,
        ConsentWithdrawal,
        ConsentEvidence,
        Disclosure,
        EmergencyContact,
        EmployerContact,
        GpLetter,
    ):
        state[model.__name__] = db.session.scalar(select(func.count()).select_from(model))
    state["appointments"] = sorted(db.session.execute(select(Appointment.id, Appointment.status)).all())
    state["actions_done"] = sorted(db.session.execute(select(SupportPlanAction.id, SupportPlanAction.done_on)).all())
    state["letters"] = sorted(db.session.execute(select(GpLetter.id, GpLetter.status, GpLetter.body)).all())
    return state


@pytest.mark.parametrize("case", MUTATING, ids=lambda c: c.endpoint)
def test_a_restricted_participant_refuses_every_change(app, world, case):
    with app.app_context():
        participant = db.session.get(Participant, world.participant.id)
        participants.set_restriction(participant, True, "Accuracy disputed", user_id=world.users["dpo"].id)
        roles = [r for r in ROLES if case.expected(r, False) == 302 and r != "anonymous"]
        assert roles
        for role in roles:
            before = _snapshot(participant.id)
            response = send(client_for(app, world, role), case, case_url(app, case, world), world, False)
            if case.endpoint in ALLOWED_WHILE_RESTRICTED:
                assert response.status_code == 302
                break
            assert response.status_code == 403, (case.endpoint, role, response.status_code)
            assert "record is restricted" in response.get_data(as_text=True)
            assert _snapshot(participant.id) == before, (case.endpoint, role)
        refused = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "participant.refused.restricted")
        ).all()
        if case.endpoint not in ALLOWED_WHILE_RESTRICTED:
            assert len(refused) == len(roles) and all(e.participant_id == participant.id for e in refused)


PARTICIPANT_CASES = [c for c in CASES if _on_participant_url(c)]


def test_another_organisations_participant_is_404_on_every_participant_url(app, world):
    """Our URL, their participant's id: indistinguishable from a missing one."""
    with app.app_context():
        failures = []
        for case in PARTICIPANT_CASES:
            args = dict(value_of(case.args, world))
            args["participant_id"] = world.elsewhere.id
            with app.test_request_context():
                url = url_for(case.endpoint, org=world.home.slug, **args)
            for role in ("team_manager", "vrc"):
                response = send(client_for(app, world, role), case, url, world, False)
                expected = 404 if case.expected(role, False) != 403 else 403  # a permission the role lacks
                if response.status_code != expected:
                    failures.append(f"{role} {case.method} {url}: {response.status_code}")
                if world.elsewhere.last_name in response.get_data(as_text=True):
                    failures.append(f"{role} {case.method} {url}: shows the other organisation's participant")
        assert not failures, "\n".join(failures)
