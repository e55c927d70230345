"""Forms of the participant record. They parse; the services decide what is valid
(so the same rules serve the pages, the CSV upload and the API)."""

from govuk_frontend_wtf.wtforms_widgets import GovRadioInput, GovSelect, GovSubmitInput, GovTextArea, GovTextInput
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField

from blueprints.common import GovDateField, options
from blueprints.forms import BaseForm
from portal.casework.appointments import DURATIONS
from portal.models.appointment import CANCELLED_BY, CHANNELS
from portal.models.case_note import NOTE_TYPES
from portal.models.milestone import LEFT_EARLY_REASONS, MAX_SUPPORT_MONTHS, MILESTONE_KINDS
from portal.models.participant import CONTACT_CHANNELS, STATUS_LABELS
from portal.models.support_plan import SUPPORT_LEVELS
from portal.participant_fields import FIELD_LABELS


def _text(name, **kwargs):
    return StringField(FIELD_LABELS.get(name, name), widget=GovTextInput(), **kwargs)


def _area(name, **kwargs):
    return TextAreaField(FIELD_LABELS.get(name, name), widget=GovTextArea(), **kwargs)


def _submit(text="Save"):
    return SubmitField(text, widget=GovSubmitInput())


class PersonalForm(BaseForm):
    first_name = _text("first_name")
    last_name = _text("last_name")
    date_of_birth = GovDateField("Date of birth", description="For example, 27 3 1985")
    gender = _text("gender", description="As the participant describes it (optional)")
    family_circumstances = _area("family_circumstances", description="Optional")
    submit = _submit()


class IdentityForm(BaseForm):
    ni_number = _text(
        "ni_number", description="It’s on their National Insurance card, payslip or P60. For example, ‘QQ 12 34 56 C’."
    )
    submit = _submit()


class ContactForm(BaseForm):
    email = _text("email", description="An email address or a phone number is needed")
    phone = _text("phone", description="For example, 07700 900 982")
    address_line_1 = _text("address_line_1")
    address_line_2 = _text("address_line_2", description="Optional")
    town = _text("town", description="Optional")
    postcode = _text("postcode")
    submit = _submit()


class PreferencesForm(BaseForm):
    preferred_channel = RadioField(
        FIELD_LABELS["preferred_channel"],
        widget=GovRadioInput(),
        choices=options(list(CONTACT_CHANNELS.items())),
        validate_choice=False,
    )
    safe_to_call_at_work = RadioField(
        FIELD_LABELS["safe_to_call_at_work"],
        widget=GovRadioInput(),
        choices=options([("yes", "Yes"), ("no", "No")]),
        validate_choice=False,
    )
    times_to_avoid = _text("times_to_avoid", description="For example, weekday mornings before 10am (optional)")
    submit = _submit()


class EmploymentForm(BaseForm):
    occupation = _text("occupation")
    employer = _text("employer")
    employer_contact = _area(
        "employer_contact", description="Name, role and phone or email of their contact at work (optional)"
    )
    submit = _submit()


class GpForm(BaseForm):
    gp_practice_name = _text("gp_practice_name")
    gp_practice_address = _area("gp_practice_address")
    submit = _submit()


class HealthForm(BaseForm):
    health_information = _area(
        "health_information",
        description="Special category information: shown only to the assigned VRC and the team managers",
    )
    submit = _submit()


SECTION_FORMS = {
    "personal": PersonalForm,
    "identity": IdentityForm,
    "contact": ContactForm,
    "preferences": PreferencesForm,
    "employment": EmploymentForm,
    "gp": GpForm,
    "health": HealthForm,
}


class CloseForm(BaseForm):
    status = RadioField(
        "How did the case end?",
        widget=GovRadioInput(),
        validate_choice=False,
        choices=options((s, STATUS_LABELS[s]) for s in ("completed", "left_early", "withdrawn")),
    )
    left_early_reason = SelectField(
        "Why did they leave early?",
        widget=GovSelect(),
        validate_choice=False,
        choices=options([("", "Select a reason"), *LEFT_EARLY_REASONS.items()]),
        description="Only when they left early",
    )
    closed_on = GovDateField("Closure date", description="For example, 27 3 2026")
    reason = _area("reason", description="Why the case is closing (optional when they left early)")
    submit = _submit("Close the case")


