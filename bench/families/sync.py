"""The sync family: initial sync, one change and a large push, beside a floor (bare fetch and
Dexie) and PouchDB against CouchDB."""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
from playwright.sync_api import Browser

from app.core.schema import SCHEMA_VERSION
from bench import pyscripts
from bench.browser import new_context, run_python, settle, wait_ready
from bench.report import PASSWORD, Results, Sizes, as_mutation, make_records
from bench.servers import pull_all, push, sign_up, write_json

JS_SYNC = """
async (signIn) => {
  // The first sync signs in just before it, in the same go: the live stream opens once the app
  // sees a sign-in, and its hello's pull (a sync of its own) would otherwise come first.
  if (signIn) await window.setflowRun(...signIn);
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


def signing_in(email: str) -> list[str]:
    """``JS_SYNC``'s argument for a first sync as ``email``."""
    return [pyscripts.SIGNED_IN_AS, json.dumps({"email": email})]


def seed_account(
    server_url: str, records: list[dict[str, Any]], email: str
) -> list[dict[str, Any]]:
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
            out = page.evaluate(JS_SYNC, signing_in(email))
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
