from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import StringField, SubmitField, TextAreaField

from blueprints.common import GovDateField
from blueprints.forms import BaseForm
from portal.participant_fields import FIELD_LABELS


def _text(name, description=None):
    return StringField(FIELD_LABELS[name], widget=GovTextInput(), description=description)


class ReferralForm(BaseForm):
    atw_reference = _text("atw_reference", "As it appears on the referral from Access to Work")
    first_name = _text("first_name")
    last_name = _text("last_name")
    date_of_birth = GovDateField("Date of birth", description="For example, 27 3 1985")
    ni_number = _text("ni_number", "For example, ‘QQ 12 34 56 C’")
    email = _text("email", "An email address or a phone number is needed")
    phone = _text("phone", "For example, 07700 900 982")
    address_line_1 = _text("address_line_1")
    address_line_2 = _text("address_line_2", "Optional")
    town = _text("town", "Optional")
    postcode = _text("postcode", "The referral goes to the partner delivering in this postcode’s area")
    occupation = _text("occupation", "Optional")
    employer = _text("employer", "Optional")
    health_information = TextAreaField(
        FIELD_LABELS["health_information"],
        widget=GovTextArea(),
        description="What the referral says about their health and wellbeing. Special category information (optional)",
    )
    submit = SubmitField("Take in the referral", widget=GovSubmitInput())


class UploadForm(BaseForm):
    file = FileField(
        "CSV file of referrals", widget=GovFileInput(), description="UTF-8 CSV, at most 2MB and 5,000 referrals"
    )
    submit = SubmitField("Upload and check", widget=GovSubmitInput())
