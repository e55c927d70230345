from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSelect, GovSubmitInput, GovTextArea
from wtforms import BooleanField, HiddenField, SelectField, SubmitField, TextAreaField

from blueprints.common import SelectChoice
from blueprints.forms import BaseForm


def month_choices(months) -> list[SelectChoice]:
    return [SelectChoice(m.key, m.label) for m in months]


class BuildForm(BaseForm):
    month = SelectField(
        "Month",
        widget=GovSelect(),
        choices=[],
        validate_choice=False,
        description="A report covers a whole calendar month that has ended",
    )
    submit = SubmitField("Build the draft", widget=GovSubmitInput())


class PublishForm(BaseForm):
    reviewed_sha256 = HiddenField()
    correction_reason = TextAreaField(
        "What does this version correct?", widget=GovTextArea(), description="DWP sees this with the new version"
    )
    confirm = BooleanField(
        "I have reviewed the figures, the progress return and the warnings", widget=GovCheckboxInput()
    )
    submit = SubmitField("Publish to DWP", widget=GovSubmitInput())
