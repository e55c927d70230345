"""Issue 9 in a real browser: the contract manager builds, reviews and publishes last
month's report; DWP reads it and the statistics; the dashboard's charts; the lead admin
registers an API client. Every page accessible, no console errors (CSP included)."""

import pytest

from portal.months import Month
from tests.browser.conftest import assert_accessible, submit

pytestmark = pytest.mark.browser

CONTRACT_MANAGER = "contracts@ingeus.example"
DWP = "analyst@dwp.example"
LEAD_ADMIN = "admin@ingeus.example"


def test_build_review_publish_then_dwp_reads_it(page, new_page, sign_in, live_server):
    month = Month.current().previous()
    sign_in(page, CONTRACT_MANAGER)
    page.get_by_role("link", name="Contract dashboard").click()
    page.locator("svg[role=img]").first.wait_for()
    assert page.locator("svg[role=img]").count() >= 2
    assert_accessible(page)
    page.goto("/lead/reports")
    assert_accessible(page)
    page.get_by_label("Month").select_option(month.key)
    submit(page, "Build the draft")
    assert "is ready" in page.inner_text("body")
    page.get_by_role("link", name=f"Review the draft for {month.label}").click()
    assert f"Contract report for {month.label}" in page.inner_text("h1")
    assert_accessible(page)
    submit(page, "Publish to DWP")
    assert "Confirm that you have reviewed the draft" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("I have reviewed the figures").check()
    submit(page, "Publish to DWP")
    assert "Published to DWP" in page.inner_text("body")
    assert_accessible(page)

    dwp = new_page()
    sign_in(dwp, DWP)
    dwp.get_by_role("link", name="Published contract reports").click()
    assert month.label in dwp.inner_text("main") and "Current" in dwp.inner_text("main")
    assert_accessible(dwp)
    dwp.locator("tbody th a").first.click()  # the report's own link (the downloads are links too)
    dwp.get_by_role("heading", name=f"{month.label}, version 1").wait_for()
    assert_accessible(dwp)
    with dwp.expect_download() as download:
        dwp.get_by_role("link", name="CSV").click()
    assert download.value.suggested_filename == f"atw-mhss-contract-report-{month.key}-v1.csv"
    dwp.goto("/dwp/statistics")
    assert "Statistics for research and evaluation" in dwp.inner_text("h1")
    assert_accessible(dwp)


def test_the_lead_admin_registers_an_api_client(page, sign_in):
    sign_in(page, LEAD_ADMIN)
    page.get_by_role("link", name="API clients").click()
    assert_accessible(page)
    page.get_by_role("button", name="Register a client").click()
    submit(page, "Register the client")
    assert "Enter a name for the client" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Department for Work and Pensions").check()
    page.get_by_label("Name").fill("DWP browser test system")
    page.get_by_label("Read published contract reports (reports:read)").check()
    submit(page, "Register the client")
    assert page.locator("#client-secret").inner_text()
    assert_accessible(page)
