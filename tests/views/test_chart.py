"""The progress chart: well-formed, accessible SVG whose values a test (or a screen reader) can read."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from app.views.chart import line_chart_svg, nice_ticks

NS = {"svg": "http://www.w3.org/2000/svg"}
STYLES = Path(__file__).resolve().parents[2] / "app" / "styles.css"
SIX = [
    ("2026-01-05", 80.0),
    ("2026-01-08", 82.5),
    ("2026-01-12", 85.0),
    ("2026-01-15", 85.0),
    ("2026-01-22", 90.0),
    ("2026-02-02", 95.0),
]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def chart(points: list[tuple[str, float]], **kw: str) -> ET.Element:
    options = {"title": "Squat", "y_label": "Estimated 1RM (kg)", "unit": "kg", **kw}
    return parse(line_chart_svg(points, **options))


def dots(root: ET.Element) -> list[ET.Element]:
    return root.findall(".//svg:circle[@class='point']", NS)


def texts(root: ET.Element, cls: str) -> list[str]:
    return [t.text or "" for t in root.findall(f".//svg:text[@class='{cls}']", NS)]


def test_accessible_root_with_title_and_description() -> None:
    root = chart(SIX)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    assert root.get("role") == "img"
    assert root.get("viewBox") == "0 0 640 320"
    title = root.find("svg:title", NS)
    desc = root.find("svg:desc", NS)
    assert title is not None and title.text == "Squat"
    assert desc is not None
    assert desc.text == (
        "Estimated 1RM (kg) from 80 kg to 95 kg over 6 sessions, 2026-01-05 to 2026-02-02; "
        "lowest 80 kg, highest 95 kg."
    )
    assert root.get("aria-labelledby") == f"{title.get('id')} {desc.get('id')}"


def test_one_dot_per_point_with_value_date_and_tooltip() -> None:
    root = chart(SIX)
    found = dots(root)
    assert len(found) == 6
    assert [float(d.get("data-value", "")) for d in found] == [v for _, v in SIX]
    assert [d.get("data-date") for d in found] == [label for label, _ in SIX]
    tips = [d.find("svg:title", NS) for d in found]
    assert [t.text for t in tips if t is not None][1] == "2026-01-08: 82.5 kg"
    assert root.find(".//svg:polyline[@class='line']", NS) is not None


def test_points_are_placed_by_date_and_value() -> None:
    found = dots(chart(SIX))
    xs = [float(d.get("cx", "")) for d in found]
    ys = [float(d.get("cy", "")) for d in found]
    assert xs == sorted(xs)
    assert ys[0] > ys[1] > ys[2] == ys[3] > ys[4] > ys[5]  # higher value, higher on screen
    # Jan 12 -> Jan 15 is 3 days, Jan 22 -> Feb 2 is 11 days.
    assert (xs[5] - xs[4]) / (xs[3] - xs[2]) == pytest.approx(11 / 3, rel=0.01)


def test_round_y_tick_labels() -> None:
    assert texts(chart(SIX), "tick") == ["80", "85", "90", "95"]
    big = [("2026-01-01", 1000.0), ("2026-01-02", 2710.0)]
    assert texts(chart(big), "tick") == ["1,000", "1,500", "2,000", "2,500", "3,000"]
    small = [("2026-01-01", 1.0), ("2026-01-02", 1.7)]
    assert texts(chart(small), "tick") == ["1.0", "1.2", "1.4", "1.6", "1.8"]


@pytest.mark.parametrize(
    ("lo", "hi", "expected"),
    [
        (80, 95, [80, 85, 90, 95]),
        (0, 1, [0, 0.5, 1]),
        (83, 97.5, [80, 85, 90, 95, 100]),
        (0, 0, [0, 0.5, 1]),
        (100, 100, [90, 95, 100, 105, 110]),
        (-3, 4, [-4, -2, 0, 2, 4]),
    ],
)
def test_nice_ticks(lo: float, hi: float, expected: list[float]) -> None:
    assert nice_ticks(lo, hi) == expected


def test_date_labels_on_the_x_axis() -> None:
    weekly = [("2026-01-05", 80.0), ("2026-01-12", 85.0), ("2026-01-19", 90.0)]
    assert texts(chart(weekly), "date") == ["Jan 5", "Jan 12", "Jan 19"]
    # Jan 12 and Jan 15 sit too close for both labels: the later one gives way.
    assert texts(chart(SIX), "date") == ["Jan 5", "Jan 8", "Jan 12", "Jan 22", "Feb 2"]


def test_date_labels_name_the_year_across_years() -> None:
    points = [("2025-12-20", 80.0), ("2026-01-10", 85.0)]
    assert texts(chart(points), "date") == ["Dec 20 2025", "Jan 10 2026"]


def test_many_dates_are_thinned_but_keep_first_and_last() -> None:
    start = date(2026, 1, 1)
    points = [((start + timedelta(days=2 * i)).isoformat(), 50.0 + i) for i in range(60)]
    root = chart(points)
    labels = texts(root, "date")
    assert len(dots(root)) == 60
    assert 3 <= len(labels) <= 10
    assert labels[0] == "Jan 1" and labels[-1] == "Apr 29"
    xs = [float(t.get("x", "")) for t in root.findall(".//svg:text[@class='date']", NS)]
    assert all(b - a >= 50 for a, b in pairwise(xs))


def test_labels_that_are_not_dates_are_spread_evenly() -> None:
    root = chart([("first", 1.0), ("second", 2.0), ("third", 4.0)])
    xs = [float(d.get("cx", "")) for d in dots(root)]
    assert xs[1] - xs[0] == pytest.approx(xs[2] - xs[1])
    assert texts(root, "date") == ["first", "second", "third"]


def test_one_point_is_a_single_dot_without_a_line() -> None:
    root = chart([("2026-01-05", 80.0)])
    assert len(dots(root)) == 1
    assert root.find(".//svg:polyline", NS) is None
    desc = root.find("svg:desc", NS)
    assert desc is not None and desc.text == "Estimated 1RM (kg): one session, 80 kg on 2026-01-05."


def test_no_points_says_no_sessions_yet() -> None:
    root = parse(line_chart_svg([], title="Bench", y_label="kg"))
    assert root.get("role") == "img"
    assert dots(root) == []
    assert [t.text for t in root.findall("svg:text", NS)] == ["No sessions yet"]


def test_text_is_escaped() -> None:
    nasty = 'Squat <script>alert("x")</script> & "friends"\x00'
    svg = line_chart_svg(
        [("2026-01-05", 80.0), ("<b>", 81.0)], title=nasty, y_label="a < b & c", unit="<kg>"
    )
    assert "<script>" not in svg and "<b>" not in svg
    root = parse(svg)
    title = root.find("svg:title", NS)
    assert title is not None and title.text == 'Squat <script>alert("x")</script> & "friends"'
    assert root.findall(".//svg:text[@class='y-label']", NS)[0].text == "a < b & c"
    assert dots(root)[1].get("data-date") == "<b>"


def test_values_must_be_finite() -> None:
    with pytest.raises(ValueError):
        line_chart_svg([("2026-01-05", float("nan"))], title="t", y_label="y")


def test_brand_colour_and_readable_font() -> None:
    root = chart(SIX)
    assert int(root.get("font-size", "0")) >= 12
    line = root.find(".//svg:polyline", NS)
    assert line is not None and line.get("stroke") == "#0f766e"
    assert all(d.get("fill") == "#0f766e" for d in dots(root))


def test_a_title_too_long_for_the_chart_is_squeezed_to_fit_not_cut_off() -> None:
    long_title = "Barbell row: estimated one-rep max"
    svg = line_chart_svg(SIX, title=long_title, y_label="Best est. 1RM", width=360)
    title = next(t for t in parse(svg).iterfind(".//svg:text", NS) if t.text == long_title)
    left, room = float(title.get("x", "0")), float(title.get("textLength", "0"))
    assert room > 0 and left + room <= 360
    short = line_chart_svg(SIX, title="Squat", y_label="Best est. 1RM", width=360)
    assert "textLength" not in short


def test_every_coloured_part_takes_the_pages_colours_so_dark_mode_is_dark() -> None:
    """The chart's own colours are a light chart's: in the page, every part that has a colour
    is drawn in the page's theme colours (var(--...)), so in dark mode it is not a white box."""
    css = STYLES.read_text(encoding="utf-8")
    for root in (chart(SIX), parse(line_chart_svg([], title="Bench", y_label="kg"))):
        for element in root.iter():
            for paint in ("fill", "stroke"):
                if element.get(paint) not in (None, "none"):
                    cls = element.get("class")
                    assert cls, f"a <{element.tag}> with a {paint} has no class"
                    rule = rf"\.chart \.{cls}\b[^{{]*\{{[^}}]*{paint}: var\(--"
                    assert re.search(rule, css), f".chart .{cls} gets no {paint} of the page's"
