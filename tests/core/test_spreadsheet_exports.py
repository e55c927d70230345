"""Meta-test (issue 15, item 7): formula payloads go in through every importer and form,
then EVERY CSV and XLSX the portal can produce is opened and no cell is a raw formula.

``EXPORTS`` is the one list of what the portal writes as a spreadsheet; each names the
function that calls the one writer (``portal.spreadsheets``). A guard reads the source:
a new call of the writer, or a CSV or XLSX written any other way (``csv.writer``,
``DictWriter``, ``openpyxl``), fails until its export is added here. The portal has no
statistics, audit or upload-result downloads (those are pages), so they are not here;
when one is added, it joins this list.
"""

import ast
import csv
import io
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace

import pytest
from flask import url_for
from openpyxl import load_workbook
from sqlalchemy import select

from portal import clock, private_files, spreadsheets
from portal.api import api_clients
from portal.extensions import db
from portal.models import Organisation, Participant
from portal.models.rights import RightsRequest, RightsRequestRight
from portal.months import Month
from portal.reporting import contract_reports, report_drafts, report_publication
from portal.rights import access_packages, portability
from tests.api.conftest import bearer, get_token
from tests.reporting.conftest import post, svc  # noqa: F401 - shared fixtures

ROOT = Path(__file__).resolve().parents[2]
PAYLOADS = ["=cmd|' /C calc'!A0", "+1", "-1", "@SUM(A1)", '=HYPERLINK("http://x","y")', "\t=1", "\r=1"]
# What a payload may look like once stored: the importers trim surrounding white space.
STORED = {p.strip() for p in PAYLOADS} | set(PAYLOADS)
WRITER_CALLS = {"csv_text", "csv_bytes", "xlsx_bytes"}


@dataclass
class Export:
    name: str
    producers: tuple[str, ...]  # "module:function" calling portal.spreadsheets
    files: Callable  # (world, http) -> {file name: bytes}


def _zip_members(content: bytes, suffixes=(".csv", ".xlsx")) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return {n: archive.read(n) for n in archive.namelist() if n.endswith(suffixes)}


def _requests(w, participants) -> list[RightsRequest]:
    """One proved-identity request per participant (as the DPO would have linked it),
    asking for access and portability."""
    made = []
    for participant in participants:
        request = RightsRequest(
            org_id=participant.org_id,
            participant_id=participant.id,
            requester_name=f"{participant.first_name} {participant.last_name}",
            requester_contact="person@example.org",
            what_requested="A copy of my records",
            received_on=clock.today(),
            channel="email",
            logged_at=clock.now(),
            status="open",
            identity_status="proved",
            identity_received_on=clock.today(),
            identity_method="Passport seen",
            rights=[RightsRequestRight(right="access"), RightsRequestRight(right="portability")],
        )
        db.session.add(request)
        made.append(request)
    db.session.commit()
    return made


def access_package_files(w, http) -> dict[str, bytes]:
    files = {}
    for request in w.requests:
        package = access_packages.start_package(request, w.dpo.id)
        db.session.refresh(package)
        assert package.status == "ready"
        for name, content in _zip_members(private_files.read(package.draft_key)).items():
            files[f"access-{request.id}/{name}"] = content
    return files


def portability_files(w, http) -> dict[str, bytes]:
    files = {}
    for request in w.requests:
        export = portability.create_portability_export(request, w.dpo.id)
        for name, content in _zip_members(private_files.read(export.file_key)).items():
            files[f"portability-{request.id}/{name}"] = content
    return files


def _report(w):
    if getattr(w, "report", None) is None:
        month = Month.of(w.fed_on)
        report_drafts.store_draft(month, contract_reports.build_content(month), w.cm.id)
        db.session.commit()
        w.report = report_publication.publish(month, report_drafts.draft_of(month).content_sha256, w.cm.id)
    return w.report


def _get(client, url) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.get_data()


