"""A progress line chart as a self-contained, accessible SVG string.

The SVG is ``role="img"`` with a ``<title>`` and a ``<desc>`` that says the gist in words
("Estimated 1RM from 80 kg to 95 kg over 6 sessions, ..."), so a screen reader gets the
story without the picture.  Each point is a ``<circle class="point">`` carrying ``data-date``,
``data-value`` and its own ``<title>`` (a tooltip on hover).

Colours are presentation attributes (a light chart, as a file on its own shows it), and every
drawn element has a class (``chart-bg``, ``grid``, ``axis``, ``chart-title``, ``tick``, ...), so
the page's stylesheet draws it in the page's colours, dark ones too.

Points are placed by date when every label is a ``YYYY-MM-DD`` date (gaps in training show as
gaps), else evenly.  With no points the chart is a small "No sessions yet" SVG, never an empty
string, so the caller can always insert what it gets.
"""

from __future__ import annotations

import math
import re
import zlib
from datetime import date
from html import escape as _html_escape

BRAND = "#0f766e"  # teal, 5.5:1 on white
TEXT = "#1f2937"  # 14.7:1 on white
AXIS = "#6b7280"  # 4.8:1 on white
GRID = "#e5e7eb"
FONT = 14
TITLE_FONT = 16
FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"
CHAR_WIDTH = 0.6 * FONT  # a fair average for the label widths we lay out
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def line_chart_svg(
    points: list[tuple[str, float]],
    *,
    title: str,
    y_label: str,
    width: int = 640,
    height: int = 320,
    unit: str = "",
) -> str:
    """The chart of ``(date, value)`` points in the given order; ``unit`` (e.g. "kg") is
    appended to values in the description and tooltips."""
    values = [float(v) for _, v in points]
    if not all(math.isfinite(v) for v in values):
        raise ValueError("Chart values must be finite numbers.")
    uid = f"chart-{zlib.crc32(repr((title, y_label, points)).encode()):08x}"
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}"'
        f' viewBox="0 0 {width} {height}" aria-labelledby="{uid}-title {uid}-desc"'
        f' font-family="{_attr(FONT_FAMILY)}" font-size="{FONT}">'
        f'<title id="{uid}-title">{_text(title)}</title>'
    )
    background = f'<rect class="chart-bg" width="{width}" height="{height}" fill="#ffffff"/>'
    if not points:
        return (
            f'{head}<desc id="{uid}-desc">No sessions yet.</desc>{background}'
            f'<text class="empty" x="{width / 2:g}" y="{height / 2:g}" text-anchor="middle"'
            f' fill="{TEXT}">No sessions yet</text></svg>'
        )

    # 1. Scales.  Y: nice round ticks around the data; X: days when every label is a date.
    ticks = nice_ticks(min(values), max(values))
    decimals = _decimals(ticks[1] - ticks[0]) if len(ticks) > 1 else 0
    tick_labels = [f"{t:,.{decimals}f}" for t in ticks]
    left = 28 + max(len(s) for s in tick_labels) * CHAR_WIDTH + 10
    right, top, bottom = 24.0, 44.0, float(height - 40)
    plot_right = width - right
    days = _days(points)
    xs = _x_positions(
        days if days is not None else list(range(len(points))), left + 12, plot_right - 12
    )
    lo, hi = ticks[0], ticks[-1]

    def y_of(v: float) -> float:
        return bottom - (v - lo) / (hi - lo) * (bottom - top)

    parts = [
        head,
        f'<desc id="{uid}-desc">{_text(_describe(points, y_label, unit))}</desc>',
        background,
    ]
    # The title starts at the plot's left edge; one too long for the width is drawn narrower
    # (squeezed to fit) rather than cut off at the chart's edge.
    room = width - left - 8
    fit = (
        f' textLength="{room:.1f}" lengthAdjust="spacingAndGlyphs"'
        if len(title) * TITLE_FONT * 0.62 > room
        else ""
    )
    parts.append(
        f'<text class="chart-title" x="{left:.1f}" y="26" font-size="{TITLE_FONT}"'
        f' font-weight="600" fill="{TEXT}"'
        f"{fit}>{_text(title)}</text>"
    )
    # 2. Y axis: grid lines, tick labels and the rotated axis label.
    parts.append('<g class="y-axis">')
    for tick, label in zip(ticks, tick_labels, strict=True):
        y = y_of(tick)
        parts.append(
            f'<line class="grid" x1="{left:.1f}" x2="{plot_right:.1f}" y1="{y:.1f}" y2="{y:.1f}"'
            f' stroke="{GRID}"/>'
            f'<text class="tick" x="{left - 8:.1f}" y="{y + FONT * 0.35:.1f}" text-anchor="end"'
            f' fill="{TEXT}">{label}</text>'
        )
    mid = (top + bottom) / 2
    parts.append(
        f'<text class="y-label" x="18" y="{mid:.1f}" text-anchor="middle" fill="{TEXT}"'
        f' transform="rotate(-90 18 {mid:.1f})">{_text(y_label)}</text></g>'
    )
    # 3. X axis: the baseline and date labels, thinned so they never overlap.
    parts.append(
        f'<g class="x-axis"><line class="axis" x1="{left:.1f}" x2="{plot_right:.1f}" y1="{bottom:.1f}"'
        f' y2="{bottom:.1f}" stroke="{AXIS}"/>'
    )
    labels = _date_labels(points, days)
    for i in _thin([xs[i] for i in range(len(points))], labels):
        half = len(labels[i]) * CHAR_WIDTH / 2
        x = min(max(xs[i], half + 2), width - half - 2)
        parts.append(
            f'<text class="date" x="{x:.1f}" y="{bottom + 22:.1f}" text-anchor="middle"'
            f' fill="{TEXT}">{_text(labels[i])}</text>'
        )
    parts.append("</g>")
    # 4. The line, then a dot per point on top of it.
    coords = [(xs[i], y_of(v)) for i, v in enumerate(values)]
    if len(coords) > 1:
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in coords)
        parts.append(
            f'<polyline class="line" points="{path}" fill="none" stroke="{BRAND}"'
            ' stroke-width="2.5" stroke-linejoin="round" stroke-linecap="round"/>'
        )
    parts.append('<g class="points">')
    for (label, value), (x, y) in zip(points, coords, strict=True):
        parts.append(
            f'<circle class="point" cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{BRAND}"'
            f' stroke="#ffffff" stroke-width="2" data-date="{_attr(label)}"'
            f' data-value="{float(value):.12g}"><title>{_text(label)}: '
            f"{_text(_value(value, unit))}</title></circle>"
        )
    parts.append("</g></svg>")
    return "".join(parts)


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """About ``count`` round tick values (steps of 1, 2 or 5 times a power of ten) covering
    ``lo``..``hi``; never below zero for data that is not."""
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        pad = abs(lo) * 0.1 or 1.0
        lo, hi = (max(lo - pad, 0.0) if lo >= 0 else lo - pad), hi + pad
    raw = (hi - lo) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw * (1 - 1e-9))
    start, end = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    digits = max(0, _decimals(step)) + 2
    return [round(k * step, digits) for k in range(start, end + 1)]


