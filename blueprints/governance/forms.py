"""Forms of the governance pages: they parse; the services decide what is valid."""

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import GovFileInput, GovRadioInput, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import RadioField, StringField, SubmitField, TextAreaField

from blueprints.common import GovDateField, options
from blueprints.consent.forms import DATE_HINT, TIME_HINT
from blueprints.forms import BaseForm
from portal.models.governance import RISK_LEVELS


def _area(label, **kwargs):
    return TextAreaField(label, widget=GovTextArea(), **kwargs)


def _text(label, **kwargs):
    return StringField(label, widget=GovTextInput(), **kwargs)


class BreachReportForm(BaseForm):
    what_happened = _area(
        "What happened",
        description="Say what went wrong, where and how. Do not name "
        "participants: give their AtW reference if you know it",
    )
    discovered_on = GovDateField("Date it was discovered", description=DATE_HINT)
    discovered_time = _text("Time it was discovered", description=TIME_HINT)
    data_affected = _area("What data was affected", description="For example, contact details, health information")
    people_affected = _area("Who was affected", description="Which people, and roughly how many")
    organisations_involved = _area("Organisations involved", description="Optional. Partners, suppliers or others")
    submit = SubmitField("Report breach", widget=GovSubmitInput())


class BreachDecisionForm(BaseForm):
    risk_level = RadioField(
        "Risk to the people affected",
        widget=GovRadioInput(),
        validate_choice=False,
        choices=options(RISK_LEVELS.items()),
    )
    risk_assessment = _area("Your assessment of the risk")
    report_to_ico = RadioField(
        "Report to the ICO?",
        widget=GovRadioInput(),
        validate_choice=False,
        choices=options([("yes", "Yes, report to the ICO"), ("no", "No, do not report")]),
    )
    reasons = _area("Reasons for the decision")
    delay_reason = _area(
        "Reason for the delay", description="Needed when the decision comes more than 72 hours after discovery"
    )
    submit = SubmitField("Record decision", widget=GovSubmitInput())


class BreachFollowUpForm(BaseForm):
    ico_reference = _text("ICO reference", description="Optional until the breach is closed")
    ico_reported_on = GovDateField("Date reported to the ICO", description="Optional. " + DATE_HINT)
    dwp_told_on = GovDateField("Date DWP was told", description="Optional. " + DATE_HINT)
    people_told_on = GovDateField("Date the people affected were told", description="Optional. " + DATE_HINT)
    actions_taken = _area("Actions taken")
    close = RadioField(
        "Close the breach record?",
        widget=GovRadioInput(),
        validate_choice=False,
        default="no",
        choices=options([("no", "No, keep it open"), ("yes", "Yes, close it")]),
    )
    submit = SubmitField("Save", widget=GovSubmitInput())


class AuditSearchForm(BaseForm):
    class Meta:
        csrf = False

    participant_id = _text("Participant id")
    user_id = _text("Staff member id")
    action = _text("Action", description="For example participant.viewed, or participant. for every participant action")
    date_from = GovDateField("From", description="Optional. " + DATE_HINT)
    date_to = GovDateField("To", description="Optional. " + DATE_HINT)
    submit = SubmitField("Search", widget=GovSubmitInput())


class TrainingForm(BaseForm):
    completed_on = GovDateField("Date training was completed", description=DATE_HINT)
    submit = SubmitField("Save training date", widget=GovSubmitInput())


class TrainingUploadForm(BaseForm):
    file = FileField(
        "CSV file",
        widget=GovFileInput(),
        description="Columns: email,completed_on (for example 2026-03-27). Nothing is saved if any row is wrong",
    )
    upload = SubmitField("Upload training dates", widget=GovSubmitInput())


class ConfirmForm(BaseForm):
    submit = SubmitField("Confirm", widget=GovSubmitInput())
