"""A VRC's day in a real browser: open a participant, write and amend a case note,
book and reschedule an appointment; axe finds no serious or critical violation."""

from datetime import timedelta

from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.models import Appointment, CaseNote, Organisation, User
from tests.browser.conftest import assert_accessible, submit
from tests.factories import Factory


def _own_participant(live_server):
    """A participant of our own on vrc1@h2e's caseload (the demo's are shared)."""
    with live_server.app.app_context():
        org = db.session.scalars(select(Organisation).where(Organisation.slug == "h2e")).one()
        vrc = db.session.scalars(select(User).where(User.email == "vrc1@h2e.example")).one()
        participant = Factory().participant(
            org, vrc, first_name="Browser", last_name="Tester", health_information="Anxiety at work"
        )
        result = participant.id, participant.name
        db.session.remove()
    return result


def _fill_date(page, prefix, day):
    page.locator(f"#{prefix}-day").fill(str(day.day))
    page.locator(f"#{prefix}-month").fill(str(day.month))
    page.locator(f"#{prefix}-year").fill(str(day.year))


def test_vrc_runs_a_participant_through_the_pages(page, sign_in, live_server):
    participant_id, name = _own_participant(live_server)
    sign_in(page, "vrc1@h2e.example")

    page.goto("/h2e/caseload")
    assert_accessible(page)
    page.get_by_label("Search by name, NI number or AtW reference").fill("Browser Tester")
    submit(page, "Search")
    with page.expect_navigation():
        page.get_by_role("link", name=name).click()
    assert page.url.endswith(f"/h2e/participants/{participant_id}")
    assert page.get_by_role("heading", level=1).inner_text().startswith(name)
    assert_accessible(page)

    # Write a case note, with an error first (GOV.UK error summary).
    page.goto(f"/h2e/participants/{participant_id}/notes/new")
    page.get_by_label("Phone call").check()
    submit(page, "Save note")
    assert page.get_by_role("alert").get_by_text("Enter the note").is_visible()
    assert_accessible(page)
    page.get_by_label("Note", exact=True).fill("Called about the new rota; agreed to meet next week.")
    submit(page, "Save note")
    assert page.get_by_text("Called about the new rota").is_visible()
    assert_accessible(page)

    # Amend it: a new version with a reason, the earlier one kept.
    page.get_by_role("link", name="Amend").first.click()
    page.wait_for_url("**/notes/*/amend")
    page.get_by_label("Amended note").fill("Called about the new rota; agreed to meet on Tuesday.")
    page.get_by_label("Reason for the amendment").fill("Day agreed")
    assert_accessible(page)
    submit(page, "Save amendment")
    assert page.get_by_text("Version 2 (current)").is_visible()
    assert page.get_by_text("agreed to meet next week").is_visible()
    assert_accessible(page)

    # Book an appointment, then move it.
    page.goto(f"/h2e/participants/{participant_id}/appointments/new")
    day = clock.local(clock.now()).date() + timedelta(days=7)
    _fill_date(page, "date", day)
    page.get_by_label("Time").fill("10:30")
    page.get_by_label("Video call").check()
    assert_accessible(page)
    submit(page, "Book appointment")
    assert page.get_by_text("Appointment booked").is_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Reschedule").first.click()
    page.wait_for_url("**/reschedule")
    _fill_date(page, "date", day + timedelta(days=1))
    page.get_by_label("New time").fill("14:00")
    page.get_by_label("Reason for rescheduling").fill("Participant on a late shift")
    assert_accessible(page)
    submit(page, "Reschedule")
    assert page.get_by_text("Appointment rescheduled").is_visible()
    assert page.get_by_text("Participant on a late shift").is_visible()

    page.goto(f"/h2e/participants/{participant_id}")
    assert page.get_by_text("Next appointment").is_visible()

    with live_server.app.app_context():
        note = db.session.scalars(select(CaseNote).where(CaseNote.participant_id == participant_id)).one()
        assert [v.number for v in note.versions] == [1, 2]
        appointment = db.session.scalars(select(Appointment).where(Appointment.participant_id == participant_id)).one()
        assert clock.local(appointment.starts_at).strftime("%H:%M") == "14:00"
        assert len(appointment.reschedules) == 1
        db.session.remove()


def test_team_manager_takes_in_and_allocates_a_referral(page, sign_in, live_server):
    sign_in(page, "manager@h2e.example")
    page.goto("/h2e/team")
    assert_accessible(page)
    page.goto("/h2e/referrals/new")
    assert_accessible(page)
    submit(page, "Take in the referral")
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page)
    page.get_by_label("Access to Work reference").fill("AW-BROWSER-001")
    page.get_by_label("First name").fill("Robin")
    page.get_by_label("Last name").fill("Browser")
    page.locator("#date_of_birth-day").fill("4")
    page.locator("#date_of_birth-month").fill("5")
    page.locator("#date_of_birth-year").fill("1984")
    page.get_by_label("National Insurance number").fill("JT 44 55 66 D")
    page.get_by_label("Email address").fill("robin.browser@example.com")
    page.get_by_label("Address line 1").fill("7 Test Row")
    page.get_by_label("Postcode").fill("LS6 2AB")
    submit(page, "Take in the referral")
    assert page.get_by_text("waiting to be allocated").is_visible()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Allocate to a VRC").click()
    assert_accessible(page)
    page.locator("input[name=vrc]").first.check()
    submit(page, "Allocate")
    assert page.get_by_text("who has been notified").is_visible()
    for path in ("/h2e/team/caseload", "/h2e/team/unallocated", "/h2e/team/reallocate", "/h2e/referrals/upload"):
        page.goto(path)
        assert_accessible(page)


def test_the_record_pages_are_accessible(page, sign_in, live_server):
    participant_id, _name = _own_participant(live_server)
    sign_in(page, "vrc1@h2e.example")
    for tail in (
        "",
        "/notes",
        "/appointments",
        "/plan",
        "/history",
        "/edit/contact",
        "/edit/preferences",
        "/assessment",
        "/plan/actions/new",
        "/milestones/new",
        "/close",
    ):
        page.goto(f"/h2e/participants/{participant_id}{tail}")
        assert_accessible(page)
