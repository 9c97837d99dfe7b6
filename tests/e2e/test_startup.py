"""Instant start: a reopen boots Python from a memory snapshot that the first start made.

The snapshot lives in Cache Storage under the app version the page names; whatever is wrong
with it, the app still starts (normally) and makes a new one.
"""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Page, Request, expect

from devsupport.live_server import LiveServer, copy_public_files
from tests.e2e.conftest import RequestLog, run_python, wait_for_service_worker, wait_ready
from tests.e2e.test_tracker import add_exercise

SNAPSHOT_TIMEOUT_MS = 180_000
SNAPSHOT_CACHES = (
    "async () => (await caches.keys()).filter((n) => n.startsWith('setflow-snapshot-')).sort()"
)
VERSION = "document.querySelector('meta[name=setflow-version]').content"

# Replaces the stored snapshot: with bytes that are not a snapshot at all, or with the real one
# altered in its build id (a snapshot of another runtime build), stored as the app stores it.
DAMAGE = """
async (kind) => {
  const [name] = (await caches.keys()).filter((n) => n.startsWith('setflow-snapshot-'));
  const cache = await caches.open(name);
  const [request] = await cache.keys();
  const stored = await cache.match(request);
  if (kind === "garbage") {
    const body = new Uint8Array(4096).fill(7);
    await cache.put(request, new Response(body, { headers: stored.headers }));
    return;
  }
  const snapshot = await import("/app/js/snapshot.mjs");
  const bytes = await snapshot.bytes(stored);
  bytes[20] ^= 0xff;  // inside the build id Pyodide checks
  const runtime = new URL(request.url).pathname.split("pyodide-")[1];
  await snapshot.write(snapshot.appVersion(), runtime, bytes);
}
"""


# The flags word of three modules' .pyc files, read inside the app's own interpreter.
PYC_FLAGS = """
import importlib.util, json, sys
async def bench(args):
    found = {}
    for name in ("app.views.workout", "app.core.schema", "app.browser.ui"):
        with open(importlib.util.cache_from_source(sys.modules[name].__file__), "rb") as f:
            found[name] = f.read()[4]
    return json.dumps(found)
"""

# When, in the app's worker, the bundle was asked for and the runtime was ready (ms).
BUNDLE_TIMES = """
import js, json
async def bench(args):
    asked = js.performance.getEntriesByName(js.location.origin + "/app/modules.json")[0]
    ready = js.performance.getEntriesByName("setflow-runtime-ready")[0]
    return json.dumps([asked.startTime, ready.startTime])
"""


def wait_for_snapshot(page: Page) -> dict:
    """Wait until the snapshot this start asked for has been made and stored."""
    # Not awaited inside evaluate (which has no timeout): waited for below, with one.
    page.evaluate(
        "() => { const m = window.setflowStart.made;"
        " if (m) m.then((r) => { window.__made = r; }); }"
    )
    page.wait_for_function("window.__made !== undefined", timeout=SNAPSHOT_TIMEOUT_MS)
    made = page.evaluate("window.__made")
    assert made["ok"], made
    return made


def start_kind(page: Page) -> str:
    return str(page.evaluate("window.setflowStart.snapshot"))


def test_a_reopen_boots_from_the_snapshot_and_the_app_works(
    page: Page, server: LiveServer, request_log: RequestLog
) -> None:
    """The first start makes a snapshot in the background; the next start uses it."""
    page.goto(server.url + "/#exercises")
    wait_ready(page)
    assert start_kind(page) == "none"
    made = wait_for_snapshot(page)
    assert made["stored"] < made["size"] * 0.6  # its zero pages are not stored
    version = page.evaluate(VERSION)
    assert page.evaluate(SNAPSHOT_CACHES) == [f"setflow-snapshot-{version}"]

    assert page.evaluate("window.setflowStart.compiled") == []

    page.reload()
    wait_ready(page)
    assert start_kind(page) == "used"
    # The browser adapters were compiled in the snapshot, not at this start.
    compiled = page.evaluate("window.setflowStart.compiled")
    assert {"app.browser.ui", "app.browser.sync", "app.browser.boot"} <= set(compiled)
    add_exercise(page, "Front squat", "Legs")
    page.reload()
    wait_ready(page)
    assert start_kind(page) == "used"
    expect(page.get_by_text("Front squat", exact=True)).to_be_visible()
    assert request_log.foreign(server.url) == []


def test_a_damaged_or_foreign_snapshot_still_starts_and_is_made_again(
    page: Page, server: LiveServer
) -> None:
    """Garbage bytes, or a snapshot of another runtime build: a normal start, then a new one."""
    page.goto(server.url + "/#exercises")
    wait_ready(page)
    wait_for_snapshot(page)
    for kind in ("garbage", "other-build"):
        page.evaluate(DAMAGE, kind)
        page.reload()
        wait_ready(page)
        assert start_kind(page) == "failed", kind
        expect(page.get_by_role("heading", name="Exercises", level=2)).to_be_visible()
        wait_for_snapshot(page)
        page.reload()
        wait_ready(page)
        assert start_kind(page) == "used", kind


