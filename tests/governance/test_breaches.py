"""The breach register: reporting (the DPO notified at once), the 72-hour clock across a
weekend and the end of British Summer Time, a late decision needing a reason, follow-up."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.governance import breaches
from portal.models import AuditEvent, Breach, Notification
from portal.validation import Problems
from tests.casework.conftest import errors_of, post


def _report(user, discovered_at):
    return breaches.report(
        user,
        what_happened="Spreadsheet emailed to the wrong partner",
        discovered_at=discovered_at,
        data_affected="Names and phone numbers",
        people_affected="About 40 participants",
        organisations_involved="Salus",
    )


def test_any_staff_but_dwp_reports_and_the_dpo_is_notified(world, login, make):
    client = login(world.vrc)
    assert "Report a suspected personal data breach" in client.get("/").get_data(as_text=True)
    dpo_home = login(world.dpo).get("/").get_data(as_text=True)
    assert "Breach register" in dpo_home and "Audit trail" in dpo_home
    page = client.get("/breaches/new")
    assert page.status_code == 200
    response = post(
        client,
        "/breaches/new",
        {
            "what_happened": "",
            "discovered_on": ["", "", ""],
            "discovered_time": "",
            "data_affected": "Names",
            "people_affected": "",
        },
    )
    assert response.status_code == 200
    assert "Enter what happened" in errors_of(response) and "Names" in response.get_data(as_text=True)
    day = clock.today()
    response = post(
        client,
        "/breaches/new",
        {
            "what_happened": "Letter to the wrong address",
            "discovered_on": [str(day.day), str(day.month), str(day.year)],
            "discovered_time": "00:00",
            "data_affected": "Name and address",
            "people_affected": "One participant",
        },
    )
    assert response.status_code == 303
    found = db.session.scalars(select(Breach)).one()
    assert found.reported_by_id == world.vrc.id and found.status == "reported"
    note = db.session.scalars(select(Notification).where(Notification.user_id == world.dpo.id)).one()
    assert note.kind == "breach.reported" and note.link == f"/dpo/breaches/{found.id}"
    event = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "breach.reported")).one()
    assert event.object_id == str(found.id) and not event.detail
    dwp_user = make.user(make.org("dwp", kind="commissioner"), ["dwp"])
    assert login(dwp_user).get("/breaches/new").status_code == 403
    with pytest.raises(PermissionError):
        _report(dwp_user, clock.now())
    # Only the DPO sees the register.
    assert login(world.admin).get(f"/dpo/breaches/{found.id}").status_code == 403
    page = login(world.dpo).get(f"/dpo/breaches/{found.id}")
    assert page.status_code == 200 and "hours left" in page.get_data(as_text=True)


def test_clock_across_a_weekend_and_the_end_of_summer_time(world):
    # Discovered Friday 23 October 2026, 15:00 BST (14:00 UTC); BST ends Sunday 25 October.
    discovered = datetime(2026, 10, 23, 14, 0, tzinfo=UTC)
    clock.freeze(discovered + timedelta(minutes=30))
    found = _report(world.vrc, discovered)
    state = breaches.clock_state(found)
    assert state.deadline == datetime(2026, 10, 26, 14, 0, tzinfo=UTC)
    # 72 real hours: Monday 14:00 GMT on the wall clock, not 15:00.
    assert clock.local(state.deadline).strftime("%a %H:%M") == "Mon 14:00"
    assert state.hours_remaining == pytest.approx(71.5) and not state.overdue
    clock.freeze(datetime(2026, 10, 25, 14, 0, tzinfo=UTC))  # Sunday, after the change
    assert breaches.clock_state(found).hours_remaining == pytest.approx(24)
    clock.freeze(datetime(2026, 10, 26, 14, 1, tzinfo=UTC))
    state = breaches.clock_state(found)
    assert state.overdue and not state.stopped
    # A late decision needs a reason for the delay.
    with pytest.raises(Problems) as problems:
        breaches.decide(
            found,
            world.dpo,
            risk_level="risk",
            risk_assessment="Limited",
            report_to_ico=True,
            reasons="Contact details of many people",
        )
    assert {p.field for p in problems.value.problems} == {"delay_reason"}
    db.session.rollback()
    breaches.decide(
        found,
        world.dpo,
        risk_level="risk",
        risk_assessment="Limited",
        report_to_ico=True,
        reasons="Contact details of many people",
        delay_reason="The partner told us late",
    )
    state = breaches.clock_state(found)
    assert state.stopped and state.overdue
    clock.advance(timedelta(days=3))
    assert breaches.clock_state(found).hours_remaining == pytest.approx(-1 / 60)


def test_decision_in_time_needs_no_delay_reason_and_only_the_dpo_decides(world):
    clock.freeze(datetime(2026, 3, 27, 12, 0, tzinfo=UTC))
    found = _report(world.vrc, clock.now() - timedelta(hours=10))
    with pytest.raises(breaches.NotTheDpo):
        breaches.decide(found, world.admin, risk_level="none", risk_assessment="x", report_to_ico=False, reasons="y")
    with pytest.raises(Problems) as problems:
        breaches.decide(found, world.dpo, risk_level="", risk_assessment="", report_to_ico=None, reasons="")
    assert {p.field for p in problems.value.problems} == {"risk_level", "risk_assessment", "report_to_ico", "reasons"}
    db.session.rollback()
    breaches.decide(
        found,
        world.dpo,
        risk_level="none",
        risk_assessment="Encrypted",
        report_to_ico=False,
        reasons="Encrypted file: no risk",
    )
    assert found.status == "decided" and found.report_to_ico is False and found.delay_reason == ""


def test_late_decision_page_asks_for_the_reason_and_follow_up_is_recorded(world, login):
    clock.freeze(datetime(2026, 10, 23, 14, 0, tzinfo=UTC))
    found = _report(world.vrc, clock.now())
    clock.advance(timedelta(hours=80))
    client = login(world.dpo)
    data = {
        "risk_level": "high",
        "risk_assessment": "Health data",
        "report_to_ico": "yes",
        "reasons": "Sensitive data of many people",
    }
    response = post(client, f"/dpo/breaches/{found.id}/decision", data)
    assert response.status_code == 400
    assert any("reason for the delay" in e for e in errors_of(response))
    assert "Sensitive data of many people" in response.get_data(as_text=True)
    response = post(client, f"/dpo/breaches/{found.id}/decision", {**data, "delay_reason": "Weekend"})
    assert response.status_code == 303
    day = clock.local(clock.now()).date()
    response = post(
        client,
        f"/dpo/breaches/{found.id}/follow-up",
        {
            "ico_reference": "",
            "ico_reported_on": [str(day.day), str(day.month), str(day.year)],
            "dwp_told_on": [str(day.day), str(day.month), str(day.year)],
            "people_told_on": ["", "", ""],
            "actions_taken": "Recalled the email",
            "close": "yes",
        },
    )
    assert response.status_code == 400 and any("ICO reference" in e for e in errors_of(response))
    response = post(
        client,
        f"/dpo/breaches/{found.id}/follow-up",
        {
            "ico_reference": "ICO-123",
            "ico_reported_on": [str(day.day), str(day.month), str(day.year)],
            "dwp_told_on": [str(day.day), str(day.month), str(day.year)],
            "people_told_on": ["", "", ""],
            "actions_taken": "Recalled the email",
            "close": "yes",
        },
    )
    assert response.status_code == 303
    db.session.refresh(found)
    assert found.status == "closed" and found.ico_reference == "ICO-123" and found.dwp_told_at
    assert found.people_told_at is None
    page = client.get("/dpo/breaches")
    assert page.status_code == 200 and f"Breach {found.id}" in page.get_data(as_text=True)
