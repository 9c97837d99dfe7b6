"""The storage family: the device store against plain Dexie, export and import of a Setflow
file, a Strong CSV import (preview, then write), and the page's heap."""

from __future__ import annotations

import time
import uuid
from datetime import datetime
from pathlib import Path

from playwright.sync_api import Browser

from bench import pyscripts
from bench.browser import heap, new_context, run_python, wait_ready
from bench.report import Results, Sizes, make_records

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
        ids = [str(uuid.uuid4()) for _ in records]
        page.evaluate(
            "([r, m]) => { window.__benchRecords = r; window.__benchMutationIds = m; }",
            [records, ids],
        )

        def adapter() -> None:
            w = run_python(page, pyscripts.STORE_WRITE, records=records, ids=ids)
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


def bench_csv_import(
    browser: Browser, server_url: str, res: Results, sizes: Sizes, work: Path
) -> None:
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
