"""The one CSV writer and the one XLSX writer (portal.spreadsheets): formula-looking
text is neutralised, numbers stay numbers, XLSX text is never a formula."""

import csv
import io
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from portal import spreadsheets

PAYLOADS = [
    "=cmd|' /C calc'!A0",
    "+1",
    "-1",
    "@SUM(A1)",
    '=HYPERLINK("http://x","y")',
    "\t=1",
    "\r=1",
    "+44 7700 900123",
]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_formula_text_gets_a_quote_and_comes_back(payload):
    assert spreadsheets.neutralise(payload) == "'" + payload
    assert spreadsheets.restore(spreadsheets.neutralise(payload)) == payload


@pytest.mark.parametrize("text", ["Jane", "O'Brien", "'quoted already", "1 Test Street", "", "a=b", "x-1"])
def test_plain_text_is_left_alone(text):
    assert spreadsheets.neutralise(text) == text
    assert spreadsheets.restore(text) == text


def test_cells_keep_numbers_and_write_dates_as_iso_text():
    assert spreadsheets.cell(-3) == -3
    assert spreadsheets.cell(-1.5) == -1.5
    assert spreadsheets.cell(Decimal("-2.50")) == Decimal("-2.50")
    assert spreadsheets.cell(None) == ""
    assert spreadsheets.cell(date(2026, 1, 2)) == "2026-01-02"
    assert spreadsheets.cell(datetime(2026, 1, 2, 3, 4, tzinfo=UTC)) == "2026-01-02T03:04:00+00:00"


def test_csv_neutralises_every_payload_and_round_trips():
    text = spreadsheets.csv_text([[p, 7, -2] for p in PAYLOADS], header=["value", "n", "m"])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["value", "n", "m"]
    for payload, row in zip(PAYLOADS, rows[1:], strict=False):
        assert row == ["'" + payload, "7", "-2"]
        assert spreadsheets.restore(row[0]) == payload
    assert text.endswith("\r\n")


def test_xlsx_has_no_formula_and_keeps_numbers():
    content = spreadsheets.xlsx_bytes(
        [
            spreadsheets.Sheet(
                "Values", [["value", "number"]] + [[p, -4] for p in PAYLOADS] + [["#N/A", Decimal("1.5")]]
            ),
            spreadsheets.Sheet("Second", [["=1+1"]], bold_header=False, first_column_width=30),
        ],
        title="Test",
        created=datetime(2026, 1, 2, tzinfo=UTC),
    )
    book = load_workbook(io.BytesIO(content))
    values = book["Values"]
    assert values["A1"].font.bold and not book["Second"]["A1"].font.bold
    for k, payload in enumerate(PAYLOADS, start=2):
        assert values.cell(row=k, column=1).data_type == "s"
        # XML reads a carriage return back as a newline; the quote is what matters.
        assert values.cell(row=k, column=1).value == ("'" + payload).replace("\r", "\n")
        assert values.cell(row=k, column=2).data_type == "n"
        assert values.cell(row=k, column=2).value == -4
    assert values.cell(row=len(PAYLOADS) + 2, column=1).data_type == "s"
    assert values.cell(row=len(PAYLOADS) + 2, column=2).value == 1.5
    assert book["Second"]["A1"].value == "'=1+1" and book["Second"]["A1"].data_type == "s"
    assert book.properties.title == "Test"


def test_xlsx_drops_characters_xml_cannot_carry():
    content = spreadsheets.xlsx_bytes([spreadsheets.Sheet("S", [["a\x00b\x01c"]])])
    assert load_workbook(io.BytesIO(content))["S"]["A1"].value == "abc"
