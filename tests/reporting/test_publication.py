"""Building drafts as jobs, reviewing and publishing, immutability and versions, the
disclosures publication records, and what DWP can (and cannot) see."""

import hashlib
import io
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, text

from portal import clock, jobs
from portal.extensions import db
from portal.models import AuditEvent, ContractReport, ContractReportDraft, Disclosure, Job, Notification, Participant
from portal.models.contract_report import PublishedReportImmutable
from portal.months import Month
from portal.reporting import contract_reports, report_drafts, report_publication
from portal.validation import Problems
from tests.reporting import dataset
from tests.reporting.conftest import post
from tests.reporting.dataset import utc

MARCH = Month(2026, 3)


def _draft(cm_id=None):
    built = contract_reports.build_content(MARCH)
    draft = report_drafts.store_draft(MARCH, built, cm_id)
    db.session.commit()
    return draft


def _publish(svc, reason=""):
    draft = report_drafts.draft_of(MARCH)
    return report_publication.publish(MARCH, draft.content_sha256, svc.cm.id, reason)


@pytest.fixture
def march(svc, app):
    clock.freeze(utc(2026, 4, 2, 9))
    return dataset.build(svc)


def test_the_contract_manager_builds_a_draft_through_a_tracked_job(svc, march, login):
    client = login(svc.cm)
    response = post(client, "/lead/reports/build", {"month": "2026-03"})
    assert response.status_code == 303 and "/jobs/" in response.headers["Location"]
    job = db.session.scalars(select(Job).where(Job.kind == "contract_report")).one()
    assert job.status == "done" and job.requested_by == svc.cm.id
    assert job.result["link"] == "/lead/reports/2026-03/draft"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "The draft report for March 2026 is ready" in page and "3 warnings" in page
    draft = report_drafts.draft_of(MARCH)
    assert draft.built_by_id == svc.cm.id and draft.job_id == job.id and draft.withheld == 1
    review = client.get("/lead/reports/2026-03/draft")
    html = review.get_data(as_text=True)
    assert review.status_code == 200
    assert "ATW-S1" in html and "No contact in the 30 days" in html and "ATW-P5" not in html
    assert 'data-figure="referrals_received"' in html
    viewed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "contract_report.draft_viewed")).one()
    assert sorted(viewed.detail["participant_ids"]) == sorted(draft.participant_ids)


def test_building_the_same_month_twice_gives_the_same_draft(svc, march, app):
    first = jobs.enqueue(
        report_drafts.build_draft, "2026-03", svc.cm.id, kind="contract_report", requested_by=svc.cm.id
    )
    sha = report_drafts.draft_of(MARCH).content_sha256
    content = report_drafts.draft_of(MARCH).content
    clock.advance(timedelta(hours=3))
    second = jobs.enqueue(
        report_drafts.build_draft, "2026-03", svc.cm.id, kind="contract_report", requested_by=svc.cm.id
    )
    db.session.refresh(first)
    db.session.refresh(second)
    assert first.status == second.status == "done"
    assert first.result["sha256"] == second.result["sha256"] == sha
    assert db.session.scalar(select(func.count()).select_from(ContractReportDraft)) == 1
    assert report_drafts.draft_of(MARCH).content == content


def test_a_month_that_has_not_ended_cannot_be_built(svc, march, login):
    client = login(svc.cm)
    response = post(client, "/lead/reports/build", {"month": "2026-04"})
    assert response.status_code == 400 and "Choose a month that has ended" in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0


def test_publishing_fixes_the_report_and_records_a_disclosure_per_participant(svc, march, login):
    draft = _draft(svc.cm.id)
    shown = list(draft.participant_ids)
    client = login(svc.cm)
    response = post(client, "/lead/reports/2026-03/publish", {"reviewed_sha256": draft.content_sha256, "confirm": "y"})
    assert response.status_code == 303
    report = db.session.scalars(select(ContractReport)).one()
    assert response.headers["Location"].endswith(f"/dwp/reports/{report.id}?published=1")
    assert report.version == 1 and report.published_by_id == svc.cm.id and report.supersedes_id is None
    assert report.sha256 == hashlib.sha256(report.document.encode()).hexdigest()
    document = json.loads(report.document)
    assert document["version"] == 1 and document["month"] == "2026-03" and document["supersedes_version"] is None
    assert document["published_at"] == "2026-04-02T09:00:00Z"
    assert report_drafts.draft_of(MARCH) is None
    disclosures = db.session.scalars(select(Disclosure).where(Disclosure.source == "dwp_publication")).all()
    assert sorted(d.participant_id for d in disclosures) == sorted(shown)
    assert {(d.recipient_type, d.legal_basis, d.source_id) for d in disclosures} == {("dwp", "public_task", report.id)}
    assert march["P5"].id not in {d.participant_id for d in disclosures}  # restricted: withheld, not disclosed
    dwp_told = db.session.scalars(select(Notification).where(Notification.user_id == svc.dwp.id)).all()
    assert [n.link for n in dwp_told] == [f"/dwp/reports/{report.id}"]
    page = login(svc.dwp).get(f"/dwp/reports/{report.id}").get_data(as_text=True)
    assert "ATW-P1" in page and "AB000001A" in page and report.sha256 in page and "Current" in page
    assert "Published by" in page and "Carla Contracts" in page


