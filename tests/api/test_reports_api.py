"""Published reports through the API: list (by month), one version as JSON or CSV;
drafts never appear; each response audited with the participants it carries."""

import hashlib
import json
from datetime import date

from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.models import AuditEvent, Participant
from portal.months import Month
from portal.reporting import contract_reports, report_drafts, report_publication
from tests.api.conftest import bearer, get_token
from tests.reporting import dataset
from tests.reporting.dataset import utc

MARCH = Month(2026, 3)


def _publish(svc, month=MARCH, reason=""):
    report_drafts.store_draft(month, contract_reports.build_content(month), svc.cm.id)
    db.session.commit()
    return report_publication.publish(month, report_drafts.draft_of(month).content_sha256, svc.cm.id, reason)


def test_reports_list_versions_and_filters_by_month(http, svc, dwp_api):
    clock.freeze(utc(2026, 4, 3))
    people = dataset.build(svc)
    february = _publish(svc, Month(2026, 2))
    first = _publish(svc)
    dataset.milestone(db.session.get(Participant, people["P1"].id), "moved_to_suitable_work", date(2026, 3, 29))
    db.session.commit()
    second = _publish(svc, reason="Late milestone")
    report_drafts.store_draft(Month(2026, 1), contract_reports.build_content(Month(2026, 1)), svc.cm.id)
    db.session.commit()  # a draft for January: never listed
    token = get_token(http, dwp_api.client_id, dwp_api.secret, "reports:read")
    listing = http.get("/api/v1/reports", headers=bearer(token)).get_json()["reports"]
    assert [(r["month"], r["version"], r["current"]) for r in listing] == [
        ("2026-03", 2, True),
        ("2026-03", 1, False),
        ("2026-02", 1, True),
    ]
    assert listing[1]["superseded_by_id"] == second.id and listing[0]["supersedes_id"] == first.id
    assert listing[0]["links"] == {"self": f"/api/v1/reports/{second.id}", "csv": f"/api/v1/reports/{second.id}.csv"}
    march = http.get("/api/v1/reports?month=2026-03", headers=bearer(token)).get_json()["reports"]
    assert [r["id"] for r in march] == [second.id, first.id]
    assert march[1]["superseded_by_id"] == second.id
    assert http.get("/api/v1/reports?month=2026-01", headers=bearer(token)).get_json() == {"reports": []}
    bad = http.get("/api/v1/reports?month=March", headers=bearer(token))
    assert bad.status_code == 400 and bad.get_json()["error"] == "invalid_month"
    assert [e["field"] for e in bad.get_json()["errors"]] == ["month"]
    assert february.id in {r["id"] for r in listing}


def test_one_report_as_json_and_csv(http, svc, dwp_api):
    clock.freeze(utc(2026, 4, 3))
    dataset.build(svc)
    report = _publish(svc)
    token = get_token(http, dwp_api.client_id, dwp_api.secret, "reports:read")
    body = http.get(f"/api/v1/reports/{report.id}", headers=bearer(token)).get_json()
    assert body["sha256"] == report.sha256 and body["current"] is True and body["version"] == 1
    assert body["document"] == json.loads(report.document)
    canonical = contract_reports.canonical_json(body["document"])
    assert hashlib.sha256(canonical.encode()).hexdigest() == report.sha256  # DWP can check the hash
    csv = http.get(f"/api/v1/reports/{report.id}.csv", headers=bearer(token))
    assert csv.status_code == 200 and csv.mimetype == "text/csv" and csv.headers["X-Report-SHA256"] == report.sha256
    assert "ATW-P1,AB000001A" in csv.get_data(as_text=True)
    assert http.get(f"/api/v1/reports/{report.id + 1}", headers=bearer(token)).status_code == 404
    assert http.get(f"/api/v1/reports/{report.id + 1}.csv", headers=bearer(token)).status_code == 404
    reads = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "contract_report.downloaded").order_by(AuditEvent.seq)
    ).all()
    assert [e.detail["how"] for e in reads] == ["api.json", "api.csv"]
    assert all(
        e.detail["api_client_id"] == dwp_api.client_id and e.detail["participant_ids"] == report.participant_ids
        for e in reads
    )
    calls = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "api.call", AuditEvent.detail["endpoint"].as_string() == "api.report"
        )
    ).all()
    assert calls and calls[0].detail["participant_ids"] == report.participant_ids
