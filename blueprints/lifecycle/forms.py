from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import RadioField, StringField, SubmitField, TextAreaField
from wtforms.validators import InputRequired

from blueprints.common import SelectChoice
from blueprints.forms import BaseForm

SLUG_HINT = "Used in web addresses, like /h2e/. Lower-case letters, digits and single hyphens, 40 characters or fewer."


class CreateOrganisationForm(BaseForm):
    name = StringField("Name", widget=GovTextInput(), validators=[InputRequired("Enter the organisation’s name")])
    slug = StringField(
        "Short name",
        widget=GovTextInput(),
        description=SLUG_HINT,
        validators=[InputRequired("Enter a short name for web addresses, like h2e")],
    )
    kind = RadioField(
        "What kind of organisation is it?",
        widget=GovRadioInput(),
        validate_choice=False,
        choices=[SelectChoice("delivery", "Delivery partner"), SelectChoice("lead", "Lead partner")],
        validators=[InputRequired("Select whether it is the lead partner or a delivery partner")],
    )
    submit = SubmitField("Add organisation", widget=GovSubmitInput())


class RenameOrganisationForm(BaseForm):
    name = StringField("Name", widget=GovTextInput(), validators=[InputRequired("Enter the organisation’s name")])
    slug = StringField(
        "Short name",
        widget=GovTextInput(),
        description=SLUG_HINT + " If you change it, links to the old addresses stop working.",
        validators=[InputRequired("Enter a short name for web addresses, like h2e")],
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class MfaResetRequestForm(BaseForm):
    reason = TextAreaField(
        "Why do their security codes need to be reset?",
        widget=GovTextArea(),
        description="For example: lost phone reported by phone call on 3 March. Another "
        "administrator will read this before approving. Do not include "
        "participants’ details.",
        validators=[InputRequired("Enter why their security codes need to be reset")],
    )
    submit = SubmitField("Ask for the reset", widget=GovSubmitInput())


class ConfirmForm(BaseForm):
    """A POST that only needs its CSRF token (approve, cancel, reactivate)."""
