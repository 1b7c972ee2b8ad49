"""Server-side SVG bar charts: geometry only, the template draws it beside a table of the same numbers."""

from __future__ import annotations

from dataclasses import dataclass

#: The drawing's coordinate system, about a phone's width so its text stays readable there
#: (the SVG scales to its box): labels, bars, then the number.
WIDTH = 360
LABEL_WIDTH = 138
BAR_AREA = 182
ROW_HEIGHT = 32
BAR_HEIGHT = 22


@dataclass
class Bar:
    """One bar: its label, value, share of the total and where it is drawn."""

    key: str
    label: str
    value: int
    percent: int
    y: int
    width: int


@dataclass
class BarChart:
    """A horizontal bar chart: its bars, size and a sentence that says what it shows."""

    bars: list[Bar]
    height: int
    summary: str

    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT


def bar_chart(values: list[tuple[str, str, int]], summary: str) -> BarChart:
    """Lay out (key, label, value) rows as bars scaled to the largest value; a zero gets no bar."""
    largest = max((v for _, _, v in values), default=0)
    total = sum(v for _, _, v in values)
    bars = []
    for i, (key, label, value) in enumerate(values):
        width = round(BAR_AREA * value / largest) if largest else 0
        percent = round(100 * value / total) if total else 0
        bars.append(Bar(key=key, label=label, value=value, percent=percent, y=i * ROW_HEIGHT + 6, width=width))
    return BarChart(bars=bars, height=len(values) * ROW_HEIGHT + 6, summary=summary)
