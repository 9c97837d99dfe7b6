"""The start-up family: the app and bare Pyodide, first visit and reopen, at full speed
and with the CPU slowed down (the measurements are ``bench/startup.py``'s)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import Browser

from bench import startup
from bench.browser import heap, new_context, wait_ready
from bench.report import Results
from bench.servers import static_server
from devsupport.live_server import LiveServer


def bench_startup(browser: Browser, res: Results, rep: int, work: Path) -> None:
    """First visit (bytes too), then reopens with the server stopped: as is, and at 4x CPU.

    The app's reopen boots from the snapshot its first visit made and paints the last screen
    first; bare Pyodide is the same runtime loaded and asked to print (``bench/startup.py``).
    """

    def app() -> None:
        with tempfile.TemporaryDirectory(dir=work) as tmp:
            server = LiveServer(f"sqlite:///{tmp}/setflow.sqlite3").start()
            context = new_context(browser)
            try:
                first = startup.first_visit(context, server.url)
                res.add(
                    "fp_first",
                    "first paint, first visit",
                    "ms",
                    first["firstPaint"],
                    "bare_fp_first",
                )
                res.add(
                    "ready_first", "ready, first visit", "ms", first["ready"], "bare_ready_first"
                )
                res.add(
                    "blocked_first",
                    "main thread blocked until ready, first visit (target < 200 ms)",
                    "ms",
                    first["blocked"],
                    "bare_blocked_first",
                )
                res.add(
                    "longest_first",
                    "longest main-thread task, first visit",
                    "ms",
                    first["longestTask"],
                    "bare_longest_first",
                )
                res.add(
                    "bytes_first",
                    "bytes over the network, first visit (target <= 6 MB)",
                    "MB",
                    first["bytes"] / 1e6,
                    "bare_bytes_first",
                )
                if first["snapshot"].get("ok"):
                    res.add(
                        "snapshot_mb", "start-up snapshot", "MB", first["snapshot"]["size"] / 1e6
                    )
                    res.add(
                        "snapshot_stored_mb",
                        "start-up snapshot as stored (zero pages left out)",
                        "MB",
                        first["snapshot"]["stored"] / 1e6,
                        "snapshot_mb",
                    )
                server.stop()  # proves the port refuses connections
                again = startup.reopen(context, server.url)
                if again["snapshot"] != "used":
                    res.notes.append(f"rep {rep}: reopen started without the snapshot")
                res.add(
                    "last_screen_sw",
                    "last screen painted, reopen, server stopped (target <= 300 ms)",
                    "ms",
                    again["lastScreen"],
                    "bare_ready_sw",
                )
                res.add(
                    "fp_sw",
                    "first paint, service worker, server stopped",
                    "ms",
                    again["firstPaint"],
                    "bare_fp_sw",
                )
                res.add(
                    "ready_sw",
                    "ready, reopen, server stopped (target <= 0.5x)",
                    "ms",
                    again["ready"],
                    "bare_ready_sw",
                )
                slow = startup.reopen(context, server.url, cpu_slowdown=4)
                res.add(
                    "ready_sw_cpu4",
                    "ready, reopen, server stopped, 4x CPU slowdown (target <= 0.5x, < 4 s)",
                    "ms",
                    slow["ready"],
                    "bare_ready_sw_cpu4",
                )
                res.add(
                    "blocked_sw_cpu4",
                    "main thread blocked until ready, reopen, 4x CPU slowdown (target < 200 ms)",
                    "ms",
                    slow["blocked"],
                    "bare_blocked_sw_cpu4",
                )
                res.add(
                    "longest_sw_cpu4",
                    "longest main-thread task, reopen, 4x CPU slowdown",
                    "ms",
                    slow["longestTask"],
                    "bare_longest_sw_cpu4",
                )
                res.add(
                    "last_screen_sw_cpu4",
                    "last screen painted, reopen, 4x CPU slowdown",
                    "ms",
                    slow["lastScreen"],
                    "bare_ready_sw_cpu4",
                )
            finally:
                context.close()
                server.stop()

    def bare() -> None:
        context = new_context(browser)
        try:
            with tempfile.TemporaryDirectory(dir=work) as tmp, static_server(Path(tmp)) as url:
                first = startup.bare_first_visit(context, url)
                res.add(
                    "bare_fp_first",
                    "bare Pyodide first paint, first visit",
                    "ms",
                    first["firstPaint"],
                )
                res.add("bare_ready_first", "bare Pyodide ready, first visit", "ms", first["ready"])
                res.add(
                    "bare_blocked_first",
                    "bare Pyodide main thread blocked until ready, first visit",
                    "ms",
                    first["blocked"],
                )
                res.add(
                    "bare_longest_first",
                    "bare Pyodide longest main-thread task, first visit",
                    "ms",
                    first["longestTask"],
                )
                res.add(
                    "bare_bytes_first",
                    "bare Pyodide bytes over the network, first visit",
                    "MB",
                    first["bytes"] / 1e6,
                )
                holder = context.new_page()  # the device stays open while its server stops
            # The static server is stopped now: the worker alone serves the page and Pyodide.
            again = startup.bare_reopen(context, url)
            res.add(
                "bare_fp_sw",
                "bare Pyodide first paint, service worker, server stopped",
                "ms",
                again["firstPaint"],
            )
            res.add(
                "bare_ready_sw",
                "bare Pyodide ready, service worker, server stopped",
                "ms",
                again["ready"],
            )
            slow = startup.bare_reopen(context, url, cpu_slowdown=4)
            res.add(
                "bare_ready_sw_cpu4",
                "bare Pyodide ready, service worker, server stopped, 4x CPU slowdown",
                "ms",
                slow["ready"],
            )
            res.add(
                "bare_blocked_sw_cpu4",
                "bare Pyodide main thread blocked until ready, service worker, 4x CPU slowdown",
                "ms",
                slow["blocked"],
            )
            res.add(
                "bare_longest_sw_cpu4",
                "bare Pyodide longest main-thread task, service worker, 4x CPU slowdown",
                "ms",
                slow["longestTask"],
            )
            holder.goto(url + "/bench/bare.html")
            wait_ready(holder)
            h = heap(context, holder)
            res.add("heap_bare", "bare Pyodide JS heap used", "MB", h["usedSize"] / 2**20)
        finally:
            context.close()

    for step in (app, bare) if rep % 2 == 0 else (bare, app):
        step()
