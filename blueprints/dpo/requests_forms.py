"""Forms of the rights area. They parse; the services decide what is valid."""

from govuk_frontend_wtf.wtforms_widgets import GovCheckboxInput, GovSelect
from wtforms import BooleanField, HiddenField, SelectField

from blueprints.common import GovDateField, options
from blueprints.consent.forms import DATE_HINT, area_field, checkboxes_field, radio_field, submit_button, text_field
from blueprints.forms import BaseForm
from portal.models.rights import CHANNELS, EXTENSION_REASONS, OUTCOMES, RESPONSE_METHODS, RIGHTS


def _method(label):
    return radio_field(label, RESPONSE_METHODS.items())


class IntakeForm(BaseForm):
    requester_name = text_field("Name of the person asking")
    requester_contact = area_field("How to reach them", description="Address, email or phone number, as they gave it")
    rights = checkboxes_field("What rights do they ask for?", description="Select all that apply")
    what_requested = area_field("What they ask for", description="In their words, as far as you can")
    received_on = GovDateField("Date the request arrived", description=DATE_HINT)
    channel = radio_field("How did it arrive?", CHANNELS.items())
    on_behalf = BooleanField("They act for someone else", widget=GovCheckboxInput())
    on_behalf_of = text_field(
        "Whom they act for, and in what capacity", description="For example, ‘Solicitor for the participant’"
    )
    identity_needed = BooleanField("Their identity or authority is not yet proved", widget=GovCheckboxInput())
    identity_asked_for = area_field("What evidence was asked for", description="Needed when identity is not proved")
    submit = submit_button("Log request")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.rights.choices = options(RIGHTS.items())


class SearchForm(BaseForm):
    name = text_field("Name")
    date_of_birth = text_field("Date of birth", description="For example, 27/03/1985")
    ni_number = text_field("National Insurance number")
    submit = submit_button("Search")


class LinkForm(BaseForm):
    participant_id = HiddenField()
    submit = submit_button("Link to this participant")


class NoDataForm(BaseForm):
    submit = submit_button("Record that no data is held")


IDENTITY_DECISIONS = {
    "proved": "Proved: the evidence arrived (the clock starts that day)",
    "not_needed": "Not needed: you are satisfied who they are, or that they may act for the person",
    "failed": "Not proved: close the request",
}


class IdentityForm(BaseForm):
    decision = radio_field(
        "Is their identity, or their authority to act for the person, verified?", IDENTITY_DECISIONS.items()
    )
    received_on = GovDateField("Date the evidence arrived", description="If proved. " + DATE_HINT)
    method = text_field("How it arrived and what it was", description="If proved. For example, ‘Passport copy by post’")
    reason = area_field(
        "Reason",
        description="If not needed: why you are satisfied without evidence. If not proved: why, as you told the person",
    )
    response_sent_on = GovDateField("Date the person was told", description="If not proved. " + DATE_HINT)
    response_method = _method("How were they told? (if not proved)")
    submit = submit_button("Record the identity step")


class StopForm(BaseForm):
    asked_on = GovDateField("Date you asked", description=DATE_HINT)
    question = area_field("What you asked")
    submit = submit_button("Stop the clock")


class AnswerForm(BaseForm):
    answered_on = GovDateField("Date the answer arrived", description=DATE_HINT)
    note = area_field("What the request covers, from the answer")
    submit = submit_button("Restart the clock")


class ExtendForm(BaseForm):
    reason = radio_field("Why does it need more time?", EXTENSION_REASONS.items())
    detail = area_field("Reasons to give the person")
    submit = submit_button("Extend to three months")


class SentForm(BaseForm):
    sent_on = GovDateField("Date the person was told", description=DATE_HINT)
    method = _method("How were they told?")
    submit = submit_button("Record notice sent")


class DwpForm(BaseForm):
    informed_on = GovDateField("Date DWP was informed or consulted", description=DATE_HINT)
    note = area_field("What DWP was told or asked")
    submit = submit_button("Record")


class NoticeForm(BaseForm):
    notice_id = SelectField("Version of the privacy notice sent", widget=GovSelect(), validate_choice=False, choices=[])
    sent_on = GovDateField("Date it was sent", description=DATE_HINT)
    method = _method("How was it sent?")
    submit = submit_button("Record notice sent")


class RestrictForm(BaseForm):
    reason = area_field("Why processing is restricted")
    submit = submit_button("Restrict the record")


class LiftForm(BaseForm):
    reason = area_field("Why the restriction is lifted")
    told_on = GovDateField("Date the person was told", description=DATE_HINT)
    told_method = _method("How were they told?")
    submit = submit_button("Lift the restriction")


class ObjectionForm(BaseForm):
    scopes = checkboxes_field("What does the participant object to?")
    submit = submit_button("Record objection")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.scopes.choices = options(
            [("research", "Identifiable research contact"), ("statistics", "Use of their data in statistics")]
        )


class PortabilityForm(BaseForm):
    submit = submit_button("Build the portability file")


class CloseForm(BaseForm):
    outcome = radio_field("Outcome", OUTCOMES.items())
    reason = area_field("Reason", description="Needed when refused or partly done")
    exemption = text_field(
        "Exemption relied on",
        description="Needed when refused or partly done, for example "
        "‘DPA 2018 Schedule 2 paragraph 16 (third-party data)’",
    )
    response_sent_on = GovDateField("Date the response was sent", description=DATE_HINT)
    response_method = _method("How was it sent?")
    late_reason = area_field(
        "If the request is past its due date but the response was sent by then",
        description="Say why it is recorded only now. Needed then, and shown on the request",
    )
    submit = submit_button("Close the request")


class ComplaintForm(BaseForm):
    complainant_name = text_field("Name of the person complaining")
    complainant_contact = area_field("How to reach them")
    about = area_field("What the complaint is about")
    received_on = GovDateField("Date the complaint arrived", description=DATE_HINT)
    channel = radio_field("How did it arrive?", CHANNELS.items())
    submit = submit_button("Log complaint")


class InvestigationForm(BaseForm):
    investigation = area_field("What the investigation found")
    save_notes = submit_button("Save investigation notes")


class ComplaintCloseForm(BaseForm):
    outcome = area_field("Outcome")
    outcome_on = GovDateField("Date of the outcome", description=DATE_HINT)
    ico_told_on = GovDateField("Date they were told they can complain to the ICO", description=DATE_HINT)
    ico_told_method = _method("How were they told?")
    submit = submit_button("Close the complaint")
