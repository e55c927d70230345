"""Governance in a real browser (issue 10): the DPO walks the retention rules, builds a
destruction list, approves and destroys it (a tracked job), places a legal hold,
reports a breach and opens it from the register, and searches the audit trail; the
lead partner's admin opens training compliance and the quarterly access reviews. axe
finds no serious or critical violation on any page."""

import re
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.models import Organisation, User
from tests.browser.conftest import assert_accessible, sign_out, submit
from tests.factories import Factory


def _participants(live_server):
    """A case closed seven years ago (past every default period) and one to hold."""
    with live_server.app.app_context():
        org = db.session.scalars(select(Organisation).where(Organisation.slug == "h2e")).one()
        vrc = db.session.scalars(select(User).where(User.email == "vrc1@h2e.example")).one()
        make = Factory()
        closed_on = clock.today() - relativedelta(years=7)
        closed = make.participant(org, vrc, status="completed", closed_on=closed_on, status_changed_on=closed_on)
        held = make.participant(org, vrc)
        result = closed.id, held.atw_reference
        db.session.remove()
    return result


def _follow(page, name):
    with page.expect_navigation():
        page.get_by_role("link", name=name).first.click()


def test_dpo_and_admin_governance_pages(page, sign_in, live_server):
    closed_id, held_reference = _participants(live_server)
    sign_in(page, "dpo@ingeus.example")

    page.goto("/dpo/retention")
    assert page.get_by_text("Participant record and case notes").first.is_visible()
    assert_accessible(page)

    page.goto("/dpo/destruction")
    assert_accessible(page)
    submit(page, "Build a destruction list now")
    assert page.get_by_text(f"participant {closed_id}").first.is_visible()
    assert_accessible(page)
    submit(page, "Approve all items awaiting approval")
    page.get_by_label("I confirm the approved items are to be destroyed now").check()
    assert_accessible(page)
    submit(page, "Destroy approved items")
    assert "/jobs/" in page.url and page.get_by_text("Done", exact=True).first.is_visible()
    assert_accessible(page)
    _follow(page, "Back to destruction list")
    assert page.get_by_role("link", name="Download the destruction certificate (PDF)").is_visible()

    page.goto("/dpo/legal-holds/new")
    page.get_by_label("Participant's Access to Work reference").fill(held_reference)
    page.get_by_label("Reason for the hold").fill("Employment tribunal claim")
    review_on = clock.today() + timedelta(days=90)
    for part, value in (("day", review_on.day), ("month", review_on.month), ("year", review_on.year)):
        page.locator(f"#review_on-{part}").fill(str(value))
    submit(page, "Place legal hold")
    assert page.get_by_text("Employment tribunal claim").is_visible()
    assert_accessible(page)

    page.goto("/breaches/new")
    submit(page, "Report breach")  # empty: the error summary, then the report
    assert page.locator(".govuk-error-summary").is_visible()
    assert_accessible(page)
    page.get_by_label("What happened").fill("A letter went to the wrong address")
    page.get_by_label("What data was affected").fill("Name and address")
    page.get_by_label("Who was affected").fill("One participant")
    submit(page, "Report breach")
    page.goto("/dpo/breaches")
    assert_accessible(page)
    with page.expect_navigation():
        page.get_by_role("link", name=re.compile(r"^Breach \d+$")).first.click()
    assert re.search(r"/dpo/breaches/\d+$", page.url) and page.get_by_text("hours left").first.is_visible()
    assert_accessible(page)

    page.goto("/dpo/audit")
    page.get_by_label("Action").fill("participant.")
    submit(page, "Search")
    assert page.locator("caption", has_text=re.compile(r"^\d+\+? events$")).is_visible()
    assert_accessible(page)
    sign_out(page)

    sign_in(page, "admin@ingeus.example")
    page.goto("/admin/training-compliance")
    assert page.get_by_text("Health 2 Employment").first.is_visible()
    assert_accessible(page)
    page.goto("/admin/access-reviews")
    assert_accessible(page)
    page.goto("/admin/ingeus/access-review")
    assert page.get_by_role("button", name="Record access review").is_visible()
    assert_accessible(page)
