"""Bar charts drawn on the server as SVG geometry (templates/lead/_chart.html renders it).

No front-end framework and no script: the chart is an image (``role="img"`` with a
title and a description that states its range and latest value) and its figures are
always shown in a table beside it, so nothing depends on seeing the bars.
"""

import math
from dataclasses import dataclass, field
from typing import cast

WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 16, 40


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: float | None
    text: str


@dataclass
class Chart:
    id: str
    title: str
    description: str
    bars: list[Bar] = field(default_factory=list)
    gridlines: list[tuple[float, str]] = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right: int = WIDTH - RIGHT
    baseline: float = HEIGHT - BOTTOM


def _nice_top(value: float) -> float:
    """A round axis maximum at or above ``value`` (1, 2, 2.5, 5 × 10ⁿ)."""
    if value <= 0:
        return 1
    exponent = math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        top: float = step * 10**exponent
        if top >= value:
            return top
    return cast(float, 10 ** (exponent + 1))


def format_value(value: float | None, unit: str = "") -> str:
    if value is None:
        return "no data"
    text = f"{value:g}" if isinstance(value, float) else str(value)
    return f"{text}{unit}"


def bar_chart(chart_id: str, title: str, points: list[tuple[str, float | None]], unit: str = "") -> Chart:
    """A bar per (label, value); a value of None (nothing to measure) draws no bar."""
    values = [v for _, v in points if v is not None]
    top = _nice_top(max(values, default=0))
    plot_height = HEIGHT - TOP - BOTTOM
    slot = (WIDTH - LEFT - RIGHT) / max(len(points), 1)
    chart = Chart(chart_id, title, _describe(title, points, unit))
    for k in range(5):
        fraction = k / 4
        chart.gridlines.append((HEIGHT - BOTTOM - fraction * plot_height, format_value(round(top * fraction, 1), "")))
    for k, (label, value) in enumerate(points):
        height = 0 if value is None else plot_height * value / top
        chart.bars.append(
            Bar(
                x=round(LEFT + k * slot + slot * 0.15, 1),
                y=round(HEIGHT - BOTTOM - height, 1),
                width=round(slot * 0.7, 1),
                height=round(height, 1),
                label=label,
                value=value,
                text=format_value(value, unit),
            )
        )
    return chart


def _describe(title: str, points: list[tuple[str, float | None]], unit: str) -> str:
    measured = [(label, v) for label, v in points if v is not None]
    if not points:
        return f"{title}: no months to show."
    span = f"{points[0][0]} to {points[-1][0]}"
    if not measured:
        return f"{title}, {span}: no data in any month."
    low = min(measured, key=lambda p: p[1])
    high = max(measured, key=lambda p: p[1])
    last_label, last_value = points[-1]
    return (
        f"{title}, {span}. Lowest {format_value(low[1], unit)} ({low[0]}), highest "
        f"{format_value(high[1], unit)} ({high[0]}); {last_label}: {format_value(last_value, unit)}."
    )