def report_csv_files(w, http) -> dict[str, bytes]:
    report = _report(w)
    token = get_token(http, w.api.client_id, w.api.secret, "reports:read")
    api = http.get(f"/api/v1/reports/{report.id}.csv", headers=bearer(token))
    assert api.status_code == 200
    return {"dwp.csv": _get(w.login(w.dwp), f"/dwp/reports/{report.id}.csv"), "api.csv": api.get_data()}


def report_xlsx_files(w, http) -> dict[str, bytes]:
    report = _report(w)
    return {"dwp.xlsx": _get(w.login(w.dwp), f"/dwp/reports/{report.id}.xlsx")}


def research_contact_files(w, http) -> dict[str, bytes]:
    files = {}
    for org in (w.lead, w.h2e):
        response = post(w.login(w.team_managers[org.id]), f"/{org.slug}/team/research-contacts.csv")
        assert response.status_code == 200
        files[f"research-contacts-{org.slug}.csv"] = response.get_data()
    return files


EXPORTS = [
    Export("access package (every section's CSV)", ("portal.rights.access_packages:_csv",), access_package_files),
    Export(
        "portability export (details.csv, consents.csv)",
        ("portal.rights.portability:portability_zip",),
        portability_files,
    ),
    Export("contract report CSV (DWP page and API)", ("portal.reporting.report_formats:to_csv",), report_csv_files),
    Export("contract report XLSX", ("portal.reporting.report_formats:to_xlsx",), report_xlsx_files),
    Export(
        "research and focus-group contacts CSV",
        ("portal.casework.research_contacts:export_csv",),
        research_contact_files,
    ),
]


# ----------------------------------------------------------------- the guard