class AllocateForm(BaseForm):
    vrc = RadioField("VRC", widget=GovRadioInput(), validate_choice=False, choices=[])
    reason = TextAreaField("Reason", widget=GovTextArea(), description="Needed when reallocating")
    submit = _submit("Allocate")


class PassOnForm(BaseForm):
    organisation = RadioField("Partner", widget=GovRadioInput(), validate_choice=False, choices=[])
    reason = TextAreaField(
        "Reason",
        widget=GovTextArea(),
        description="For example, the postcode is in their area but missing from the contract areas",
    )
    submit = _submit("Pass the referral on")


class NoteForm(BaseForm):
    contact_date = GovDateField("Date of the contact", description="For example, 27 3 2026")
    note_type = RadioField(
        "Type of contact", widget=GovRadioInput(), validate_choice=False, choices=options(list(NOTE_TYPES.items()))
    )
    text = TextAreaField("Note", widget=GovTextArea())
    submit = _submit("Save note")


class AmendNoteForm(BaseForm):
    text = TextAreaField(
        "Amended note", widget=GovTextArea(), description="The earlier version is kept and shown in the note’s history"
    )
    reason = StringField("Reason for the amendment", widget=GovTextInput())
    submit = _submit("Save amendment")


def _time_field(label):
    return StringField(label, widget=GovTextInput(), description="Use the 24-hour clock, for example 14:30")


class AppointmentForm(BaseForm):
    date = GovDateField("Date", description="For example, 27 3 2026")
    time = _time_field("Time")
    duration_minutes = SelectField(
        "Length",
        widget=GovSelect(),
        validate_choice=False,
        choices=options((d, f"{d} minutes") for d in DURATIONS),
        default="60",
    )
    channel = RadioField(
        "How it takes place", widget=GovRadioInput(), validate_choice=False, choices=options(list(CHANNELS.items()))
    )
    location = _text("location", description="Where, for an appointment in person (optional otherwise)")
    submit = _submit("Book appointment")


class RescheduleForm(BaseForm):
    date = GovDateField("New date", description="For example, 27 3 2026")
    time = _time_field("New time")
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


class OutcomeForm(BaseForm):
    outcome = RadioField(
        "Did the participant attend?",
        widget=GovRadioInput(),
        validate_choice=False,
        choices=options([("attended", "Attended"), ("did_not_attend", "Did not attend")]),
    )
    submit = _submit("Save")


class AssessmentForm(BaseForm):
    assessed_on = GovDateField("Date of the assessment", description="For example, 27 3 2026")
    support_level = RadioField(
        "Level of support needed",
        widget=GovRadioInput(),
        validate_choice=False,
        choices=options(list(SUPPORT_LEVELS.items())),
    )
    work_obstacles = TextAreaField(
        "Work obstacles", widget=GovTextArea(), description="What makes work hard at the moment"
    )
    goals = TextAreaField("Goals agreed", widget=GovTextArea())
    submit = _submit("Save assessment")


class ActionForm(BaseForm):
    description = StringField("Action", widget=GovTextInput())
    owner = StringField(
        "Who owns it", widget=GovTextInput(), description="For example, the participant, the VRC or their line manager"
    )
    due_on = GovDateField("Due by", description="For example, 27 3 2026")
    submit = _submit("Add action")


class MilestoneForm(BaseForm):
    kind = RadioField(
        "Milestone", widget=GovRadioInput(), validate_choice=False, choices=options(list(MILESTONE_KINDS.items()))
    )
    month_number = SelectField(
        "Which month of support?",
        widget=GovSelect(),
        validate_choice=False,
        choices=options([("", "Select a month")] + [(m, f"Month {m}") for m in range(1, MAX_SUPPORT_MONTHS + 1)]),
        description="Only for a month of support completed",
    )
    left_early_reason = SelectField(
        "Why did they leave early?",
        widget=GovSelect(),
        validate_choice=False,
        choices=options([("", "Select a reason"), *LEFT_EARLY_REASONS.items()]),
        description="Only when they left early: this closes the case",
    )
    achieved_on = GovDateField("Date", description="For example, 27 3 2026")
    reason = TextAreaField(
        "Notes on the closure",
        widget=GovTextArea(),
        description="Only for programme completed or left early, which close the case",
    )
    submit = _submit("Record milestone")


class ConfirmForm(BaseForm):
    """A button that posts (CSRF included)."""
