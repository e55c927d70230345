"""Forms of consent, sharing and the DPO's oversight pages. They parse; the services
decide what is valid."""

from flask_wtf.file import FileField
from govuk_frontend_wtf.wtforms_widgets import (
    GovCheckboxesInput,
    GovCheckboxInput,
    GovFileInput,
    GovRadioInput,
    GovSelect,
    GovSubmitInput,
    GovTextArea,
    GovTextInput,
)
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)

from blueprints.common import GovDateField, local_datetime, options
from blueprints.forms import BaseForm
from portal import clock
from portal.models.authority_request import AUTHORITY_TYPES, REQUEST_REASONS
from portal.models.consent import DECISIONS, METHODS, WITHDRAWAL_METHODS
from portal.models.disclosure import DISCLOSURE_REVIEW_OUTCOMES, EMERGENCY_RECIPIENTS, LEGAL_BASES, REVIEW_OUTCOMES
from portal.models.sharing import EMPLOYER_CONTACT_KINDS, SEND_METHODS
from portal.validation import Invalid, Problems

DATE_HINT = "For example, 27 3 2026"
TIME_HINT = "Use the 24-hour clock, for example 14:30"


def radio_field(label, pairs, **kwargs):
    return RadioField(label, widget=GovRadioInput(), validate_choice=False, choices=options(pairs), **kwargs)


def checkboxes_field(label, **kwargs):
    return SelectMultipleField(label, widget=GovCheckboxesInput(), validate_choice=False, choices=[], **kwargs)


def text_field(label, **kwargs):
    return StringField(label, widget=GovTextInput(), **kwargs)


def area_field(label, **kwargs):
    return TextAreaField(label, widget=GovTextArea(), **kwargs)


def _time(label):
    return StringField(label, widget=GovTextInput(), description=TIME_HINT)


def submit_button(text):
    return SubmitField(text, widget=GovSubmitInput())


def typed_moment(form, date_name: str, time_name: str):
    """The typed date and time as a UTC time (None without a date); a time that is
    not real is the time field's problem."""
    day = form[date_name].data
    if day is None:
        return None
    moment = local_datetime(day, form[time_name].data)
    if moment is None:
        raise Problems([Invalid("Enter a real time, like 14:30", field=time_name)])
    return moment


def fill_now(form, date_name: str, time_name: str) -> None:
    """A new form starts at the current date and time (Europe/London)."""
    now = clock.local(clock.now())
    form[date_name].data = now.date()
    form[time_name].data = now.strftime("%H:%M")


class ConsentForm(BaseForm):
    purpose = RadioField("What is the consent for?", widget=GovRadioInput(), validate_choice=False, choices=[])
    decision = radio_field("The participant’s decision", DECISIONS.items())
    method = radio_field("How did they give it?", METHODS.items())
    words = area_field(
        "What the participant said",
        description="In their own words. Needed for a verbal decision; optional with a signed form",
    )
    evidence = FileField(
        "Signed consent form",
        widget=GovFileInput(),
        description="Needed for a written decision: a PDF, PNG or JPEG, smaller than 5MB",
    )
    decided_on = GovDateField("Date they decided", description=DATE_HINT)
    decided_time = _time("Time they decided")
    backdated_reason = area_field(
        "If the decision was made more than 15 minutes ago, why is it recorded now?",
        description="Needed for a back-dated decision. A decision dated before a withdrawal "
        "does not bring the consent back",
    )
    notice_id = HiddenField()
    submit = submit_button("Save decision")


class WithdrawForm(BaseForm):
    method = radio_field("How did the participant tell us?", WITHDRAWAL_METHODS.items())
    words = area_field("What the participant said", description="In their own words (optional)")
    withdrawn_on = GovDateField("Date they withdrew their consent", description=DATE_HINT)
    withdrawn_time = _time("Time they withdrew their consent")
    submit = submit_button("Record withdrawal")


class EvidenceForm(BaseForm):
    evidence = FileField(
        "Signed consent form", widget=GovFileInput(), description="A PDF, PNG or JPEG, smaller than 5MB"
    )
    submit = submit_button("Upload form")


class LetterForm(BaseForm):
    addressee = text_field("Greeting", description="For example, ‘Dear Dr Patel’")
    practice_name = text_field("Practice name")
    practice_address = area_field("Practice address")
    body = area_field(
        "Letter",
        description="Write what the GP needs to know. The letter opens by saying the "
        "participant agreed to it and closes with your name and position",
    )
    data_categories = checkboxes_field("What the letter shares")
    submit = submit_button("Preview letter")


