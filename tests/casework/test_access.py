"""Who may open a participant's record (DESIGN.md "Who may see what"), training, grants."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

from portal import clock
from portal.access import participant_access
from portal.access.participant_access import CHECK, FULL, LIMITED, NONE, access_level
from portal.extensions import db
from portal.models import User
from tests.casework.conftest import HEALTH_TEXT, NOTE_TEXT, events


def _url(w, participant=None, org=None, tail=""):
    participant = participant or w.participant
    return f"/{(org or w.home).slug}/participants/{participant.id}{tail}"


def test_access_levels(cw):
    p = cw.participant
    assert access_level(cw.vrc, p) == FULL
    assert access_level(cw.tm, p) == FULL
    assert access_level(cw.other_vrc, p) == CHECK
    assert access_level(cw.ooh, p) == CHECK
    for user in (cw.admin, cw.dpo, cw.salus_vrc, cw.salus_tm, cw.lead_tm):
        assert access_level(user, p) == NONE


def test_assigned_vrc_and_team_manager_see_the_full_record(cw, login):
    for user in (cw.vrc, cw.tm):
        client = login(user)
        page = client.get(_url(cw))
        assert page.status_code == 200
        assert HEALTH_TEXT in page.get_data(as_text=True)
        notes = client.get(_url(cw, tail="/notes"))
        assert notes.status_code == 200 and NOTE_TEXT in notes.get_data(as_text=True)


def test_without_a_check_page_other_vrc_and_ooh_are_refused_saying_why(cw, login, monkeypatch):
    monkeypatch.setattr(participant_access, "verbal_consent_check_url", lambda p: None)
    monkeypatch.setattr(participant_access, "has_live_grant", lambda user, p: False)
    for user in (cw.other_vrc, cw.ooh):
        page = login(user).get(_url(cw))
        body = page.get_data(as_text=True)
        assert page.status_code == 403
        assert "not assigned to you" in body and "verbal consent" in body
        assert HEALTH_TEXT not in body and cw.participant.last_name not in body
    refused = events("access.check_required", participant_id=cw.participant.id)
    assert [e.user_id for e in refused] == [cw.other_vrc.id, cw.ooh.id]


def test_the_check_is_a_303_once_the_out_of_hours_issue_provides_it(cw, login, monkeypatch):
    monkeypatch.setattr(participant_access, "verbal_consent_check_url", lambda p: f"/ooh/check/{p.id}")
    monkeypatch.setattr(participant_access, "has_live_grant", lambda user, p: False)
    page = login(cw.other_vrc).get(_url(cw))
    assert page.status_code == 303
    assert page.headers["Location"].endswith(f"/ooh/check/{cw.participant.id}")


def test_a_live_grant_opens_the_limited_view_only(cw, login, monkeypatch):
    monkeypatch.setattr(participant_access, "has_live_grant", lambda user, p: user.id == cw.other_vrc.id)
    client = login(cw.other_vrc)
    page = client.get(_url(cw))
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    assert cw.participant.name in body and cw.participant.phone in body and "limited view" in body
    assert HEALTH_TEXT not in body and NOTE_TEXT not in body
    assert cw.participant.ni_number not in body
    for tail in ("/notes", "/history", "/plan", "/appointments", f"/notes/{cw.note.id}", "/edit/health"):
        refused = client.get(_url(cw, tail=tail))
        assert refused.status_code == 403, tail
        assert HEALTH_TEXT not in refused.get_data(as_text=True)
    event = events("participant.viewed", participant_id=cw.participant.id)[-1]
    assert event.detail["level"] == LIMITED and "shows" not in event.detail


def test_roles_without_participant_access_get_404(cw, login, make):
    lead_participant = make.participant(cw.lead, make.user(cw.lead, ["vrc"]))
    for user in (cw.admin, cw.dpo, cw.salus_vrc, cw.salus_tm, cw.lead_tm):
        assert login(user).get(_url(cw)).status_code == 404
    # The DPO is a member of the lead partner, but has no casework role there either.
    assert login(cw.dpo).get(_url(cw, participant=lead_participant, org=cw.lead)).status_code == 404
    assert login(cw.lead_tm).get(_url(cw, participant=lead_participant, org=cw.lead)).status_code == 200


def test_another_organisations_participant_is_not_found_on_our_urls(cw, login):
    class Missing:
        id = 987654

    for user in (cw.vrc, cw.tm, cw.other_vrc, cw.ooh):
        client = login(user)
        for tail in ("", "/notes", "/history", "/plan", "/appointments", "/close", "/allocate", "/edit/personal"):
            response = client.get(_url(cw, participant=cw.elsewhere, tail=tail))
            missing = client.get(_url(cw, participant=Missing, tail=tail))
            # 404, or the 403 of a permission the user lacks for every participant alike.
            assert response.status_code == missing.status_code, (user.name, tail)
            assert response.status_code in (403, 404)
            if user in (cw.vrc, cw.tm) and tail not in ("/allocate",):
                assert response.status_code == 404, (user.name, tail)
            assert cw.elsewhere.last_name not in response.get_data(as_text=True)
    assert login(cw.tm).get(_url(cw, participant=cw.elsewhere, tail="/allocate")).status_code == 404
    # ... and its own URLs are not ours either.
    assert login(cw.tm).get(_url(cw, participant=cw.elsewhere, org=cw.other)).status_code == 404
    assert login(cw.salus_tm).get(_url(cw, participant=cw.elsewhere, org=cw.other)).status_code == 200


def test_a_child_row_of_another_participant_is_not_found(cw, login, make):
    second = make.participant(cw.home, cw.vrc)
    other_note = make.note(second, cw.vrc, text="Another participant's note")
    response = login(cw.vrc).get(_url(cw, tail=f"/notes/{other_note.id}"))
    assert response.status_code == 404


def _set_training(user, completed_on):
    db.session.get(User, user.id).dp_training_completed_on = completed_on
    db.session.commit()


def test_out_of_date_training_closes_participant_records(cw, login):
    _set_training(cw.vrc, clock.today() - relativedelta(months=12) - timedelta(days=1))
    client = login(cw.vrc)
    for url in (_url(cw), _url(cw, tail="/notes"), f"/{cw.home.slug}/caseload"):
        page = client.get(url)
        body = page.get_data(as_text=True)
        assert page.status_code == 403, url
        assert "data protection training" in body and "Ada Admin" in body
        assert HEALTH_TEXT not in body and cw.participant.last_name not in body
    assert events("access.refused.training")


def test_training_exactly_twelve_months_old_still_counts(cw, login):
    _set_training(cw.vrc, clock.today() - relativedelta(months=12))
    assert login(cw.vrc).get(_url(cw)).status_code == 200


def test_no_recorded_training_fails_closed(cw, login):
    _set_training(cw.tm, None)
    page = login(cw.tm).get(_url(cw))
    assert page.status_code == 403
    assert "no record of your data protection training" in page.get_data(as_text=True)


def test_training_gate_does_not_reveal_records_to_roles_without_access(cw, login):
    _set_training(cw.admin, None)
    assert login(cw.admin).get(_url(cw)).status_code == 404
