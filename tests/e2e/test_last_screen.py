"""The last screen first: a reopen shows what the person last saw before Python is ready.

Python's start is held back here by holding the request for the app's modules
(``/app/modules.json``, asked for by the app's worker; the service worker is blocked so the
test's network route sees it), which makes "before ready" certain.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from app.core import storage_keys as keys
from devsupport.live_server import LiveServer
from tests.e2e.conftest import wait_ready
from tests.e2e.test_tracker import add_exercise

COPY_SAVED = f"(localStorage.getItem('{keys.LAST_SCREEN}') || '').includes({{!r}})"


@pytest.fixture
def device(browser: Browser) -> Iterator[BrowserContext]:
    context = browser.new_context(service_workers="block")
    yield context
    context.close()


def open_with_a_copy(page: Page, url: str, *names: str) -> None:
    """A first start: add exercises, and wait until the screen's copy holds them."""
    page.goto(url + "/#exercises")
    wait_ready(page)
    for name in names:
        add_exercise(page, name)
    page.wait_for_function(COPY_SAVED.format(names[-1]))


def reopen_held(page: Page) -> list[Route]:
    """Reopen with Python's start held back; release it with ``route.continue_()``."""
    held: list[Route] = []
    page.route("**/app/modules.json", lambda route: held.append(route))
    with page.expect_request("**/app/modules.json", timeout=60_000):
        page.reload(wait_until="domcontentloaded")
    return held


def release(page: Page, held: list[Route]) -> None:
    assert held, "the start was not held"
    for route in held:
        route.continue_()
    page.unroute("**/app/modules.json")


def test_the_last_screen_is_painted_before_ready_and_replaced_in_place(
    device: BrowserContext, server: LiveServer
) -> None:
    page = device.new_page()
    open_with_a_copy(page, server.url, "Deadlift")
    held = reopen_held(page)

    exercises = page.get_by_role("list", name="Your exercises")
    expect(exercises.get_by_text("Deadlift", exact=True)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("data-app-state", "loading")
    expect(page.get_by_text("Getting ready…")).to_be_visible()
    expect(page.get_by_text("Getting your workouts ready…")).to_be_hidden()
    # Its controls greyed out (not faded: its text keeps its contrast).
    add = page.locator("#last-screen").get_by_role("button", name="Add exercise")
    assert add.evaluate("e => getComputedStyle(e).filter") == "grayscale(1)"
    assert page.locator("#last-screen").evaluate("e => getComputedStyle(e).opacity") == "1"

    release(page, held)
    wait_ready(page)
    expect(page.locator("#last-screen")).to_have_count(0)  # Python's own screen now
    expect(exercises.get_by_text("Deadlift", exact=True)).to_be_visible()
    expect(page.get_by_text("Getting ready…")).to_be_hidden()


def test_taps_before_ready_are_applied_once_ready(
    device: BrowserContext, server: LiveServer
) -> None:
    """A delete tapped and an exercise typed and added while the copy shows: both happen."""
    page = device.new_page()
    open_with_a_copy(page, server.url, "Deadlift", "Lunge")
    held = reopen_held(page)
    exercises = page.get_by_role("list", name="Your exercises")
    expect(exercises.get_by_text("Deadlift", exact=True)).to_be_visible()

    page.get_by_role("button", name="Delete Deadlift").click()
    expect(page.get_by_text("One moment — getting ready…")).to_be_visible()
    page.get_by_label("Exercise name").fill("Hip thrust")
    page.get_by_role("button", name="Add exercise").click()
    expect(page.locator("html")).to_have_attribute("data-app-state", "loading")

    release(page, held)
    wait_ready(page)
    expect(exercises.get_by_text("Hip thrust", exact=True)).to_be_visible()
    expect(exercises.get_by_text("Deadlift", exact=True)).to_have_count(0)
    expect(exercises.get_by_text("Lunge", exact=True)).to_be_visible()
    page.reload()
    wait_ready(page)
    expect(exercises.get_by_text("Hip thrust", exact=True)).to_be_visible()
    expect(exercises.get_by_text("Deadlift", exact=True)).to_have_count(0)


@pytest.mark.parametrize(
    "change",
    [
        f"localStorage.setItem('{keys.ACCOUNT}', 'someone.else@example.com')",
        f"(() => {{ const c = JSON.parse(localStorage.getItem('{keys.LAST_SCREEN}'));"
        " c.version = 'an-older-version';"
        f" localStorage.setItem('{keys.LAST_SCREEN}', JSON.stringify(c)); }})()",
    ],
    ids=["another-account", "another-version"],
)
def test_a_copy_of_another_account_or_version_is_never_shown(
    device: BrowserContext, server: LiveServer, change: str
) -> None:
    page = device.new_page()
    open_with_a_copy(page, server.url, "Deadlift")
    page.evaluate(change)
    held = reopen_held(page)
    expect(page.get_by_text("Getting your workouts ready…")).to_be_visible()
    expect(page.locator("#last-screen")).to_have_count(0)
    expect(page.get_by_text("Deadlift", exact=True)).to_have_count(0)
    release(page, held)
    wait_ready(page)


def test_a_reopen_at_the_bare_address_paints_the_home_screen_copy(
    device: BrowserContext, server: LiveServer
) -> None:
    """The installed app opens at "/", which is the workout screen: its copy is painted first."""
    page = device.new_page()
    page.goto(server.url + "/")
    wait_ready(page)
    page.wait_for_function(
        f"JSON.parse(localStorage.getItem('{keys.LAST_SCREEN}') || '{{}}').views?.workout"
    )
    held = reopen_held(page)
    expect(page.locator("#last-screen")).to_have_count(1)
    expect(page.locator("html")).to_have_attribute("data-last-screen", "workout")
    expect(page.locator("html")).to_have_attribute("data-app-state", "loading")
    release(page, held)
    wait_ready(page)
    expect(page.locator("#last-screen")).to_have_count(0)
