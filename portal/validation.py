"""Validation of what a referral carries: plain functions, reused by forms, CSV and the API.

Each ``clean_*`` function takes what a person typed (or a CSV cell, or a JSON value)
and returns it normalised for storage, or raises ``Invalid`` with a message in the
GOV.UK error-message style. Nothing here touches the database.
"""

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from email_validator import SPECIAL_USE_DOMAIN_NAMES, EmailNotValidError, validate_email

MINIMUM_AGE = 16  # the service supports people of working age
MAXIMUM_AGE = 120  # an older date of birth is a typing slip


class Invalid(ValueError):
    """The value cannot be accepted; ``message`` says why, for the person who typed it,
    and ``field`` (when known) names the form field or CSV column it is about."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _compact(value: object) -> str:
    return "".join(str(value or "").split()).upper()


def any_case(pattern: str) -> str:
    """``pattern`` (upper-case letters only) matching lower case too, written out rather
    than with a flag, because JSON Schema's ``pattern`` has no flags."""
    out, i = [], 0
    while i < len(pattern):
        if pattern[i] == "\\":
            out.append(pattern[i : i + 2])
            i += 2
        elif pattern[i] == "[":
            end = pattern.index("]", i + 1)
            body = pattern[i + 1 : end]
            if any(c.isupper() for c in body):  # a trailing "-" stays last, a literal hyphen
                trail = "-" if body.endswith("-") else ""
                body = body.removesuffix("-") + body.removesuffix("-").lower() + trail
            out.append(f"[{body}]")
            i = end + 1
        else:
            out.append(f"[{pattern[i]}{pattern[i].lower()}]" if pattern[i].isupper() else pattern[i])
            i += 1
    return "".join(out)


# HMRC National Insurance number format: two prefix letters, six digits, a suffix A-D.
_NI_FIRST = "ABCEGHJKLMNOPRSTWXYZ"  # not D, F, I, Q, U or V
_NI_SECOND = "ABCEGHJKLMNPRSTWXYZ"  # nor O as the second letter
_NI_BAD_PREFIXES = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


def _ni_prefixes() -> str:
    """The prefixes HMRC issues, as one alternation (no look-ahead: JSON Schema's regex
    dialect and Hypothesis both take it): first letters grouped by the second letters
    each may take."""
    by_seconds: dict[str, str] = {}
    for first in _NI_FIRST:
        seconds = "".join(s for s in _NI_SECOND if first + s not in _NI_BAD_PREFIXES)
        by_seconds[seconds] = by_seconds.get(seconds, "") + first
    return "(?:" + "|".join(f"[{firsts}][{seconds}]" for seconds, firsts in by_seconds.items()) + ")"


# Patterns shared with the API's description spell digits [0-9]: Python's \d also takes
# other scripts' digits (٠١٢), JSON Schema's does not.
# As typed or sent: either case, optionally spaced like QQ 12 34 56 C. The API's
# description uses it as it is; the cleaner matches it against the compacted value.
NI_NUMBER_PATTERN = "^" + any_case(_ni_prefixes()) + r" ?[0-9]{2} ?[0-9]{2} ?[0-9]{2} ?" + any_case("[A-D]") + "$"


def clean_ni_number(value: object) -> str:
    """An NI number in HMRC's format, stored upper case without spaces (AB123456C).

    Spaces and lower case are accepted as typed. Prefixes HMRC never issues (first
    letter D, F, I, Q, U or V; second letter also not O; BG, GB, KN, NK, NT, TN, ZZ)
    are refused, as is a missing or wrong suffix.
    """
    ni = _compact(value)
    if not ni:
        raise Invalid("Enter a National Insurance number")
    if not re.fullmatch(NI_NUMBER_PATTERN, ni):
        raise Invalid(
            "Enter a National Insurance number in the correct format, like QQ 12 34 56 C, with a valid prefix"
        )
    return ni


