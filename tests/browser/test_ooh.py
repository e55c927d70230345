"""A night on the out-of-hours line in a real browser: a call that ends with an
appointment moved (search, identity, agreement, reschedule), and a call the
participant refuses, with a callback note their VRC then sees and closes. axe finds
no serious or critical violation on any page."""

import re
from datetime import date, timedelta

from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.models import Appointment, OohCallback, OohGrant, Organisation, User
from tests.browser.conftest import assert_accessible, sign_out, submit
from tests.factories import Factory


def _callers(live_server):
    """Two participants of vrc1@h2e's caseload with names of their own (the demo's are shared)."""
    with live_server.app.app_context():
        org = db.session.scalars(select(Organisation).where(Organisation.slug == "h2e")).one()
        vrc = db.session.scalars(select(User).where(User.email == "vrc1@h2e.example")).one()
        make = Factory()
        agrees = make.participant(
            org,
            vrc,
            first_name="Nadia",
            last_name="Nightcaller",
            date_of_birth=date(1982, 7, 14),
            postcode="LS7 3QB",
            health_information="Night terrors since the move",
        )
        appointment = make.appointment(agrees, starts_at=clock.now() + timedelta(days=2))
        refuses = make.participant(
            org, vrc, first_name="Ravi", last_name="Refuser", date_of_birth=date(1975, 11, 2), postcode="BD1 1AA"
        )
        ids = agrees.id, appointment.id, refuses.id
        db.session.remove()
    return ids


def _fill_date(page, prefix, day):
    page.locator(f"#{prefix}-day").fill(str(day.day))
    page.locator(f"#{prefix}-month").fill(str(day.month))
    page.locator(f"#{prefix}-year").fill(str(day.year))


def _find(page, surname, dob):
    page.goto("/ooh/")
    page.get_by_label("Surname").fill(surname)
    _fill_date(page, "date_of_birth", dob)
    submit(page, "Search")
    assert page.get_by_text("1 match").is_visible()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Start the check").click()
    assert_accessible(page)


def _answer_identity(page, full_name, dob, postcode):
    page.get_by_label("The participant", exact=True).check()
    page.locator("#full_name").fill(full_name)
    _fill_date(page, "date_of_birth", dob)
    page.locator("#postcode").fill(postcode)
    submit(page, "Check the answers")
    assert page.get_by_role("heading", name="Identity confirmed").is_visible()
    assert_accessible(page)


def test_two_calls_on_the_out_of_hours_line(page, sign_in, live_server):
    agrees_id, appointment_id, refuses_id = _callers(live_server)
    sign_in(page, "ooh@ingeus.example")
    page.goto("/ooh/")
    assert_accessible(page)

    # An error first: the GOV.UK error summary.
    submit(page, "Search")
    assert page.get_by_role("alert").get_by_text("Enter the caller’s surname").is_visible()
    assert_accessible(page)

    # First call: found, checked, agreed, appointment moved.
    _find(page, "nightcaller", date(1982, 7, 14))
    assert page.get_by_text("N. Nightcaller").is_visible()
    _answer_identity(page, "nadia  NIGHTCALLER", date(1982, 7, 14), "ls73qb")
    page.get_by_label("Agrees").check()
    page.get_by_label("Short note").fill("Wants to move Thursday's appointment to the evening")
    submit(page, "Save the answer")
    assert page.url.endswith(f"/ooh/h2e/participants/{agrees_id}")
    assert page.get_by_role("heading", name="Nadia Nightcaller").is_visible()
    assert page.get_by_text("Night terrors").count() == 0
    assert_accessible(page)
    page.get_by_role("link", name="Reschedule").first.click()
    page.wait_for_url("**/reschedule")
    assert_accessible(page)
    new_day = clock.local(clock.now()).date() + timedelta(days=4)
    _fill_date(page, "date", new_day)
    page.get_by_label("New time").fill("18:30")
    page.get_by_label("The participant").check()
    page.get_by_label("Reason for rescheduling").fill("Working late on Thursday")
    submit(page, "Reschedule")
    assert page.get_by_text("Appointment rescheduled").is_visible()
    assert_accessible(page)
    page.goto("/ooh/access")
    assert page.get_by_role("link", name="Nadia Nightcaller").is_visible()
    assert_accessible(page)

    # Second call: the participant refuses; a callback note for their VRC.
    _find(page, "Refuser", date(1975, 11, 2))
    _answer_identity(page, "Ravi Refuser", date(1975, 11, 2), "BD1 1AA")
    page.get_by_label("Refuses").check()
    page.get_by_label("Short note").fill("Would rather speak to his own VRC")
    submit(page, "Save the answer")
    assert page.get_by_role("heading", name="The participant refused").is_visible()
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name="Leave a callback note").click()
    assert_accessible(page)
    submit(page, "Send the callback note")
    assert page.get_by_role("alert").is_visible()
    assert_accessible(page)
    page.get_by_label("Reason for the call").fill("Wants to talk about changing his hours")
    page.get_by_label("Best time to call back").fill("Weekdays after 6pm")
    page.get_by_label("Number to call back on").fill("07700 900 321")
    submit(page, "Send the callback note")
    assert page.get_by_text("sent to the participant’s VRC").is_visible()
    sign_out(page)

    # The VRC sees the callback at the top of their caseload, and the night on the record.
    sign_in(page, "vrc1@h2e.example")
    page.goto("/h2e/caseload")
    banner = page.get_by_role("region", name="Callbacks requested out of hours")
    assert banner.get_by_text("Wants to talk about changing his hours").is_visible()
    assert banner.get_by_text("07700900321").is_visible()
    assert_accessible(page)
    page.goto(f"/h2e/participants/{agrees_id}")
    assert page.get_by_role("heading", name="Out-of-hours calls").is_visible()
    assert page.get_by_text("Appointment rescheduled").first.is_visible()
    assert_accessible(page)
    page.goto("/h2e/caseload")
    with page.expect_navigation():
        page.get_by_role("region", name="Callbacks requested out of hours").get_by_role(
            "button", name=re.compile("^Called back")
        ).click()
    assert page.get_by_text("Callback marked as done").is_visible()
    assert page.get_by_role("region", name="Callbacks requested out of hours").count() == 0

    with live_server.app.app_context():
        moved = db.session.get(Appointment, appointment_id)
        assert clock.local(moved.starts_at).strftime("%H:%M") == "18:30"
        assert db.session.scalars(select(OohGrant).where(OohGrant.participant_id == refuses_id)).all() == []
        callback = db.session.scalars(select(OohCallback).where(OohCallback.participant_id == refuses_id)).one()
        assert callback.closed_at is not None
        db.session.remove()
