"""The API's description and its validation are one truth (issue 15, item 14).

Reported: ``month=0000-01`` matched the described pattern but answered 400, and empty
required strings matched the Referral schema but answered 422. Now the routes check
requests against the very schema they serve, and the schema is built from the
cleaners' own rules and is never looser than them: every value a field's schema allows,
its cleaner accepts (a property test per field), every month the parameter allows,
Month.parse takes, and the reverse.
"""

from datetime import UTC, date, datetime, timedelta

import jsonschema_rs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal import clock, participant_fields, validation
from portal.months import Month
from portal.referrals import referral_schema
from tests.api.conftest import REFERRAL, bearer, get_token


def _document(http):
    return http.get("/api/v1/openapi.json").get_json()


def _referral_schema(http):
    return _document(http)["components"]["schemas"]["Referral"]


def _month_schema(http):
    parameters = _document(http)["paths"]["/api/v1/reports"]["get"]["parameters"]
    return next(p["schema"] for p in parameters if p["name"] == "month")


@pytest.fixture
def reader(dwp_api, http):
    return bearer(get_token(http, dwp_api.client_id, dwp_api.secret))


# ------------------------------------------------------------- the reported cases


def test_month_0000_01_is_outside_the_described_pattern_and_answers_400(http, reader):
    assert not jsonschema_rs.is_valid(_month_schema(http), "0000-01")
    response = http.get("/api/v1/reports?month=0000-01", headers=reader)
    assert response.status_code == 400
    assert response.get_json()["errors"] == [{"field": "month", "message": "Give the month as YYYY-MM, like 2026-03"}]


@pytest.mark.parametrize(
    "value",
    [
        "0000-01",
        "1999-12",
        "2000-00",
        "2026-13",
        "3000-01",
        "2026-3",
        " 2026-03",
        "2026-03 ",
        "2026-03\n",
        "",
        "2000-01",
        "2026-03",
        "2999-12",
    ],
)
def test_the_month_parameter_and_month_parse_take_the_same_months(http, reader, value):
    described = jsonschema_rs.is_valid(_month_schema(http), value)
    response = http.get("/api/v1/reports", query_string={"month": value}, headers=reader)
    assert response.status_code == (200 if described else 400)
    if described:
        assert Month.parse(value) is not None


@pytest.mark.parametrize("field", referral_schema.REQUIRED)
@pytest.mark.parametrize("empty", ["", " ", "\u3000"])
def test_an_empty_required_string_is_outside_the_schema_and_answers_422_naming_it(app, http, dwp_api, field, empty):
    assert not jsonschema_rs.is_valid(_referral_schema(http), {**REFERRAL, field: empty})
    writer = bearer(get_token(http, dwp_api.client_id, dwp_api.secret))
    response = http.post("/api/v1/referrals", json={**REFERRAL, field: empty}, headers=writer)
    assert response.status_code == 422
    assert [e["field"] for e in response.get_json()["errors"]] == [field]


# ------------------------------------------------------------------- the class


def test_the_served_referral_schema_is_the_one_the_api_validates_with(http, app):
    with app.app_context():
        assert _referral_schema(http) == referral_schema.schema()


@pytest.mark.parametrize(
    "body",
    [
        REFERRAL,
        {**REFERRAL, "email": None},
        {**REFERRAL, "email": "", "phone": ""},
        {**REFERRAL, "nickname": "x"},
        {**REFERRAL, "postcode": "ls14ap"},
        {**REFERRAL, "postcode": "LS1  4AP"},
        {**REFERRAL, "ni_number": "ab 12 34 56 c"},
        {**REFERRAL, "ni_number": "BG123456C"},
        {**REFERRAL, "phone": "+44 7700 900123"},
        {**REFERRAL, "phone": "0044123456"},
        {**REFERRAL, "email": "sam@example.test"},
        {**REFERRAL, "email": "sam@example.Info"},
        {**REFERRAL, "town": "Lee\x00ds"},
        {**REFERRAL, "date_of_birth": "1985-3-27"},
        {**REFERRAL, "date_of_birth": "2023-02-29"},
        [REFERRAL],
        None,
    ],
)
def test_the_schema_and_the_validation_agree_on_each_body(app, http, body):
    served = _referral_schema(http)
    with app.app_context():
        assert jsonschema_rs.is_valid(served, body) == (not referral_schema.problems(body))
        if jsonschema_rs.is_valid(served, body):
            participant_fields.clean(body, referral_schema.FIELDS)  # the cleaners take it too


def _allowed_values(prop: dict):
    """Strings a field's schema allows: from its pattern, within its length."""
    values = st.from_regex(prop["pattern"], fullmatch=True).filter(lambda v: len(v) <= prop["maxLength"])
    if prop.get("format") == "date":
        values = values.filter(_is_date)
    return values


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("field", referral_schema.FIELDS)
def test_every_value_a_field_schema_allows_its_cleaner_accepts(app, field):
    """Schemathesis finds the cousins of the reported case by chance; this walks each
    field's pattern on purpose."""
    today = date(2026, 12, 7)
    prop = referral_schema.schema(today)["properties"][field]
    cleaner = participant_fields.cleaners(today)[field]

    @settings(
        max_examples=40,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow],
    )
    @given(_allowed_values(prop))
    def accepted(value):
        assert jsonschema_rs.is_valid(prop, value)
        try:
            cleaner(value)
        except validation.Invalid as refused:
            raise AssertionError(
                f"{field}={value!r}: the schema allows it, the cleaner says {refused.message!r}"
            ) from refused

    with app.app_context():
        accepted()


@pytest.mark.parametrize("today", [date(2026, 12, 7), date(2024, 2, 29), date(2025, 12, 31)])
def test_the_date_of_birth_pattern_is_exactly_the_age_window(today):
    earliest, latest = referral_schema.date_of_birth_window(today)
    prop = jsonschema_rs.Draft202012Validator(
        referral_schema.schema(today)["properties"]["date_of_birth"], validate_formats=True
    )
    edges = [earliest + timedelta(days=n) for n in range(-60, 61)] + [
        latest + timedelta(days=n) for n in range(-60, 61)
    ]
    across = [earliest + timedelta(days=n) for n in range(0, (latest - earliest).days, 13)]
    wrong = []
    for day in edges + across:
        try:
            validation.clean_date_of_birth(day.isoformat(), today)
            cleaned = True
        except validation.Invalid:
            cleaned = False
        if prop.is_valid(day.isoformat()) != cleaned:
            wrong.append(day.isoformat())
    assert not wrong
    assert prop.is_valid(f"{earliest.year + 3}-06-15")
    assert not prop.is_valid(f"{earliest.year + 3}-02-30")


def test_the_served_age_window_is_the_service_day_s(http):
    """The window moves with the day the cleaners judge by (clock.today)."""
    for day in (date(2026, 12, 7), date(2026, 12, 8)):
        clock.freeze(datetime(day.year, day.month, day.day, 12, tzinfo=UTC))
        served = _referral_schema(http)["properties"]["date_of_birth"]["pattern"]
        assert served == referral_schema.schema(day)["properties"]["date_of_birth"]["pattern"]
