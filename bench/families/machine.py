"""The machine: Lighthouse's scores (``bench/lighthouse.py``) and what the run ran on."""

from __future__ import annotations

import platform
import subprocess
from pathlib import Path
from typing import Any

from bench import lighthouse
from bench.report import Results


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
