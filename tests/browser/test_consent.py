"""Consent in a real browser: a VRC records a participant's verbal GP consent,
writes, previews and issues a GP letter and records sending it, then records the
participant's withdrawal and sees the next letter refused; axe finds no serious or
critical violation on any page."""

from sqlalchemy import select

from portal.extensions import db
from portal.models import Organisation, User
from tests.browser.conftest import assert_accessible, submit
from tests.factories import Factory


def _own_participant(live_server):
    with live_server.app.app_context():
        org = db.session.scalars(select(Organisation).where(Organisation.slug == "h2e")).one()
        vrc = db.session.scalars(select(User).where(User.email == "vrc1@h2e.example")).one()
        participant = Factory().participant(
            org,
            vrc,
            first_name="Consent",
            last_name="Browser",
            gp_practice_name="Park Surgery",
            gp_practice_address="1 Park Road\nLeeds LS1 1AA",
        )
        result = participant.id
        db.session.remove()
    return result


def test_verbal_gp_consent_letter_withdrawal_and_refusal(page, sign_in, live_server):
    participant_id = _own_participant(live_server)
    base = f"/h2e/participants/{participant_id}"
    sign_in(page, "vrc1@h2e.example")

    page.goto(f"{base}/consents")
    assert page.get_by_text("Writing to the GP needs a live consent").is_visible()
    assert_accessible(page)

    # Record the participant's verbal consent to GP contact (an error first).
    submit(page, "Record a decision about GP or health practitioner contact")  # a link styled as a button
    assert page.get_by_text("Privacy notice version 1").first.is_visible()
    page.get_by_label("Given", exact=True).check()
    page.get_by_label("Verbal", exact=True).check()
    submit(page, "Save decision")
    assert page.get_by_role("alert").get_by_text("Enter what the participant said").is_visible()
    assert_accessible(page)
    page.get_by_label("What the participant said").fill("Yes, you can write to Dr Patel about work.")
    submit(page, "Save decision")
    assert page.get_by_text("Decision recorded").is_visible()
    assert page.get_by_text("“Yes, you can write to Dr Patel about work.”").is_visible()
    assert_accessible(page)

    # Write the letter from the template, preview it, issue it, record sending it.
    submit(page, "Write to the GP")
    assert page.get_by_label("Practice name").input_value() == "Park Surgery"
    assert_accessible(page)
    page.get_by_label("Greeting").fill("Dear Dr Patel")
    page.get_by_label("Letter", exact=True).fill(
        "Consent has been working on a phased return to work.\n\nA later start would help while the medication settles."
    )
    page.get_by_label("Health and wellbeing information").check()
    submit(page, "Preview letter")
    assert page.get_by_text("A later start would help while the medication settles.").is_visible()
    assert_accessible(page)
    submit(page, "Issue letter")
    assert page.get_by_text("Letter issued").is_visible()
    assert_accessible(page)
    submit(page, "Record how it was sent")
    page.get_by_label("Post", exact=True).check()
    assert_accessible(page)
    submit(page, "Record sending")
    assert page.get_by_text("Sending recorded").is_visible()
    page.goto(f"{base}/consents")
    register = page.locator("table", has=page.get_by_text("Relied on"))
    assert register.get_by_text("Consent: GP or health practitioner contact").is_visible()
    assert_accessible(page)

    # The participant withdraws; the next letter is refused, naming the consent.
    submit(page, "Withdraw consent to GP or health practitioner contact")
    page.get_by_label("By phone").check()
    page.get_by_label("What the participant said").fill("Please don't contact my GP again.")
    assert_accessible(page)
    submit(page, "Record withdrawal")
    assert page.get_by_text("stopped being live at once").is_visible()
    assert_accessible(page)
    assert page.get_by_role("button", name="Write to the GP").count() == 0
    page.goto(f"{base}/gp-letters/new")
    assert page.get_by_role("heading", name="This needs the participant’s consent").is_visible()
    assert page.get_by_text("‘GP or health practitioner contact’ (gp_contact)").is_visible()
    assert page.get_by_text("the participant withdrew it on").is_visible()
    assert_accessible(page)
