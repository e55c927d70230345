"""Validation of referral data: NI number, postcode, dates, email, phone, AtW reference."""

from datetime import date

import pytest

from portal import validation as v


@pytest.mark.parametrize(
    "raw, stored",
    [
        ("AB123456C", "AB123456C"),
        ("ab 12 34 56 c", "AB123456C"),
        (" jt123456a ", "JT123456A"),
        ("ZA123456D", "ZA123456D"),  # Z first is fine; only ZZ is refused
        ("AZ123456B", "AZ123456B"),
        ("CE 00 00 00 A", "CE000000A"),
    ],
)
def test_ni_number_accepted_and_normalised(raw, stored):
    assert v.clean_ni_number(raw) == stored


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "   ",
        "AB12345C",
        "AB1234567C",
        "AB123456",
        "AB123456E",
        "AB123456 5",
        "DA123456A",
        "FA123456A",
        "IA123456A",
        "QA123456A",
        "UA123456A",
        "VA123456A",  # first letter
        "AD123456A",
        "AF123456A",
        "AI123456A",
        "AQ123456A",
        "AU123456A",
        "AV123456A",  # second letter
        "AO123456A",  # O second
        "BG123456A",
        "GB123456A",
        "KN123456A",
        "NK123456A",
        "NT123456A",
        "TN123456A",
        "ZZ123456A",
        "1B123456A",
        "A1123456A",
        "QQ123456C",
    ],
)
def test_ni_number_refused(raw):
    with pytest.raises(v.Invalid) as refused:
        v.clean_ni_number(raw)
    assert "National Insurance number" in refused.value.message


@pytest.mark.parametrize(
    "raw, stored",
    [
        ("LS1 4AP", "LS1 4AP"),
        ("ls14ap", "LS1 4AP"),
        ("M1 1AE", "M1 1AE"),
        ("EC1A 1BB", "EC1A 1BB"),
        ("W1A 0AX", "W1A 0AX"),
        ("B33 8TH", "B33 8TH"),
        ("CR2 6XH", "CR2 6XH"),
        ("DN55 1PT", "DN55 1PT"),
        ("sw1a 2aa", "SW1A 2AA"),
        (" e1w  1aw ", "E1W 1AW"),
    ],
)
def test_postcode_accepted_and_normalised(raw, stored):
    assert v.clean_postcode(raw) == stored


@pytest.mark.parametrize("raw", ["", "LS1", "12345", "LS1 4A", "QS1 4AP", "LS1 4CP", "L S1 4AP X", "AAA1 1AA"])
def test_postcode_refused(raw):
    with pytest.raises(v.Invalid):
        v.clean_postcode(raw)


TODAY = date(2026, 11, 22)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("1985-03-27", date(1985, 3, 27)),
        ("27/03/1985", date(1985, 3, 27)),
        ("27 3 1985", date(1985, 3, 27)),
        (date(1990, 1, 1), date(1990, 1, 1)),
        ("2010-11-22", date(2010, 11, 22)),  # 16 today
    ],
)
def test_date_of_birth_accepted(raw, expected):
    assert v.clean_date_of_birth(raw, TODAY) == expected


@pytest.mark.parametrize(
    "raw, message",
    [
        ("", "Enter the date of birth"),
        ("31/02/1985", "real date of birth"),
        ("not a date", "real date of birth"),
        ("2026-11-22", "in the past"),
        ("2027-01-01", "in the past"),
        ("2010-11-23", "16 or over"),  # 16 tomorrow
        ("1890-01-01", "real date of birth"),
    ],
)
def test_date_of_birth_refused(raw, message):
    with pytest.raises(v.Invalid) as refused:
        v.clean_date_of_birth(raw, TODAY)
    assert message in refused.value.message


def test_email():
    assert v.clean_email("Sam.Lee@Example.COM") == "Sam.Lee@example.com"
    assert v.clean_email("") == ""
    for bad in ("sam", "sam@", "@example.com", "sam@example", "sam@@example.com", "sam@example.test"):
        with pytest.raises(v.Invalid):
            v.clean_email(bad)
    with pytest.raises(v.Invalid):
        v.clean_email("", required=True)


@pytest.mark.parametrize(
    "raw, stored",
    [
        ("07700 900 982", "07700900982"),
        ("+44 7700 900982", "07700900982"),
        ("0044 (0)7700 900982", "07700900982"),
        ("0113 496 0000", "01134960000"),
        ("020-7946-0000", "02079460000"),
        ("", ""),
    ],
)
def test_phone_accepted(raw, stored):
    assert v.clean_phone(raw) == stored


@pytest.mark.parametrize("raw", ["12345", "07700 900", "7700900982", "+1 202 555 0100", "0770090098212", "phone"])
def test_phone_refused(raw):
    with pytest.raises(v.Invalid):
        v.clean_phone(raw)


def test_atw_reference():
    assert v.clean_atw_reference(" atw-2026/001 ") == "ATW-2026/001"
    for bad in ("", "AB", "ATW 2026 001!", "-ATW1", "A" * 31):
        with pytest.raises(v.Invalid):
            v.clean_atw_reference(bad)


def test_clean_fields_reports_every_problem():
    with pytest.raises(v.Problems) as refused:
        v.clean_fields({"ni": "bad", "postcode": "bad"}, {"ni": v.clean_ni_number, "postcode": v.clean_postcode})
    assert [p.field for p in refused.value.problems] == ["ni", "postcode"]
