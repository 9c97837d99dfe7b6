"""The server family: many devices under load (``bench/load.py``) and live sync's propagation
and idle streams (``bench/live.py``)."""

from __future__ import annotations

import statistics
from pathlib import Path

from playwright.sync_api import Browser

from bench.live import idle_streams, propagation
from bench.load import run_load
from bench.report import Results, Sizes, log
from bench.servers import app_server
from devsupport.live_server import LiveServer
from devsupport.postgres import PostgresCluster


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
                        r = run_load(
                            [s.port for s in servers], n, sizes.load_seconds, sizes.load_warmup
                        )
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
