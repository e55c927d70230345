"""Issue 11 in a real browser: contract areas and organisations (lead admin), changing
and recovering a password, and the two-admin MFA reset with re-enrolment; accessible,
no CSP violation (the QR code is an inline SVG image)."""

import re
import uuid

import pyotp
import pytest

from portal import clock
from tests.browser.conftest import assert_accessible, submit

pytestmark = pytest.mark.browser

LEAD_ADMIN = "admin@ingeus.example"
H2E_ADMIN = "admin@h2e.example"
NEW_PASSWORD = "amber heron quartz 5120"


def _follow(page, role, name):
    """Click a link or link-button and wait for the page it loads."""
    with page.expect_navigation():
        page.get_by_role(role, name=name).click()


def _new_staff(live_server, slug="h2e"):
    """A fresh account of ``slug`` (the shared demo accounts are left alone)."""
    from sqlalchemy import select

    from portal.accounts.passwords import hash_password
    from portal.demo import DEMO_PASSWORD
    from portal.extensions import db
    from portal.models import Organisation, User
    from tests.factories import Factory

    with live_server.app.app_context():
        org = db.session.scalars(select(Organisation).where(Organisation.slug == slug)).one()
        user = Factory().user(
            org, ["vrc"], email=f"lifecycle.{uuid.uuid4().hex[:8]}@{slug}.example", name="Lifecycle Person"
        )
        user = db.session.get(User, user.id)
        user.password_hash = hash_password(DEMO_PASSWORD)
        db.session.commit()
        ids = user.id, user.email
        db.session.remove()
    return ids


def test_contract_areas_and_organisations(page, sign_in):
    sign_in(page, LEAD_ADMIN)
    _follow(page, "link", "Contract areas")
    assert "Unallocated postcode areas" in page.inner_text("body")
    assert_accessible(page)
    _follow(page, "button", "Add a postcode area")
    page.get_by_label("Postcode area").fill("QQ")
    submit(page, "Add postcode area")
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "QQ is not a UK postcode area" in summary and "Select the organisation" in summary
    assert page.get_by_label("Postcode area").input_value() == "QQ"
    assert_accessible(page)
    page.goto("/admin/contract-areas/")
    _follow(page, "link", "History of changes")
    assert "Added, delivered by" in page.inner_text("body")
    assert_accessible(page)

    page.goto("/admin/")
    _follow(page, "button", "Add an organisation")
    page.get_by_label("Name", exact=True).fill("Browser Partner")
    page.get_by_label("Short name").fill("admin")
    page.get_by_label("Delivery partner").check()
    submit(page, "Add organisation")
    assert "reserved" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)


def test_change_password_and_forgotten_password(page, new_page, sign_in, live_server):
    _, email = _new_staff(live_server)
    sign_in(page, email)
    _follow(page, "link", "Change your password")
    page.get_by_label("Current password").fill("not the password at all")
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Confirm your new password").fill(NEW_PASSWORD)
    submit(page, "Change password")
    assert "Your current password is not right" in page.locator(".govuk-error-summary").inner_text()
    assert_accessible(page)

    other = new_page()
    other.goto("/account/forgot-password")
    assert_accessible(other)
    other.get_by_label("Email address").fill(email)
    submit(other, "Send reset link")
    assert "Check your email" in other.inner_text("body")
    assert_accessible(other)

    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import OutboxMessage

    with live_server.app.app_context():
        body = (
            db.session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.email_address == email, OutboxMessage.kind == "account.password_reset"
                )
            )
            .one()
            .body
        )
        db.session.remove()
    path = re.search(r"(/account/reset-password/[A-Za-z0-9_\-]+)", body).group(1)
    other.goto(path)
    assert_accessible(other)
    other.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    other.get_by_label("Confirm your new password").fill(NEW_PASSWORD)
    submit(other, "Set new password")
    assert "Your password has been reset" in other.inner_text("body")
    assert_accessible(other)
    page.goto("/")
    assert "/login" in page.url  # the reset ended the other session


def test_two_admins_reset_security_codes_and_the_user_enrols(page, new_page, sign_in, live_server):
    user_id, email = _new_staff(live_server)
    sign_in(page, H2E_ADMIN)
    page.goto(f"/admin/h2e/staff/{user_id}")
    _follow(page, "button", "Reset security codes")
    assert_accessible(page)
    submit(page, "Ask for the reset")
    assert "Enter why" in page.locator(".govuk-error-summary").inner_text()
    page.get_by_label("Why do their security codes need to be reset?").fill("Lost phone, reported by phone call")
    submit(page, "Ask for the reset")
    assert "Another administrator must now approve it" in page.inner_text("body")
    assert page.get_by_role("button", name="Approve the reset").count() == 0
    assert_accessible(page)

    lead = new_page()
    sign_in(lead, LEAD_ADMIN)
    lead.goto(f"/admin/h2e/staff/{user_id}/mfa-reset")
    assert_accessible(lead)
    submit(lead, "Approve the reset")
    assert "Their security codes have been reset" in lead.inner_text("body")

    person = new_page()
    person.goto("/login")
    person.get_by_label("Email address").fill(email)
    from portal.demo import DEMO_PASSWORD

    person.get_by_label("Password", exact=True).fill(DEMO_PASSWORD)
    submit(person, "Continue")
    assert person.url.endswith("/login/authenticator")
    assert person.locator("img[src^='data:image/svg+xml']").is_visible()
    assert_accessible(person)
    secret = person.locator("#totp-secret").inner_text()
    person.get_by_label("Security code").fill(pyotp.TOTP(secret).at(clock.now()))
    submit(person, "Finish and sign in")
    assert "/login" not in person.url
    assert "Your authenticator app is set up" in person.inner_text("body")
