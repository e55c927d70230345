"""A subject access request in a real browser: the DPO logs the request, links it to
the participant, records the identity evidence, builds the access package (a tracked
job), redacts a passage about someone else, releases the package and downloads it;
axe finds no serious or critical violation on any page."""

import zipfile

from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.models import Organisation, User
from tests.browser.conftest import assert_accessible, submit
from tests.factories import Factory


def _participant(live_server):
    with live_server.app.app_context():
        org = db.session.scalars(select(Organisation).where(Organisation.slug == "h2e")).one()
        vrc = db.session.scalars(select(User).where(User.email == "vrc1@h2e.example")).one()
        make = Factory()
        participant = make.participant(org, vrc, first_name="Bea", last_name="Browserly")
        make.note(participant, vrc, text="Bea's colleague Casey Otherperson was signed off sick.")
        make.note(participant, vrc, text="Bea agreed a phased return with her manager.")
        result = participant.id
        db.session.remove()
    return result


def _follow(page, name):
    with page.expect_navigation():
        page.get_by_role("link", name=name).click()


def _fill_date(page, prefix, day):
    page.locator(f"#{prefix}-day").fill(str(day.day))
    page.locator(f"#{prefix}-month").fill(str(day.month))
    page.locator(f"#{prefix}-year").fill(str(day.year))


def test_subject_access_request_build_redact_release(page, sign_in, live_server):
    _participant(live_server)
    today = clock.local(clock.now()).date()
    sign_in(page, "dpo@ingeus.example")

    page.goto("/rights-requests/new")
    assert_accessible(page)
    page.get_by_label("Name of the person asking").fill("Bea Browserly")
    page.get_by_label("How to reach them").fill("bea@example.org")
    page.get_by_label("Access (a copy of their data)").check()
    page.get_by_label("What they ask for").fill("Everything you hold about me")
    _fill_date(page, "received_on", today)
    page.get_by_label("Email", exact=True).check()
    page.get_by_label("Their identity or authority is not yet proved").check()
    page.get_by_label("What evidence was asked for").fill("A copy of a photo ID")
    submit(page, "Log request")
    assert page.get_by_role("heading", name="Rights request").first.is_visible()
    assert_accessible(page)

    _follow(page, "Find and link the participant, or record that no data is held")
    page.get_by_label("Name").fill("Browserly")
    submit(page, "Search")
    assert_accessible(page)
    submit(page, "Link to Bea Browserly")

    # Building may go ahead while identity is pending; releasing may not.
    assert page.get_by_text("Nothing can be disclosed to the requester yet").is_visible()
    _follow(page, "Record the identity step (proved, not needed, or not proved)")
    page.get_by_label("Proved: the evidence arrived (the clock starts that day)").check()
    _fill_date(page, "received_on", today)
    page.get_by_label("How it arrived and what it was").fill("Passport copy by email")
    assert_accessible(page)
    submit(page, "Record the identity step")

    _follow(page, "Build the access package")
    assert_accessible(page)
    submit(page, "Build the access package")
    assert "/jobs/" in page.url
    assert page.get_by_text("Done", exact=True).first.is_visible()
    assert_accessible(page)
    _follow(page, "Review the access package")
    assert page.get_by_text("Casey Otherperson was signed off sick").is_visible()
    assert_accessible(page)

    card = page.locator(".govuk-summary-card", has_text="Casey Otherperson")
    card.get_by_role("textbox").fill("About another person (a colleague)")
    with page.expect_navigation():
        card.get_by_role("button").click()
    assert page.get_by_text("Passage redacted.").is_visible()
    assert (
        page.locator(".govuk-summary-card", has_text="Casey Otherperson")
        .get_by_text("About another person (a colleague)")
        .is_visible()
    )
    assert_accessible(page)

    submit(page, "Release the reviewed package")
    assert page.get_by_text("The access package is released").is_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the released package (ZIP)").click()
    with zipfile.ZipFile(download.value.path()) as archive:
        data = archive.read("data.json").decode()
    assert "Casey Otherperson" not in data and "[Redacted: About another person (a colleague)]" in data
    assert "phased return" in data
