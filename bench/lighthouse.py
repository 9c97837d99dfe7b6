"""Lighthouse (npm ``lighthouse``, a pinned dev dependency) on Debian's Chromium, mobile preset.

Two runs against the real server: a first visit (Lighthouse's default: storage cleared), and a
return visit on a device that has been here before (the service worker, the start-up snapshot
and the last screen in place, made by Playwright in the same Chromium profile beforehand).

    python -m bench.lighthouse            # prints the scores and the metrics
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

from bench.browser import wait_for_service_worker
from bench.servers import _wait_http
from bench.startup import wait_for_snapshot
from devsupport.chromium import CHROMIUM, CHROMIUM_FLAGS
from devsupport.live_server import LiveServer, free_port

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CATEGORIES = ("performance", "accessibility", "best-practices")
METRICS = (
    "first-contentful-paint",
    "largest-contentful-paint",
    "total-blocking-time",
    "speed-index",
    "cumulative-layout-shift",
    "interactive",
)


class Unfinished(RuntimeError):
    """Lighthouse wrote its report but could not finish some of its audits."""


def run(url: str, port: int | None = None, storage_reset: bool = True) -> dict[str, Any]:
    """One Lighthouse run (mobile); its category scores (0-100) and metrics (ms). A run with
    unfinished audits is run once more (it happens now and then on a busy machine)."""
    try:
        return _run(url, port, storage_reset)
    except Unfinished as err:
        print(f"lighthouse: a run left audits unfinished ({err}); running it again")
        return _run(url, port, storage_reset)


def _run(url: str, port: int | None, storage_reset: bool) -> dict[str, Any]:
    if not LIGHTHOUSE.exists():
        raise RuntimeError("node_modules/.bin/lighthouse is missing: run `make setup`.")
    with tempfile.TemporaryDirectory(prefix="setflow-lighthouse-") as tmp:
        out = Path(tmp) / "report.json"
        cmd = [
            str(LIGHTHOUSE),
            url,
            "--output=json",
            f"--output-path={out}",
            f"--only-categories={','.join(CATEGORIES)}",
            "--quiet",
            "--max-wait-for-load=120000",
        ]
        if port is not None:
            cmd.append(f"--port={port}")
        else:
            cmd.append(f"--chrome-flags={' '.join(CHROMIUM_FLAGS)}")
        if not storage_reset:
            cmd.append("--disable-storage-reset")
        env = {**os.environ, "CHROME_PATH": str(CHROMIUM)}
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
        if not out.exists():
            raise RuntimeError(f"lighthouse failed ({done.returncode}): {done.stderr[-2000:]}")
        report = json.loads(out.read_text())
    return _read(report)


def _read(report: dict[str, Any]) -> dict[str, Any]:
    """The scores and metrics of one report; an audit Lighthouse could not finish (it then has
    no value, and its category no score) fails the run with Lighthouse's reason, rather than
    being read as a score of 0."""
    unfinished = [
        f"{m}: {report['audits'].get(m, {}).get('errorMessage', 'missing')}"
        for m in METRICS
        if "numericValue" not in report["audits"].get(m, {})
    ] + [f"{c}: no score" for c in CATEGORIES if report["categories"][c]["score"] is None]
    if unfinished:
        raise Unfinished("; ".join(unfinished))
    scores = {c: round(100 * report["categories"][c]["score"]) for c in CATEGORIES}
    metrics = {m: float(report["audits"][m]["numericValue"]) for m in METRICS}
    failed = sorted(
        a["id"]
        for a in report["audits"].values()
        if a.get("score") is not None and a["score"] < 0.9 and a.get("scoreDisplayMode") == "binary"
    )
    return {"scores": scores, "metrics": metrics, "failed_audits": failed}


def return_visit(url: str) -> dict[str, Any]:
    """Lighthouse on a device that has opened the app before (same Chromium profile)."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="setflow-profile-") as profile:
        chromium = subprocess.Popen(
            [
                str(CHROMIUM),
                *CHROMIUM_FLAGS,
                f"--remote-debugging-port={port}",
                f"--user-data-dir={profile}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_http(f"http://127.0.0.1:{port}/json/version", chromium, "chromium")
            with sync_playwright() as pw:
                browser = pw.chromium.connect_over_cdp(f"http://127.0.0.1:{port}")
                page = browser.contexts[0].new_page()
                page.goto(url)
                page.wait_for_function(
                    "document.documentElement.dataset.appState === 'ready'", timeout=300_000
                )
                wait_for_service_worker(page)
                wait_for_snapshot(page)
                page.close()
                browser.close()
            return run(url, port=port, storage_reset=False)
        finally:
            chromium.terminate()
            chromium.wait(timeout=30)


def measure(database: str) -> dict[str, dict[str, Any]]:
    server = LiveServer(database).start()
    try:
        return {
            "first visit": run(server.url + "/"),
            "return visit": return_visit(server.url + "/"),
        }
    finally:
        server.stop()


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        print(json.dumps(measure(f"sqlite:///{tmp}/lighthouse.sqlite3"), indent=2))
