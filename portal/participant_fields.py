"""The fields of a participant's record: labels, sections and how each is cleaned.

Shared by the record's edit pages, the referral form, the CSV upload and (later) the
API, so a value is accepted or refused the same way whichever way it arrives.
"""

from collections.abc import Callable, Collection, Mapping
from datetime import date
from functools import partial
from typing import Any

from portal import clock
from portal import validation as v
from portal.models.participant import CONTACT_CHANNELS

FIELD_LABELS = {
    "atw_reference": "Access to Work reference",
    "first_name": "First name",
    "last_name": "Last name",
    "date_of_birth": "Date of birth",
    "gender": "Gender",
    "family_circumstances": "Family circumstances",
    "ni_number": "National Insurance number",
    "email": "Email address",
    "phone": "Phone number",
    "address_line_1": "Address line 1",
    "address_line_2": "Address line 2",
    "town": "Town or city",
    "postcode": "Postcode",
    "preferred_channel": "Preferred way to be contacted",
    "safe_to_call_at_work": "Safe to call at work",
    "times_to_avoid": "Times to avoid",
    "occupation": "Occupation",
    "employer": "Employer",
    "employer_contact": "Employer contact",
    "gp_practice_name": "GP practice or health practitioner",
    "gp_practice_address": "Practice address",
    "health_information": "Health and wellbeing information",
    "assigned_vrc": "Assigned VRC",
    "assessment.assessed_on": "Assessment date",
    "assessment.support_level": "Level of support needed",
    "assessment.work_obstacles": "Work obstacles",
    "assessment.goals": "Goals agreed",
}

# Each editable section of the record: its title and fields, in page order.
SECTIONS = {
    "personal": ("Personal details", ("first_name", "last_name", "date_of_birth", "gender", "family_circumstances")),
    "identity": ("National Insurance number", ("ni_number",)),
    "contact": ("Contact details", ("email", "phone", "address_line_1", "address_line_2", "town", "postcode")),
    "preferences": ("Contact preferences", ("preferred_channel", "safe_to_call_at_work", "times_to_avoid")),
    "employment": ("Employment", ("occupation", "employer", "employer_contact")),
    "gp": ("GP or health practitioner", ("gp_practice_name", "gp_practice_address")),
    "health": ("Health and wellbeing information", ("health_information",)),
}
# Special category data: shown and audited only where DESIGN.md allows.
HEALTH_SECTIONS = frozenset({"health"})


def _text(label: str, max_length: int, required: bool = False) -> partial[str]:
    return partial(v.clean_text, label=label, max_length=max_length, required=required)


def _channel(value: object) -> str:
    if value not in CONTACT_CHANNELS:
        raise v.Invalid("Select how the participant prefers to be contacted")
    return value


def _yes_no(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value or "").strip().lower()
    if text in ("yes", "y", "true", "1", "on"):
        return True
    if text in ("", "no", "n", "false", "0", "off"):
        return False
    raise v.Invalid("Select yes or no")


def cleaners(today: date | None = None) -> dict[str, Callable[[Any], object]]:
    today = today or clock.today()
    return {
        "atw_reference": v.clean_atw_reference,
        "first_name": _text("the first name", 100, required=True),
        "last_name": _text("the last name", 100, required=True),
        "date_of_birth": lambda value: v.clean_date_of_birth(value, today),
        "gender": _text("gender", 60),
        "family_circumstances": _text("family circumstances", 2000),
        "ni_number": v.clean_ni_number,
        "email": v.clean_email,
        "phone": v.clean_phone,
        "address_line_1": _text("the first line of the address", 200, required=True),
        "address_line_2": _text("the second line of the address", 200),
        "town": _text("the town or city", 100),
        "postcode": v.clean_postcode,
        "preferred_channel": _channel,
        "safe_to_call_at_work": _yes_no,
        "times_to_avoid": _text("times to avoid", 200),
        "occupation": _text("the occupation", 200),
        "employer": _text("the employer", 200),
        "employer_contact": _text("the employer contact", 300),
        "gp_practice_name": _text("the GP practice", 200),
        "gp_practice_address": _text("the practice address", 400),
        "health_information": _text("the health and wellbeing information", 5000),
    }


def clean(raw: Mapping[str, Any], fields: Collection[str], today: date | None = None) -> dict[str, Any]:
    """Clean ``fields`` of ``raw``; raises ``validation.Problems`` listing every problem.
    Contact details need at least one way to reach the participant."""
    table = cleaners(today)
    cleaned = v.clean_fields(raw, {f: table[f] for f in fields})
    if "email" in fields and "phone" in fields and not cleaned["email"] and not cleaned["phone"]:
        raise v.Problems([v.Invalid("Enter an email address or a phone number", field="email")])
    return cleaned


def as_text(value: object) -> str | None:
    """How a value is kept in the change history."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "isoformat"):
        iso: str = value.isoformat()  # a date or datetime
        return iso
    return str(value)
