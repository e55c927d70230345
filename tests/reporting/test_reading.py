"""Reading what was published: the DWP report page is audited with the participants it
shows, the month filter shows that month only, and the list pages and the API's list
cost the same number of queries whatever the number of published reports."""

from sqlalchemy import select

from portal import clock
from portal.extensions import db
from portal.models import AuditEvent
from portal.months import Month
from portal.reporting import contract_reports, report_drafts, report_publication
from tests.api.conftest import bearer, dwp_api, get_token, http  # noqa: F401 - shared fixtures
from tests.reporting import dataset
from tests.reporting.dataset import utc
from tests.support.queries import statements


def _publish(svc, month: Month):
    report_drafts.store_draft(month, contract_reports.build_content(month), svc.cm.id)
    db.session.commit()
    return report_publication.publish(month, report_drafts.draft_of(month).content_sha256, svc.cm.id)


def test_the_report_page_is_audited_with_the_participants_it_shows(svc, login):
    clock.freeze(utc(2026, 4, 2, 9))
    dataset.build(svc)
    report = _publish(svc, Month(2026, 3))
    assert login(svc.dwp).get(f"/dwp/reports/{report.id}").status_code == 200
    viewed = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "contract_report.viewed")).one()
    assert viewed.user_id == svc.dwp.id and viewed.object_id == str(report.id)
    assert sorted(viewed.detail["participant_ids"]) == sorted(report.participant_ids) != []


def test_the_month_filter_shows_that_month_only(svc, login):
    clock.freeze(utc(2026, 4, 2, 9))
    dataset.build(svc)
    february = _publish(svc, Month(2026, 2))
    march = _publish(svc, Month(2026, 3))
    dwp = login(svc.dwp)
    only_march = dwp.get("/dwp/?month=2026-03").get_data(as_text=True)
    assert f'data-report="{march.id}"' in only_march and f'data-report="{february.id}"' not in only_march
    everything = dwp.get("/dwp/").get_data(as_text=True)
    assert f'data-report="{march.id}"' in everything and f'data-report="{february.id}"' in everything


def _queries(client, url, **kwargs) -> int:
    with statements() as seen:
        response = client.get(url, **kwargs)
    assert response.status_code == 200, url
    return len(seen)


def test_list_pages_cost_the_same_at_one_and_four_reports(svc, login, http, dwp_api):  # noqa: F811
    clock.freeze(utc(2026, 6, 2, 9))
    dataset.build(svc)
    dwp, cm = login(svc.dwp), login(svc.cm)
    token = get_token(http, dwp_api.client_id, dwp_api.secret, "reports:read")
    pages = [(dwp, "/dwp/", {}), (cm, "/lead/reports", {}), (http, "/api/v1/reports", {"headers": bearer(token)})]
    _publish(svc, Month(2026, 2))
    report_drafts.store_draft(Month(2026, 1), contract_reports.build_content(Month(2026, 1)), svc.cm.id)
    db.session.commit()  # a draft waiting (its builder's memberships are one more query, once)
    for client, url, kwargs in pages:
        client.get(url, **kwargs)  # warm up: first-request work is not the page's
    at_one = [_queries(client, url, **kwargs) for client, url, kwargs in pages]
    for month in (Month(2026, 3), Month(2026, 4), Month(2026, 5)):
        _publish(svc, month)
    at_four = [_queries(client, url, **kwargs) for client, url, kwargs in pages]
    assert at_one == at_four


def test_the_contract_manager_needs_current_training_to_read_a_published_return(svc, login):
    clock.freeze(utc(2026, 4, 2, 9))
    dataset.build(svc)
    report = _publish(svc, Month(2026, 3))
    svc.cm.dp_training_completed_on = None
    db.session.commit()
    cm = login(svc.cm)
    assert cm.get(f"/dwp/reports/{report.id}").status_code == 403
    assert cm.get(f"/dwp/reports/{report.id}.csv").status_code == 403
    assert cm.get("/dwp/").status_code == 200  # the list shows no participant
    assert db.session.scalars(select(AuditEvent).where(AuditEvent.action == "contract_report.viewed")).all() == []
