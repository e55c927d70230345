from govuk_frontend_wtf.wtforms_widgets import GovCheckboxesInput, GovRadioInput, GovSubmitInput, GovTextInput
from wtforms import RadioField, SelectMultipleField, StringField, SubmitField

from blueprints.common import SelectChoice
from blueprints.forms import BaseForm
from portal.models.api_client import SCOPES


class RegisterForm(BaseForm):
    organisation = RadioField(
        "Which organisation is the client for?", widget=GovRadioInput(), choices=[], validate_choice=False
    )
    name = StringField(
        "Name", widget=GovTextInput(), description="The system that will use it, like ‘DWP contract reporting system’"
    )
    scopes = SelectMultipleField(
        "What may it do?",
        widget=GovCheckboxesInput(),
        validate_choice=False,
        choices=[SelectChoice(code, f"{label} ({code})") for code, label in SCOPES.items()],
        description="DWP’s clients may do both; the lead partner’s may read reports only",
    )
    submit = SubmitField("Register the client", widget=GovSubmitInput())


class RotateForm(BaseForm):
    submit = SubmitField("Make a new secret", widget=GovSubmitInput())


class RevokeForm(BaseForm):
    submit = SubmitField("Revoke the client", widget=GovSubmitInput())
