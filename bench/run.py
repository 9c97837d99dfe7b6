"""``make bench``: every measurement in one go, on this machine, nothing mocked.

Real Chromium (Debian's, launched as the e2e tests launch it), the real server on loopback, a
fresh server database and a fresh browser context for every repetition, each measurement paired
with its baseline in the same run.  Prints a table of medians (min, max) with the ratio to the
baseline and writes the same figures as JSON under ``bench/results/``.

    python -m bench            # full sizes (10,000 records, 5 repetitions)
    python -m bench --smoke    # tiny sizes, one repetition (the test suite runs this)

This module only runs the families in order; each family composes its rows in
``bench/families/`` (startup, storage, sync, server, machine), from the measurements of
``bench/startup.py``, ``load.py``, ``live.py``, ``engines.py``, ``server_costs.py`` and
``lighthouse.py``; sizes, rows and the table are ``bench/report.py``'s.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench.browser import launch
from bench.engines import bench_engines
from bench.families.machine import bench_lighthouse, machine
from bench.families.server import bench_live, bench_load
from bench.families.startup import bench_startup
from bench.families.storage import bench_csv_import, bench_import, bench_storage
from bench.families.sync import bench_sync
from bench.report import FULL, RESULTS, SMOKE, Results, log
from bench.server_costs import bench_durability, bench_logins
from bench.servers import app_server, couch_server, static_server


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--smoke", action="store_true", help="tiny sizes, one repetition")
    parser.add_argument("--reps", type=int, help="repetitions of the browser measurements")
    parser.add_argument("--out", type=Path, help="JSON file to write (default bench/results/)")
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=[
            "startup",
            "engines",
            "storage",
            "sync",
            "live",
            "load",
            "durability",
            "logins",
            "lighthouse",
        ],
        help="leave a part out",
    )
    args = parser.parse_args(argv)
    sizes = SMOKE if args.smoke else FULL
    if args.reps:
        sizes = dataclasses.replace(sizes, reps=args.reps)
    res = Results()
    started = datetime.now(UTC)
    with tempfile.TemporaryDirectory(prefix="setflow-bench-") as tmp:
        work = Path(tmp)
        data_dir = work / "data"
        data_dir.mkdir()
        with sync_playwright() as pw:
            browser = launch(pw)
            info = machine(browser.version)
            try:
                with static_server(data_dir) as static_url, couch_server() as couch_url:
                    for rep in range(sizes.reps):
                        log(f"browser measurements, repetition {rep + 1} of {sizes.reps}")
                        if "startup" not in args.skip:
                            log("startup: app and bare Pyodide")
                            bench_startup(browser, res, rep, work)
                        db = work / f"rep-{rep}.sqlite3"
                        with app_server(f"sqlite:///{db}") as server:
                            if "storage" not in args.skip:
                                log("storage, export, import, heap")
                                path = bench_storage(
                                    browser, server.url, res, rep, sizes.records, work
                                )
                                bench_import(browser, server.url, res, sizes.records, path)
                                log("Strong CSV import: preview and write")
                                bench_csv_import(browser, server.url, res, sizes, work)
                            if "sync" not in args.skip:
                                log("sync: app, floor, PouchDB")
                                bench_sync(
                                    browser,
                                    server.url,
                                    static_url,
                                    couch_url,
                                    res,
                                    rep,
                                    sizes,
                                    data_dir,
                                )
                if "engines" not in args.skip:
                    log("start-up in Chromium, Firefox and WebKit, each beside bare Pyodide")
                    bench_engines(browser, res, sizes.reps, work)
                if "live" not in args.skip:
                    bench_live(browser, res, sizes, work)
            finally:
                browser.close()
        if "durability" not in args.skip:
            for rep in range(sizes.reps):
                log(f"durability: pushes on SQLite FULL and NORMAL, rep {rep + 1}")
                bench_durability(res, work, rep, sizes.changes, sizes.changes)
        if "logins" not in args.skip:
            log("a burst of 50 parallel logins")
            bench_logins(res, work)
        if "load" not in args.skip:
            bench_load(res, sizes, work)
        if "lighthouse" not in args.skip and not args.smoke:  # minutes per run: never in smoke
            log("Lighthouse, mobile: first visit and return visit")
            bench_lighthouse(res, work)
    report = {
        "started": started.isoformat(timespec="seconds"),
        "mode": "smoke" if args.smoke else "full",
        "sizes": dataclasses.asdict(sizes),
        "machine": info,
        "rows": res.as_json(),
        "notes": res.notes,
    }
    out = args.out or RESULTS / f"{started.strftime('%Y%m%dT%H%M%SZ')}-{report['mode']}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, indent=2))
    print(
        f"Machine: {info['nproc']} CPUs ({info['cpu']}), {info['memory_gb']} GB, "
        f"Chromium {info['chromium']}"
    )
    print(res.table())
    for note in res.notes:
        print("note:", note)
    print(f"\nJSON: {out}")
    return 0
