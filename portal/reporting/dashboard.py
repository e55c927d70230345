"""The lead partner's dashboard: each organisation's figures for a month, and one
figure's trend over the 12 months to it, per organisation and in total.

Counts only (no participant is named or listed), counted by ``report_figures`` exactly
as the monthly contract report counts them, from one load of the 12 months.
"""

from dataclasses import dataclass
from typing import Any

from portal.months import Month, last_months
from portal.reporting import report_figures
from portal.reporting.charts import Chart, bar_chart, format_value

TREND_MONTHS = 12
# Figures that can be followed over time: key → (label, unit).
TREND_MEASURES = {
    "referrals_received": ("Referrals received", ""),
    "referrals_allocated": ("Referrals allocated", ""),
    "first_contact_within_target_percent": ("Share first contacted within the target", "%"),
    "first_contact_median_working_days": ("Median working days from referral to first contact", ""),
    "started": ("Participants started", ""),
    "active_caseload_at_month_end": ("Active caseload at month end", ""),
    "appointments_attended": ("Appointments attended", ""),
    "appointments_not_attended": ("Appointments not attended", ""),
    "completions": ("Completions", ""),
    "early_leavers": ("Early leavers", ""),
    "out_of_hours_contacts": ("Out-of-hours contacts", ""),
}
DEFAULT_MEASURE = "referrals_received"
SELECTABLE_MONTHS = 24


@dataclass
class Trend:
    name: str
    chart: Chart
    rows: list[tuple[str, str]]


@dataclass
class Dashboard:
    month: Month
    measure: str
    measure_label: str
    organisations: list[dict[str, str]]  # {"slug", "name"} per column of the figures table
    figure_rows: list[dict[str, Any]]
    trends: list[Trend]
    target: int


def default_month() -> Month:
    """The last complete month."""
    return Month.current().previous()


def selectable_months() -> list[Month]:
    """The current month and the 23 before it, newest first."""
    return list(reversed(last_months(Month.current(), SELECTABLE_MONTHS)))


def dashboard(month: Month, measure: str) -> Dashboard:
    if measure not in TREND_MEASURES:
        measure = DEFAULT_MEASURE
    label, unit = TREND_MEASURES[measure]
    months = last_months(month, TREND_MONTHS)
    facts = report_figures.load(months[0], month)
    target = report_figures.first_contact_target()
    block = report_figures.month_figures(month, facts)
    trends = []
    for k, (org_id, name) in enumerate([(o.id, o.name) for o in facts.organisations] + [(None, "All organisations")]):
        points = [(m.short_label, report_figures.figures(facts, m, org_id, target)[measure]) for m in months]
        chart = bar_chart(f"trend-{k}", f"{label}: {name}", points, unit)
        trends.append(
            Trend(name, chart, [(m.label, format_value(v, unit)) for m, (_, v) in zip(months, points, strict=False)])
        )
    return Dashboard(
        month,
        measure,
        label,
        [{"slug": o["slug"], "name": o["name"]} for o in block["organisations"]],
        report_figures.figure_rows(block),
        trends,
        target,
    )