def test_publication_needs_the_reviewed_draft(svc, march, login):
    draft = _draft(svc.cm.id)
    client = login(svc.cm)
    response = post(client, "/lead/reports/2026-03/publish", {"reviewed_sha256": "f" * 64, "confirm": "y"})
    assert response.status_code == 400 and "built again since you reviewed it" in response.get_data(as_text=True)
    response = post(client, "/lead/reports/2026-03/publish", {"reviewed_sha256": draft.content_sha256})
    assert response.status_code == 400 and "Confirm that you have reviewed" in response.get_data(as_text=True)
    assert post(client, "/lead/reports/2026-02/publish", {"reviewed_sha256": "x", "confirm": "y"}).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(ContractReport)) == 0


def test_a_participant_restricted_after_the_build_stops_publication(svc, march):
    _draft(svc.cm.id)
    p1 = db.session.get(Participant, march["P1"].id)
    p1.restricted = True
    db.session.commit()
    with pytest.raises(Problems, match="build the draft again"):
        _publish(svc)
    assert db.session.scalar(select(func.count()).select_from(Disclosure)) == 0


def test_a_published_report_cannot_be_changed_or_deleted(svc, march):
    _draft()
    report = _publish(svc)
    report.document = report.document.replace("ATW-P1", "ATW-XX")
    with pytest.raises(PublishedReportImmutable):
        db.session.commit()
    db.session.rollback()
    report = db.session.get(ContractReport, report.id)
    db.session.delete(report)
    with pytest.raises(PublishedReportImmutable):
        db.session.commit()
    db.session.rollback()
    assert "ATW-P1" in db.session.get(ContractReport, report.id).document


@pytest.mark.postgres
def test_the_database_refuses_to_rewrite_a_published_report(svc, march):
    from sqlalchemy.exc import DBAPIError

    _draft()
    report = _publish(svc)
    for statement in (
        "UPDATE contract_report SET sha256 = 'x' WHERE id = :id",
        "DELETE FROM contract_report WHERE id = :id",
    ):
        with pytest.raises(DBAPIError, match="immutable"):
            db.session.execute(text(statement), {"id": report.id})
        db.session.rollback()


def test_a_correction_is_a_new_version_and_both_stay_visible(svc, march, login):
    _draft()
    first = _publish(svc)
    # The same data again: nothing to correct.
    _draft()
    with pytest.raises(Problems, match="same as version 1"):
        _publish(svc, "Nothing changed")
    # A milestone recorded late changes March: version 2 corrects version 1, with a reason.
    dataset.milestone(db.session.get(Participant, march["P1"].id), "job_retained", date(2026, 3, 28))
    db.session.commit()
    _draft()
    with pytest.raises(Problems, match="what this version corrects"):
        _publish(svc)
    second = _publish(svc, "A job retained on 28 March was recorded late")
    assert second.version == 2 and second.supersedes_id == first.id
    assert json.loads(second.document)["supersedes_version"] == 1
    assert report_publication.current_ids() == {second.id}
    assert report_publication.superseded_by(first).id == second.id
    dwp = login(svc.dwp)
    listing = dwp.get("/dwp/?month=2026-03").get_data(as_text=True)
    assert f'data-report="{first.id}"' in listing and f'data-report="{second.id}"' in listing
    old = dwp.get(f"/dwp/reports/{first.id}").get_data(as_text=True)
    assert "Superseded" in old and "Version 2 corrects this version" in old
    new = dwp.get(f"/dwp/reports/{second.id}").get_data(as_text=True)
    assert "A job retained on 28 March was recorded late" in new and "Current" in new
    assert db.session.get(ContractReport, first.id).document == first.document  # untouched
    counts = db.session.execute(
        select(Disclosure.source_id, func.count())
        .where(Disclosure.source == "dwp_publication")
        .group_by(Disclosure.source_id)
    ).all()
    assert dict(counts) == {first.id: 6, second.id: 6}


