"""Nothing of a participant opens to out-of-hours staff without a live grant, walked
over every participant route of the registry; case notes and health information never
reach them, nor another VRC, even with one; who needs no check gets none."""

from sqlalchemy import func, select, update

from portal import clock
from portal.extensions import db
from portal.models import AuditEvent, OohGrant, Participant
from tests.factories import Factory
from tests.ooh.conftest import call_url, run_check, text_of
from tests.registry import all_cases, case_url
from tests.registry.casework import HEALTH_TEXT, NOTE_TEXT
from tests.support.matrix import client_for, send, world  # noqa: F401 - world: a fixture, built once per module

CASES = all_cases()
# Pages an out-of-hours worker reaches before any grant: they show the participant as
# the search did (initial, surname, organisation) and nothing more.
BEFORE_A_GRANT = {"ooh.check", "ooh.check_result", "ooh.callback"}


def _participant_rules(app):
    return {r.endpoint for r in app.url_map.iter_rules() if "participant_id" in r.arguments}


def _withheld(participant: Participant) -> list[str]:
    return [
        participant.first_name,
        participant.phone,
        participant.email,
        participant.postcode,
        participant.atw_reference,
        participant.ni_number,
        participant.address_line_1,
        HEALTH_TEXT,
        NOTE_TEXT,
    ]


def test_no_participant_route_answers_out_of_hours_staff_without_a_live_grant(app, world):
    with app.app_context():
        db.session.execute(update(OohGrant).values(ended_at=clock.now()))
        db.session.commit()
        participant = db.session.get(Participant, world.participant.id)
        withheld = _withheld(participant)
        rules = _participant_rules(app)
        cases = [c for c in CASES if c.endpoint in rules]
        assert {c.endpoint for c in cases} == rules  # every participant route is walked
        assert len(cases) >= 40
        leaks = []
        for role in ("ooh", "ooh_lead"):
            for case in cases:
                response = send(client_for(app, world, role), case, case_url(app, case, world), world, False)
                # A check completed by a POST of the walk grants access: end it again.
                db.session.execute(update(OohGrant).values(ended_at=clock.now()))
                db.session.commit()
                body = text_of(response)
                where = f"{role} {case.method} {case.endpoint}: {response.status_code}"
                if case.endpoint in BEFORE_A_GRANT:
                    leaks += [f"{where} shows {w[:12]}" for w in withheld if w in body]
                    continue
                if response.status_code in (302, 303):
                    location = response.headers["Location"]
                    if "/check" not in location and "/login" not in location:
                        leaks.append(f"{where} to {location}")
                elif response.status_code not in (403, 404):
                    leaks.append(where)
        assert not leaks, "\n".join(leaks)


def test_casework_urls_are_not_found_for_out_of_hours_staff_of_other_organisations(app, w, login):
    client = login(w.ooh_lead)
    run_check(client, w.participant)
    assert client.get(call_url(w.participant)).status_code == 200
    for tail in ("", "/notes", "/appointments", "/history"):
        assert client.get(f"/h2e/participants/{w.participant.id}{tail}").status_code == 404


def test_notes_and_health_reach_no_granted_worker_on_any_page(app, world):
    with app.app_context():
        for role in ("ooh", "other_vrc"):
            Factory().ooh_grant(world.participant, world.users[role])
        leaks = []
        gets = [c for c in CASES if c.method == "GET"]
        for role in ("ooh", "ooh_lead", "other_vrc"):
            client = client_for(app, world, role)
            reached = 0
            for case in gets:
                response = client.get(case_url(app, case, world), follow_redirects=True)
                reached += response.status_code == 200
                body = response.get_data(as_text=True)
                leaks += [f"{role} {case.endpoint}: {m[:12]}" for m in (HEALTH_TEXT, NOTE_TEXT) if m in body]
            assert reached >= 10, role
        assert not leaks, "\n".join(leaks)


def test_the_assigned_vrc_and_team_managers_need_no_check(w, login):
    p = w.participant
    for user in (w.vrc, w.tm):
        client = login(user)
        assert client.get(f"/h2e/participants/{p.id}").status_code == 200
        for tail in ("", "/check", "/callback"):
            response = client.get(call_url(p, tail=tail))
            assert response.status_code == 303 and response.headers["Location"].endswith(f"/h2e/participants/{p.id}")


def test_another_vrc_of_the_organisation_goes_through_the_same_check(w, login):
    p = w.participant
    client = login(w.other_vrc)
    response = client.get(f"/h2e/participants/{p.id}")
    assert response.status_code == 303 and response.headers["Location"].endswith(call_url(p, tail="/check"))
    assert client.get(f"/h2e/participants/{p.id}/notes").status_code == 303
    assert client.get("/ooh/").status_code == 403  # the search is for out-of-hours staff
    run_check(client, p)
    limited = client.get(f"/h2e/participants/{p.id}")
    assert limited.status_code == 200 and "limited view" in text_of(limited)
    assert HEALTH_TEXT not in text_of(limited) and NOTE_TEXT not in text_of(limited)
    assert client.get(f"/h2e/participants/{p.id}/notes").status_code == 403
    assert client.get(call_url(p)).status_code == 200
    # ... and a VRC of another organisation gets nothing at all.
    assert login(w.salus_vrc).get(call_url(p, tail="/check")).status_code == 404


def test_an_out_of_hours_member_is_sent_from_casework_urls_to_the_check(w, login):
    p = w.participant
    client = login(w.ooh)
    response = client.get(f"/h2e/participants/{p.id}")
    assert response.status_code == 303 and response.headers["Location"].endswith(call_url(p, tail="/check"))
    run_check(client, p)
    assert client.get(f"/h2e/participants/{p.id}").status_code == 200


def test_roles_without_call_access_get_404(w, login):
    for user in (w.admin, w.dpo, w.salus_vrc, w.salus_tm):
        client = login(user)
        for tail in ("", "/check", "/callback", "/call-note", f"/appointments/{w.appointment.id}/cancel"):
            assert client.get(call_url(w.participant, tail=tail)).status_code == 404, (user.name, tail)
    # The organisation in the address must be the participant's.
    client = login(w.ooh_lead)
    assert client.get(call_url(w.participant, org_slug="salus", tail="/check")).status_code == 404
    assert client.get(call_url(w.participant, org_slug="dwp", tail="/check")).status_code == 404


def test_out_of_date_training_closes_the_call_pages(w, login):
    from portal.models import User

    db.session.get(User, w.ooh_lead.id).dp_training_completed_on = None
    db.session.commit()
    client = login(w.ooh_lead)
    assert client.get("/ooh/").status_code == 403
    page = client.get(call_url(w.participant, tail="/check"))
    assert page.status_code == 403 and "data protection training" in text_of(page)


def test_every_200_on_a_call_page_is_audited_with_the_participant(app, world):
    with app.app_context():
        checked = 0
        for case in [c for c in CASES if c.method == "GET" and c.endpoint.startswith("ooh.")]:
            if "participant_id" not in next(app.url_map.iter_rules(case.endpoint)).arguments:
                continue
            client = client_for(app, world, "ooh_lead")
            before = db.session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.participant_id == world.participant.id)
            )
            assert client.get(case_url(app, case, world)).status_code == 200, case.endpoint
            after = db.session.scalar(
                select(func.count()).select_from(AuditEvent).where(AuditEvent.participant_id == world.participant.id)
            )
            assert after == before + 1, case.endpoint
            checked += 1
        assert checked >= 7