def _decimals(step: float) -> int:
    """Decimals needed to print multiples of ``step`` exactly (0.5 -> 1, 0.25 -> 2, 5 -> 0)."""
    for decimals in range(0, 10):
        if abs(round(step, decimals) - step) < 1e-9 * max(1.0, abs(step)):
            return decimals
    return 10


def _days(points: list[tuple[str, float]]) -> list[int] | None:
    try:
        return [date.fromisoformat(label).toordinal() for label, _ in points]
    except (TypeError, ValueError):
        return None


def _x_positions(keys: list[int], x0: float, x1: float) -> list[float]:
    first, last = min(keys), max(keys)
    if first == last:
        return [(x0 + x1) / 2 for _ in keys]
    return [x0 + (k - first) / (last - first) * (x1 - x0) for k in keys]


def _date_labels(points: list[tuple[str, float]], days: list[int] | None) -> list[str]:
    if days is None:
        return [label for label, _ in points]
    dates = [date.fromordinal(d) for d in days]
    one_year = len({d.year for d in dates}) == 1
    return [f"{_MONTHS[d.month - 1]} {d.day}" + ("" if one_year else f" {d.year}") for d in dates]


def _thin(xs: list[float], labels: list[str]) -> list[int]:
    """Indexes of the labels to draw: first and last always, others while they do not crowd."""

    def clear(a: int, b: int) -> bool:
        room = (len(labels[a]) + len(labels[b])) * CHAR_WIDTH / 2 + 12
        return abs(xs[b] - xs[a]) >= room

    kept = [0]
    for i in range(1, len(xs)):
        if clear(kept[-1], i):
            kept.append(i)
    last = len(xs) - 1
    if kept[-1] != last:
        while len(kept) > 1 and not clear(kept[-1], last):
            kept.pop()
        if clear(kept[-1], last):
            kept.append(last)
    return kept


def _describe(points: list[tuple[str, float]], y_label: str, unit: str) -> str:
    values = [v for _, v in points]
    if len(points) == 1:
        label, value = points[0]
        return f"{y_label}: one session, {_value(value, unit)} on {label}."
    return (
        f"{y_label} from {_value(values[0], unit)} to {_value(values[-1], unit)} over "
        f"{len(points)} sessions, {points[0][0]} to {points[-1][0]}; lowest "
        f"{_value(min(values), unit)}, highest {_value(max(values), unit)}."
    )


def _value(value: float, unit: str) -> str:
    text = f"{value:,.1f}".removesuffix(".0")
    return f"{text} {unit}" if unit else text


def _text(value: str) -> str:
    return _html_escape(_NOT_XML.sub("", value), quote=False)


def _attr(value: str) -> str:
    return _html_escape(_NOT_XML.sub("", value), quote=True)
