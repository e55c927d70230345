"""A published contract report as CSV and XLSX (JSON is the published document itself,
whose SHA-256 is the report's).

The CSV has three blocks separated by a blank line: what the report is, the figures
(one row per figure, one column per delivering organisation and the total) and the
progress return (one row per participant), then the count withheld. The XLSX holds the
same in three sheets. Both are written by the portal's one spreadsheet writer
(``portal.spreadsheets``), which keeps text from being read as a formula.
"""

from datetime import datetime
from typing import Any

from portal import spreadsheets
from portal.reporting import contract_reports, report_figures


def about_rows(document: dict[str, Any], sha256: str) -> list[spreadsheets.Row]:
    return [
        ["Report", document["title"]],
        ["Month", document["month"]],
        ["Period", f"{document['period']['from']} to {document['period']['to']} ({document['period']['timezone']})"],
        ["Version", document["version"]],
        ["Published", document["published_at"]],
        ["Supersedes version", document.get("supersedes_version") or ""],
        ["Correction", document.get("correction_reason") or ""],
        ["First contact target (working days)", document["first_contact_target_working_days"]],
        ["SHA-256 of the JSON document", sha256],
    ]


def figure_table(document: dict[str, Any]) -> list[spreadsheets.Row]:
    header = ["Figure", *(o["name"] for o in document["organisations"]), "Total"]
    return [header] + [[row["label"], *row["values"]] for row in report_figures.figure_rows(document)]


def return_table(document: dict[str, Any]) -> list[spreadsheets.Row]:
    names = {o["slug"]: o["name"] for o in document["organisations"]}
    block = document["progress_return"]
    header = [contract_reports.RETURN_LABELS[f] for f in block["fields"]]
    rows: list[spreadsheets.Row] = [header]
    for r in block["rows"]:
        rows.append(
            [
                r["atw_reference"],
                r["ni_number"],
                names.get(r["organisation"], r["organisation"]),
                r["referral_date"],
                r["start_date"] or "",
                "; ".join(contract_reports.milestone_text(m) for m in r["milestones_in_month"]),
                contract_reports.outcome_text(r["outcome"]),
                r["outcome_date"] or "",
            ]
        )
    return rows


def withheld_rows(document: dict[str, Any]) -> list[spreadsheets.Row]:
    names = {o["slug"]: o["name"] for o in document["organisations"]}
    withheld = document["progress_return"]["withheld"]
    rows: list[spreadsheets.Row] = [["Participants withheld (processing restricted)", withheld["total"]]]
    rows += [[f"Withheld: {names.get(slug, slug)}", n] for slug, n in withheld["by_organisation"].items()]
    return rows


def to_csv(document: dict[str, Any], sha256: str) -> str:
    rows: list[spreadsheets.Row] = []
    for block in (
        about_rows(document, sha256),
        figure_table(document),
        return_table(document),
        withheld_rows(document),
    ):
        rows += block + [[]]
    return spreadsheets.csv_text(rows)


def to_xlsx(document: dict[str, Any], sha256: str, published_at: datetime) -> bytes:
    sheets = [
        spreadsheets.Sheet("About", about_rows(document, sha256), bold_header=False, first_column_width=48),
        spreadsheets.Sheet("Figures", figure_table(document), first_column_width=48),
        spreadsheets.Sheet(
            "Progress return", return_table(document) + [[]] + withheld_rows(document), first_column_width=48
        ),
    ]
    return spreadsheets.xlsx_bytes(
        sheets, title=f"{document['title']}: {document['month']} version {document['version']}", created=published_at
    )
