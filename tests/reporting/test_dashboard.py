"""The lead partner's dashboard: the month's figures and a 12-month trend per
organisation, as accessible SVG charts with their data tables, rendered on the server."""

import re

from portal import clock
from portal.months import Month
from portal.reporting import dashboard
from portal.reporting.charts import bar_chart
from tests.reporting import dataset
from tests.reporting.dataset import utc


def test_dashboard_shows_each_organisation_with_a_chart_and_its_table(svc, login, app):
    dataset.build(svc)
    clock.freeze(utc(2026, 4, 15))
    page = login(svc.cm).get("/lead/?month=2026-03&measure=referrals_received")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]  # no front-end code in the page body
    charts = re.findall(r'<svg[^>]*role="img"[^>]*aria-labelledby="(trend-\d+)-title trend-\d+-desc"', html)
    assert charts == ["trend-0", "trend-1", "trend-2", "trend-3"]  # h2e, ingeus, salus, all
    assert '<title id="trend-0-title">Referrals received: Health 2 Employment</title>' in html
    desc = re.search(r'<desc id="trend-0-desc">([^<]*)</desc>', html).group(1)
    assert desc.startswith("Referrals received: Health 2 Employment, Apr 2025 to Mar 2026.")
    assert "Mar 2026: 3." in desc and "highest 3 (Mar 2026)" in desc
    assert "Referrals received: Health 2 Employment, by month" in html  # the data table beside the chart
    assert html.count("<rect ") == 4 * 12
    assert 'data-figure="early_leavers_by_reason.health_worsened"' in html


def test_trend_values_match_the_monthly_figures(svc, app):
    dataset.build(svc)
    clock.freeze(utc(2026, 4, 15))
    board = dashboard.dashboard(Month(2026, 3), "active_caseload_at_month_end")
    h2e = board.trends[0]
    assert h2e.name == "Health 2 Employment"
    assert h2e.rows[-1] == ("March 2026", "2") and h2e.rows[-2] == ("February 2026", "0")
    salus = board.trends[2]
    assert [text for _, text in salus.rows[-3:]] == ["2", "1", "1"]  # S3 (closed 20 February) and S1
    percent = dashboard.dashboard(Month(2026, 3), "first_contact_within_target_percent").trends[0]
    assert percent.rows[-1] == ("March 2026", "66.7%") and percent.rows[0][1] == "no data"
    unknown = dashboard.dashboard(Month(2026, 3), "not-a-measure")
    assert unknown.measure == "referrals_received"


def test_bar_chart_geometry():
    chart = bar_chart("c", "Things", [("Jan 2026", 0), ("Feb 2026", 5), ("Mar 2026", None), ("Apr 2026", 10)])
    assert [b.height for b in chart.bars][0] == 0 and chart.bars[2].value is None
    assert chart.bars[3].height == 2 * chart.bars[1].height
    assert chart.gridlines[-1][1] == "10" and chart.gridlines[0][1] == "0"
    assert "Lowest 0 (Jan 2026), highest 10 (Apr 2026); Apr 2026: 10." in chart.description


def test_only_the_contract_manager_sees_the_dashboard(svc, login):
    for user in (svc.dwp, svc.dpo, svc.lead_admin, svc.tm):
        assert login(user).get("/lead/").status_code == 403
