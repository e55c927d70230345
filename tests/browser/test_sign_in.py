"""Issue 2 in a real browser: password, code, home page, sign-out; accessible; no JavaScript needed."""

import re

import pytest

from portal.demo import DEMO_PASSWORD
from tests.browser.conftest import assert_accessible, sign_out, submit, totp_code

pytestmark = pytest.mark.browser

VRC = "vrc1@h2e.example"
SIGN_IN_PAGE = re.compile(r"/login\?next=")
FAILURE = "The email address, password or security code is not right"


def _error_summary(page):
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    return summary.inner_text()


def test_sign_in_with_password_and_code_then_sign_out(page, live_server):
    page.goto("/")
    page.wait_for_url(SIGN_IN_PAGE)
    assert page.get_by_role("heading", level=1).inner_text() == "Sign in"
    assert "Access to Work Mental Health Support" in page.inner_text("body")
    assert page.title() == "Sign in – Access to Work Mental Health Support"
    assert_accessible(page)

    # Error states of the sign-in form: nothing entered, then a wrong password.
    submit(page, "Continue")
    assert "Enter your email address" in _error_summary(page)
    assert page.title().startswith("Error: ")
    assert_accessible(page)
    page.get_by_label("Email address").fill(VRC)
    page.get_by_label("Password", exact=True).fill("not-the-password")
    submit(page, "Continue")
    assert FAILURE in _error_summary(page)
    assert page.get_by_label("Email address").input_value() == VRC  # input kept on error
    assert_accessible(page)

    page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    submit(page, "Continue")
    assert page.url.endswith("/login/code")
    assert page.get_by_role("heading", level=1).inner_text() == "Enter your security code"
    assert_accessible(page)

    # A wrong code: the same message, still on the code step.
    page.get_by_label("Security code").fill("000000")
    submit(page, "Sign in")
    assert FAILURE in _error_summary(page)
    assert_accessible(page)

    page.get_by_label("Security code").fill(totp_code(live_server, VRC))
    submit(page, "Sign in")
    assert page.url == live_server.url + "/"
    assert page.locator(".govuk-task-list__link").count() > 0
    assert "Signed in as" in page.inner_text("body")
    assert_accessible(page)

    sign_out(page)
    assert "You have signed out" in page.inner_text("body")
    assert_accessible(page)
    page.goto("/")
    page.wait_for_url(SIGN_IN_PAGE)


def test_a_used_code_is_refused_in_the_browser(page, new_page, live_server):
    code = totp_code(live_server, VRC)
    for attempt, browser_page in enumerate((page, new_page())):
        browser_page.goto("/login")
        browser_page.get_by_label("Email address").fill(VRC)
        browser_page.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
        submit(browser_page, "Continue")
        browser_page.get_by_label("Security code").fill(code)
        submit(browser_page, "Sign in")
        if attempt == 0:
            assert browser_page.url == live_server.url + "/"
        else:
            assert browser_page.url.endswith("/login/code")
            assert FAILURE in _error_summary(browser_page)


def test_everything_works_without_javascript(page_without_js, sign_in, live_server):
    page = page_without_js
    page.goto("/login")
    assert page.evaluate("document.body.classList.contains('js-enabled')") is False
    assert_accessible(page)
    submit(page, "Continue")
    assert "Enter your email address" in _error_summary(page)
    assert_accessible(page)
    sign_in(page, "manager@case-uk.example")
    assert page.url == live_server.url + "/"
    assert page.locator(".govuk-task-list__link").count() > 0
    assert_accessible(page)
    sign_out(page)
    assert "You have signed out" in page.inner_text("body")
    page.goto("/")
    page.wait_for_url(SIGN_IN_PAGE)


def test_the_largest_home_page_and_the_error_pages_are_accessible(page, sign_in):
    sign_in(page, "admin@ingeus.example")
    assert page.locator(".govuk-task-list__link").count() > 0
    assert_accessible(page)
    response = page.goto("/no-such-page")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    assert_accessible(page)


@pytest.mark.parametrize("fixture", ["page", "page_without_js"])
def test_assert_accessible_fails_on_a_serious_violation(fixture, request):
    page = request.getfixturevalue(fixture)
    page.goto("/login")
    page.evaluate("document.querySelector('form').insertAdjacentHTML('beforeend', '<input type=text name=unlabelled>')")
    with pytest.raises(pytest.fail.Exception, match="label"):
        assert_accessible(page)
