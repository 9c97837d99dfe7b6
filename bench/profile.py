"""``python -m bench.profile``: where a sync's time goes, in the app's own page.

Same setup as the sync rows of ``make bench`` (real server, real Chromium, a fresh device signed
in to an account holding N records), but the page's Python is instrumented at run time (nothing
in app/ changes): the fetch transport's request/JSON/protocol steps and the IndexedDB adapter's
conversions and transactions are timed separately for the initial sync, a one-change sync and a
push of many local changes.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import uuid
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench import pyscripts
from bench.browser import launch, new_context, run_python, settle, wait_ready
from bench.families.sync import JS_SYNC, seed_account, signing_in
from bench.report import PASSWORD, make_records
from bench.servers import app_server

INSTRUMENT = """
import json
import time
import js
from app.browser import fetch_transport as transport
from app.browser import idb
from app.browser import sync as browser_sync
from app.core import engine as engine_module
from app.core import protocol

# Kept on the app object: every exec runs in a fresh namespace, the counters must outlive it.
T = app.__dict__.setdefault("_bench_timings", {})

def add(name, ms):
    T[name] = T.get(name, 0.0) + ms

def now():
    return js.performance.now()

def timed_async(name, fn):
    async def wrapper(*a, **k):
        t0 = now()
        try:
            return await fn(*a, **k)
        finally:
            add(name, now() - t0)
    return wrapper

def timed(name, fn):
    def wrapper(*a, **k):
        t0 = now()
        try:
            return fn(*a, **k)
        finally:
            add(name, now() - t0)
    return wrapper

class TimedJson:
    def loads(self, *a, **k):
        return timed("json.loads", json.loads)(*a, **k)
    def dumps(self, *a, **k):
        return timed("json.dumps", json.dumps)(*a, **k)

_gc_started = [0.0]

def gc_timed(phase, info):
    # Python's cyclic garbage collector: a pause of the whole worker, whatever runs.
    if phase == "start":
        _gc_started[0] = now()
    else:
        add(f"gc (generation {info['generation']})", now() - _gc_started[0])

async def bench(args):
    if not getattr(app, "_bench_instrumented", False):
        import gc
        gc.callbacks.append(gc_timed)
        transport.json = TimedJson()
        transport.request_json = timed_async("request_json (fetch+text+json)", transport.request_json)
        protocol.parse_pull_response = timed("parse_pull_response", protocol.parse_pull_response)
        protocol.parse_push_response = timed("parse_push_response", protocol.parse_push_response)
        protocol.PushRequest.to_json = timed("PushRequest.to_json", protocol.PushRequest.to_json)
        idb.to_js_data = timed("to_js_data", idb.to_js_data)
        idb.to_py_data = timed("to_py_data", idb.to_py_data)
        # Every call into db.mjs (one IndexedDB transaction each, or the Web Lock), by name.
        plain_settled = idb.settled
        async def settled(function, *a, **k):
            return await timed_async("db." + str(function.name), plain_settled)(function, *a, **k)
        idb.settled = settled
        browser_sync.settled = settled
        transport._fetch = timed_async("fetch (request+json)", transport._fetch)
        transport.FetchTransport.pull = timed_async("transport.pull", transport.FetchTransport.pull)
        transport.FetchTransport.push = timed_async("transport.push", transport.FetchTransport.push)
        engine_module.pull_all = timed_async("pull_all", engine_module.pull_all)
        engine_module.push_all = timed_async("push_all", engine_module.push_all)
        store = app.sync.store
        for name in ("apply_pulled", "acknowledge", "outbox", "cursor", "outbox_count", "get_meta"):
            setattr(store, name, timed_async("store." + name, getattr(store, name)))
        engine = app.sync.engine
        engine.full_sync = timed_async("engine.full_sync", engine.full_sync)
        app.sync.on_update = timed("sync.on_update (status line)", app.sync.on_update)
        app.render = timed("app.render", app.render)
        app._bench_instrumented = True
    if json.loads(args).get("report"):
        out = dict(T)
        T.clear()
        return json.dumps(out)
    T.clear()
    return json.dumps({})
"""


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__)
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--changes", type=int, default=1_000)
    parser.add_argument("--repeat", type=int, default=5, help="one-change syncs to profile")
    args = parser.parse_args()
    n, k = args.records, args.changes
    with tempfile.TemporaryDirectory() as tmp, app_server(f"sqlite:///{tmp}/p.sqlite3") as server:
        email = f"profile-{uuid.uuid4().hex[:6]}@bench.invalid"
        seed_account(server.url, make_records(n, "seed-device"), email)
        with sync_playwright() as pw:
            browser = launch(pw)
            context = new_context(browser)
            context.request.post(
                server.url + "/api/auth/login", data={"email": email, "password": PASSWORD}
            )
            page = context.new_page()
            page.goto(server.url + "/")
            wait_ready(page)
            report = {}
            run_python(page, INSTRUMENT)
            for label, prepare in (
                (f"initial sync of {n}", None),
                *((f"one change #{i + 1}", pyscripts.ONE_EDIT) for i in range(args.repeat)),
                (f"push {k}", pyscripts.NEW_RECORDS),
            ):
                if prepare:
                    run_python(page, prepare, n=k)
                settle(page)
                run_python(page, INSTRUMENT)  # reset the counters
                out = page.evaluate(JS_SYNC, None if prepare else signing_in(email))
                parts = run_python(page, INSTRUMENT, report=True)
                report[label] = {"total (setflowSync)": out["ms"], **parts}
            browser.close()
    for label, parts in report.items():
        print(f"\n{label}")
        for name, ms in sorted(parts.items(), key=lambda kv: -kv[1]):
            print(f"  {name:40s} {ms:9.1f} ms")
    Path(tempfile.gettempdir(), "setflow-sync-profile.json").write_text(json.dumps(report))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
