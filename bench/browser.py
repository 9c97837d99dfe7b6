"""Debian's Chromium through Playwright, launched exactly as the e2e tests launch it."""

from __future__ import annotations

import json
from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page, Playwright

from devsupport.chromium import CHROMIUM, CHROMIUM_FLAGS, READY_TIMEOUT_MS

# Marks the moment the root element says ready (ms since navigation start), for every page.
READY_MARK = """
(() => {
  const mark = () => {
    const state = document.documentElement && document.documentElement.dataset.appState;
    if (state && state !== "loading" && window.__benchReadyAt === undefined) {
      window.__benchReadyAt = performance.now();
      window.__benchState = state;
    }
  };
  new MutationObserver(mark).observe(document, { attributes: true, subtree: true,
    attributeFilter: ["data-app-state"] });
})();
"""


# The page's long tasks (Chromium's Long Tasks API; other engines record none), for the time its
# main thread was blocked until ready: what Lighthouse's Total Blocking Time counts, but over the
# whole start. Lighthouse ends its run once the page looks idle, which need not be ready.
LONG_TASKS = """
(() => {
  window.__benchLongTasks = [];
  if (!(PerformanceObserver.supportedEntryTypes || []).includes("longtask")) return;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) window.__benchLongTasks.push([e.startTime, e.duration]);
  }).observe({ type: "longtask", buffered: true });
})();
"""


def launch(pw: Playwright) -> Browser:
    if not CHROMIUM.exists():
        raise RuntimeError(f"{CHROMIUM} is missing: `make setup` installs Debian's chromium.")
    args = [*CHROMIUM_FLAGS, "--enable-precise-memory-info"]
    return pw.chromium.launch(executable_path=str(CHROMIUM), args=args)


def new_context(browser: Browser) -> BrowserContext:
    context = browser.new_context()
    context.add_init_script(READY_MARK)
    context.add_init_script(LONG_TASKS)
    return context


def wait_ready(page: Page, timeout: int = READY_TIMEOUT_MS) -> None:
    page.wait_for_function("window.__benchReadyAt !== undefined", timeout=timeout)
    state = page.evaluate("window.__benchState")
    if state != "ready":
        message = page.evaluate(
            "(document.getElementById('startup-error-message') || {}).textContent || ''"
        )
        raise RuntimeError(f"page reached state {state!r}: {message}")


def load_timings(page: Page) -> dict[str, float]:
    """First paint and ready, in ms since navigation start."""
    return dict(
        page.evaluate(
            """() => {
              const paint = performance.getEntriesByType("paint");
              const fp = paint.find((e) => e.name === "first-paint")
                || paint.find((e) => e.name === "first-contentful-paint");
              return { firstPaint: fp ? fp.startTime : NaN, ready: window.__benchReadyAt };
            }"""
        )
    )


def blocking(page: Page) -> dict[str, float]:
    """The long tasks that began before ready: their time over 50 ms each, and the longest (ms).

    Chromium only (the Long Tasks API); elsewhere both are 0.
    """
    tasks = page.evaluate(
        "(window.__benchLongTasks || []).filter(([start]) => start <= window.__benchReadyAt)"
    )
    durations = [float(duration) for _start, duration in tasks]
    return {
        "blocked": sum(max(0.0, d - 50) for d in durations),
        "longestTask": max(durations, default=0.0),
    }


def wait_for_service_worker(page: Page) -> None:
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=60_000)


def settle(page: Page) -> None:
    """Let the app's own work after a local write finish (its refresh, and any sync or refresh
    the live stream's echo starts), so none of it is timed with a sync: the same finished
    refresh and no sync running for 300 ms in a row."""
    page.wait_for_function(
        """async () => window.setflowRun(`
import asyncio
async def bench(args):
    t = app._refresh_task
    for _ in range(6):
        if (t is not None and not t.done()) or (app.sync is not None and app.sync.busy):
            return ""
        await asyncio.sleep(0.05)
        if app._refresh_task is not t:
            return ""
    return "yes"
`)""",
        timeout=60_000,
    )


def run_python(page: Page, code: str, **args: Any) -> Any:
    """Run ``bench(args_json)`` from ``code`` in the app's interpreter (its worker, with the
    running app as ``app``: ``window.setflowRun``, app/js/page.mjs); its JSON answer, parsed."""
    return json.loads(
        page.evaluate("([c, a]) => window.setflowRun(c, a)", [code, json.dumps(args)])
    )


def heap(context: BrowserContext, page: Page) -> dict[str, float]:
    """JS heap in use after a full garbage collection (CDP): the page's, plus that of the app's
    worker (app/js/worker.mjs), which holds the app's Python, when there is one."""
    cdp = context.new_cdp_session(page)
    cdp.send("HeapProfiler.enable")
    cdp.send("HeapProfiler.collectGarbage")
    usage = cdp.send("Runtime.getHeapUsage")
    cdp.detach()
    out = {k: float(v) for k, v in usage.items() if isinstance(v, (int, float))}
    out["usedSize"] += _worker_heap(page)
    return out


def _worker_heap(page: Page) -> float:
    """The app's worker's JS heap in use after a garbage collection: the browser's CDP session
    reaches a worker target through ``Target.sendMessageToTarget``."""
    browser = page.context.browser
    assert browser is not None
    cdp = browser.new_browser_cdp_session()
    answers: dict[tuple[str, int], dict[str, Any]] = {}

    def received(event: dict[str, Any]) -> None:
        message = json.loads(event["message"])
        if "id" in message:
            answers[(event["sessionId"], message["id"])] = message

    cdp.on("Target.receivedMessageFromTarget", received)
    total = 0.0
    try:
        for target in cdp.send("Target.getTargets")["targetInfos"]:
            if target["type"] != "worker" or not target["url"].endswith("/app/js/worker.mjs"):
                continue
            attached = cdp.send(
                "Target.attachToTarget", {"targetId": target["targetId"], "flatten": False}
            )
            session = attached["sessionId"]
            for number, method in enumerate(
                ("HeapProfiler.collectGarbage", "Runtime.getHeapUsage")
            ):
                message = json.dumps({"id": number, "method": method})
                cdp.send("Target.sendMessageToTarget", {"sessionId": session, "message": message})
                for _ in range(600):
                    if (session, number) in answers:
                        break
                    page.wait_for_timeout(50)
            total += float(answers[(session, 1)]["result"]["usedSize"])
    finally:
        cdp.detach()
    return total
