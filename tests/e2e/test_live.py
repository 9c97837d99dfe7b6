"""Live sync: a change on one device shows on another at once, with no "Sync now" and without
waiting for the minute-long periodic sync; one stream per browser; back after a restart."""

from __future__ import annotations

import time

from playwright.sync_api import Browser, BrowserContext, Page, expect

from devsupport.live_server import LiveServer
from tests.e2e.conftest import wait_for_service_worker, wait_ready
from tests.e2e.test_sync import device, exercise_list, sign_in, sync_now
from tests.e2e.test_tracker import add_exercise

EMAIL = "live@example.com"
PERIOD_S = 60  # app/browser/sync.py: the periodic sync while visible
LIVE_TIMEOUT_MS = 30_000


def expect_live(page: Page) -> None:
    """The status line says "Live" (the stream is up and the last sync went fine)."""
    expect(page.locator("#live-status")).to_be_visible(timeout=LIVE_TIMEOUT_MS)
    expect(page.locator("#live-status")).to_have_text("Live")


def shows(page: Page, name: str, timeout: float) -> None:
    expect(exercise_list(page).get_by_text(name, exact=True)).to_be_visible(timeout=timeout)


def two_devices(browser: Browser, server: LiveServer) -> tuple[Page, Page]:
    a = device(browser, server.url)
    b = device(browser, server.url)
    sign_in(a, EMAIL, create=True)
    sign_in(b, EMAIL, create=False)
    return a, b


def test_a_change_on_one_device_shows_on_the_other_without_sync_now(
    browser: Browser, own_server: LiveServer
) -> None:
    a, b = two_devices(browser, own_server)
    expect_live(a)
    expect_live(b)
    sync_now(b)  # B's periodic sync is now a minute away
    synced_at = time.monotonic()
    exercise_list(b)  # B shows its list, and only looks at it from now on

    add_exercise(a, "Zercher squat")  # A pushes it by itself shortly after the change
    shows(b, "Zercher squat", timeout=20_000)
    # Sooner than B's next periodic sync could have brought it: the poke did.
    assert time.monotonic() - synced_at < PERIOD_S - 5

    add_exercise(b, "Farmer carry")
    shows(a, "Farmer carry", timeout=20_000)


def streams_opened(context: BrowserContext) -> list[str]:
    opened: list[str] = []
    context.on("request", lambda r: opened.append(r.url) if "/api/sync/events" in r.url else None)
    return opened


def leaders(tabs: list[Page]) -> list[Page]:
    return [t for t in tabs if t.evaluate("document.documentElement.dataset.liveLeader") == "true"]


def test_three_tabs_share_one_stream(browser: Browser, own_server: LiveServer) -> None:
    context = browser.new_context()
    opened = streams_opened(context)
    first = context.new_page()
    first.goto(own_server.url + "/#settings")
    wait_ready(first)
    wait_for_service_worker(first)
    sign_in(first, EMAIL, create=True)
    tabs = [first]
    for _ in range(2):
        tab = context.new_page()
        tab.goto(own_server.url + "/#exercises")
        wait_ready(tab)
        tabs.append(tab)
    for tab in tabs:
        expect_live(tab)  # the others hear it from the leading tab
    assert leaders(tabs) == [first]
    assert len(opened) == 1, opened

    # The leading tab closes: another takes the lock and opens the one stream.
    first.close()
    rest = tabs[1:]
    for _ in range(100):
        if leaders(rest):
            break
        rest[0].wait_for_timeout(100)
    assert len(leaders(rest)) == 1
    for tab in rest:
        expect_live(tab)
    assert len(opened) == 2, opened

    phone = device(browser, own_server.url)
    sign_in(phone, EMAIL, create=False)
    add_exercise(phone, "Turkish get-up")
    for tab in rest:
        shows(tab, "Turkish get-up", timeout=20_000)


def test_the_stream_comes_back_after_the_server_restarts(
    browser: Browser, own_server: LiveServer
) -> None:
    a, b = two_devices(browser, own_server)
    expect_live(b)
    own_server.stop()
    expect(b.locator("#live-status")).to_be_hidden(timeout=LIVE_TIMEOUT_MS)
    own_server.start()
    expect_live(b)
    expect_live(a)
    sync_now(b)
    synced_at = time.monotonic()
    exercise_list(b)
    add_exercise(a, "Jefferson curl")
    shows(b, "Jefferson curl", timeout=20_000)
    assert time.monotonic() - synced_at < PERIOD_S - 5