class IssueForm(BaseForm):
    submit = submit_button("Issue letter")


class SentForm(BaseForm):
    method = radio_field("How was the letter sent?", SEND_METHODS.items())
    sent_on = GovDateField("Date it was sent", description=DATE_HINT)
    sent_time = _time("Time it was sent")
    submit = submit_button("Record sending")


class CancelLetterForm(BaseForm):
    reason = text_field("Why is the letter cancelled?")
    submit = submit_button("Cancel letter")


class EmployerContactForm(BaseForm):
    kind = radio_field("How were you in contact?", EMPLOYER_CONTACT_KINDS.items())
    contacted_on = GovDateField("Date of the contact", description=DATE_HINT)
    contacted_time = _time("Time of the contact")
    employer_name = text_field("Employer")
    contact_name = text_field("Who you spoke to", description="Their name and role (optional)")
    what_shared = area_field("What was shared", description="What you told the employer and what was agreed")
    data_categories = checkboxes_field("Categories of information shared")
    submit = submit_button("Record contact")


class EmergencyForm(BaseForm):
    recipient_type = radio_field("Who did you contact?", EMERGENCY_RECIPIENTS.items())
    recipient_name = text_field("Service or person", description="For example, ‘999 ambulance service’ or the practice")
    contacted_on = GovDateField("Date of the contact", description=DATE_HINT)
    contacted_time = _time("Time of the contact")
    reason = area_field(
        "Why you contacted them without the participant’s consent",
        description="The risk you saw, and why consent could not be asked for or was overridden",
    )
    what_shared = area_field("What you shared")
    data_categories = checkboxes_field("Categories of information shared")
    submit = submit_button("Record emergency contact")


class NoticeForm(BaseForm):
    version = text_field("Version number", description="For example, 1.2")
    published_on = GovDateField("Publication date", description=DATE_HINT)
    text = area_field("Text of the notice")
    change_note = area_field(
        "Change note", description="What changed since the last version (not needed for the first)"
    )
    reconsent_required = BooleanField(
        "Participants must be asked again",
        widget=GovCheckboxInput(),
        description="The change alters what participants agreed to: consents given under earlier versions stop "
        "being live from this version’s publication date",
    )
    submit = submit_button("Save draft")


class PublishForm(BaseForm):
    submit = submit_button("Publish this version")


class ReviewForm(BaseForm):
    outcome = radio_field("Your review", REVIEW_OUTCOMES.items())
    notes = area_field("Notes", description="What you checked and any follow-up")
    submit = submit_button("Record review")


class DisclosureReviewForm(BaseForm):
    outcome = radio_field("Your review", DISCLOSURE_REVIEW_OUTCOMES.items())
    notes = area_field("Notes", description="What you checked, and the breach register reference if it was a breach")
    submit = submit_button("Record review")


class AuthorityRequestForm(BaseForm):
    authority_type = radio_field("Who is the request from?", AUTHORITY_TYPES.items())
    requester = area_field("Who asked", description="The organisation, the officer, and how to contact them")
    reason = radio_field("What is it about?", REQUEST_REASONS.items())
    legal_basis_cited = text_field(
        "Legal basis they cite", description="For example, DPA 2018 Schedule 2 paragraph 2 (crime and taxation)"
    )
    what_requested = area_field("What they asked for")
    subject_details = area_field(
        "Who the request is about", description="As the authority described them: name, date of birth, AtW reference"
    )
    received_on = GovDateField("Date the request arrived", description=DATE_HINT)
    respond_by = GovDateField("Date they want an answer by", description="Optional. " + DATE_HINT)
    submit = submit_button("Log request")


class DecideForm(BaseForm):
    decision = radio_field("Your decision", [("approve", "Approve the disclosure"), ("refuse", "Refuse the request")])
    atw_reference = text_field(
        "Access to Work reference of the participant",
        description="Needed to approve: the disclosure goes in their register",
    )
    legal_basis = SelectField(
        "Legal basis relied on",
        widget=GovSelect(),
        validate_choice=False,
        choices=options([("", "Select a legal basis"), *LEGAL_BASES.items()]),
        description="Needed to approve",
    )
    reasons = area_field("Reasons for your decision")
    submit = submit_button("Record decision")


class AuthorityDisclosureForm(BaseForm):
    data_categories = checkboxes_field("Categories of information disclosed")
    summary = area_field("What was disclosed")
    method = text_field("How it was sent", description="For example, secure email")
    disclosed_on = GovDateField("Date it was disclosed", description=DATE_HINT)
    disclosed_time = _time("Time it was disclosed")
    submit = submit_button("Record disclosure")