def _source_files() -> list[tuple[str, str]]:
    """(module, source) of every module of the portal."""
    found = []
    for folder in ("portal", "blueprints"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            found.append((".".join(path.relative_to(ROOT).with_suffix("").parts), path.read_text()))
    return found


def writer_callers(sources) -> set[str]:
    """Every function (``module:function``) in ``sources`` that calls the one writer."""
    callers = set()
    for module, source in sources:
        for func in ast.walk(ast.parse(source)):
            if not isinstance(func, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            for node in ast.walk(func):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr in WRITER_CALLS
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id == "spreadsheets"
                ):
                    callers.add(f"{module}:{func.name}")
    return callers


def test_every_spreadsheet_the_portal_writes_is_in_the_list():
    named = {p for export in EXPORTS for p in export.producers}
    assert writer_callers(_source_files()) == named, "a new CSV or XLSX export: add it to EXPORTS"


def test_the_guard_finds_a_new_caller():
    probe = "from portal import spreadsheets\n\ndef export(rows):\n    return spreadsheets.xlsx_bytes(rows)\n"
    assert writer_callers([("portal.reporting.probe", probe)]) == {"portal.reporting.probe:export"}


def test_no_spreadsheet_is_written_but_by_the_one_writer():
    for module, source in _source_files():
        if module == "portal.spreadsheets":
            continue
        for forbidden in ("csv.writer", "DictWriter", "openpyxl", "xlsxwriter"):
            assert forbidden not in source, f"{module} writes with {forbidden}: use portal.spreadsheets"


# ----------------------------------------------------------------- feeding the payloads


def _csv_upload() -> bytes:
    header = [
        "atw_reference",
        "first_name",
        "last_name",
        "date_of_birth",
        "ni_number",
        "email",
        "phone",
        "address_line_1",
        "address_line_2",
        "town",
        "postcode",
        "occupation",
        "employer",
        "health_information",
    ]
    rows = []
    for k, payload in enumerate(PAYLOADS):
        # Every field that takes text, and a row with the payload in free text only, so
        # that a stricter name rule cannot keep the payload out of the portal.
        rows.append(
            [
                f"ATW-FX-{k:04d}",
                payload,
                payload,
                "12/05/1980",
                f"JT{k:06d}A",
                f"fx{k}@example.com",
                "",
                payload,
                payload,
                payload,
                "LS1 4AP",
                payload,
                payload,
                payload,
            ]
        )
        rows.append(
            [
                f"ATW-FY-{k:04d}",
                "Alex",
                f"Rowe{k}",
                "12/05/1980",
                f"JT{k + 100:06d}B",
                f"fy{k}@example.com",
                "",
                "1 Road",
                payload,
                "Leeds",
                "LS2 7EY",
                payload,
                payload,
                payload,
            ]
        )
    out = io.StringIO()
    csv.writer(out).writerows([header] + rows)
    return out.getvalue().encode()


def _feed(w, app, http):
    tm = w.login(w.tm)
    response = post(tm, f"/{w.h2e.slug}/referrals/upload", data={"file": (io.BytesIO(_csv_upload()), "referrals.csv")})
    assert response.status_code in (302, 303), response.status_code
    # The API: DWP's systems send a referral.
    token = get_token(http, w.api.client_id, w.api.secret, "referrals:write")
    for k, payload in enumerate(PAYLOADS):
        response = http.post(
            "/api/v1/referrals",
            headers=bearer(token),
            json={
                "atw_reference": f"ATW-FZ-{k:04d}",
                "first_name": "Sam",
                "last_name": f"Api{k}",
                "date_of_birth": "1985-03-27",
                "ni_number": f"JT{k + 200:06d}C",
                "email": f"fz{k}@example.com",
                "phone": "",
                "address_line_1": payload,
                "address_line_2": payload,
                "town": "Leeds",
                "postcode": "ls1 4ap",
                "occupation": payload,
                "employer": payload,
                "health_information": payload,
            },
        )
        assert response.status_code < 500
    # Referrals land where the contract areas say (here, the lead partner's queue).
    participants = db.session.scalars(select(Participant).order_by(Participant.id)).all()
    assert participants, "no referral was taken in"
    # The forms, as a team manager of each participant's organisation: a case note, the
    # contact details, a consent's words; and a rights request logged by anyone.
    with app.test_request_context():
        for k, participant in enumerate(participants[: 2 * len(PAYLOADS)]):
            payload = PAYLOADS[k % len(PAYLOADS)]
            pid = participant.id
            tm = w.login(w.team_managers[participant.org_id])
            org = db.session.get(Organisation, participant.org_id).slug
            _posted(
                post(
                    tm,
                    url_for("participants.new_note", org=org, participant_id=pid),
                    data={"contact_date": _today(), "note_type": "phone", "text": payload},
                ),
                payload,
            )
            _posted(
                post(
                    tm,
                    url_for("participants.edit", org=org, participant_id=pid, section="contact"),
                    data={
                        "email": f"edit{k}@example.com",
                        "phone": "",
                        "address_line_1": payload,
                        "address_line_2": payload,
                        "town": "Leeds",
                        "postcode": "LS2 9JT",
                    },
                ),
                payload,
            )
            local = clock.local(clock.now())
            _posted(
                post(
                    tm,
                    url_for("consent.record_decision", org=org, participant_id=pid),
                    data={
                        "purpose": "research_contact",
                        "decision": "given",
                        "method": "verbal",
                        "words": payload,
                        "notice_id": str(w.notice.id),
                        "decided_on": [str(local.day), str(local.month), str(local.year)],
                        "decided_time": local.strftime("%H:%M"),
                    },
                ),
                payload,
            )
        _posted(
            post(
                tm,
                url_for("rights_intake.new"),
                data={
                    "requester_name": PAYLOADS[0],
                    "requester_contact": PAYLOADS[3],
                    "rights": ["access"],
                    "what_requested": PAYLOADS[4],
                    "received_on": _today(),
                    "channel": "phone",
                },
            ),
            PAYLOADS[0],
        )
    db.session.expire_all()
    return participants


def _posted(response, payload):
    """A form took the payload (a redirect), or refused it with a field error (a tab or
    a carriage return is a control character, refused at the boundary where a field
    is not free text)."""
    if "\r" in payload or "\t" in payload:
        assert response.status_code in (200, 302, 303, 422), response.status_code
    else:
        page = response.get_data(as_text=True)
        errors = [
            re.sub(r"<[^>]+>|\s+", " ", e).strip() for e in re.findall(r'govuk-error-message">(.*?)</p>', page, re.S)
        ]
        assert response.status_code in (302, 303), (response.status_code, response.request.path, payload, errors)


def _today():
    day = clock.today()
    return [str(day.day), str(day.month), str(day.year)]


def _holds_payload(participant: Participant) -> bool:
    values = [
        participant.first_name,
        participant.last_name,
        participant.address_line_1,
        participant.address_line_2,
        participant.occupation,
        participant.employer,
        participant.town,
    ]
    return any(v in STORED for v in values if v)


@pytest.fixture
def world(svc, login, make, app, http):  # noqa: F811
    clock.freeze(datetime(2026, 3, 10, 10, 0, tzinfo=UTC))
    # A lead admin names organisations: a formula as a delivery partner's name reaches
    # the contract report's columns.
    svc.h2e.name = PAYLOADS[4]
    db.session.commit()
    svc.login = login
    svc.team_managers = {svc.h2e.id: svc.tm, svc.lead.id: make.user(svc.lead, ["team_manager"])}
    svc.notice = make.privacy_notice(published_on=date(2025, 1, 6))
    make.consent_purposes()  # seeded by the migration; earlier tests' clean-up empties the table
    issued = api_clients.register(svc.dwp_org.id, "DWP systems", ["reports:read", "referrals:write"], svc.lead_admin.id)
    svc.api = SimpleNamespace(client_id=issued.client.client_id, secret=issued.secret)
    svc.fed_on = clock.today()
    participants = _feed(svc, app, http)
    svc.fed = [p for p in participants if _holds_payload(p)]
    assert svc.fed, "no payload got into the portal: the meta-test would prove nothing"
    svc.requests = _requests(svc, svc.fed[: len(PAYLOADS)])
    # The month has ended: its report can be built and published.
    clock.freeze(datetime(2026, 4, 2, 9, 0, tzinfo=UTC))
    return svc


@pytest.fixture
def http(app):
    return app.test_client()


def _cells(name: str, content: bytes):
    """(where, data type, value) of every cell of a CSV or XLSX file."""
    if name.endswith(".csv"):
        for r, row in enumerate(csv.reader(io.StringIO(content.decode("utf-8-sig")))):
            for c, value in enumerate(row):
                yield f"{name}:{r + 1}:{c + 1}", "s", value
    else:
        book = load_workbook(io.BytesIO(content))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.value is not None:
                        yield f"{name}:{sheet.title}!{cell.coordinate}", cell.data_type, cell.value


def _check(export: Export, files: dict[str, bytes]) -> list[str]:
    """What is wrong with one export's files: raw formula cells, or no payload at all."""
    if not files:
        return [f"{export.name}: produced no file"]
    raw, neutralised = [], 0
    for name, content in files.items():
        for where, data_type, value in _cells(name, content):
            if data_type == "f":
                raw.append((where, value))
            elif isinstance(value, str):
                # Strict: no cell of ours starts like a formula, not even a negative number.
                if value.startswith(spreadsheets.FORMULA_STARTS):
                    raw.append((where, value))
                elif value.startswith("'") and value[1:2] in ("=", "+", "-", "@", "\t", "\r", "\n"):
                    neutralised += 1  # ("\r" reads back from XLSX as "\n")
    problems = [f"{export.name}: raw formula cells {raw[:10]}"] if raw else []
    if not neutralised:
        problems.append(f"{export.name}: no payload reached it, so it proves nothing")
    return problems


def test_no_export_holds_a_raw_formula(world, http):
    """One world fed once, then every export of the list opened (one test: the world
    costs more than all the exports together)."""
    problems = []
    for export in EXPORTS:
        problems += _check(export, export.files(world, http))
    assert problems == []