def test_an_update_drops_the_old_versions_snapshot(page: Page, tmp_path: Path) -> None:
    """After "Update available — Reload", the old version's snapshot is gone; a new one is made."""
    root = copy_public_files(tmp_path / "public")
    live = LiveServer(f"sqlite:///{tmp_path / 'db.sqlite3'}", static_root=root).start()
    try:
        page.goto(live.url)
        wait_ready(page)
        wait_for_service_worker(page)
        wait_for_snapshot(page)
        old = page.evaluate(VERSION)
        assert page.evaluate(SNAPSHOT_CACHES) == [f"setflow-snapshot-{old}"]

        main = root / "app" / "main.py"
        main.write_text(main.read_text() + "\n# build two\n")
        page.evaluate("window.setflowCheckForUpdate()")
        page.get_by_role("button", name="Reload").click(timeout=60_000)
        page.wait_for_function(f"{VERSION} !== {old!r}", timeout=60_000)
        wait_ready(page)
        assert start_kind(page) == "none"  # the old snapshot is not used for new code
        new = page.evaluate(VERSION)
        assert f"setflow-snapshot-{old}" not in page.evaluate(SNAPSHOT_CACHES)
        wait_for_snapshot(page)
        assert page.evaluate(SNAPSHOT_CACHES) == [f"setflow-snapshot-{new}"]
    finally:
        live.stop()


FIRST_VISIT_BUDGET = 6_000_000  # bytes over the network, headers included


def test_a_first_visit_downloads_each_file_once_within_budget(
    context: BrowserContext, page: Page, server: LiveServer
) -> None:
    """Compressed runtime, and the service worker's precache reuses what the page fetched."""
    sent: list[tuple[str, int, bool]] = []  # url, bytes over the network, from the worker

    def finished(request: Request) -> None:
        sizes = request.sizes()
        body = max(0, sizes["responseBodySize"])  # <= 0: answered by a cache, nothing sent
        sent.append((request.url, body + max(0, sizes["responseHeadersSize"]), body > 0))
        if request.service_worker is not None:
            worker_urls.add(request.url)

    worker_urls: set[str] = set()
    context.on("requestfinished", finished)
    page.goto(server.url)
    wait_ready(page)
    wait_for_service_worker(page)
    wait_for_snapshot(page)

    wasm = server.url + "/vendor/pyodide/pyodide.asm.wasm"
    assert wasm in worker_urls  # the precache's own requests are in the log, and counted
    downloads = [url for url, _, had_body in sent if had_body]
    assert downloads.count(wasm) == 1
    twice = {url for url in downloads if downloads.count(url) > 1}
    assert twice == set(), twice
    total = sum(size for _, size, _ in sent)
    assert total <= FIRST_VISIT_BUDGET, f"{total:,} bytes"


def test_a_first_visit_fetches_the_apps_code_in_one_request_and_no_pyscript(
    context: BrowserContext, page: Page, server: LiveServer
) -> None:
    """The app's Python modules come as one bundle, asked for as the runtime starts (not one
    request per module once it is up); nothing of PyScript is loaded (the app's worker starts
    the runtime itself); the modules are imported from bytecode made at set-up."""
    asked: list[str] = []  # the page's own requests (not the service worker's)
    context.on("request", lambda r: r.service_worker is None and asked.append(r.url))
    page.goto(server.url + "/#exercises")
    wait_ready(page)
    expect(page.get_by_role("heading", name="Exercises", level=2)).to_be_visible()
    paths = [urlsplit(url).path for url in asked]
    python = [p for p in paths if p.startswith("/app/") and not p.startswith("/app/js/")]
    assert sorted(python) == ["/app/modules.json", "/app/styles.css"], python
    assert [p for p in paths if p.startswith("/vendor/pyscript/")] == []
    # Asked for before the runtime was compiled and started, not after.
    bundle_asked, runtime_ready = json.loads(run_python(page, BUNDLE_TIMES))
    assert bundle_asked < runtime_ready
    # The app's modules were imported from the bytecode made at set-up, not compiled here: the
    # hash-checked .pyc (flags 3 after the magic number; Python itself writes timestamped ones).
    flags = json.loads(run_python(page, PYC_FLAGS))
    assert flags == {"app.views.workout": 3, "app.core.schema": 3, "app.browser.ui": 3}, (
        "no bytecode from set-up: run `make setup` (tools/bytecode.py)"
    )


def test_a_start_uses_no_deprecated_browser_feature(
    context: BrowserContext, page: Page, server: LiveServer
) -> None:
    """Chromium's own issue report (what Lighthouse's Best Practices reads) stays empty of
    deprecations: Pyodide's shared WebAssembly memory needs the page cross-origin isolated."""
    issues: list[dict] = []
    cdp = context.new_cdp_session(page)
    cdp.on("Audits.issueAdded", lambda event: issues.append(event["issue"]))
    cdp.send("Audits.enable")
    page.goto(server.url + "/")
    wait_ready(page)
    assert page.evaluate("crossOriginIsolated") is True
    # One runtime, started once.
    assert page.evaluate("performance.getEntriesByName('setflow-runtime-start').length") == 1
    deprecated = [
        issue for issue in issues if issue["code"] in ("DeprecationIssue", "SharedArrayBufferIssue")
    ]
    assert deprecated == []


# Where the app's Python runs, asked of the app's own interpreter.
WHERE_PYTHON_RUNS = """
import js, json
async def bench(args):
    return json.dumps([str(js.constructor.name), hasattr(js, "document")])
"""


def test_the_apps_python_runs_in_a_worker_so_the_page_never_waits_on_it(
    page: Page, server: LiveServer
) -> None:
    """The interpreter, its start and every render run in the app's worker; the page only puts
    in what it sends, so a tap on the page is answered however long Python works."""
    page.goto(server.url + "/#exercises")
    wait_ready(page)
    assert json.loads(run_python(page, WHERE_PYTHON_RUNS)) == ["DedicatedWorkerGlobalScope", False]
    # And the page works through it: an exercise added is shown, rendered in the worker.
    add_exercise(page, "Pendlay row")
    expect(
        page.get_by_role("list", name="Your exercises").get_by_text("Pendlay row")
    ).to_be_visible()
