"""Start-up measurements of the app and of bare Pyodide, as functions of a Playwright browser.

Each function takes a browser context (one per simulated device) and answers plain figures, so
the same measurement runs in any engine Playwright drives; only the CPU slowdown needs Chromium
(CDP ``Emulation.setCPUThrottlingRate``).

* ``first_visit``: a fresh device opens the app; ready, first paint, and every byte the context
  received over the network (page and service worker), counted once the worker has precached
  and the start-up snapshot is made (the whole of a first visit).
* ``reopen``: the same device opens the app again (typically with the server stopped): ready,
  when the last screen was painted, and whether Python booted from the snapshot.
* Each also answers how long the page's main thread was blocked until ready (``blocked``: the
  long tasks' time over 50 ms each, as Lighthouse's Total Blocking Time counts it) and its
  longest task (Chromium's Long Tasks API; 0 in other engines).
* ``bare_first_visit`` / ``bare_reopen``: the baseline, ``bench/pages/bare.html``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from playwright.sync_api import BrowserContext, Page, Request

from bench.browser import blocking, load_timings, wait_for_service_worker, wait_ready

SNAPSHOT_TIMEOUT_MS = 300_000

MARKS = """() => Object.fromEntries(
  performance.getEntriesByType("mark").map((m) => [m.name, m.startTime]))"""


@dataclass
class ByteCounter:
    """Bytes received over the network by a context: response headers and encoded bodies."""

    total: int = 0
    requests: int = 0
    urls: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> ByteCounter:
        context.on("requestfinished", self._finished)
        return self

    def _finished(self, request: Request) -> None:
        sizes = request.sizes()
        body = max(0, sizes["responseBodySize"])  # <= 0: a cache answered
        self.total += body + max(0, sizes["responseHeadersSize"])
        self.requests += 1
        if body:
            self.urls.append(request.url)


def slow_cpu(context: BrowserContext, page: Page, rate: float) -> None:
    """Chromium only: run the page's main thread ``rate`` times slower (a mid-range phone: 4)."""
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})


def wait_for_snapshot(page: Page) -> dict[str, Any]:
    # Not awaited inside evaluate (which has no timeout): waited for below, with one.
    page.evaluate(
        "() => { const m = window.setflowStart.made;"
        " if (m) m.then((r) => { window.__made = r; }); }"
    )
    page.wait_for_function("window.__made !== undefined", timeout=SNAPSHOT_TIMEOUT_MS)
    return dict(page.evaluate("window.__made"))


def first_visit(context: BrowserContext, url: str) -> dict[str, Any]:
    """Open the app on a fresh device and wait for everything a first visit sets up."""
    counter = ByteCounter().attach(context)
    page = context.new_page()
    page.goto(url + "/")
    wait_ready(page)
    timings = load_timings(page)
    blocked = blocking(page)
    wait_for_service_worker(page)
    made = wait_for_snapshot(page)
    page.close()
    return {
        "ready": timings["ready"],
        "firstPaint": timings["firstPaint"],
        **blocked,
        "bytes": counter.total,
        "snapshot": made,
    }


def reopen(context: BrowserContext, url: str, cpu_slowdown: float = 1) -> dict[str, Any]:
    """Open the app again on the same device; the last screen and ready, in ms."""
    page = context.new_page()
    if cpu_slowdown != 1:
        slow_cpu(context, page, cpu_slowdown)
    page.goto(url + "/")
    wait_ready(page)
    timings = load_timings(page)
    marks = page.evaluate(MARKS)
    result = {
        "ready": timings["ready"],
        "firstPaint": timings["firstPaint"],
        **blocking(page),
        "lastScreen": marks.get("setflow-last-screen", float("nan")),
        "snapshot": page.evaluate("window.setflowStart.snapshot"),
    }
    page.close()
    return result


def bare_first_visit(context: BrowserContext, url: str) -> dict[str, Any]:
    counter = ByteCounter().attach(context)
    page = context.new_page()
    page.goto(url + "/bench/bare.html")
    wait_ready(page)
    timings = load_timings(page)
    blocked = blocking(page)
    wait_for_service_worker(page)
    page.close()
    return {
        "ready": timings["ready"],
        "firstPaint": timings["firstPaint"],
        **blocked,
        "bytes": counter.total,
    }


def bare_reopen(context: BrowserContext, url: str, cpu_slowdown: float = 1) -> dict[str, Any]:
    page = context.new_page()
    if cpu_slowdown != 1:
        slow_cpu(context, page, cpu_slowdown)
    page.goto(url + "/bench/bare.html")
    wait_ready(page)
    timings = load_timings(page)
    blocked = blocking(page)
    page.close()
    return {"ready": timings["ready"], "firstPaint": timings["firstPaint"], **blocked}
