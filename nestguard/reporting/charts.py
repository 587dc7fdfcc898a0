"""Charts as inline SVG drawn on the server from a suppressed `Table` (decision 0093).

No chart library: a bar is a rectangle and a trend is a polyline, and drawing them here means
the chart can only show what the table beside it shows. Each chart is an `<svg role="img">`
with a title and a description, and the page puts the same table next to it (screen readers,
print). A suppressed cell (`[c]`) is drawn as a hatched outline of one fixed size labelled
[c], never with a length that would give the count away; on a trend line it is a gap.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from html import escape
from typing import Literal

from django.utils.safestring import SafeString, mark_safe

from nestguard.reporting.suppression import is_suppressed
from nestguard.reporting.tables import Cell, Table

ChartKind = Literal["bars", "columns", "line"]

# GOV.UK colours: blue on white is 5.2:1, black text 19:1, mid grey for axes 4.6:1.
BAR = "#1d70b8"
TEXT = "#0b0c0c"
AXIS = "#505a5f"
HATCH_ID = "ng-hatch"
FONT = 'font-family="GDS Transport, arial, sans-serif"'
# The fixed size of a suppressed bar, as a share of the plot: the same whatever the count.
SUPPRESSED_SHARE = 0.06


@dataclass(frozen=True)
class Point:
    label: str
    value: int | None  # None: suppressed
    shown: str  # the value as the table shows it: "12", "0", "[c]"


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    description: str
    svg: SafeString


def points(table: Table, column: int | None = None) -> list[Point]:
    """The table's rows (not its total row) as chart points from one count column."""
    counts = table.count_columns()
    if not counts:
        return []
    index = column if column is not None else counts[0]
    rows = table.rows[:-1] if table.total_row else table.rows
    return [_point(str(row[0]), row[index]) for row in rows]


def _point(label: str, cell: Cell) -> Point:
    if is_suppressed(cell):
        return Point(label, None, "[c]")
    if isinstance(cell, int):
        return Point(label, cell, str(cell))
    if isinstance(cell, Decimal):
        return Point(label, int(cell), str(cell))
    return Point(label, 0, "0" if cell is None else str(cell))


def chart(table: Table, kind: ChartKind = "bars", *, column: int | None = None) -> Chart:
    """The table (already suppressed) drawn as an accessible SVG chart."""
    data = points(table, column)
    description = describe(table, data)
    draw = {"bars": _bars, "columns": _columns, "line": _line}[kind]
    body = draw(data) if data else _empty()
    svg = _svg(table.name, table.title, description, body)
    return Chart(table.name, table.title, description, svg)


def describe(table: Table, data: list[Point]) -> str:
    """A sentence a screen reader can read instead of the picture: the largest value and
    how many values are withheld; the table beside the chart has the rest."""
    shown = [p for p in data if p.value is not None]
    withheld = len(data) - len(shown)
    if not data:
        return f"{table.title}: nothing to show."
    parts = [f"{table.title}, {len(data)} bars."]
    if shown:
        top = max(shown, key=lambda p: p.value or 0)
        parts.append(f"Highest: {top.label}, {top.shown}.")
    if withheld:
        parts.append(f"{withheld} withheld as small numbers ([c]).")
    parts.append("The table beside the chart gives every value.")
    return " ".join(parts)


def _svg(name: str, title: str, description: str, body: str) -> SafeString:
    ident = f"chart-{escape(name)}"
    return mark_safe(  # noqa: S308 - every value is escaped above or is a number
        f'<svg class="ng-chart" role="img" viewBox="0 0 {WIDTH} {_height(body)}" '
        f'aria-labelledby="{ident}-title {ident}-desc" xmlns="http://www.w3.org/2000/svg" '
        f'preserveAspectRatio="xMinYMin meet" {FONT} font-size="14">'
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(description)}</desc>'
        f"<defs>{_hatch()}</defs>{body}</svg>"
    )


WIDTH = 640
ROW = 26
LABEL_WIDTH = 200
VALUE_WIDTH = 60


def _height(body: str) -> int:
    # Each drawing starts with a comment giving its height (kept simple and exact).
    return int(body.split("-->", 1)[0].removeprefix("<!--"))


def _hatch() -> str:
    return (
        f'<pattern id="{HATCH_ID}" width="6" height="6" patternUnits="userSpaceOnUse" '
        f'patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="{AXIS}" '
        f'stroke-width="2"/></pattern>'
    )


def _scale(data: list[Point]) -> int:
    return max([p.value or 0 for p in data] + [1])


def _suppressed_rect(x: float, y: float, width: float, height: float) -> str:
    return (
        f'<rect class="ng-chart__withheld" x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" '
        f'height="{height:.1f}" fill="url(#{HATCH_ID})" stroke="{AXIS}" stroke-width="1"/>'
    )


