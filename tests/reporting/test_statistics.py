"""Research and evaluation statistics: the tables, exactly the cells suppressed, a linear
programming check that no hidden cell can be worked out from what is published, and
objectors and restricted participants left out."""

import itertools
from datetime import date

import pytest
from sqlalchemy import select

from portal import clock
from portal.consent import objections
from portal.extensions import db
from portal.models import AuditEvent, Participant
from portal.months import Month
from portal.reporting import statistics
from portal.reporting.disclosure_control import CONFIDENTIAL, TOTAL
from tests.reporting import dataset
from tests.reporting.dataset import utc
from tests.statistics.lp import recoverable

MARCH = Month(2026, 3)
_numbers = itertools.count(1)

# Cases closed in March 2026: (outcome, count) per organisation.
CLOSED = {
    "h2e": {"job_retained": 6, "moved_to_suitable_work": 5, "left_early": 2},
    "salus": {"job_retained": 3, "completed_other": 7, "left_early": 5, "withdrawn": 1},
}


def _close(w, org, outcome, postcode, closed_on=date(2026, 3, 16), **fields):
    n = next(_numbers)
    status = {"left_early": "left_early", "withdrawn": "withdrawn"}.get(outcome, "completed")
    p = dataset.person(
        org,
        None,
        f"ATW-ST{n:04d}",
        f"AB{n:06d}C",
        referred=utc(2025, 12, 1),
        allocated=utc(2025, 12, 2),
        first_contact=utc(2025, 12, 3),
        closed=closed_on,
        status=status,
        postcode=postcode,
        **fields,
    )
    if outcome in ("job_retained", "moved_to_suitable_work"):
        dataset.milestone(p, outcome, date(2026, 3, 1))
    return p


@pytest.fixture
def closures(svc, app):
    clock.freeze(utc(2026, 4, 10))
    made = []
    for slug, outcomes in CLOSED.items():
        org = getattr(svc, slug)
        for outcome, count in outcomes.items():
            for k in range(count):
                postcode = "LS1 4AP" if slug == "h2e" else ("M1 1AE" if k % 2 else "B1 1AA")
                made.append(_close(svc, org, outcome, postcode))
    db.session.commit()
    return made


def _table(key):
    return next(t for t in statistics.tables_for(MARCH) if t.key == key)


def test_the_organisation_table_suppresses_exactly_the_expected_cells(closures):
    table = _table("organisation")
    h2e, ingeus, salus = "Health 2 Employment", "Ingeus UK", "Salus"
    assert table.counts[h2e] == {
        "job_retained": 6,
        "moved_to_suitable_work": 5,
        "completed_other": 0,
        "left_early": 2,
        "withdrawn": 0,
    }
    assert table.counts[salus] == {
        "job_retained": 3,
        "moved_to_suitable_work": 0,
        "completed_other": 7,
        "left_early": 5,
        "withdrawn": 1,
    }
    published = table.published
    assert published.primary == {(h2e, "left_early"), (salus, "job_retained"), (salus, "withdrawn")}
    # Each line with a hidden cell needs a second: h2e's row takes its smallest other (moved, 5);
    # job retained's column takes h2e's 6; moved's column and withdrawn's column have nothing
    # else but their totals; left early's column takes Salus's 5. Every hidden cell is then on
    # a cycle, so none can be worked out.
    assert published.suppressed == {
        (h2e, "job_retained"),
        (h2e, "moved_to_suitable_work"),
        (h2e, "left_early"),
        (salus, "job_retained"),
        (salus, "left_early"),
        (salus, "withdrawn"),
        (TOTAL, "moved_to_suitable_work"),
        (TOTAL, "withdrawn"),
    }
    assert published.cells[salus]["completed_other"] == 7 and published.cells[ingeus]["job_retained"] == 0
    assert published.row_totals == {h2e: 13, ingeus: 0, salus: 16} and published.grand_total == 29
    assert published.column_totals["job_retained"] == 9 and published.column_totals["withdrawn"] == CONFIDENTIAL


def test_no_hidden_cell_of_any_published_table_can_be_recovered(closures):
    tables = statistics.tables_for(MARCH)
    assert [t.key for t in tables] == ["organisation", "postcode_area", "month"]
    for table in tables:
        assert table.published.suppressed, table.key  # every table here has small counts to protect
        assert recoverable(table.published, minimum=1) == {}, table.key
        for row, col in table.published.primary:
            assert 1 <= table.counts[row][col] <= 4


def test_postcode_area_and_month_tables(closures):
    area = _table("postcode_area")
    assert list(area.published.rows) == ["B", "LS", "M"]
    assert sum(area.counts["LS"].values()) == 13
    assert sum(area.counts["M"].values()) + sum(area.counts["B"].values()) == 16
    month = _table("month")
    assert list(month.published.rows)[0] == "April 2025" and list(month.published.rows)[-1] == "March 2026"
    assert sum(month.counts["March 2026"].values()) == 29 and sum(month.counts["February 2026"].values()) == 0


def test_objectors_and_restricted_participants_are_left_out(closures, monkeypatch):
    objector, restricted = closures[0], closures[1]
    monkeypatch.setattr(objections, "all_objectors", lambda scope: {objector.id} if scope == "statistics" else set())
    assert statistics.objector_ids() == {objector.id}
    db.session.get(Participant, restricted.id).restricted = True
    db.session.commit()
    table = _table("organisation")
    assert table.counts["Health 2 Employment"]["job_retained"] == 4  # 6 less the objector and the restricted one
    assert sum(sum(row.values()) for row in table.counts.values()) == 27


def test_statistics_pages_show_suppressed_cells_to_dwp_and_the_contract_manager(svc, closures, login):
    for user in (svc.dwp, svc.cm):
        page = login(user).get("/dwp/statistics?month=2026-03")
        html = page.get_data(as_text=True)
        assert page.status_code == 200
        assert "[c]" in html and "Cases closed in March 2026, by delivering organisation and outcome" in html
        assert "ATW-ST" not in html and "AB0" not in html
    for user in (svc.vrc, svc.dpo, svc.lead_admin):
        assert login(user).get("/dwp/statistics").status_code == 403
    assert not db.session.scalars(select(AuditEvent).where(AuditEvent.participant_id.is_not(None))).first()
