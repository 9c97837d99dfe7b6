"""``make bench``: every measurement in one go, on this machine, nothing mocked.

Real Chromium (Debian's, launched as the e2e tests launch it), the real server on loopback, a
fresh server database and a fresh browser context for every repetition, each measurement paired
with its baseline in the same run.  Prints a table of medians (min, max) with the ratio to the
baseline and writes the same figures as JSON under ``bench/results/``.

    python -m bench            # full sizes (10,000 records, 5 repetitions)
    python -m bench --smoke    # tiny sizes, one repetition (the test suite runs this)
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Browser, sync_playwright

from app.core.schema import SCHEMA_VERSION
from bench import lighthouse, pyscripts, startup
from bench.browser import (
    heap,
    launch,
    new_context,
    run_python,
    settle,
    wait_ready,
)
from bench.engines import bench_engines
from bench.live import idle_streams, propagation
from bench.load import run_load
from bench.server_costs import bench_durability, bench_logins
from bench.servers import (
    app_server,
    couch_server,
    pull_all,
    push,
    sign_up,
    static_server,
    write_json,
)
from tests.e2e.live_server import LiveServer
from tests.pg import PostgresCluster

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PASSWORD = "benchmark-password"


@dataclass(frozen=True)
class Sizes:
    records: int
    changes: int
    reps: int
    load_seconds: float
    load_reps: int
    devices: tuple[int, ...] = (1, 10, 50)
    fresh_load_server: bool = True
    csv_workouts: int = 1_000  # a Strong CSV of 5 years' training, 25 sets a workout
    live_changes: int = 20  # changes timed from device A to device B, per configuration
    poll_changes: int = 3  # the same with polling only (each waits up to a minute)
    idle_streams: int = 1_000
    idle_seconds: float = 20.0  # longer than a heartbeat
    live_reps: int = 1


FULL = Sizes(records=10_000, changes=1_000, reps=5, load_seconds=5.0, load_reps=3)
SMOKE = Sizes(
    records=200,
    changes=20,
    reps=1,
    load_seconds=0.5,
    load_reps=1,
    fresh_load_server=False,
    csv_workouts=20,
    live_changes=2,
    poll_changes=0,
    idle_streams=50,
    idle_seconds=1.0,
)


@dataclass
class Row:
    key: str
    label: str
    unit: str
    baseline: str | None = None  # key of the row this one is compared with
    samples: list[float] = field(default_factory=list)

    def median(self) -> float:
        return statistics.median(self.samples) if self.samples else float("nan")


class Results:
    def __init__(self) -> None:
        self.rows: dict[str, Row] = {}
        self.notes: list[str] = []

    def row(self, key: str, label: str, unit: str, baseline: str | None = None) -> Row:
        if key not in self.rows:
            self.rows[key] = Row(key, label, unit, baseline)
        return self.rows[key]

    def add(self, key: str, label: str, unit: str, value: float, baseline: str | None = None):
        self.row(key, label, unit, baseline).samples.append(float(value))

    def ratio(self, key: str) -> float | None:
        row = self.rows[key]
        if row.baseline is None or row.baseline not in self.rows:
            return None
        base = self.rows[row.baseline].median()
        return row.median() / base if base else None

    def as_json(self) -> list[dict[str, Any]]:
        out = []
        for row in self.rows.values():
            out.append(
                {
                    "key": row.key,
                    "label": row.label,
                    "unit": row.unit,
                    "n": len(row.samples),
                    "median": row.median(),
                    "min": min(row.samples),
                    "max": max(row.samples),
                    "samples": row.samples,
                    "baseline": row.baseline,
                    "ratio": self.ratio(row.key),
                }
            )
        return out

    def table(self) -> str:
        head = "| measurement | unit | median | min | max | n | baseline | ratio |"
        lines = [head, "|---|---|---:|---:|---:|---:|---|---:|"]
        for row in self.rows.values():
            ratio = self.ratio(row.key)
            base = self.rows[row.baseline].label if row.baseline in self.rows else ""
            lines.append(
                f"| {row.label} | {row.unit} | {_fmt(row.median())} | {_fmt(min(row.samples))} "
                f"| {_fmt(max(row.samples))} | {len(row.samples)} | {base} "
                f"| {'' if ratio is None else f'{ratio:.2f}x'} |"
            )
        return "\n".join(lines)


def _fmt(x: float) -> str:
    if x != x:  # NaN
        return "n/a"
    if abs(x) >= 100:
        return f"{x:,.0f}"
    if abs(x) >= 10:
        return f"{x:.1f}"
    return f"{x:.2f}"


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- records ------------------------------------------------------------------------------------
def make_records(n: int, device_id: str) -> list[dict[str, Any]]:
    now = 1_700_000_000_000
    return [
        {
            "id": str(uuid.uuid4()),
            "createdAt": now,
            "updatedAt": now,
            "deviceId": device_id,
            "deleted": False,
            "version": 0,
            "name": f"Exercise {i}",
            "muscleGroup": ("Legs", "Back", "Chest", "Arms")[i % 4],
        }
        for i in range(n)
    ]


def as_mutation(record: dict[str, Any]) -> dict[str, Any]:
    return {
        "mutationId": str(uuid.uuid4()),
        "table": "exercises",
        "id": record["id"],
        "kind": "put",
        "baseVersion": 0,
        "fields": {"name": record["name"], "muscleGroup": record["muscleGroup"]},
        "clientTime": record["createdAt"],
    }


# --- startup ------------------------------------------------------------------------------------
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
                        "start-up snapshot as stored (gzip)",
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
            holder.goto(url + "/bench/bare.html")
            wait_ready(holder)
            h = heap(context, holder)
            res.add("heap_bare", "bare Pyodide JS heap used", "MB", h["usedSize"] / 2**20)
        finally:
            context.close()

    for step in (app, bare) if rep % 2 == 0 else (bare, app):
        step()


# --- storage, export/import, heap ---------------------------------------------------------------
JS_DEXIE_PLAIN = """
async () => {
  const { default: Dexie } = await import("/vendor/dexie/dexie.mjs");
  const db = new Dexie("bench-plain");
  db.version(1).stores({ exercises: "id", outbox: "++seq, &mutationId, [table+id]" });
  await db.open();
  const records = window.__benchRecords.map((r) => ({ ...r }));
  const mutations = records.map((r, i) => ({ mutationId: window.__benchMutationIds[i],
    table: "exercises", id: r.id, kind: "put", baseVersion: 0,
    fields: { name: r.name, muscleGroup: r.muscleGroup }, clientTime: r.createdAt }));
  let t0 = performance.now();
  await db.transaction("rw", db.exercises, db.outbox, async () => {
    await db.exercises.bulkPut(records);
    await db.outbox.bulkAdd(mutations);
  });
  const write = performance.now() - t0;
  t0 = performance.now();
  const rows = (await db.exercises.toArray()).filter((r) => !r.deleted);
  const read = performance.now() - t0;
  db.close();
  return { write, read, n: rows.length };
}
"""


def bench_storage(
    browser: Browser, server_url: str, res: Results, rep: int, n: int, work: Path
) -> Path:
    """10k writes and reads through the adapter vs plain Dexie; then export. Returns the file."""
    records = make_records(n, "bench-device")
    context = new_context(browser)
    try:
        page = context.new_page()
        page.goto(server_url + "/")
        wait_ready(page)
        page.evaluate(
            "([r, m]) => { window.__benchRecords = r; window.__benchMutationIds = m; }",
            [records, [str(uuid.uuid4()) for _ in records]],
        )

        def adapter() -> None:
            w = run_python(page, pyscripts.STORE_WRITE)
            r = run_python(page, pyscripts.STORE_READ)
            assert w["n"] == n and r["n"] == n, (w, r)
            res.add(
                "store_write",
                f"write {n} records, storage adapter (Python)",
                "ms",
                w["ms"],
                "dexie_write",
            )
            res.add(
                "store_read",
                f"read {n} records, storage adapter (Python)",
                "ms",
                r["ms"],
                "dexie_read",
            )

        def plain() -> None:
            p = page.evaluate(JS_DEXIE_PLAIN)
            assert p["n"] == n, p
            res.add("dexie_write", f"write {n} records, plain JS Dexie", "ms", p["write"])
            res.add("dexie_read", f"read {n} records, plain JS Dexie", "ms", p["read"])

        for step in (adapter, plain) if rep % 2 == 0 else (plain, adapter):
            step()

        # Export through the app's own button: click to download.
        page.click("a[data-view=settings]")
        page.wait_for_selector("[data-action=export]")
        with page.expect_download(timeout=120_000) as download:
            t0 = time.perf_counter()
            page.click("[data-action=export]")
        dl = download.value
        ms = (time.perf_counter() - t0) * 1000
        path = work / f"export-{rep}.json"
        dl.save_as(path)
        res.add("export", f"export {n} records to a file", "ms", ms)
        res.add("export_rate", "export rate", "records/s", n / (ms / 1000))
        return path
    finally:
        context.close()


def bench_import(browser: Browser, server_url: str, res: Results, n: int, path: Path) -> None:
    """Import the export on a fresh device, then restart it with the data: JS heap in use."""
    context = new_context(browser)
    try:
        page = context.new_page()
        page.goto(server_url + "/")
        wait_ready(page)
        page.click("a[data-view=settings]")
        page.wait_for_selector("#import-file")
        t0 = time.perf_counter()
        page.set_input_files("#import-file", str(path))
        page.wait_for_function(
            "document.getElementById('view').textContent.includes('Imported')", timeout=120_000
        )
        ms = (time.perf_counter() - t0) * 1000
        res.add("import", f"import {n} records on a fresh device", "ms", ms)
        res.add("import_rate", "import rate", "records/s", n / (ms / 1000))
        count = run_python(page, pyscripts.STORE_READ)["n"]
        assert count == n, f"imported {count} of {n}"
        page.reload()
        wait_ready(page)
        page.click("a[data-view=history]")
        h = heap(context, page)
        res.add(
            "heap_app",
            f"app JS heap used, {n} records loaded",
            "MB",
            h["usedSize"] / 2**20,
            "heap_bare",
        )
    finally:
        context.close()


STRONG_EXERCISES = [
    f"{lift} ({kit})"
    for lift in ("Squat", "Bench Press", "Deadlift", "Overhead Press", "Row", "Lunge", "Curl")
    for kit in ("Barbell", "Dumbbell", "Machine", "Cable", "Smith Machine", "Band")
]


def strong_history_csv(workouts: int) -> str:
    """A classic Strong export: ``workouts`` workouts over 5 years, 5 exercises x 5 sets each."""
    lines = [
        "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,"
        "Workout Notes,RPE"
    ]
    start = datetime(2021, 1, 4, 18, 0)
    for w in range(workouts):
        day = start + (datetime(2026, 1, 4) - start) * w / max(workouts, 1)
        stamp = day.strftime("%Y-%m-%d %H:%M:%S")
        for e in range(5):
            name = STRONG_EXERCISES[(w * 5 + e) % len(STRONG_EXERCISES)]
            for s in range(5):
                order = "W" if s == 0 else str(s)
                weight = 40 + (w % 60) + 2.5 * s
                lines.append(
                    f'{stamp},"Day {w % 4 + 1}, strength",1h 12m,{name},{order},{weight},'
                    f'{5 + s % 3},0,0,"Note {s}, fine",,{8 if s == 4 else ""}'
                )
    return "\r\n".join(lines) + "\r\n"


def bench_csv_import(browser: Browser, server_url: str, res: Results, sizes: Sizes, work: Path):
    """A Strong CSV of years of training into a fresh device: preview, unit answer, write."""
    workouts = sizes.csv_workouts
    path = work / f"strong-{workouts}.csv"
    if not path.exists():
        path.write_text(strong_history_csv(workouts), encoding="utf-8")
    sets = workouts * 25
    context = new_context(browser)
    try:
        page = context.new_page()
        page.goto(server_url + "/#settings")
        wait_ready(page)
        page.wait_for_selector("#import-file")
        t0 = time.perf_counter()
        page.set_input_files("#import-file", str(path))
        page.wait_for_selector("#import-preview", timeout=120_000)
        preview_ms = (time.perf_counter() - t0) * 1000
        res.add(
            "csv_preview", f"Strong CSV preview, {workouts} workouts, {sets} sets", "ms", preview_ms
        )
        t0 = time.perf_counter()
        page.check("input[name=import-unit][value=kg]")
        page.wait_for_function(
            "document.getElementById('import-workouts').textContent.includes('new')",
            timeout=120_000,
        )
        res.add(
            "csv_preview_unit",
            "Strong CSV preview again after choosing kg",
            "ms",
            (time.perf_counter() - t0) * 1000,
        )
        t0 = time.perf_counter()
        page.click("button[data-action=confirm-import]")
        page.wait_for_function(
            "document.getElementById('view').textContent.includes('Imported from Strong')",
            timeout=120_000,
        )
        write_ms = (time.perf_counter() - t0) * 1000
        records = workouts + sets + len(STRONG_EXERCISES)
        res.add("csv_write", f"Strong CSV write, {records} records, fresh device", "ms", write_ms)
        res.add(
            "csv_write_rate",
            "Strong CSV write rate",
            "records/s",
            records / (write_ms / 1000),
            "import_rate",
        )
        stored = run_python(page, pyscripts.STORE_COUNT, table="workoutSets")["n"]
        assert stored == sets, f"stored {stored} sets of {sets}"
    finally:
        context.close()


# --- sync ---------------------------------------------------------------------------------------
JS_SYNC = """
async () => {
  const t0 = performance.now();
  const r = await window.setflowSync();
  return { ms: performance.now() - t0, result: r };
}
"""

JS_FLOOR = """
async (url) => {
  const db = await new Promise((resolve, reject) => {
    const req = indexedDB.open("floor", 1);
    req.onupgradeneeded = () => req.result.createObjectStore("exercises", { keyPath: "id" });
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  const t0 = performance.now();
  const data = await (await fetch(url, { cache: "no-store" })).json();
  const tx = db.transaction("exercises", "readwrite");
  const store = tx.objectStore("exercises");
  for (const record of data.changes) store.put(record);
  await new Promise((resolve, reject) => {
    tx.oncomplete = resolve;
    tx.onerror = () => reject(tx.error);
  });
  const ms = performance.now() - t0;
  db.close();
  return { ms, n: data.changes.length };
}
"""

JS_POUCH = """
async ({ remoteUrl, batch, newDocs }) => {
  const local = new PouchDB("bench-local");
  const remote = new PouchDB(remoteUrl);
  const opts = batch ? { batch_size: batch } : {};
  const sync = () => new Promise((resolve, reject) =>
    PouchDB.sync(local, remote, opts).on("complete", resolve).on("error", reject));
  let t0 = performance.now();
  const info = await local.replicate.from(remote, opts);
  const initial = performance.now() - t0;
  const first = (await local.allDocs({ limit: 1, include_docs: true })).rows[0].doc;
  first.name = first.name + " (edited)";
  await local.put(first);
  t0 = performance.now();
  const one = await sync();
  const oneMs = performance.now() - t0;
  await local.bulkDocs(newDocs);
  t0 = performance.now();
  const many = await sync();
  const manyMs = performance.now() - t0;
  return { initial, pulled: info.docs_written, one: oneMs, onePushed: one.push.docs_written,
           many: manyMs, manyPushed: many.push.docs_written };
}
"""


def seed_account(server_url: str, records: list[dict[str, Any]], email: str) -> list[dict]:
    """An account holding ``records`` on the server (pushed as another device would)."""
    with httpx.Client(base_url=server_url, timeout=120) as client:
        sign_up(client, email, PASSWORD)
        for i in range(0, len(records), 1000):
            push(client, "seed-device", [as_mutation(r) for r in records[i : i + 1000]])
        return pull_all(client)


def bench_sync(
    browser: Browser,
    server_url: str,
    static_url: str,
    couch_url: str,
    res: Results,
    rep: int,
    sizes: Sizes,
    data_dir: Path,
) -> None:
    n, k = sizes.records, sizes.changes
    records = make_records(n, "seed-device")
    email = f"sync-{rep}-{uuid.uuid4().hex[:6]}@bench.invalid"
    changes = seed_account(server_url, records, email)
    assert len(changes) == n, len(changes)
    floor_name = f"floor-{rep}.json"
    write_json(
        data_dir / floor_name,
        {
            "schemaVersion": SCHEMA_VERSION,
            "changes": changes,
            "cursor": changes[-1]["version"],
            "hasMore": False,
        },
    )

    def app() -> None:
        context = new_context(browser)
        try:
            login = context.request.post(
                server_url + "/api/auth/login", data={"email": email, "password": PASSWORD}
            )
            assert login.ok, login.text()
            page = context.new_page()
            page.goto(server_url + "/")
            wait_ready(page)
            page.evaluate(
                "(e) => { localStorage.setItem('setflow-account', e);"
                " localStorage.setItem('setflow-synced-account', e); }",
                email,
            )
            settle(page)
            out = page.evaluate(JS_SYNC)
            r = out["result"]
            assert r and r["ok"] and r["pulled"] == n, r
            res.add(
                "sync_initial",
                f"initial sync of {n} records, fresh device",
                "ms",
                out["ms"],
                "floor",
            )
            # The live stream opens once the app knows it is signed in, and its hello may start
            # a sync of its own; wait for it, so no background sync pushes what is timed below.
            page.wait_for_function("document.documentElement.dataset.live === 'true'")
            settle(page)
            run_python(page, pyscripts.ONE_EDIT)
            settle(page)
            out = page.evaluate(JS_SYNC)
            r = out["result"]
            assert r and r["ok"] and r["pushed"] == 1, r
            res.add("sync_one", f"sync with one change, {n} records present", "ms", out["ms"])
            run_python(page, pyscripts.NEW_RECORDS, n=k)
            settle(page)
            out = page.evaluate(JS_SYNC)
            r = out["result"]
            assert r and r["ok"] and r["pushed"] == k, r
            res.add("sync_push", f"sync pushing {k} local changes", "ms", out["ms"])
        finally:
            context.close()

    def floor() -> None:
        context = new_context(browser)
        try:
            page = context.new_page()
            page.goto(static_url + "/bench/blank.html")
            out = page.evaluate(JS_FLOOR, static_url + "/data/" + floor_name)
            assert out["n"] == n, out
            res.add(
                "floor",
                f"floor: one fetch of {n} records + one raw IndexedDB transaction",
                "ms",
                out["ms"],
            )
        finally:
            context.close()

    def pouch(batch: int | None) -> Callable[[], None]:
        def run() -> None:
            name = f"bench-{rep}-{batch or 'default'}-{uuid.uuid4().hex[:6]}"
            with httpx.Client(base_url=couch_url, timeout=120) as client:
                client.put(f"/db/{name}").raise_for_status()
                docs = [
                    {
                        "_id": r["id"],
                        "name": r["name"],
                        "muscleGroup": r["muscleGroup"],
                        "createdAt": r["createdAt"],
                        "updatedAt": r["updatedAt"],
                        "deviceId": r["deviceId"],
                        "deleted": False,
                    }
                    for r in records
                ]
                client.post(f"/db/{name}/_bulk_docs", json={"docs": docs}).raise_for_status()
            new_docs = [
                {"_id": str(uuid.uuid4()), "name": f"Local {i}", "muscleGroup": "Arms"}
                for i in range(k)
            ]
            context = new_context(browser)
            try:
                page = context.new_page()
                page.goto(couch_url + "/bench/pouch.html")
                out = page.evaluate(
                    JS_POUCH,
                    {"remoteUrl": f"{couch_url}/db/{name}", "batch": batch, "newDocs": new_docs},
                )
                assert out["pulled"] == n and out["onePushed"] == 1 and out["manyPushed"] == k, out
                tag = f"batch_size {batch}" if batch else "default batch_size"
                suffix = str(batch or "default")
                res.add(
                    f"pouch_initial_{suffix}",
                    f"PouchDB initial replication, {tag}",
                    "ms",
                    out["initial"],
                    "sync_initial",
                )
                res.add(
                    f"pouch_one_{suffix}",
                    f"PouchDB sync with one change, {tag}",
                    "ms",
                    out["one"],
                    "sync_one",
                )
                res.add(
                    f"pouch_push_{suffix}",
                    f"PouchDB sync pushing {k} changes, {tag}",
                    "ms",
                    out["many"],
                    "sync_push",
                )
            finally:
                context.close()

        return run

    steps = [app, floor, pouch(None), pouch(1000)]
    if rep % 2:
        steps.reverse()
    for step in steps:
        step()


# --- server under load --------------------------------------------------------------------------
def bench_load(res: Results, sizes: Sizes, work: Path) -> None:
    cluster = PostgresCluster().start()
    try:
        configs: list[tuple[str, str, int]] = [
            ("sqlite", "SQLite", 1),
            ("pg", "PostgreSQL", 1),
            ("pg2", "PostgreSQL, two server processes", 2),
            ("sqlite2", "SQLite, two worker processes", -2),  # --workers 2, one port
        ]
        for rep in range(sizes.load_reps):
            for key, label, processes in configs:
                servers: list[LiveServer] = []
                try:
                    for n in sizes.devices:
                        # A fresh database for every run (smoke mode: one per configuration,
                        # each device count signing up accounts of its own).
                        if not servers or sizes.fresh_load_server:
                            for s in servers:
                                s.stop()
                            if key == "sqlite":
                                database = f"sqlite:///{work}/load-{key}-{rep}-{n}.sqlite3"
                            else:
                                database = cluster.create_database()
                            if processes < 0:
                                servers = [LiveServer(database, workers=-processes).start()]
                            else:
                                servers = [LiveServer(database).start() for _ in range(processes)]
                        log(f"load: {label}, {n} devices, rep {rep + 1}")
                        r = run_load([s.port for s in servers], n, sizes.load_seconds)
                        if r.errors:
                            res.notes.append(f"load {label} {n} devices: {r.errors} errors")
                        dev = "device" if n == 1 else "devices"
                        base = None if n == 1 else f"load_{key}_1"
                        res.add(
                            f"load_{key}_{n}",
                            f"server, {label}, {n} {dev}: throughput",
                            "req/s",
                            r.throughput,
                            base,
                        )
                        res.add(
                            f"load_{key}_{n}_p50",
                            f"server, {label}, {n} {dev}: p50 latency",
                            "ms",
                            r.percentile(50),
                            None if n == 1 else f"load_{key}_1_p50",
                        )
                        res.add(
                            f"load_{key}_{n}_p99",
                            f"server, {label}, {n} {dev}: p99 latency",
                            "ms",
                            r.percentile(99),
                            None if n == 1 else f"load_{key}_1_p99",
                        )
                        res.add(
                            f"load_{key}_{n}_gen",
                            f"server, {label}, {n} {dev}: load generator CPU",
                            "%",
                            100 * r.generator_cpu_s / r.seconds,
                        )
                finally:
                    for s in servers:
                        s.stop()
    finally:
        cluster.stop()


# --- live sync ---------------------------------------------------------------------------------
def bench_live(browser: Browser, res: Results, sizes: Sizes, work: Path) -> None:
    def timed(key: str, label: str, url_a: str, url_b: str, n: int, live: bool) -> None:
        if n == 0:
            return
        times = propagation(browser, url_a, url_b, n, live=live, timeout_s=150)
        ordered = sorted(times)
        p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
        base = None if key.startswith("poll") else "poll_sqlite"
        res.add(f"{key}", f"{label}: change on A shown on B, p50 of {n}", "ms",
                statistics.median(times), base)  # fmt: skip
        res.add(f"{key}_p95", f"{label}: change on A shown on B, p95 of {n}", "ms", p95,
                None if base is None else "poll_sqlite_p95")  # fmt: skip

    for rep in range(sizes.live_reps):
        log(f"live: propagation on SQLite, rep {rep + 1}")
        with app_server(f"sqlite:///{work}/live-{rep}.sqlite3") as server:
            timed("poll_sqlite", "polling only (before live sync), SQLite", server.url,
                  server.url, sizes.poll_changes, False)  # fmt: skip
            timed("live_sqlite", "live, SQLite", server.url, server.url, sizes.live_changes,
                  True)  # fmt: skip
        log(f"live: propagation, two processes on PostgreSQL, rep {rep + 1}")
        cluster = PostgresCluster().start()
        try:
            database = cluster.create_database()
            first, second = LiveServer(database).start(), LiveServer(database).start()
            try:
                timed("live_pg2", "live, two processes on PostgreSQL (A on one, B on the other)",
                      first.url, second.url, sizes.live_changes, True)  # fmt: skip
            finally:
                first.stop()
                second.stop()
        finally:
            cluster.stop()
        log(f"live: {sizes.idle_streams} idle event streams, rep {rep + 1}")
        idle = idle_streams(work, sizes.idle_streams, sizes.idle_seconds)
        n = sizes.idle_streams
        res.add("streams_rss_base", "server RSS, no event streams", "MB", idle["rss_before"])
        res.add("streams_rss", f"server RSS, {n} idle event streams", "MB", idle["rss"],
                "streams_rss_base")  # fmt: skip
        res.add("streams_cpu", f"server CPU, {n} idle event streams", "% of one CPU",
                idle["cpu_pct"])  # fmt: skip


# --- the machine --------------------------------------------------------------------------------
def bench_lighthouse(res: Results, work: Path) -> None:
    """Lighthouse's mobile scores and Total Blocking Time (``bench/lighthouse.py``)."""
    found = lighthouse.measure(f"sqlite:///{work}/lighthouse.sqlite3")
    for visit, key in (("first visit", "first"), ("return visit", "return")):
        scores, metrics = found[visit]["scores"], found[visit]["metrics"]
        for category, target in (
            ("performance", ">= 90"),
            ("accessibility", "100"),
            ("best-practices", ">= 95"),
        ):
            res.add(
                f"lh_{category}_{key}",
                f"Lighthouse mobile {category}, {visit} (target {target})",
                "score",
                scores[category],
            )
        res.add(
            f"lh_tbt_{key}",
            f"Lighthouse mobile Total Blocking Time, {visit} (target < 200 ms)",
            "ms",
            metrics["total-blocking-time"],
        )
        res.add(
            f"lh_lcp_{key}",
            f"Lighthouse mobile Largest Contentful Paint, {visit}",
            "ms",
            metrics["largest-contentful-paint"],
        )
        if found[visit]["failed_audits"]:
            res.notes.append(
                f"Lighthouse {visit}: failed {', '.join(found[visit]['failed_audits'])}"
            )


def machine(browser_version: str) -> dict[str, Any]:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem_kb = 0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            mem_kb = int(line.split()[1])
    nproc = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
    return {
        "nproc": int(nproc or 0),
        "cpu": cpu,
        "memory_gb": round(mem_kb / 2**20, 1),
        "chromium": browser_version,
        "python": platform.python_version(),
        "os": platform.platform(),
    }


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
