"""What a lifter trips over on a phone (390 px wide, touch): text that pushes controls off the
screen, and buttons too small to hit between sets."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from devsupport.live_server import LiveServer
from tests.e2e.conftest import wait_ready
from tests.e2e.test_files import import_file
from tests.e2e.test_tracker import add_exercise, go, log_set

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
TAP = 44  # the smallest comfortable touch target, in CSS pixels

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
LONG = "Incline dumbbell bench press with a pause at the bottom (tempo 3-1-1)"


@pytest.fixture
def phone(browser: Browser, server: LiveServer) -> Iterator[Page]:
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.goto(f"{server.url}/#exercises")
    wait_ready(page)
    yield page
    context.close()


def test_a_long_exercise_name_keeps_its_buttons_whole_on_a_phone(phone: Page) -> None:
    """A long name wraps; Rename and Delete stay whole, on screen, and big enough to tap."""
    add_exercise(phone, LONG)
    row = phone.get_by_role("list", name="Your exercises").locator("li").filter(has_text=LONG)
    for name in (f"Rename {LONG}", f"Delete {LONG}"):
        button = row.get_by_role("button", name=name)
        expect(button).to_be_visible()
        box = button.bounding_box()
        assert box is not None
        fits = button.evaluate("b => b.scrollWidth <= b.clientWidth")
        assert fits, f"{name!r}: its label is cut off"
        assert box["x"] + box["width"] <= 390, f"{name!r} runs off the screen: {box}"
        assert box["height"] >= TAP, f"{name!r} is {box['height']} px tall"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390, (
        "the page scrolls sideways"
    )


def test_the_import_unit_question_is_two_clear_choices(phone: Page) -> None:
    """A Strong file that does not say its unit: "kg" and "lb" are each a small round button
    beside its word, and the whole line is a target big enough to tap."""
    import_file(phone, FIXTURES / "strong_classic.csv")
    question = phone.get_by_role("group", name="This file does not say its unit")
    for unit in ("kg", "lb"):
        radio = question.get_by_role("radio", name=unit, exact=True)
        line = question.locator("label").filter(has_text=unit)
        radio_box, line_box = radio.bounding_box(), line.bounding_box()
        assert radio_box is not None and line_box is not None
        assert radio_box["width"] <= 32, f"the {unit} button is {radio_box['width']} px wide"
        assert TAP <= line_box["height"] < 2 * TAP, f"the {unit} line: {line_box}"
    question.locator("label").filter(has_text="lb").click()
    expect(question.get_by_role("radio", name="lb", exact=True)).to_be_checked()
    expect(phone.get_by_role("button", name="Import 2 workouts")).to_be_enabled()


def test_pounds_with_decimals_fit_in_the_set_rows(phone: Page) -> None:
    """Last time 197.5 kg, shown in pounds (435.41 lb): the weight field and last time's numbers
    are read whole, not cut off."""
    add_exercise(phone, "Deadlift")
    log_set(phone, "Deadlift", 5, 197.5)
    go(phone, "Settings")
    phone.get_by_role("button", name="Pounds (lb)").click()
    go(phone, "Workout")
    phone.get_by_role("button", name="Repeat last time").click()
    weight = phone.get_by_role("textbox", name="Weight in lb", exact=False).first
    expect(weight).to_have_value("435.41")
    assert weight.evaluate("e => e.scrollWidth <= e.clientWidth"), "the weight is cut off"
    previous = phone.locator("td.prev").first
    expect(previous).to_have_text("5 × 435.41 lb")
    assert previous.evaluate("e => e.scrollWidth <= e.clientWidth"), "last time is cut off"
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_set_check_and_the_rest_picker_are_big_enough_to_tap(phone: Page) -> None:
    """The check is tapped once a set, between sets, with chalky hands: a full 44 px target."""
    add_exercise(phone, "Deadlift")
    log_set(phone, "Deadlift", 5, 140)
    go(phone, "Workout")
    phone.get_by_role("button", name="Repeat last time").click()
    check = phone.locator("button.check").first
    expect(check).to_be_visible()
    box = check.bounding_box()
    assert box is not None and box["width"] >= TAP and box["height"] >= TAP, box
    rest = phone.get_by_label("Rest").first.bounding_box()
    assert rest is not None and rest["height"] >= TAP, rest
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_weight_steppers_are_big_enough_to_tap_and_the_row_stays_whole(phone: Page) -> None:
    """− and + beside the weight are tapped between sets: each a full 44 px target, and the row
    (last time, weight, reps, check, more) still fits the phone's width, nothing cut off."""
    add_exercise(phone, "Deadlift")
    log_set(phone, "Deadlift", 5, 140)
    go(phone, "Workout")
    phone.get_by_role("button", name="Repeat last time").click()
    for name in ("Less weight, set 1 of Deadlift", "More weight, set 1 of Deadlift"):
        box = phone.get_by_role("button", name=name).bounding_box()
        assert box is not None and box["width"] >= TAP and box["height"] >= TAP, (name, box)
    row = phone.locator("table.sets tbody tr").first
    more = row.get_by_role("button", name="RPE and note for set 1 of Deadlift").bounding_box()
    assert more is not None and more["x"] + more["width"] <= 390, more
    weight = phone.get_by_label("Weight in kg, set 1 of Deadlift")
    assert weight.evaluate("e => e.scrollWidth <= e.clientWidth"), "the weight is cut off"
    phone.get_by_role("button", name="More weight, set 1 of Deadlift").click()
    expect(weight).to_have_value("142.5")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_set_type_the_reps_and_the_more_button_are_big_enough_to_tap(phone: Page) -> None:
    """The set's type (warm-up, drop...), its reps and its "more" (RPE, note) are tapped between
    sets too: each a full 44 px target, on the phone's screen, the row's other targets untouched."""
    add_exercise(phone, "Deadlift")
    log_set(phone, "Deadlift", 5, 140)
    go(phone, "Workout")
    phone.get_by_role("button", name="Repeat last time").click()
    row = phone.locator("table.sets tbody tr").first
    targets = {
        "set type": row.locator("button.set-type"),
        "reps": phone.get_by_label("Reps, set 1 of Deadlift"),
        "more": phone.get_by_role("button", name="RPE and note for set 1 of Deadlift"),
    }
    boxes = {}
    for name, target in targets.items():
        box = target.bounding_box()
        assert box is not None and box["width"] >= TAP and box["height"] >= TAP, (name, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (name, box)
        boxes[name] = box
    check = phone.get_by_role("button", name="Done: set 1 of Deadlift").bounding_box()
    assert check is not None and check["width"] >= TAP, check
    assert boxes["more"]["x"] >= check["x"] + check["width"], "the more button covers the check"
    phone.get_by_role("button", name="RPE and note for set 1 of Deadlift").click()
    expect(phone.get_by_label("RPE", exact=False).first).to_be_visible()
    row.locator("button.set-type").click()
    expect(row.locator("button.set-type")).to_have_text("W")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two computed colours ("rgb(21, 32, 30)")."""

    def luminance(colour: str) -> float:
        channels = [int(c) / 255 for c in colour[colour.index("(") + 1 : -1].split(",")[:3]]
        r, g, bl = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * bl

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_the_progress_chart_is_dark_in_dark_mode_and_its_text_readable(
    browser: Browser, server: LiveServer
) -> None:
    """At arm's length in a dark room: the chart follows the dark colours (not a white box),
    and its axis text is at least 12 px on the phone, not scaled down to 8."""
    context = browser.new_context(**PHONE, color_scheme="dark")
    page = context.new_page()
    page.goto(f"{server.url}/#exercises")
    wait_ready(page)
    add_exercise(page, "Squat")
    log_set(page, "Squat", 5, 100)
    go(page, "History")
    svg = page.locator("figure.chart svg").first
    expect(svg).to_be_visible()
    seen = svg.evaluate(
        """svg => {
          const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
          const texts = [...svg.querySelectorAll('text')];
          return {
            background: getComputedStyle(svg.querySelector('.chart-bg')).fill,
            card: getComputedStyle(svg.closest('.card')).backgroundColor,
            text: getComputedStyle(svg.querySelector('text.tick')).fill,
            smallest: Math.min(...texts.map(t => parseFloat(getComputedStyle(t).fontSize) * scale)),
          };
        }"""
    )
    assert seen["background"] == seen["card"], seen  # the card's dark, not white
    assert contrast(seen["text"], seen["background"]) >= 4.5, seen
    assert seen["smallest"] >= 12, seen
    context.close()


def test_the_more_buttons_dots_sit_on_its_middle(phone: Page) -> None:
    """The three dots of a set's "more" button sit on the button's middle, not above it (they
    read as lined up with the set's numbers), measured as drawn: within 1 px."""
    add_exercise(phone, "Deadlift")
    log_set(phone, "Deadlift", 5, 140)
    go(phone, "Workout")
    phone.get_by_role("button", name="Repeat last time").click()
    more = phone.get_by_role("button", name="RPE and note for set 1 of Deadlift")
    expect(more).to_be_visible()
    offset = more.evaluate(
        """button => {
            const box = button.getBoundingClientRect();
            const dots = [...button.querySelectorAll("circle")].map((c) => c.getBoundingClientRect());
            const top = Math.min(...dots.map((d) => d.top));
            const bottom = Math.max(...dots.map((d) => d.bottom));
            return (top + bottom) / 2 - (box.top + box.height / 2);
        }"""
    )
    assert abs(offset) <= 1, f"the dots sit {-offset:.1f} px above the button's middle"
