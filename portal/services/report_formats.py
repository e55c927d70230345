"""A published contract report as CSV and XLSX (JSON is the published document itself,
whose SHA-256 is the report's).

The CSV has three blocks separated by a blank line: what the report is, the figures
(one row per figure, one column per delivering organisation and the total) and the
progress return (one row per participant), then the count withheld. The XLSX holds the
same in three sheets. Text cells that a spreadsheet would read as a formula are
prefixed with an apostrophe.
"""
import csv
import io

from portal.services import contract_reports, report_figures

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return "" if value is None else value


def about_rows(document: dict, sha256: str) -> list[list]:
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


def figure_table(document: dict) -> list[list]:
    header = ["Figure", *(o["name"] for o in document["organisations"]), "Total"]
    return [header] + [[row["label"], *row["values"]] for row in report_figures.figure_rows(document)]


def return_table(document: dict) -> list[list]:
    names = {o["slug"]: o["name"] for o in document["organisations"]}
    block = document["progress_return"]
    header = [contract_reports.RETURN_LABELS[f] for f in block["fields"]]
    rows = [header]
    for r in block["rows"]:
        rows.append([
            r["atw_reference"], r["ni_number"], names.get(r["organisation"], r["organisation"]), r["referral_date"],
            r["start_date"] or "", "; ".join(contract_reports.milestone_text(m) for m in r["milestones_in_month"]),
            contract_reports.outcome_text(r["outcome"]), r["outcome_date"] or "",
        ])
    return rows


def withheld_rows(document: dict) -> list[list]:
    names = {o["slug"]: o["name"] for o in document["organisations"]}
    withheld = document["progress_return"]["withheld"]
    rows = [["Participants withheld (processing restricted)", withheld["total"]]]
    rows += [[f"Withheld: {names.get(slug, slug)}", n] for slug, n in withheld["by_organisation"].items()]
    return rows


def to_csv(document: dict, sha256: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for block in (about_rows(document, sha256), figure_table(document), return_table(document),
                  withheld_rows(document)):
        writer.writerows([[_safe(v) for v in row] for row in block])
        writer.writerow([])
    return out.getvalue()


def to_xlsx(document: dict, sha256: str, published_at) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheets = (("About", about_rows(document, sha256)), ("Figures", figure_table(document)),
              ("Progress return", return_table(document) + [[]] + withheld_rows(document)))
    for k, (title, rows) in enumerate(sheets):
        sheet = book.active if k == 0 else book.create_sheet()
        sheet.title = title
        for row in rows:
            sheet.append([_safe(v) for v in row])
        if title != "About":
            for cell in sheet[1]:
                cell.font = Font(bold=True)
        sheet.column_dimensions["A"].width = 48
    book.properties.creator = "AtW MHSS partner portal"
    book.properties.title = f"{document['title']}: {document['month']} version {document['version']}"
    naive = published_at.replace(tzinfo=None)
    book.properties.created = naive
    book.properties.modified = naive
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
