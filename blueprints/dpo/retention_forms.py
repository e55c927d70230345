"""Forms of the DPO's retention pages. They parse; the services decide what is valid."""

from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovRadioInput,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import BooleanField, RadioField, SelectMultipleField, StringField, SubmitField, TextAreaField

from blueprints.common import GovDateField
from blueprints.forms import BaseForm

DATE_HINT = "For example, 27 3 2027"


def _submit(text):
    return SubmitField(text, widget=GovSubmitInput())


class RuleForm(BaseForm):
    period_months = StringField("Keep for (months)", widget=GovTextInput(), description="For example, 72 for 6 years")
    counted_from = RadioField("Counted from", widget=GovRadioInput(), validate_choice=False, choices=[])
    note = TextAreaField(
        "Why the rule changes",
        widget=GovTextArea(),
        description="Kept in the rule's history. Do not include personal data.",
    )
    submit = _submit("Save rule")


class HoldForm(BaseForm):
    atw_reference = StringField("Participant's Access to Work reference", widget=GovTextInput())
    reason = TextAreaField(
        "Reason for the hold",
        widget=GovTextArea(),
        description="For example, the claim or investigation it is for. Do not repeat the participant's personal data.",
    )
    review_on = GovDateField("Review the hold by", description=DATE_HINT)
    submit = _submit("Place legal hold")


class LiftForm(BaseForm):
    reason = TextAreaField("Why the hold is lifted", widget=GovTextArea())
    submit = _submit("Lift legal hold")


class BuildForm(BaseForm):
    submit = _submit("Build a destruction list now")


class ApproveForm(BaseForm):
    items = SelectMultipleField("Items to approve", widget=GovCheckboxesInput(), validate_choice=False, choices=[])
    submit = _submit("Approve selected items")


class ApproveAllForm(BaseForm):
    submit = _submit("Approve all items awaiting approval")


class DestroyForm(BaseForm):
    confirm = BooleanField(
        "I confirm the approved items are to be destroyed now. This cannot be undone.", widget=GovCheckboxInput()
    )
    submit = _submit("Destroy approved items")


class CheckpointForm(BaseForm):
    confirm = BooleanField(
        "I confirm the audit chain is to be sealed at this event and the older events archived and removed.",
        widget=GovCheckboxInput(),
    )
    submit = _submit("Seal checkpoint")
