from govuk_frontend_wtf.wtforms_widgets import GovSelect, GovSubmitInput, GovTextArea
from wtforms import SelectField, SubmitField, TextAreaField

from blueprints.forms import BaseForm


class ReallocateCaseloadForm(BaseForm):
    from_vrc = SelectField("Move the open cases of", widget=GovSelect(), validate_choice=False, choices=[])
    to_vrc = SelectField("To", widget=GovSelect(), validate_choice=False, choices=[])
    reason = TextAreaField(
        "Reason", widget=GovTextArea(), description="For example, long-term leave or leaving the organisation"
    )
    submit = SubmitField("Reallocate the caseload", widget=GovSubmitInput())