# Royal Mail postcode formats (outward code, space, inward code), plus GIR 0AA; either
# case, with or without the space (the cleaner matches it against the compacted value).
_OUTWARD = r"[A-PR-UWYZ](?:[0-9][A-HJKPSTUW]?|[0-9][0-9]|[A-HK-Y][0-9][ABEHMNPRV-Y]?|[A-HK-Y][0-9][0-9])"
_INWARD = r"[0-9][ABD-HJLNP-UW-Z]{2}"
POSTCODE_PATTERN = "^" + any_case(f"(?:GIR ?0AA|{_OUTWARD} ?{_INWARD})") + "$"


def clean_postcode(value: object) -> str:
    """A UK postcode, stored upper case with one space before the inward code (LS1 4AP)."""
    pc = _compact(value)
    if not pc:
        raise Invalid("Enter a postcode")
    if not re.fullmatch(POSTCODE_PATTERN, pc):
        raise Invalid("Enter a real UK postcode, like LS1 4AP")
    return f"{outward_code(pc)} {pc[-3:]}"


def outward_code(postcode: object) -> str:
    """The first half of a postcode: all but the inward code, which is always its last
    three characters (so a postcode stored without its space shows no more)."""
    pc = _compact(postcode)
    return pc[:-3] if len(pc) > 3 else ""


