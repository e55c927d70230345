"""Assessment, support plan actions (done / overdue) and milestones."""

from datetime import timedelta

from portal import clock
from portal.extensions import db
from portal.models import Assessment, Milestone, Participant, ParticipantChange, SupportPlanAction
from tests.casework.conftest import errors_of, post


def _url(w, tail=""):
    return f"/{w.home.slug}/participants/{w.participant.id}{tail}"


def _day(d):
    return [str(d.day), str(d.month), str(d.year)]


def test_record_and_update_the_assessment(cw, login):
    client = login(cw.vrc)
    assert client.get(_url(cw, "/assessment")).status_code == 200
    bad = post(
        client,
        _url(cw, "/assessment"),
        {"assessed_on": _day(clock.today()), "support_level": "", "work_obstacles": "", "goals": ""},
    )
    assert set(errors_of(bad)) == {
        "Select the level of support needed",
        "Enter the work obstacles",
        "Enter the goals agreed",
    }
    data = {
        "assessed_on": _day(clock.today()),
        "support_level": "intensive",
        "work_obstacles": "Panic on the train",
        "goals": "Travel outside rush hour",
    }
    assert post(client, _url(cw, "/assessment"), data).status_code == 302
    assert post(client, _url(cw, "/assessment"), {**data, "goals": "Work from home two days"}).status_code == 302
    assessment = db.session.query(Assessment).one()
    assert (assessment.support_level, assessment.goals) == ("intensive", "Work from home two days")
    change = db.session.query(ParticipantChange).filter_by(field="assessment.goals").one()
    assert (change.old_value, change.new_value) == ("Travel outside rush hour", "Work from home two days")
    plan = client.get(_url(cw, "/plan")).get_data(as_text=True)
    assert "Intensive" in plan and "Work from home two days" in plan


def test_support_plan_actions_done_and_overdue(cw, login, make):
    overdue = make.action(cw.participant, due_on=clock.today() - timedelta(days=2), description="Overdue thing")
    client = login(cw.vrc)
    plan = client.get(_url(cw, "/plan")).get_data(as_text=True)
    assert "Overdue thing" in plan and "Overdue" in plan
    bad = post(client, _url(cw, "/plan/actions/new"), {"description": "", "owner": "", "due_on": ["", "", ""]})
    assert set(errors_of(bad)) == {"Enter the action", "Enter who owns the action", "Enter the date the action is due"}
    response = post(
        client,
        _url(cw, "/plan/actions/new"),
        {"description": "Ask for a later start", "owner": "VRC", "due_on": _day(clock.today() + timedelta(days=10))},
    )
    assert response.status_code == 302
    assert post(client, _url(cw, f"/plan/actions/{overdue.id}/done")).status_code == 302
    db.session.expire_all()
    assert db.session.get(SupportPlanAction, overdue.id).done_on == clock.today()
    plan = client.get(_url(cw, "/plan")).get_data(as_text=True)
    assert "Done" in plan and "Ask for a later start" in plan
    again = post(client, _url(cw, f"/plan/actions/{overdue.id}/done"), follow_redirects=True)
    assert "This action is already done" in again.get_data(as_text=True)


def test_milestones(cw, login):
    client = login(cw.vrc)
    today = _day(clock.today())
    assert client.get(_url(cw, "/milestones/new")).status_code == 200
    assert (
        post(client, _url(cw, "/milestones/new"), {"kind": "support_plan_agreed", "achieved_on": today}).status_code
        == 302
    )
    assert errors_of(
        post(client, _url(cw, "/milestones/new"), {"kind": "support_plan_agreed", "achieved_on": today})
    ) == ["Support plan agreed is already recorded"]
    assert errors_of(
        post(
            client, _url(cw, "/milestones/new"), {"kind": "month_of_support", "achieved_on": today, "month_number": ""}
        )
    ) == ["Enter which month of support was completed, from 1 to 9"]
    for month in ("1", "2"):
        assert (
            post(
                client,
                _url(cw, "/milestones/new"),
                {"kind": "month_of_support", "achieved_on": today, "month_number": month},
            ).status_code
            == 302
        )
    assert post(client, _url(cw, "/milestones/new"), {"kind": "job_retained", "achieved_on": today}).status_code == 302
    assert errors_of(
        post(
            client,
            _url(cw, "/milestones/new"),
            {"kind": "left_early", "achieved_on": today, "left_early_reason": "made-up"},
        )
    ) == ["Select why the participant left early"]
    assert (
        post(
            client,
            _url(cw, "/milestones/new"),
            {"kind": "programme_completed", "achieved_on": today, "reason": "All goals met"},
        ).status_code
        == 302
    )
    kinds = [(m.kind, m.month_number) for m in db.session.query(Milestone).order_by(Milestone.id)]
    assert kinds == [
        ("support_plan_agreed", 0),
        ("month_of_support", 1),
        ("month_of_support", 2),
        ("job_retained", 0),
        ("programme_completed", 0),
    ]
    p = db.session.get(Participant, cw.participant.id)
    assert (p.status, p.closed_on, p.closure_reason) == ("completed", clock.today(), "All goals met")
    plan = client.get(_url(cw, "/plan")).get_data(as_text=True)
    assert "Month of support completed: month 2" in plan
    closed = post(client, _url(cw, "/milestones/new"), {"kind": "job_retained", "achieved_on": today})
    assert "This case is closed: record milestones before closing it" in errors_of(closed)


def test_milestone_date_cannot_be_in_the_future(cw, login):
    tomorrow = _day(clock.today() + timedelta(days=1))
    response = post(login(cw.tm), _url(cw, "/milestones/new"), {"kind": "job_retained", "achieved_on": tomorrow})
    assert errors_of(response) == ["The date of the milestone must be today or in the past"]


def test_assessment_dates(cw, login):
    client = login(cw.vrc)
    tomorrow = _day(clock.today() + timedelta(days=1))
    base = {"support_level": "light", "work_obstacles": "x", "goals": "y"}
    assert errors_of(post(client, _url(cw, "/assessment"), {**base, "assessed_on": tomorrow})) == [
        "The date of the assessment must be today or in the past"
    ]
    assert errors_of(post(client, _url(cw, "/assessment"), {**base, "assessed_on": ["", "", ""]})) == [
        "Enter the date of the assessment"
    ]
    long_ago = _day(clock.today() - timedelta(days=400))
    assert errors_of(post(client, _url(cw, "/assessment"), {**base, "assessed_on": long_ago})) == [
        "The date of the assessment must be on or after the referral date"
    ]
    assert db.session.query(Assessment).count() == 0
