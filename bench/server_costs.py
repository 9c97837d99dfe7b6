"""What the server's safety costs: SQLite's synchronous=FULL on pushes, and a login burst.

Push family: the same pushes against two fresh servers of this run, one with ``synchronous=FULL``
(what the server runs) and one with ``NORMAL`` (the baseline: no fsync per commit).  Each push is
one commit, so a push of one change shows the fsync's cost most and a push of a full batch least.

Login burst: fifty wrong-password logins sent at once to a server with the production argon2
parameters (64 MiB per hash).  Reported: the server's peak memory (VmHWM) and how many of the
fifty guesses were actually checked against the password (each 401 is one argon2 check).
"""

from __future__ import annotations

import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx

from bench.servers import push, sign_up
from devsupport.live_server import LiveServer

PASSWORD = "benchmark-password"


def _mutation(i: int) -> dict[str, Any]:
    return {
        "mutationId": str(uuid.uuid4()),
        "table": "exercises",
        "id": str(uuid.uuid4()),
        "kind": "put",
        "baseVersion": 0,
        "fields": {"name": f"Exercise {i}", "muscleGroup": "Legs"},
        "clientTime": 1_700_000_000_000,
    }


def push_timings(url: str, pushes: int, batch: int) -> tuple[float, float]:
    """(ms per push of one change, ms for one push of ``batch`` changes)."""
    with httpx.Client(base_url=url, timeout=120) as client:
        sign_up(client, f"durable-{uuid.uuid4().hex[:8]}@bench.invalid", PASSWORD)
        push(client, "warm-up", [_mutation(0)])
        started = time.perf_counter()
        for i in range(pushes):
            push(client, "bench-device", [_mutation(i)])
        one = (time.perf_counter() - started) * 1000 / pushes
        started = time.perf_counter()
        push(client, "bench-device", [_mutation(i) for i in range(batch)])
        many = (time.perf_counter() - started) * 1000
    return one, many


def bench_durability(res: Any, work: Path, rep: int, pushes: int, batch: int) -> None:
    order = ["NORMAL", "FULL"] if rep % 2 == 0 else ["FULL", "NORMAL"]
    for mode in order:
        database = f"sqlite:///{work}/durability-{mode}-{rep}.sqlite3"
        live = LiveServer(database, env={"SETFLOW_SQLITE_SYNCHRONOUS": mode}).start()
        try:
            one, many = push_timings(live.url, pushes, batch)
        finally:
            live.stop()
        key = mode.lower()
        base = None if mode == "NORMAL" else "push_one_normal"
        res.add(f"push_one_{key}", f"server push of 1 change, SQLite {mode}", "ms", one, base)
        base = None if mode == "NORMAL" else "push_batch_normal"
        res.add(
            f"push_batch_{key}", f"server push of {batch} changes, SQLite {mode}", "ms", many, base
        )


def _peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM")


def login_burst(work: Path, burst: int = 50) -> tuple[float, float, int]:
    """(peak RSS before the burst, peak RSS after it, guesses checked) in MiB and count."""
    live = LiveServer(
        f"sqlite:///{work}/burst-{uuid.uuid4().hex[:6]}.sqlite3",
        env={"SETFLOW_PASSWORD_PROFILE": "RFC_9106_LOW_MEMORY"},
    ).start()
    try:
        assert live.process is not None
        with httpx.Client(base_url=live.url, timeout=300) as client:
            sign_up(client, "owner@bench.invalid", PASSWORD)
        before = _peak_rss_mib(live.process.pid)
        with httpx.Client(
            base_url=live.url, timeout=300, limits=httpx.Limits(max_connections=burst)
        ) as client:

            def guess(i: int) -> int:
                body = {"email": "owner@bench.invalid", "password": f"wrong guess {i}"}
                return client.post("/api/auth/login", json=body).status_code

            with ThreadPoolExecutor(burst) as pool:
                statuses = list(pool.map(guess, range(burst)))
        after = _peak_rss_mib(live.process.pid)
    finally:
        live.stop()
    return before, after, statuses.count(401)


def bench_logins(res: Any, work: Path) -> None:
    before, after, checked = login_burst(work)
    res.add("login_burst_rss_idle", "server peak memory before a 50-login burst", "MiB", before)
    res.add(
        "login_burst_rss",
        "server peak memory during a 50-login burst",
        "MiB",
        after,
        "login_burst_rss_idle",
    )
    res.add("login_burst_checked", "guesses checked in a 50-login parallel burst", "count", checked)
