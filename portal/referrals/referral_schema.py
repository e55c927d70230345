"""The JSON Schema of a referral sent through the API: the one truth of what it accepts.

The API's description (``openapi.document``) serves this schema, and ``problems``
checks a body against the very same schema before the referral cleaners
(``participant_fields``) see it, so the description can be neither looser nor
stricter than the validation. The schema is built from the validators' own rules
(patterns, lengths, the age window, the email syntax) and is never looser than them:
a body the schema accepts is a body the cleaners accept, which the Schemathesis run
(tests/api/test_openapi.py, positive and negative data) holds it to.

Every string refuses the control characters the input boundary refuses
(``portal.hostile_input``: NUL and category Cc), so the description says so too.
"""

from datetime import date
from functools import lru_cache
from typing import Any, cast

import jsonschema_rs
from dateutil.relativedelta import relativedelta

from portal import clock, participant_fields, validation
from portal.referrals.referrals import REFERRAL_FIELDS

FIELDS = REFERRAL_FIELDS
REQUIRED = ("atw_reference", "first_name", "last_name", "date_of_birth", "ni_number", "address_line_1", "postcode")
MAX_LENGTHS = {
    "atw_reference": 30,
    "first_name": 100,
    "last_name": 100,
    "date_of_birth": 10,
    "ni_number": 13,
    "email": 254,
    "phone": 20,
    "address_line_1": 200,
    "address_line_2": 200,
    "town": 100,
    "postcode": 10,
    "occupation": 200,
    "employer": 200,
    "health_information": 5000,
}
PATTERNS = {
    "atw_reference": validation.ATW_REFERENCE_PATTERN,
    "email": validation.EMAIL_PATTERN,
    "ni_number": validation.NI_NUMBER_PATTERN,
    "phone": validation.PHONE_PATTERN,
    "postcode": validation.POSTCODE_PATTERN,
}
# What the input boundary refuses in a JSON string (hostile_input: category Cc).
_CONTROL = "\\x00-\\x1f\\x7f-\\x9f"
# What str.strip() takes away: a required text field needs one character besides these.
_BLANK = " \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"
NO_CONTROL_PATTERN = f"^[^{_CONTROL}]*$"
NOT_BLANK_PATTERN = f"^[^{_CONTROL}]*[^{_CONTROL}{_BLANK}][^{_CONTROL}]*$"
# Any month-day of the calendar; 29 February of a common year is left to format: date.
_MONTH_DAY = (
    "(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    "|02-(?:0[1-9]|1[0-9]|2[0-9]))"
)


_ANY_DAY = {31: "(?:0[1-9]|[12][0-9]|3[01])", 30: "(?:0[1-9]|[12][0-9]|30)", 29: "(?:0[1-9]|1[0-9]|2[0-9])"}


def _days_between(earliest: date, latest: date, year: int) -> str:
    """The month-days of ``year`` from ``earliest`` to ``latest`` (both in that year):
    a whole month as a day range, the part-months' days listed."""
    parts = []
    for month in range(earliest.month, latest.month + 1):
        first = earliest.day if month == earliest.month else 1
        month_end = (date(year, month, 1) + relativedelta(months=1, days=-1)).day
        last = latest.day if month == latest.month else month_end
        if first == 1 and last == month_end:
            parts.append(f"{month:02d}-{_ANY_DAY[max(month_end, 29)]}")
        else:
            parts.append(f"{month:02d}-(?:" + "|".join(f"{day:02d}" for day in range(first, last + 1)) + ")")
    return "(?:" + "|".join(parts) + ")"


def date_window_pattern(earliest: date, latest: date) -> str:
    """An ISO date from ``earliest`` to ``latest`` inclusive, as a regular expression:
    the whole years between listed, and the first and last years' days listed."""
    if earliest.year == latest.year:
        return f"^{earliest.year:04d}-{_days_between(earliest, latest, earliest.year)}$"
    parts = [
        f"{earliest.year:04d}-{_days_between(earliest, date(earliest.year, 12, 31), earliest.year)}",
        f"{latest.year:04d}-{_days_between(date(latest.year, 1, 1), latest, latest.year)}",
    ]
    middle = range(earliest.year + 1, latest.year)
    if middle:
        parts.append("(?:" + "|".join(f"{year:04d}" for year in middle) + f")-{_MONTH_DAY}")
    return "^(?:" + "|".join(parts) + ")$"


