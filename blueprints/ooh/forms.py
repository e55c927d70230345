"""Forms of the out-of-hours pages. They parse; the services decide what is valid."""

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField

from blueprints.common import GovDateField, options
from blueprints.forms import BaseForm
from portal.models.appointment import CANCELLED_BY
from portal.models.ooh import CALLERS, CONSENT_ANSWERS


def _submit(text):
    return SubmitField(text, widget=GovSubmitInput())


class SearchForm(BaseForm):
    surname = StringField("Surname", widget=GovTextInput())
    date_of_birth = GovDateField("Date of birth", description="For example, 27 3 1985")
    postcode = StringField(
        "Postcode (optional)",
        widget=GovTextInput(),
        description="Narrows the search when several people share a surname and birthday",
    )
    submit = _submit("Search")


class IdentityForm(BaseForm):
    caller = RadioField(
        "Who is calling?",
        widget=GovRadioInput(),
        validate_choice=False,
        choices=options(list(CALLERS.items())),
        description="Someone calling on the participant’s behalf cannot consent for them",
    )
    full_name = StringField(
        "The caller’s full name",
        widget=GovTextInput(),
        description="As they say it. Not needed for someone calling on their behalf",
    )
    date_of_birth = GovDateField("The caller’s date of birth", description="For example, 27 3 1985")
    postcode = StringField("The caller’s postcode", widget=GovTextInput())
    submit = _submit("Check the answers")


class ConsentForm(BaseForm):
    consent = RadioField(
        "May I look at your records to help you with this call?",
        widget=GovRadioInput(),
        validate_choice=False,
        choices=options(list(CONSENT_ANSWERS.items())),
    )
    note = TextAreaField(
        "Short note",
        widget=GovTextArea(),
        description="What the call is about and what the participant said, in a sentence or two",
    )
    submit = _submit("Save the answer")


class CallbackForm(BaseForm):
    reason = TextAreaField(
        "Reason for the call", widget=GovTextArea(), description="What the participant wants their VRC to help with"
    )
    best_time = StringField(
        "Best time to call back", widget=GovTextInput(), description="For example, weekdays after 5pm"
    )
    phone = StringField("Number to call back on", widget=GovTextInput(), description="For example, 07700 900 982")
    submit = _submit("Send the callback note")


class RescheduleForm(BaseForm):
    date = GovDateField("New date", description="For example, 27 3 2026")
    time = StringField("New time", widget=GovTextInput(), description="Use the 24-hour clock, for example 14:30")
    requested_by = RadioField(
        "Who asked for the change?",
        widget=GovRadioInput(),
        validate_choice=False,
        choices=options(list(CANCELLED_BY.items())),
    )
    reason = StringField("Reason for rescheduling", widget=GovTextInput())
    submit = _submit("Reschedule")


class CancelForm(BaseForm):
    cancelled_by = RadioField(
        "Who asked for the cancellation?",
        widget=GovRadioInput(),
        validate_choice=False,
        choices=options(list(CANCELLED_BY.items())),
    )
    reason = StringField("Reason for cancelling", widget=GovTextInput())
    submit = _submit("Cancel appointment")


class CallNoteForm(BaseForm):
    text = TextAreaField(
        "Call note",
        widget=GovTextArea(),
        description="A short note of the call for the participant’s VRC. It is not a case note",
    )
    submit = _submit("Save call note")


class LogFilterForm(BaseForm):
    """The oversight log's filters: a GET form, so no CSRF token."""

    class Meta:
        csrf = False

    date_from = GovDateField("From", description="For example, 1 3 2026")
    date_to = GovDateField("To", description="For example, 31 3 2026")
    worker = SelectField("Worker", widget=GovSelect(), validate_choice=False, choices=[])
    organisation = SelectField("Organisation", widget=GovSelect(), validate_choice=False, choices=[])
    participant = StringField("Participant id", widget=GovTextInput(), description="The number in the record’s address")
    submit = _submit("Filter")
