"""Aggregate statistics for research and evaluation, with small counts suppressed.

The privacy notice ("Research and evaluation"): personal data is converted "into
statistical or aggregated data ... sometimes shared with the DWP and other research
organisations, however, it cannot be used to identify you". So every table here is a
two-way table of counts with row and column totals, published only through
``disclosure_control.suppress`` (cells of 1 to 4 shown as ``[c]``, secondary
suppression until no hidden cell can be worked out from what is shown).

What is counted: participants whose case closed in the period, by outcome, against the
month, the delivering organisation or the postcode area (the leading letters of the
postcode). Left out: participants who objected to the use of their data for research
and statistics (UK GDPR Art. 21; ``objector_ids``), and participants whose processing
is restricted (Art. 18: stored, not used).
"""

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date
from typing import cast

from sqlalchemy import select

from portal.consent import objections
from portal.extensions import db
from portal.models import Milestone, Participant
from portal.months import Month, last_months
from portal.referrals.contract_areas import postcode_area
from portal.reporting.disclosure_control import TOTAL, Coordinate, SuppressedTable, narrowed_together, suppress
from portal.reporting.report_figures import delivering_organisations

OUTCOMES = {
    "job_retained": "Completed: job retained",
    "moved_to_suitable_work": "Completed: moved to more suitable work",
    "completed_other": "Completed: other",
    "left_early": "Left early",
    "withdrawn": "Withdrawn",
}
TREND_MONTHS = 12
UNKNOWN_AREA = "Unknown"


def objector_ids() -> set[int]:
    """Participants who objected to their data being used for research and statistics:
    the single place statistics ask."""
    return objections.all_objectors("statistics")


@dataclass
class StatisticsTable:
    key: str
    title: str
    row_heading: str
    counts: dict[str, dict[str, int]]  # row → {outcome → count}, before suppression
    published: SuppressedTable

    @property
    def columns(self) -> list[tuple[str, str]]:
        # suppress() was given the OUTCOMES codes as the columns
        return [(code, OUTCOMES[code]) for code in cast("tuple[str, ...]", self.published.columns)]


@dataclass
class Closure:
    month: Month
    org_name: str
    area: str
    outcome: str


def closures(first: Month, last: Month) -> list[Closure]:
    """Cases closed from ``first`` to ``last``, with their outcome, objectors and
    restricted participants left out."""
    orgs = {o.id: o.name for o in delivering_organisations()}
    excluded = objector_ids()
    rows = db.session.execute(
        select(
            Participant.id, Participant.org_id, Participant.postcode, Participant.status, Participant.closed_on
        ).where(
            Participant.org_id.in_(list(orgs)),
            Participant.closed_on >= first.first_day,
            Participant.closed_on <= last.last_day,
            Participant.status.in_(("completed", "left_early", "withdrawn")),
            Participant.restricted.is_(False),
        )
    ).all()
    rows = [r for r in rows if r.id not in excluded]
    latest: dict[int, tuple[date, str]] = {}
    completed = [r.id for r in rows if r.status == "completed"]
    for k in range(0, len(completed), 500):
        for pid, kind, on in db.session.execute(
            select(Milestone.participant_id, Milestone.kind, Milestone.achieved_on).where(
                Milestone.participant_id.in_(completed[k : k + 500]),
                Milestone.kind.in_(("job_retained", "moved_to_suitable_work")),
            )
        ):
            if pid not in latest or (on, kind) > latest[pid]:
                latest[pid] = (on, kind)
    out = []
    for r in rows:
        if r.status == "completed":
            outcome = latest[r.id][1] if r.id in latest else "completed_other"
        else:
            outcome = r.status
        out.append(Closure(Month.of(r.closed_on), orgs[r.org_id], postcode_area(r.postcode) or UNKNOWN_AREA, outcome))
    return out


def _counts(rows: list[str], items: list[tuple[str, str]]) -> dict[str, dict[str, int]]:
    counts = {row: dict.fromkeys(OUTCOMES, 0) for row in rows}
    for row, outcome in items:
        counts[row][outcome] += 1
    return counts