def _bars(data: list[Point]) -> str:
    """Horizontal bars, one row per label: for categories with long names."""
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH
    top = _scale(data)
    height = ROW * len(data) + 10
    parts = [f"<!--{height}-->"]
    for i, p in enumerate(data):
        y = 5 + i * ROW
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 17}" text-anchor="end" fill="{TEXT}">'
            f"{escape(_short(p.label, 26))}</text>"
        )
        if p.value is None:
            width = plot * SUPPRESSED_SHARE
            parts.append(_suppressed_rect(LABEL_WIDTH, y + 3, width, ROW - 8))
        else:
            width = plot * p.value / top
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + 3}" width="{width:.1f}" height="{ROW - 8}" '
                f'fill="{BAR}"/>'
            )
        parts.append(
            f'<text x="{LABEL_WIDTH + width + 6:.1f}" y="{y + 17}" fill="{TEXT}">'
            f"{escape(p.shown)}</text>"
        )
    parts.append(_axis(LABEL_WIDTH, 3, LABEL_WIDTH, height - 3))
    return "".join(parts)


def _columns(data: list[Point]) -> str:
    """Vertical columns along a short ordered axis (days of the week, hours of the day)."""
    height = 240
    base = height - 40
    plot_height = base - 30
    step = (WIDTH - 20) / len(data)
    top = _scale(data)
    parts = [f"<!--{height}-->"]
    label_every = 1 if len(data) <= 12 else 3
    for i, p in enumerate(data):
        x = 10 + i * step
        bar = step * 0.7
        if p.value is None:
            h = plot_height * SUPPRESSED_SHARE * 2
            parts.append(_suppressed_rect(x, base - h, bar, h))
        else:
            h = plot_height * p.value / top
            parts.append(
                f'<rect x="{x:.1f}" y="{base - h:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{BAR}"/>'
            )
        if len(data) <= 12 or p.value is None:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{base - h - 5:.1f}" text-anchor="middle" '
                f'fill="{TEXT}" font-size="12">{escape(p.shown)}</text>'
            )
        if i % label_every == 0:
            parts.append(
                f'<text x="{x + bar / 2:.1f}" y="{base + 18}" text-anchor="middle" '
                f'fill="{TEXT}" font-size="12">{escape(_short(p.label, 9))}</text>'
            )
    parts.append(_axis(8, base, WIDTH - 8, base))
    return "".join(parts)


def _line(data: list[Point]) -> str:
    """A trend over time: a line through the shown values, broken where one is withheld
    (marked [c] on the axis)."""
    height = 260
    base = height - 50
    plot_height = base - 30
    left, right = 40, WIDTH - 20
    step = (right - left) / max(1, len(data) - 1)
    top = _scale(data)
    parts = [f"<!--{height}-->"]
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, p in enumerate(data):
        x = left + i * step
        if p.value is None:
            if segment:
                segments.append(segment)
            segment = []
            parts.append(
                f'<text x="{x:.1f}" y="{base - 6}" text-anchor="middle" fill="{AXIS}" '
                f'font-size="12">[c]</text>'
            )
        else:
            y = base - plot_height * p.value / top
            segment.append(f"{x:.1f},{y:.1f}")
            parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3.5" fill="{BAR}"/>')
        label_every = max(1, len(data) // 12)
        if i % label_every == 0:
            parts.append(
                f'<text x="{x:.1f}" y="{base + 18}" text-anchor="end" fill="{TEXT}" '
                f'font-size="11" transform="rotate(-35 {x:.1f} {base + 18})">'
                f"{escape(_short(p.label, 10))}</text>"
            )
    if segment:
        segments.append(segment)
    for line in segments:
        parts.append(
            f'<polyline points="{" ".join(line)}" fill="none" stroke="{BAR}" stroke-width="2.5"/>'
        )
    if any(p.value for p in data):  # the highest shown value, never a withheld one
        parts.append(
            f'<text x="{left - 6}" y="{base - plot_height + 4:.1f}" text-anchor="end" '
            f'fill="{AXIS}" font-size="12">{top}</text>'
        )
    parts.append(
        f'<text x="{left - 6}" y="{base + 4}" text-anchor="end" fill="{AXIS}" '
        f'font-size="12">0</text>'
    )
    parts.append(_axis(left, base, right, base))
    return "".join(parts)


def _axis(x1: float, y1: float, x2: float, y2: float) -> str:
    return f'<line x1="{x1}" y1="{y1}" x2="{x2}" y2="{y2}" stroke="{AXIS}" stroke-width="1"/>'


def _empty() -> str:
    return f'<!--40--><text x="0" y="24" fill="{TEXT}">Nothing in this period.</text>'


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
