"""The PWA shell: paints at once, starts Python, works with no network, installs, updates."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import BrowserContext, BrowserType, Page, expect

from app.core import storage_keys as keys
from devsupport.live_server import LiveServer, copy_public_files
from tests.e2e.conftest import RequestLog, wait_for_service_worker, wait_ready

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")

# Records when the first contentful paint happened and when data-app-state changed.
TIMELINE = """
window.__timeline = {states: []};
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') window.__timeline.fcp = e.startTime;
}).observe({type: 'paint', buffered: true});
new MutationObserver(() => {
  window.__timeline.states.push([document.documentElement.dataset.appState, performance.now()]);
}).observe(document, {attributes: true, subtree: true, attributeFilter: ['data-app-state']});
"""


def test_shell_paints_before_python_is_ready(
    page: Page, server: LiveServer, request_log: RequestLog
) -> None:
    """A person sees the Setflow shell and a loading indicator first, then the app."""
    page.add_init_script(TIMELINE)
    page.goto(server.url, wait_until="commit")
    expect(page.get_by_role("heading", name="Setflow")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("data-app-state", "loading")
    expect(page.get_by_text("Getting your workouts ready…")).to_be_visible()
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()

    wait_ready(page)
    expect(page.get_by_text("Getting your workouts ready…")).to_be_hidden()
    timeline = page.evaluate("window.__timeline")
    ready_at = next(t for state, t in timeline["states"] if state == "ready")
    assert timeline["fcp"] < ready_at, timeline
    assert request_log.foreign(server.url) == []


def test_device_id_is_made_once_and_kept(
    page: Page, server: LiveServer, request_log: RequestLog
) -> None:
    """Settings shows a permanent device ID that survives a reload."""
    page.goto(server.url + "/#settings")
    wait_ready(page)
    device_id = page.locator("#device-id").text_content() or ""
    assert UUID.match(device_id), device_id
    assert page.evaluate("(key) => localStorage.getItem(key)", keys.DEVICE_ID) == device_id

    page.reload()
    wait_ready(page)
    expect(page.locator("#device-id")).to_have_text(device_id)
    assert request_log.foreign(server.url) == []


def test_starts_with_the_server_stopped_and_offline(
    page: Page, context: BrowserContext, own_server: LiveServer, request_log: RequestLog
) -> None:
    """After one visit the app starts with no network: server process gone, or browser offline."""
    page.goto(own_server.url + "/#settings")
    wait_ready(page)
    wait_for_service_worker(page)
    device_id = page.locator("#device-id").text_content()

    own_server.stop()  # asserts the port refuses connections
    page.reload()
    wait_ready(page)
    expect(page.locator("#device-id")).to_have_text(device_id or "")

    context.set_offline(True)
    page.reload()
    wait_ready(page)
    expect(page.locator("#device-id")).to_have_text(device_id or "")
    assert request_log.foreign(own_server.url) == []


def test_chromium_finds_the_app_installable(
    browser_type: BrowserType,
    browser_type_launch_args: dict,
    server: LiveServer,
    tmp_path: Path,
) -> None:
    """Chromium's own installability check reports no errors for the manifest and worker.

    Chromium never offers installation in an off-the-record context, so this test uses a real
    profile directory, as a person's browser would.
    """
    context = browser_type.launch_persistent_context(
        tmp_path / "profile", **browser_type_launch_args
    )
    log = RequestLog()
    log.attach(context)
    try:
        page = context.new_page()
        page.goto(server.url)
        wait_ready(page)
        wait_for_service_worker(page)
        cdp = context.new_cdp_session(page)
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
        assert cdp.send("Page.getAppManifest")["errors"] == []
    finally:
        context.close()
    assert log.foreign(server.url) == []


def test_a_deployed_change_is_offered_and_then_runs(
    page: Page, tmp_path: Path, request_log: RequestLog
) -> None:
    """An open app notices a new version, offers "Update available — Reload", then runs it."""
    root = copy_public_files(tmp_path / "public")
    live = LiveServer(f"sqlite:///{tmp_path / 'db.sqlite3'}", static_root=root).start()
    try:
        page.goto(live.url)
        wait_ready(page)
        wait_for_service_worker(page)
        expect(page.get_by_text("Update available")).to_be_hidden()

        index = root / "index.html"
        marker = '<p id="build-marker">Build two</p>'
        index.write_text(index.read_text().replace("<main ", f"{marker}<main ", 1))
        page.evaluate("window.setflowCheckForUpdate()")

        expect(page.get_by_text("Update available")).to_be_visible(timeout=30_000)
        expect(page.locator("#build-marker")).to_have_count(0)  # the old page keeps running
        page.get_by_role("button", name="Reload").click()
        expect(page.locator("#build-marker")).to_have_text("Build two", timeout=30_000)
        wait_ready(page)
        assert request_log.foreign(live.url) == []
    finally:
        live.stop()
