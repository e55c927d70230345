from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovPasswordInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextInput,
)
from wtforms import PasswordField, RadioField, SelectMultipleField, StringField, SubmitField
from wtforms.validators import InputRequired, Length

from blueprints.forms import BaseForm
from portal.accounts.staff import ROLE_HINTS, ROLE_NAMES


def role_choices(roles) -> list[tuple[str, str]]:
    return [(role, ROLE_NAMES[role]) for role in roles]


def role_hints(roles) -> list[dict]:
    """Per-item hints for the GOV.UK checkboxes and radios, in choice order."""
    return [{"value": role, "text": ROLE_NAMES[role], "hint": {"text": ROLE_HINTS[role]}} for role in roles]


class CreateStaffForm(BaseForm):
    name = StringField(
        "Full name",
        widget=GovTextInput(),
        validators=[
            InputRequired("Enter their full name"),
            Length(max=200, message="Full name must be 200 characters or fewer"),
        ],
    )
    email = StringField(
        "Email address",
        widget=GovTextInput(),
        description="Their work email address. The invitation goes there.",
        validators=[
            InputRequired("Enter their email address"),
            Length(max=254, message="Email address must be 254 characters or fewer"),
        ],
    )
    position = StringField(
        "Position",
        widget=GovTextInput(),
        description="Their job title, shown where they record consents and notes",
        validators=[
            InputRequired("Enter their position"),
            Length(max=200, message="Position must be 200 characters or fewer"),
        ],
    )
    roles = SelectMultipleField(
        "Roles", widget=GovCheckboxesInput(), choices=[], validators=[InputRequired("Select at least one role")]
    )
    submit = SubmitField("Create account and send invitation", widget=GovSubmitInput())


class GrantRoleForm(BaseForm):
    role = RadioField(
        "Give a role", widget=GovRadioInput(), choices=[], validators=[InputRequired("Select a role to give")]
    )
    submit = SubmitField("Give role", widget=GovSubmitInput())


class ConfirmForm(BaseForm):
    """A POST that only needs its CSRF token (remove a role, deactivate, invite again)."""


class SetPasswordForm(BaseForm):
    password = PasswordField(
        "Create a password",
        widget=GovPasswordInput(),
        description="At least 12 characters. Three or four unrelated words work well.",
        validators=[InputRequired("Enter a password")],
    )
    confirm = PasswordField(
        "Confirm your password", widget=GovPasswordInput(), validators=[InputRequired("Enter the password again")]
    )
    submit = SubmitField("Continue", widget=GovSubmitInput())


class EnrolCodeForm(BaseForm):
    code = StringField(
        "Security code",
        widget=GovTextInput(),
        description="The 6-digit code your authenticator app now shows for this account",
        validators=[InputRequired("Enter the security code")],
    )
    submit = SubmitField("Finish setting up", widget=GovSubmitInput())
