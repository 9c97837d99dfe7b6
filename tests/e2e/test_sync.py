"""Two devices of one account, following the product's scenario: files, sync, offline edits."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Locator, Page, expect

from devsupport.live_server import LiveServer
from tests.e2e.conftest import wait_for_service_worker, wait_ready
from tests.e2e.test_files import export_file, import_file
from tests.e2e.test_tracker import add_exercise, go

PASSWORD = "correct horse battery"


def device(browser: Browser, url: str) -> Page:
    page = browser.new_context().new_page()
    page.goto(url + "/#settings")
    wait_ready(page)
    wait_for_service_worker(page)
    return page


def sign_in(page: Page, email: str, create: bool) -> None:
    go(page, "Settings")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account" if create else "Sign in").click()
    expect(page.locator("#account-email")).to_have_text(email)


def bring_guest_data(page: Page) -> None:
    """Answer the question asked at sign-in: add what was made before to this account."""
    go(page, "Settings")
    page.get_by_role("button", name="Add to my data").click()
    expect(page.locator("#guest-offer")).to_have_count(0)


def finished_syncs(page: Page) -> int:
    return int(page.evaluate("document.documentElement.dataset.syncs || 0"))


def sync_now(page: Page) -> None:
    """Tap "Sync now" and wait for that sync (not an earlier one) to finish, then "Synced"."""
    go(page, "Settings")
    before = finished_syncs(page)
    page.get_by_role("button", name="Sync now").click()
    page.wait_for_function(
        f"Number(document.documentElement.dataset.syncs || 0) > {before}", timeout=20_000
    )
    expect(page.locator("#sync-status")).to_have_text("Synced")


def rename(page: Page, old: str, new: str) -> None:
    go(page, "Exercises")
    page.get_by_role("button", name=f"Rename {old}", exact=True).click()
    expect(page.get_by_label(f"New name for {old}")).to_be_visible()
    page.get_by_label(f"New name for {old}").fill(new)
    page.get_by_role("button", name="Save").click()
    expect(exercise_list(page).get_by_text(new, exact=True)).to_be_visible()


def exercise_list(page: Page) -> Locator:
    go(page, "Exercises")
    return page.get_by_role("list", name="Your exercises")


def names(page: Page, count: int) -> set[str]:
    """The exercise names shown, once the list shows ``count`` of them."""
    shown = exercise_list(page).locator("li strong")
    expect(shown).to_have_count(count)
    return set(shown.all_text_contents())


def agreed_names(a: Page, b: Page, count: int) -> set[str]:
    """The names both devices show, once they show the same ``count`` names."""
    for _ in range(50):
        shown = names(a, count)
        if names(b, count) == shown:
            return shown
        a.wait_for_timeout(200)
    raise AssertionError(f"the devices never agreed: {names(a, count)} vs {names(b, count)}")


def expect_names(page: Page, expected: set[str]) -> None:
    """Wait until the exercise list shows exactly these names (it is sorted by name)."""
    shown = exercise_list(page).locator("li strong")
    expect(shown).to_have_text(sorted(expected, key=str.casefold))


def test_two_devices_converge_and_nothing_typed_is_lost(
    browser: Browser, own_server: LiveServer, tmp_path: Path
) -> None:
    a = device(browser, own_server.url)
    b = device(browser, own_server.url)
    expect(a.locator("#sync-status")).to_have_text(
        "On this device"
    )  # never signed in: nothing is wrong

    # A works without an account first; signing up, the person adds that data to the account.
    for name in ("Bench press", "Squat", "Row"):
        add_exercise(a, name)
    sign_in(a, "lifter@example.com", create=True)
    bring_guest_data(a)
    sync_now(a)

    # Export on A, import on B, then B signs in to the same account and changes things.
    import_file(b, export_file(a, tmp_path))
    expect(b.get_by_role("status").filter(has_text="Imported")).to_contain_text("3 exercises")
    sign_in(b, "lifter@example.com", create=False)
    bring_guest_data(b)
    rename(b, "Row", "Barbell row")
    add_exercise(b, "Plank")
    sync_now(b)
    sync_now(a)
    expected = {"Bench press", "Squat", "Barbell row", "Plank"}
    expect_names(a, expected)
    expect_names(b, expected)

    # Both go offline (server stopped); both edit the same exercise, B deletes another.
    own_server.stop()
    rename(a, "Squat", "Back squat")
    rename(b, "Squat", "Low-bar squat")
    b.get_by_role("button", name="Delete Bench press").click()
    expect(exercise_list(b).get_by_text("Bench press", exact=True)).to_have_count(0)
    go(b, "Settings")
    b.get_by_role("button", name="Sync now").click()
    expect(b.locator("#sync-status")).to_have_text("Offline")
    go(a, "Settings")
    a.get_by_role("button", name="Sync now").click()
    expect(a.locator("#sync-status")).to_have_text("Offline")

    # The server returns: both catch up on their own (retry with backoff, in either order).
    own_server.start()
    expect(a.locator("#sync-status")).to_have_text("Synced", timeout=60_000)
    expect(b.locator("#sync-status")).to_have_text("Synced", timeout=60_000)
    for page in (a, b, a):
        sync_now(page)

    # The same field: the value that reached the server first won on both devices; the other
    # is kept as a conflict on the device that lost, and Restore brings it back everywhere.
    squat = (agreed_names(a, b, 3) - {"Barbell row", "Plank"}).pop()
    assert squat in ("Back squat", "Low-bar squat")
    loser, lost_value = (b, "Low-bar squat") if squat == "Back squat" else (a, "Back squat")
    go(loser, "Settings")
    conflicts = loser.get_by_role("list", name="Conflicts")
    expect(conflicts).to_contain_text(lost_value)
    conflicts.get_by_role("button", name="Restore").first.click()
    expect(loser.get_by_role("list", name="Conflicts")).to_have_count(0)
    for page in (loser, a, b):
        sync_now(page)
    final = {lost_value, "Barbell row", "Plank"}
    expect_names(a, final)
    expect_names(b, final)  # nothing typed was lost; the deleted exercise stayed deleted


def test_the_app_keeps_working_with_the_server_down(
    browser: Browser, own_server: LiveServer
) -> None:
    a = device(browser, own_server.url)
    sign_in(a, "solo@example.com", create=True)
    sync_now(a)
    own_server.stop()
    a.reload()
    wait_ready(a)
    add_exercise(a, "Farmer carry")
    go(a, "Settings")
    expect(a.locator("#sync-status")).to_have_text("Offline", timeout=20_000)
    expect(a.locator("#pending-count")).not_to_have_text("0")
    own_server.start()
    expect(a.locator("#sync-status")).to_have_text("Synced", timeout=60_000)
    expect(a.locator("#pending-count")).to_have_text("0")
    # The service worker cached the app, and never an answer of the API.
    cached = a.evaluate(
        """async () => {
            const urls = [];
            for (const name of await caches.keys())
                for (const request of await (await caches.open(name)).keys()) urls.push(request.url);
            return urls;
        }"""
    )
    assert any(u.endswith("/vendor/pyodide/pyodide.asm.wasm") for u in cached)
    assert [u for u in cached if "/api/" in u] == []

    # Signing out says the data stays, stops syncing, and keeps the data on the device, apart:
    # what is made afterwards is the guest's.
    a.get_by_role("button", name="Sign out").click()
    expect(a.get_by_role("status").filter(has_text="Signed out")).to_contain_text(
        "Your data stays on this device"
    )
    expect(a.locator("#sync-status")).to_have_text("Not signed in")
    add_exercise(a, "Sled push")
    expect_names(a, {"Sled push"})
    go(a, "Settings")
    expect(a.locator("#pending-count")).to_have_text("1")  # kept for a sign-in, if the person says


def test_one_tab_syncs_at_a_time_and_the_others_see_the_results(
    browser: Browser, own_server: LiveServer
) -> None:
    """Tabs of one device share its data: a Web Lock lets only one of them sync at a time."""
    tab1 = device(browser, own_server.url)
    sign_in(tab1, "tabs@example.com", create=True)
    sync_now(tab1)
    tab2 = tab1.context.new_page()
    tab2.goto(own_server.url + "/#exercises")
    wait_ready(tab2)

    other_device = device(browser, own_server.url)
    sign_in(other_device, "tabs@example.com", create=False)
    add_exercise(other_device, "Hip thrust")
    sync_now(other_device)

    # While tab 1 holds the sync lock, tab 2's sync steps aside instead of syncing twice.
    tab1.evaluate(
        """() => { navigator.locks.request("setflow-sync",
               () => new Promise((release) => { window.releaseSyncLock = release; })); }"""
    )
    tab1.wait_for_function("typeof window.releaseSyncLock === 'function'")
    assert tab2.evaluate("window.setflowSync()") is None
    tab1.evaluate("window.releaseSyncLock()")
    result = tab2.evaluate("window.setflowSync()")
    assert result is not None and result["ok"]

    # Both tabs show what came in (whichever of them pulled it: tabs also sync on their own).
    for tab in (tab1, tab2):
        expect(exercise_list(tab).get_by_text("Hip thrust", exact=True)).to_be_visible()
