"""Start-up in every engine: the app beside bare Pyodide in the same engine, in the same run.

Each engine (Chromium, Firefox ESR, WebKitGTK's MiniBrowser) is driven exactly as the e2e
engine tests drive it (``devsupport/engines/drivers.py``). A repetition opens a fresh device,
visits the page, waits for the service worker, stops the server process and reloads: the reopen
is served by the worker alone. Before the server stops, the first visit's start-up snapshot is
waited for, so the reopen is the instant start a returning lifter gets (snapshot and last
screen). Times are the page's own marks, ``setflow:ready`` and ``setflow-last-screen`` (ms since
navigation start), so no driver's round trips are counted.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench.servers import static_server
from devsupport.engines.drivers import ENGINES, SLOW, Devices, Driver, Xvfb
from devsupport.live_server import LiveServer

NAMES = {"chromium": "Chromium", "firefox": "Firefox", "webkit": "WebKit"}
TIMEOUT_MS = 180_000

# Waits for the ready mark (or a start-up error) and answers the page's timings.
TIMINGS = f"""async () => {{
  const end = Date.now() + {TIMEOUT_MS};
  for (;;) {{
    const state = document.documentElement.dataset.appState;
    const mark = performance.getEntriesByName("setflow:ready")[0];
    if (mark) {{
      const painted = performance.getEntriesByName("setflow-last-screen")[0];
      const start = window.setflowStart || {{}};
      return {{ ready: mark.startTime, lastScreen: painted ? painted.startTime : null,
                snapshot: start.snapshot || null }};
    }}
    const message = (document.getElementById("startup-error-message") || {{}}).textContent;
    if (state === "error" && message !== {json.dumps(SLOW)}) throw new Error(message);
    if (Date.now() > end) throw new Error("not ready after {TIMEOUT_MS} ms");
    await new Promise((r) => setTimeout(r, 50));
  }}
}}"""
# The start-up snapshot the first visit makes in the background (app/js/pyodide.mjs), so that
# the reopen measures the instant start a returning lifter gets.
SNAPSHOT = """async () => {
  const made = window.setflowStart && window.setflowStart.made;
  return made ? await made : { ok: false, error: "no snapshot was started" };
}"""
SERVICE_WORKER = """async () => {
  await navigator.serviceWorker.ready;
  while (!navigator.serviceWorker.controller) await new Promise((r) => setTimeout(r, 50));
  return true;
}"""


def _app(device: Driver, work: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        server = LiveServer(f"sqlite:///{tmp}/setflow.sqlite3").start()
        try:
            device.goto(server.url + "/")
            first = device.call(TIMINGS)
            device.call(SERVICE_WORKER)
            made = device.call(SNAPSHOT)
            if not made.get("ok"):
                raise RuntimeError(f"{device.engine}: no start-up snapshot: {made.get('error')}")
            server.stop()  # proves the port refuses connections: the worker alone serves
            device.reload()
            return first, device.call(TIMINGS)
        finally:
            server.stop()


def _bare(device: Driver, work: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        with static_server(Path(tmp)) as url:
            device.goto(url + "/bench/bare.html")
            first = device.call(TIMINGS)
            device.call(SERVICE_WORKER)
        # The static server is stopped now: the worker alone serves the page and Pyodide.
        device.reload()
        return first, device.call(TIMINGS)


@contextmanager
def _devices(browser: Any, work: Path) -> Iterator[Devices]:
    xvfb: list[Xvfb] = []

    def display() -> str:
        if not xvfb:
            xvfb.append(Xvfb())
        return xvfb[0].display

    with tempfile.TemporaryDirectory(dir=work) as tmp:
        devices = Devices(lambda: browser, Path(tmp), display)
        try:
            yield devices
        finally:
            devices.close()
            for x in xvfb:
                x.close()


def bench_engines(browser: Any, res: Any, reps: int, work: Path) -> None:
    """Rows ``{engine}_ready_first`` / ``_ready_reopen`` beside ``{engine}_bare_...``."""
    for rep in range(reps):
        order = ENGINES[rep % len(ENGINES) :] + ENGINES[: rep % len(ENGINES)]
        for engine in order:
            name = NAMES[engine]
            for bare in (rep % 2 == 1, rep % 2 == 0):  # alternate which goes first
                with _devices(browser, work) as devices:
                    device = devices.open(engine)
                    first, reopen = (_bare if bare else _app)(device, work)
                prefix = f"{engine}_bare" if bare else engine
                label = f"{name}: {'bare Pyodide' if bare else 'app'} ready"
                for when, timings, words in (
                    ("first", first, "first visit"),
                    ("reopen", reopen, "reopen (service worker, server stopped)"),
                ):
                    key = f"{prefix}_ready_{when}"
                    base = None if bare else f"{engine}_bare_ready_{when}"
                    res.add(key, f"{label}, {words}", "ms", timings["ready"], base)
                if not bare:
                    if reopen["snapshot"] != "used":
                        raise RuntimeError(f"{name}: the reopen started without its snapshot")
                    if reopen["lastScreen"] is None:
                        raise RuntimeError(f"{name}: the reopen painted no last screen")
                    # The last screen (app/js/last-screen.mjs), painted before Python starts.
                    res.add(
                        f"{engine}_last_screen_reopen",
                        f"{name}: last screen painted, reopen (service worker, server stopped)",
                        "ms",
                        reopen["lastScreen"],
                        f"{engine}_bare_ready_reopen",
                    )
                if engine == "webkit" and not bare:  # the target: within 1.5x
                    res.add(
                        "webkit_reopen_vs_chromium",
                        "WebKit: app ready, reopen, against Chromium's",
                        "ms",
                        reopen["ready"],
                        "chromium_ready_reopen",
                    )
