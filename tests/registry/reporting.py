"""Cases for contract reporting (issue 9): the lead dashboard, drafts and publication
(contract manager), published reports, downloads and statistics (DWP and the contract
manager), and the API client pages (lead admin).

The world: last month's report is published (``w.report``, version 1), and the month
before has a draft waiting for review (``w.draft_month``); DWP holds an API client
``w.api_client`` that the lead admin can rotate and revoke.
"""

from portal.api import api_clients
from portal.months import Month
from portal.reporting import contract_reports, report_drafts, report_publication
from tests.registry import WORLD_BUILDERS, Case

CM = {"contract_manager": 200}
READERS = {"dwp": 200, "contract_manager": 200}
LEAD_ADMIN = {"lead_admin": 200}


def _reporting(w):
    manager = w.users["contract_manager"].id
    published = Month.current().previous()
    w.draft_month = published.previous()
    report_drafts.store_draft(published, contract_reports.build_content(published), manager)
    w.report = report_publication.publish(published, report_drafts.draft_of(published).content_sha256, manager)
    built = contract_reports.build_content(w.draft_month)
    report_drafts.store_draft(w.draft_month, built, manager)
    w.draft_sha256 = built.sha256
    w.api_client = api_clients.register(
        w.commissioner.id, "DWP reporting system", ["reports:read"], w.users["lead_admin"].id
    ).client


WORLD_BUILDERS.append(_reporting)

CASES = [
    Case("lead.dashboard_page", expect=CM),
    Case("lead.reports", expect=CM),
    Case(
        "lead.build",
        "POST",
        data=lambda w: {"month": w.draft_month.key},
        expect={"contract_manager": 303},
        see_other_to="/jobs/",
    ),
    Case("lead.draft", args=lambda w: {"month": w.draft_month.key}, expect=CM),
    Case("lead.draft", args={"month": "1999-01"}, expect={"contract_manager": 404}, note="no such draft"),
    Case(
        "lead.publish",
        "POST",
        args=lambda w: {"month": w.draft_month.key},
        data=lambda w: {"reviewed_sha256": w.draft_sha256, "confirm": "y"},
        expect={"contract_manager": 303},
        see_other_to="/dwp/reports/",
    ),
    Case(
        "jobs.run_periodic",
        "POST",
        args={"name": "monthly-contract-report"},
        expect={"contract_manager": 303, "dpo": 404, "lead_admin": 404},
        see_other_to="/jobs/",
        note="contract manager's",
    ),
    Case("dwp.reports", expect=READERS),
    Case("dwp.report", args=lambda w: {"report_id": w.report.id}, expect=READERS),
    Case("dwp.report", args={"report_id": 999999}, expect={"dwp": 404, "contract_manager": 404}, note="missing"),
    Case("dwp.download", args=lambda w: {"report_id": w.report.id, "fmt": "csv"}, expect=READERS, note="csv"),
    Case("dwp.download", args=lambda w: {"report_id": w.report.id, "fmt": "xlsx"}, expect=READERS, note="xlsx"),
    Case("dwp.download", args=lambda w: {"report_id": w.report.id, "fmt": "json"}, expect=READERS, note="json"),
    Case("dwp.statistics_page", expect=READERS),
    Case("api_clients.index", expect=LEAD_ADMIN),
    Case("api_clients.register", expect=LEAD_ADMIN),
    Case(
        "api_clients.register",
        "POST",
        data=lambda w: {"organisation": str(w.commissioner.id), "name": "DWP referrals", "scopes": "referrals:write"},
        expect=LEAD_ADMIN,
        note="shows the secret once",
    ),
    Case("api_clients.rotate", args=lambda w: {"client_pk": w.api_client.id}, expect=LEAD_ADMIN),
    Case("api_clients.rotate", "POST", args=lambda w: {"client_pk": w.api_client.id}, expect=LEAD_ADMIN),
    Case("api_clients.rotate", args={"client_pk": 999999}, expect={"lead_admin": 404}, note="missing"),
    Case("api_clients.revoke", args=lambda w: {"client_pk": w.api_client.id}, expect=LEAD_ADMIN),
    Case(
        "api_clients.revoke",
        "POST",
        args=lambda w: {"client_pk": w.api_client.id},
        expect={"lead_admin": 303},
        see_other_to="/admin/api-clients/",
    ),
]