def date_of_birth_window(today: date) -> tuple[date, date]:
    """The dates of birth ``validation.clean_date_of_birth`` takes on ``today``."""
    return (today - relativedelta(years=validation.MAXIMUM_AGE), today - relativedelta(years=validation.MINIMUM_AGE))


def schema(today: date | None = None) -> dict[str, Any]:
    """The Referral schema on ``today`` (its date-of-birth window moves with the day)."""
    today = today or clock.today()
    earliest, latest = date_of_birth_window(today)
    properties: dict[str, dict[str, Any]] = {}
    for name in FIELDS:
        required = name in REQUIRED
        pattern = PATTERNS.get(name, NOT_BLANK_PATTERN if required else NO_CONTROL_PATTERN)
        if name in PATTERNS and not required:
            pattern = f"^$|{pattern}"  # an optional field may be sent empty, as the cleaners take it
        prop: dict[str, Any] = {
            "type": "string" if required else ["string", "null"],
            "description": participant_fields.FIELD_LABELS[name],
            "maxLength": MAX_LENGTHS[name],
            "pattern": pattern,
        }
        properties[name] = prop
    properties["date_of_birth"].update(
        format="date",
        pattern=date_window_pattern(earliest, latest),
        description=f"Date of birth (YYYY-MM-DD): aged {validation.MINIMUM_AGE} to {validation.MAXIMUM_AGE}",
    )
    properties["email"]["description"] = "Email address (what the pattern allows, the cleaner accepts)"
    return {
        "type": "object",
        "required": list(REQUIRED),
        "additionalProperties": False,
        "properties": properties,
        "anyOf": [
            {"required": ["email"], "properties": {"email": {"type": "string", "minLength": 1}}},
            {"required": ["phone"], "properties": {"phone": {"type": "string", "minLength": 1}}},
        ],
        "description": "Also needs an email address or a phone number. Strings hold no control characters.",
    }


def _message(name: str, kind: str, value: object) -> str:
    """The cleaner's own words where it refuses the value too; else the schema's rule."""
    if value is not None and not isinstance(value, str):
        return "Must be a string" if name in REQUIRED else "Must be a string or null"
    try:
        participant_fields.clean({name: value}, [name])
    except validation.Problems as problems:
        return problems.problems[0].message
    label = participant_fields.FIELD_LABELS[name]
    if kind == "MaxLength":
        return f"{label} must be {MAX_LENGTHS[name]} characters or fewer"
    return f"Enter {label[0].lower()}{label[1:]} in the form the API description’s pattern gives"


@lru_cache(maxsize=4)
def _validator(today: date) -> jsonschema_rs.Draft202012Validator:
    """The compiled schema of the day (compiling its patterns takes ~20 ms)."""
    return jsonschema_rs.Draft202012Validator(schema(today), validate_formats=True)


def problems(body: object, today: date | None = None) -> list[validation.Invalid]:
    """Every way ``body`` breaks the Referral schema, each naming its field in words a
    sender can act on; empty when the schema accepts it."""
    if not isinstance(body, dict):
        return [validation.Invalid("The body must be a JSON object of referral fields", field="body")]
    validator = _validator(today or clock.today())
    found: dict[str, str] = {}
    for error in validator.iter_errors(body):
        kind = type(error.kind).__name__
        path = list(error.instance_path)
        if kind == "AdditionalProperties":
            for name in cast(jsonschema_rs.ValidationErrorKind.AdditionalProperties, error.kind).unexpected:
                found.setdefault(str(name)[:60], "This field is not part of a referral")
        elif kind == "Required":
            name = str(cast(jsonschema_rs.ValidationErrorKind.Required, error.kind).property)
            found.setdefault(name, _message(name, "Required", None))
        elif kind == "AnyOf" and not path:
            found.setdefault("email", "Enter an email address or a phone number")
        elif path and path[0] in FIELDS:
            found.setdefault(path[0], _message(path[0], kind, body.get(path[0])))
    order = {name: index for index, name in enumerate(FIELDS)}
    return [
        validation.Invalid(found[field], field=field)
        for field in sorted(found, key=lambda field: order.get(field, len(order)))
    ]
