"""Forms of the rights area. They parse; the services decide what is valid."""
from wtforms import BooleanField, HiddenField, SelectField

from blueprints.consent.forms import DATE_HINT, _area, _checkboxes, _radio, _submit, _text
from blueprints.forms import BaseForm
from blueprints.common import GovDateField, options
from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSelect
from portal.models.rights import CHANNELS, EXTENSION_REASONS, OUTCOMES, RESPONSE_METHODS, RIGHTS


def _method(label):
    return _radio(label, RESPONSE_METHODS.items())


class IntakeForm(BaseForm):
    requester_name = _text("Name of the person asking")
    requester_contact = _area("How to reach them", description="Address, email or phone number, as they gave it")
    rights = _checkboxes("What rights do they ask for?", description="Select all that apply")
    what_requested = _area("What they ask for", description="In their words, as far as you can")
    received_on = GovDateField("Date the request arrived", description=DATE_HINT)
    channel = _radio("How did it arrive?", CHANNELS.items())
    on_behalf = BooleanField("They act for someone else", widget=GovCheckboxInput())
    on_behalf_of = _text("Whom they act for, and in what capacity",
                         description="For example, ‘Solicitor for the participant’")
    identity_needed = BooleanField("Their identity or authority is not yet proved", widget=GovCheckboxInput())
    identity_asked_for = _area("What evidence was asked for", description="Needed when identity is not proved")
    submit = _submit("Log request")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rights.choices = options(RIGHTS.items())


class SearchForm(BaseForm):
    name = _text("Name")
    date_of_birth = _text("Date of birth", description="For example, 27/03/1985")
    ni_number = _text("National Insurance number")
    submit = _submit("Search")


class LinkForm(BaseForm):
    participant_id = HiddenField()
    submit = _submit("Link to this participant")


class NoDataForm(BaseForm):
    submit = _submit("Record that no data is held")


IDENTITY_DECISIONS = {
    "proved": "Proved: the evidence arrived (the clock starts that day)",
    "not_needed": "Not needed: you are satisfied who they are, or that they may act for the person",
    "failed": "Not proved: close the request",
}


class IdentityForm(BaseForm):
    decision = _radio("Is their identity, or their authority to act for the person, verified?",
                      IDENTITY_DECISIONS.items())
    received_on = GovDateField("Date the evidence arrived", description="If proved. " + DATE_HINT)
    method = _text("How it arrived and what it was", description="If proved. For example, ‘Passport copy by post’")
    reason = _area("Reason", description="If not needed: why you are satisfied without evidence. If not proved: "
                                         "why, as you told the person")
    response_sent_on = GovDateField("Date the person was told", description="If not proved. " + DATE_HINT)
    response_method = _method("How were they told? (if not proved)")
    submit = _submit("Record the identity step")


class StopForm(BaseForm):
    asked_on = GovDateField("Date you asked", description=DATE_HINT)
    question = _area("What you asked")
    submit = _submit("Stop the clock")


class AnswerForm(BaseForm):
    answered_on = GovDateField("Date the answer arrived", description=DATE_HINT)
    note = _area("What the request covers, from the answer")
    submit = _submit("Restart the clock")


class ExtendForm(BaseForm):
    reason = _radio("Why does it need more time?", EXTENSION_REASONS.items())
    detail = _area("Reasons to give the person")
    submit = _submit("Extend to three months")


class SentForm(BaseForm):
    sent_on = GovDateField("Date the person was told", description=DATE_HINT)
    method = _method("How were they told?")
    submit = _submit("Record notice sent")


class DwpForm(BaseForm):
    informed_on = GovDateField("Date DWP was informed or consulted", description=DATE_HINT)
    note = _area("What DWP was told or asked")
    submit = _submit("Record")


class NoticeForm(BaseForm):
    notice_id = SelectField("Version of the privacy notice sent", widget=GovSelect(), validate_choice=False,
                            choices=[])
    sent_on = GovDateField("Date it was sent", description=DATE_HINT)
    method = _method("How was it sent?")
    submit = _submit("Record notice sent")


class RestrictForm(BaseForm):
    reason = _area("Why processing is restricted")
    submit = _submit("Restrict the record")


class LiftForm(BaseForm):
    reason = _area("Why the restriction is lifted")
    told_on = GovDateField("Date the person was told", description=DATE_HINT)
    told_method = _method("How were they told?")
    submit = _submit("Lift the restriction")


class ObjectionForm(BaseForm):
    scopes = _checkboxes("What does the participant object to?")
    submit = _submit("Record objection")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scopes.choices = options([("research", "Identifiable research contact"),
                                       ("statistics", "Use of their data in statistics")])


class PortabilityForm(BaseForm):
    submit = _submit("Build the portability file")


class CloseForm(BaseForm):
    outcome = _radio("Outcome", OUTCOMES.items())
    reason = _area("Reason", description="Needed when refused or partly done")
    exemption = _text("Exemption relied on", description="Needed when refused or partly done, for example "
                                                         "‘DPA 2018 Schedule 2 paragraph 16 (third-party data)’")
    response_sent_on = GovDateField("Date the response was sent", description=DATE_HINT)
    response_method = _method("How was it sent?")
    late_reason = _area("If the request is past its due date but the response was sent by then",
                        description="Say why it is recorded only now. Needed then, and shown on the request")
    submit = _submit("Close the request")


class ComplaintForm(BaseForm):
    complainant_name = _text("Name of the person complaining")
    complainant_contact = _area("How to reach them")
    about = _area("What the complaint is about")
    received_on = GovDateField("Date the complaint arrived", description=DATE_HINT)
    channel = _radio("How did it arrive?", CHANNELS.items())
    submit = _submit("Log complaint")


class InvestigationForm(BaseForm):
    investigation = _area("What the investigation found")
    save_notes = _submit("Save investigation notes")


class ComplaintCloseForm(BaseForm):
    outcome = _area("Outcome")
    outcome_on = GovDateField("Date of the outcome", description=DATE_HINT)
    ico_told_on = GovDateField("Date they were told they can complain to the ICO", description=DATE_HINT)
    ico_told_method = _method("How were they told?")
    submit = _submit("Close the complaint")
