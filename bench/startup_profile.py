"""``python -m bench.startup_profile``: where a reopen's time goes, step by step, per engine.

The same reopen as the engine rows of ``make bench`` (``bench/engines.py``): a fresh device in
each engine opens the app, the first visit's start-up snapshot is stored, the server process is
stopped and the page reloads, served by the service worker alone. The page's own marks
(``setflow-*``, set by ``app/js`` and ``app/main.py``/``app/browser/boot.py``) and its resource
timings then say how long each step took. Engines alternate within a repetition; medians per
step are printed side by side.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from pathlib import Path
from typing import Any

from bench.engines import NAMES, SERVICE_WORKER, SNAPSHOT, TIMINGS, _devices
from devsupport.engines.drivers import Driver
from devsupport.live_server import LiveServer

# Every mark and resource timing of the page, once it is ready.
ENTRIES = """async () => {
  const marks = {};
  for (const m of performance.getEntriesByType("mark")) marks[m.name] = m.startTime;
  const resources = performance.getEntriesByType("resource").map((r) => ({
    name: new URL(r.name).pathname, start: r.startTime, end: r.responseEnd,
    worker: r.workerStart, fetchStart: r.fetchStart, responseStart: r.responseStart,
    type: r.initiatorType,
  }));
  const nav = performance.getEntriesByType("navigation")[0] || {};
  const compiled = (window.setflowStart || {}).compiled || [];
  return { marks, resources, compiled, nav: { responseEnd: nav.responseEnd,
           domInteractive: nav.domInteractive, domContentLoaded: nav.domContentLoadedEventEnd } };
}"""

# (step name, mark it ends at); each step starts where the previous one ended.
STEPS = (
    (
        "page and the app's worker with its modules (until the runtime starts)",
        "setflow-runtime-start",
    ),
    ("snapshot found and decompressed", "setflow-snapshot-read"),
    (
        "Pyodide up from the snapshot (wasm fetched, compiled, memory restored)",
        "setflow-runtime-ready",
    ),
    ("the app's modules written, the page's first message, the JS modules given", "setflow-main"),
    ("app.browser imports", "setflow-imported"),
    ("IndexedDB opened", "setflow-db-open"),
    ("tables read", "setflow-data-read"),
    ("first render", "setflow-rendered"),
    ("sync controller, status, ready", "setflow:ready"),
)


def reopen(device: Driver, work: Path, root: Path | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(dir=work) as tmp:
        server = LiveServer(f"sqlite:///{tmp}/setflow.sqlite3", static_root=root).start()
        try:
            device.goto(server.url + "/")
            device.call(TIMINGS)
            device.call(SERVICE_WORKER)
            made = device.call(SNAPSHOT)
            if not made.get("ok"):
                raise RuntimeError(f"{device.engine}: no start-up snapshot: {made.get('error')}")
            server.stop()
            device.reload()
            timings = device.call(TIMINGS)
            if timings["snapshot"] != "used":
                raise RuntimeError(f"{device.engine}: the reopen started without its snapshot")
            entries: dict[str, Any] = device.call(ENTRIES)
            return entries
        finally:
            server.stop()


def steps(entries: dict[str, Any]) -> dict[str, float]:
    marks = entries["marks"]
    out: dict[str, float] = {}
    before = 0.0
    known = {mark: name for name, mark in STEPS}
    for mark, at in sorted(marks.items(), key=lambda kv: kv[1]):
        if mark.startswith("setflow") and mark != "setflow-last-screen":
            out[known.get(mark, mark)] = at - before
            before = at
    out["total (ready)"] = marks.get("setflow:ready", float("nan"))
    out["last screen painted"] = marks.get("setflow-last-screen", float("nan"))
    py = [r for r in entries["resources"] if r["name"].endswith(".py")]
    if py:
        out[f"  .py files fetched ({len(py)}): first start to last end"] = max(
            r["end"] for r in py
        ) - min(r["start"] for r in py)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.startup_profile", description=__doc__)
    parser.add_argument("--engines", nargs="+", default=["webkit", "chromium"])
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument(
        "--root",
        action="append",
        type=Path,
        help="serve the app's files from this copy (repeat to compare copies, alternating)",
    )
    parser.add_argument("--dump", type=Path, help="write every sample's entries as JSON here")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from bench.browser import launch

    roots: list[Path | None] = list(args.root or [None])
    columns = [(e, r) for e in args.engines for r in range(len(roots))]

    def label(column: tuple[str, int]) -> str:
        engine, r = column
        return NAMES[engine] + (f" {r + 1}" if len(roots) > 1 else "")

    samples: dict[tuple[str, int], list[dict[str, Any]]] = {c: [] for c in columns}
    with tempfile.TemporaryDirectory() as work_dir, sync_playwright() as pw:
        work = Path(work_dir)
        browser = launch(pw)
        try:
            for rep in range(args.reps):
                order = columns[rep % len(columns) :] + columns[: rep % len(columns)]
                for column in order:
                    engine, r = column
                    with _devices(browser, work) as devices:
                        entries = reopen(devices.open(engine), work, roots[r])
                    samples[column].append(entries)
                    print(
                        f"rep {rep + 1} {label(column)}: "
                        f"ready {entries['marks'].get('setflow:ready'):.0f} ms, "
                        f"{len(entries['compiled'])} modules compiled in the snapshot",
                        flush=True,
                    )
        finally:
            browser.close()
    if args.dump:
        args.dump.write_text(json.dumps({label(c): v for c, v in samples.items()}, indent=1))
    table = {c: [steps(s) for s in samples[c]] for c in columns}
    names = list(dict.fromkeys(k for rows in table.values() for row in rows for k in row))
    for r, root in enumerate(roots):
        if len(roots) > 1:
            print(f"{r + 1}: {root}")
    print(f"\n{'step (reopen, ms, median)':60}" + "".join(f"{label(c):>11}" for c in columns))
    for name in names:
        cells = []
        for c in columns:
            values = [row[name] for row in table[c] if name in row]
            cells.append(f"{statistics.median(values):>11.0f}" if values else f"{'-':>11}")
        print(f"{name[:60]:60}" + "".join(cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