def parse_date(value: object) -> date:
    """A date from a form, CSV cell or JSON value: 2026-03-31, 31/03/2026 or 31 3 2026."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value or "").strip()
    if not text:
        raise Invalid("Enter a date")
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d %m %Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise Invalid("Enter a real date, like 31 3 1980")


def clean_date_of_birth(value: object, today: date) -> date:
    """A date of birth in the past, of someone aged 16 or over on ``today``."""
    if value is None or not str(value).strip():
        raise Invalid("Enter the date of birth")
    try:
        dob = parse_date(value)
    except Invalid:
        raise Invalid("Enter a real date of birth, like 31 3 1980") from None
    if dob >= today:
        raise Invalid("Date of birth must be in the past")
    if dob > today - relativedelta(years=MINIMUM_AGE):
        raise Invalid(f"The participant must be aged {MINIMUM_AGE} or over")
    if dob < today - relativedelta(years=MAXIMUM_AGE):
        raise Invalid("Enter a real date of birth, like 31 3 1980")
    return dob


def clean_email(value: object, required: bool = False) -> str:
    """An email address in the right format, its domain lower-cased ("" when optional)."""
    text = str(value or "").strip()
    if not text:
        if required:
            raise Invalid("Enter an email address")
        return ""
    try:
        result = validate_email(text, check_deliverability=False)
    except EmailNotValidError:
        raise Invalid("Enter an email address in the correct format, like name@example.com") from None
    return result.normalized


def _letters_except(words: set[str], length: int, prefix: str = "") -> str:
    """``length`` lower-case letters spelling none of ``words`` (each that long), as a
    regular expression without look-ahead: at each letter, those that leave every word
    behind, then any letters; those that follow a word, then the rest of the way."""
    remaining = length - len(prefix)
    if remaining == 0:
        return ""
    following = sorted({w[len(prefix)] for w in words if w.startswith(prefix)})
    leaving = "".join(c for c in "abcdefghijklmnopqrstuvwxyz" if c not in following)
    tail = f"[a-z]{{{remaining - 1}}}" if remaining > 1 else ""
    parts = [f"[{leaving}]{tail}"] if leaving else []
    for c in following:
        rest = _letters_except(words, length, prefix + c)
        if rest or remaining > 1:
            parts.append(c + f"(?:{rest})" if rest else c)
    return "(?:" + "|".join(parts) + ")" if parts else "(?!)"


def _top_level_domain() -> str:
    """2 to 63 letters, but not a special-use name email-validator refuses (RFC 6761)."""

    special = {d for d in SPECIAL_USE_DOMAIN_NAMES if d.isalpha()}
    lengths = sorted({len(d) for d in special})
    parts = [_letters_except({d for d in special if len(d) == n}, n) for n in lengths]
    parts += [f"[a-z]{{{n}}}" for n in range(2, 11) if n not in lengths] + ["[a-z]{11,63}"]
    return "(?:" + "|".join(parts) + ")"


_ATEXT = "[A-Za-z0-9_!#$%&'*+/=?^`{|}~-]"
_LABEL = "[A-Za-z0-9]{1,20}(?:-[A-Za-z0-9]{1,20}){0,2}"  # no "--", at most 62 characters
# The API's narrower spelling of what clean_email takes: a dot-atom local part, up to
# four labels and a top-level domain (every address it matches, email-validator takes).
EMAIL_PATTERN = (
    f"^{_ATEXT}{{1,32}}(?:\\.{_ATEXT}{{1,31}})?@(?:{_LABEL}\\.){{1,4}}" + any_case(_top_level_domain().upper()) + "$"
)


_PHONE_STRIP = re.compile(r"[\s\-().]")
# The API's narrower spelling of what clean_phone takes: digits, single spaces, a
# leading 0 (not 00), +44 or 0044 before a number without its 0.
PHONE_PATTERN = r"^(?:0[1-9](?: ?[0-9]){8,9}|(?:\+44|0044) ?[1-9](?: ?[0-9]){8,9})$"


def clean_phone(value: object, required: bool = False) -> str:
    """A UK phone number: 10 or 11 digits starting 0, or +44 then the number without its 0.

    Stored as digits with a leading 0 (07700900123), so searching and comparing work.
    """
    text = _PHONE_STRIP.sub("", str(value or ""))
    if not text:
        if required:
            raise Invalid("Enter a phone number")
        return ""
    if text.startswith("+44"):
        text = "0" + text[3:].lstrip("0")
    elif text.startswith("0044"):
        text = "0" + text[4:].lstrip("0")
    if not re.fullmatch(r"0[0-9]{9,10}", text):
        raise Invalid("Enter a UK phone number, like 07700 900 982 or +44 7700 900 982")
    return text


ATW_REFERENCE_PATTERN = "^" + any_case(r"[A-Z0-9][A-Z0-9/-]{3,29}") + "$"


def clean_atw_reference(value: object) -> str:
    """An Access to Work reference: 4 to 30 letters, digits, hyphens or slashes, upper case."""
    ref = _compact(value)
    if not ref:
        raise Invalid("Enter the Access to Work reference")
    if not re.fullmatch(ATW_REFERENCE_PATTERN, ref):
        raise Invalid(
            "Enter the Access to Work reference as it appears on the referral: "
            "4 to 30 letters, numbers, hyphens or slashes"
        )
    return ref


def clean_text(value: object, label: str, max_length: int, required: bool = False) -> str:
    """Free text, trimmed; required when asked; never longer than ``max_length``."""
    text = str(value or "").strip()
    if required and not text:
        raise Invalid(f"Enter {label}")
    if len(text) > max_length:
        raise Invalid(f"{label[0].upper()}{label[1:]} must be {max_length} characters or fewer")
    return text


class Problems(ValueError):
    """Several fields could not be accepted: each ``Invalid`` names its field."""

    def __init__(self, problems: list[Invalid]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems


def clean_fields(raw: Mapping[str, Any], cleaners: Mapping[str, Callable[[Any], object]]) -> dict[str, Any]:
    """Apply ``cleaners`` (field → function of the raw value) to ``raw``; every field
    is checked, so all the problems are reported at once (GOV.UK error summary)."""
    cleaned: dict[str, Any] = {}
    problems: list[Invalid] = []
    for field, cleaner in cleaners.items():
        try:
            cleaned[field] = cleaner(raw.get(field))
        except Invalid as problem:
            problem.field = problem.field or field
            problems.append(problem)
    if problems:
        raise Problems(problems)
    return cleaned