def test_drafts_are_invisible_to_dwp(svc, march, login):
    _draft(svc.cm.id)
    dwp = login(svc.dwp)
    assert dwp.get("/lead/reports/2026-03/draft").status_code == 403
    assert dwp.get("/lead/reports").status_code == 403
    assert dwp.get("/lead/").status_code == 403
    listing = dwp.get("/dwp/").get_data(as_text=True)
    assert "Nothing has been published yet" in listing and "ATW-P1" not in listing
    assert db.session.scalar(select(func.count()).select_from(ContractReport)) == 0


def test_dwp_downloads_each_format_and_each_download_is_audited(svc, march, login):
    _draft()
    report = _publish(svc)
    dwp = login(svc.dwp)
    got = dwp.get(f"/dwp/reports/{report.id}.json")
    assert got.status_code == 200 and got.mimetype == "application/json"
    assert hashlib.sha256(got.data).hexdigest() == report.sha256 == got.headers["X-Report-SHA256"]
    csv_text = dwp.get(f"/dwp/reports/{report.id}.csv").get_data(as_text=True)
    assert "AtW reference,NI number,Delivering organisation" in csv_text
    assert "ATW-P3,AB000003A,Health 2 Employment,2026-03-01,2026-03-02" in csv_text
    assert "Referrals received,3,0,1,4" in csv_text
    assert "Participants withheld (processing restricted),1" in csv_text
    xlsx = dwp.get(f"/dwp/reports/{report.id}.xlsx")
    assert (
        xlsx.status_code == 200
        and 'filename="atw-mhss-contract-report-2026-03-v1.xlsx"' in xlsx.headers["Content-Disposition"]
    )
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(xlsx.data))
    assert book.sheetnames == ["About", "Figures", "Progress return"]
    assert [c.value for c in book["Progress return"][2]][:2] == ["ATW-P1", "AB000001A"]
    assert ["SHA-256 of the JSON document", report.sha256] in [[c.value for c in row] for row in book["About"]]
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "contract_report.downloaded").order_by(AuditEvent.seq)
    ).all()
    assert [e.detail["how"] for e in events] == ["json", "csv", "xlsx"]
    assert all(
        e.user_id == svc.dwp.id and sorted(e.detail["participant_ids"]) == sorted(report.participant_ids)
        for e in events
    )


def test_pages_for_other_roles(svc, march, login):
    _draft()
    report = _publish(svc)
    for user in (svc.vrc, svc.tm, svc.dpo, svc.lead_admin):
        client = login(user)
        assert client.get(f"/dwp/reports/{report.id}").status_code == 403
        assert client.get(f"/dwp/reports/{report.id}.csv").status_code == 403
        assert client.get("/lead/reports").status_code == 403
    assert login(svc.cm).get(f"/dwp/reports/{report.id}.csv").status_code == 200


def test_the_scheduled_run_builds_last_month_at_six_on_the_first(svc, app):
    dataset.build(svc)
    from portal.jobs.periodic_jobs import PERIODIC

    periodic = next(p for p in PERIODIC if p.name == "monthly-contract-report")
    assert periodic.cron == "0 6 1 * *" and periodic.role == "contract_manager"
    clock.freeze(utc(2026, 4, 1, 5))  # 06:00 BST on 1 April
    job = jobs.run_by_hand(periodic.function, kind=periodic.name)
    assert job.status == "done", job.error
    assert report_drafts.draft_of(MARCH).built_by_id is None
    told = db.session.scalars(select(Notification).where(Notification.user_id == svc.cm.id)).all()
    assert [n.link for n in told] == ["/lead/reports/2026-03/draft"]
    # Once March is published, the scheduled run leaves it alone.
    _publish(svc)
    again = jobs.run_by_hand(periodic.function, kind=periodic.name)
    assert "already published" in again.result["message"] and report_drafts.draft_of(MARCH) is None


def test_a_publication_racing_another_is_refused_not_a_server_error(svc, march, monkeypatch):
    _draft()
    first = _publish(svc)
    _draft()
    # The second publisher read the month before the first one committed: it also makes version 1.
    monkeypatch.setattr(report_publication, "current_version", lambda month: None)
    with pytest.raises(Problems, match="has just been published by someone else"):
        _publish(svc)
    assert db.session.scalars(select(ContractReport)).all() == [first]
    assert db.session.scalar(select(func.count()).select_from(Disclosure)) == len(first.participant_ids)
