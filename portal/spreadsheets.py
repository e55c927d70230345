"""The one CSV writer and the one XLSX writer of the portal (DESIGN rule 11).

Every CSV or XLSX file the portal produces (access packages, portability exports,
contract reports, contact lists …) is written here, so that no text a participant,
a partner or a DWP system typed can reach a spreadsheet as a formula (OWASP's
"CSV injection"): a text cell starting with ``=``, ``+``, ``-``, ``@``, tab or carriage
return is prefixed with a single quote ``'``, which spreadsheets read as "this is text".
Numbers (``int``, ``float``, ``Decimal``, and ``bool``) stay numbers; ``None`` is an empty cell;
dates are written as ISO 8601 text.

Text that merely *looks* like a signed number, such as a phone number ``+44 7700 900123``
or a reference ``-12``, is prefixed too, as OWASP says: a spreadsheet would otherwise
evaluate it (``+44 7700 900123`` is a formula to Excel) and a partner could craft one that
is not harmless. The prefix keeps it readable (``'+44 7700 900123``) and loses nothing: the
text after the quote is exactly what was stored. ``restore`` undoes it for a reader of
the portal's own files.

In XLSX the same prefix is applied and every text cell is stored with the string type
(openpyxl would otherwise store a text starting with ``=`` as a formula, and ``#N/A`` and
its kin as errors). Characters XML cannot carry (C0 controls other than tab, newline and
carriage return) are dropped from XLSX text, since the file could not be written with them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
NUMBERS = (int, float, Decimal)

Row = Sequence[Any]


def neutralise(text: str) -> str:
    """The text as a spreadsheet must receive it: with a leading ``'`` when it starts
    like a formula (``= + - @``, tab, carriage return), unchanged otherwise."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def restore(text: str) -> str:
    """The text ``neutralise`` was given (for reading the portal's own files back)."""
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def cell(value: Any) -> Any:
    """One cell's value, safe for any spreadsheet: numbers as numbers, ``None`` as an
    empty cell, dates and times as ISO 8601 text, anything else as neutralised text."""
    if value is None:
        return ""
    if isinstance(value, NUMBERS):
        return value
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    return neutralise(str(value))


def csv_text(rows: Iterable[Row], header: Row | None = None) -> str:
    """The rows (after an optional header) as CSV text, every cell through ``cell``.
    Lines end in CRLF (RFC 4180); an empty row is a blank line."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    if header is not None:
        writer.writerow([cell(v) for v in header])
    for row in rows:
        writer.writerow([cell(v) for v in row])
    return out.getvalue()


def csv_bytes(rows: Iterable[Row], header: Row | None = None) -> bytes:
    """``csv_text`` encoded as UTF-8 (for files put in a ZIP)."""
    return csv_text(rows, header).encode("utf-8")


@dataclass
class Sheet:
    """One worksheet: its title, its rows, whether the first row is a bold header and
    how wide the first column is (in characters; ``None`` leaves Excel's default)."""

    title: str
    rows: list[Row] = field(default_factory=list)
    bold_header: bool = True
    first_column_width: float | None = None


def _xlsx_text(value: str) -> str:

    cleaned: str = ILLEGAL_CHARACTERS_RE.sub("", value)
    return cleaned


def xlsx_bytes(sheets: Sequence[Sheet], title: str = "", created: datetime | None = None) -> bytes:
    """The sheets as an XLSX workbook. Text is neutralised as in CSV and every text cell
    is stored as a string, never a formula; numbers stay numbers. ``created`` (aware or
    naive) is the workbook's created and modified time, so the same content makes the
    same file."""

    book = Workbook()
    for k, spec in enumerate(sheets):
        sheet = book.active if k == 0 else book.create_sheet()
        sheet.title = spec.title[:31]
        for r, row in enumerate(spec.rows, start=1):
            for c, value in enumerate(row, start=1):
                safe = cell(value)
                if safe == "":
                    continue
                target = sheet.cell(row=r, column=c)
                if isinstance(safe, str):
                    target.value = _xlsx_text(safe)
                    target.data_type = "s"
                else:
                    target.value = safe
                if r == 1 and spec.bold_header:
                    target.font = Font(bold=True)
        if spec.first_column_width:
            sheet.column_dimensions["A"].width = spec.first_column_width
    book.properties.creator = "AtW MHSS partner portal"
    book.properties.title = title
    if created is not None:
        naive = created.replace(tzinfo=None)
        book.properties.created = naive
        book.properties.modified = naive
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