def tables_for(month: Month) -> list[StatisticsTable]:
    """The month's tables (by organisation, by postcode area) and the 12 months to it."""
    months = last_months(month, TREND_MONTHS)
    org_names = [o.name for o in delivering_organisations()]
    return linked_tables(month, months, org_names, closures(months[0], month))


def linked_tables(
    month: Month, months: list[Month], org_names: list[str], all_closures: list[Closure]
) -> list[StatisticsTable]:
    """The three tables, suppressed together.

    They repeat figures: the outcome totals and the grand total of the organisation
    table are those of the postcode-area table and the month's row of the month table.
    Suppressed one by one, a figure hidden in one table could be printed in another, and
    then used to work out what it protects. So a shared figure hidden in any table is
    hidden in all three, and each table is suppressed again around it until none changes.
    Then, as a reader knows every hidden count is at least 1 (zeros are published), more
    is hidden next to any figure the three tables together would pin to a single count
    (``disclosure_control.narrowed_together``), until none is.
    """
    in_month = [c for c in all_closures if c.month == month]
    areas = sorted({c.area for c in in_month}, key=lambda a: (a == UNKNOWN_AREA, a))
    specs = [
        (
            "organisation",
            f"Cases closed in {month.label}, by delivering organisation and outcome",
            "Delivering organisation",
            _counts(org_names, [(c.org_name, c.outcome) for c in in_month]),
            TOTAL,
        ),
        (
            "postcode_area",
            f"Cases closed in {month.label}, by postcode area and outcome",
            "Postcode area",
            _counts(areas, [(c.area, c.outcome) for c in in_month]),
            TOTAL,
        ),
        (
            "month",
            f"Cases closed from {months[0].label} to {month.label}, by month and outcome",
            "Month",
            _counts([m.label for m in months], [(c.month.label, c.outcome) for c in all_closures]),
            month.label,
        ),
    ]
    links = [[(t, (shared_row, column)) for t, (*_, shared_row) in enumerate(specs)] for column in [*OUTCOMES, TOTAL]]
    hidden: set[Hashable] = set()  # shared figures: an outcome code, or TOTAL for the grand total
    # cells hidden so that the tables read together give nothing away
    extra: list[set[Coordinate]] = [set() for _ in specs]
    while True:
        published = [
            suppress(
                counts, columns=list(OUTCOMES), also=[(shared_row, column) for column in hidden] + sorted(more, key=str)
            )
            for (*_, counts, shared_row), more in zip(specs, extra, strict=False)
        ]
        now_hidden = {
            column
            for table, (*_, shared_row) in zip(published, specs, strict=False)
            for row, column in table.suppressed
            if row == shared_row
        }
        if not now_hidden <= hidden:
            hidden |= now_hidden
            continue
        narrowed = narrowed_together(published, links)
        if not narrowed:
            break
        for t, (row, column) in narrowed:
            # Next to it; when its table has nothing left to hide, in the tables linked to it.
            for other in [t, *(k for k in range(len(specs)) if k != t)]:
                cell = _cell_to_hide_with(published[other], row if other == t else None, column if other == t else None)
                if cell is not None:
                    extra[other].add(cell)
                    break
            else:  # every non-zero figure hidden: then none can be pinned
                raise ValueError("nothing left to hide")
    return [
        StatisticsTable(key, title, heading, counts, table)
        for (key, title, heading, counts, _), table in zip(specs, published, strict=False)
    ]


def _cell_to_hide_with(table: SuppressedTable, row: Hashable | None, column: Hashable | None) -> Coordinate | None:
    """The cell to hide next to a figure the tables together give away: the smallest shown
    non-zero cell of its row, else of its column, else of the table (totals last); None
    when every non-zero figure of the table is hidden."""
    coordinates = [(r, c) for r in [*table.rows, TOTAL] for c in [*table.columns, TOTAL]]
    shown = [rc for rc in coordinates if not table.is_suppressed(*rc) and table.value(*rc)]
    for candidates in (
        [rc for rc in shown if rc[0] == row and row is not TOTAL and TOTAL not in rc],
        [rc for rc in shown if rc[1] == column and column is not TOTAL and TOTAL not in rc],
        [rc for rc in shown if TOTAL not in rc],
        shown,
    ):
        if candidates:
            return min(candidates, key=lambda rc: (table.value(*rc), coordinates.index(rc)))
    return None
