"""What a lifter trips over on a phone (390 px wide, touch): text that pushes controls off the
screen, and buttons too small to hit between sets."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from devsupport.live_server import LiveServer
from tests.e2e.conftest import wait_ready
from tests.e2e.test_tracker import add_exercise

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
TAP = 44  # the smallest comfortable touch target, in CSS pixels

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
