"""Issue 4 in a real browser: an admin invites a member of staff, who sets up the account
(password, authenticator) and signs in; roles, notifications, deactivation; accessible."""

import re
import uuid

import pyotp
import pytest

from portal import clock
from tests.browser.conftest import assert_accessible, submit

pytestmark = pytest.mark.browser

ADMIN = "admin@tbhg.example"
NEW_PASSWORD = "quiet otter lantern 2931"


def test_invite_set_up_sign_in_grant_and_deactivate(page, new_page, sign_in, live_server):
    email = f"browser.{uuid.uuid4().hex[:8]}@tbhg.example"
    sign_in(page, ADMIN)
    page.get_by_role("link", name="Staff accounts").click()
    assert page.url.endswith("/admin/tbhg/")
    assert_accessible(page)
    page.get_by_role("button", name="Create a staff account").click()
    assert_accessible(page)
    submit(page, "Create account and send invitation")
    assert "Enter their full name" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)
    page.get_by_label("Full name").fill("Browser Person")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Position").fill("VRC")
    page.get_by_label("VRC", exact=True).check()
    submit(page, "Create account and send invitation")
    assert "Account created" in page.inner_text("body")
    member_url = page.url
    assert_accessible(page)

    page.get_by_role("link", name="email outbox").click()
    link = page.locator("text=/account/invitation/").first.inner_text()
    path = re.search(r"(/account/invitation/[A-Za-z0-9_\-]+)", link).group(1)

    invitee = new_page()
    invitee.goto(path)
    assert_accessible(invitee)
    invitee.get_by_label("Create a password").fill("short")
    invitee.get_by_label("Confirm your password").fill("short")
    submit(invitee, "Continue")
    assert "12 characters" in invitee.locator(".govuk-error-summary").inner_text()
    assert_accessible(invitee)
    invitee.get_by_label("Create a password").fill(NEW_PASSWORD)
    invitee.get_by_label("Confirm your password").fill(NEW_PASSWORD)
    submit(invitee, "Continue")
    assert invitee.url.endswith("/authenticator")
    assert invitee.locator("img[src^='data:image/svg+xml']").is_visible()
    assert_accessible(invitee)
    secret = invitee.locator("#totp-secret").inner_text()
    invitee.get_by_label("Security code").fill("000000")
    submit(invitee, "Finish setting up")
    assert "not right" in invitee.locator(".govuk-error-summary").inner_text()
    invitee.get_by_label("Security code").fill(pyotp.TOTP(secret).at(clock.now()))
    submit(invitee, "Finish setting up")
    assert "/login" in invitee.url and "Your account is ready" in invitee.inner_text("body")
    sign_in(invitee, email, NEW_PASSWORD)

    # The admin gives a role; the person sees a notification and marks it read.
    page.goto(member_url)
    assert "Active" in page.inner_text("body")
    page.get_by_label("Team manager").check()
    submit(page, "Give role")
    assert "Team manager role given" in page.inner_text("body")
    invitee.goto("/")
    assert "You have been given the role Team manager" in invitee.inner_text("body")
    assert_accessible(invitee)
    submit(invitee, "Mark all read")
    assert "You have no unread notifications" in invitee.inner_text("body")

    # Deactivation signs the person out at once.
    page.get_by_role("button", name="Deactivate this account").click()
    assert_accessible(page)
    submit(page, "Deactivate account")
    assert "Account deactivated" in page.inner_text("body")
    invitee.goto("/")
    assert "/login" in invitee.url
