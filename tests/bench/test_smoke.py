"""The benchmark's smoke mode runs in the test suite, so `make bench` cannot rot.

It checks that every row is produced with sane, positive numbers; never how fast anything is.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [pytest.mark.e2e, pytest.mark.postgres]

BROWSER_ROWS = [
    "fp_first", "ready_first", "fp_sw", "ready_sw",
    "bare_fp_first", "bare_ready_first", "bare_fp_sw", "bare_ready_sw",
    "last_screen_sw", "ready_sw_cpu4", "last_screen_sw_cpu4", "bare_ready_sw_cpu4",
    "bytes_first", "bare_bytes_first", "snapshot_mb", "snapshot_stored_mb",
    "store_write", "store_read", "dexie_write", "dexie_read",
    "export", "export_rate", "import", "import_rate",
    "csv_preview", "csv_preview_unit", "csv_write", "csv_write_rate",
    "heap_app", "heap_bare",
    "sync_initial", "sync_one", "sync_push", "floor",
    "pouch_initial_default", "pouch_one_default", "pouch_push_default",
    "pouch_initial_1000", "pouch_one_1000", "pouch_push_1000",
    *(f"{engine}{bare}_ready_{when}" for engine in ("chromium", "firefox", "webkit")
      for bare in ("", "_bare") for when in ("first", "reopen")),
]  # fmt: skip
# The page's main thread blocked until ready, and its longest task: present, never negative, but
# 0 is a fine figure (the goal, once the app's Python runs off the main thread).
BLOCKING_ROWS = [
    f"{bare}{what}_{when}"
    for bare in ("", "bare_")
    for what in ("blocked", "longest")
    for when in ("first", "sw_cpu4")
]
LOAD_ROWS = [
    f"load_{config}_{n}{suffix}"
    for config in ("sqlite", "pg", "pg2", "sqlite2")
    for n in (1, 10, 50)
    for suffix in ("", "_p50", "_p99")
]
LIVE_ROWS = [
    "live_sqlite", "live_sqlite_p95", "live_pg2", "live_pg2_p95",
    "streams_rss_base", "streams_rss", "streams_cpu",
]  # fmt: skip
# Rows compared with a baseline of the same run (their ratio must be there too).
PAIRED = {
    "fp_first": "bare_fp_first",
    "ready_first": "bare_ready_first",
    "fp_sw": "bare_fp_sw",
    "ready_sw": "bare_ready_sw",
    "last_screen_sw": "bare_ready_sw",
    "ready_sw_cpu4": "bare_ready_sw_cpu4",
    "bytes_first": "bare_bytes_first",
    "store_write": "dexie_write",
    "store_read": "dexie_read",
    "heap_app": "heap_bare",
    "csv_write_rate": "import_rate",
    "sync_initial": "floor",
    "pouch_initial_default": "sync_initial",
    "pouch_initial_1000": "sync_initial",
    "load_sqlite_50": "load_sqlite_1",
    **{f"{engine}_ready_{when}": f"{engine}_bare_ready_{when}"
       for engine in ("chromium", "firefox", "webkit") for when in ("first", "reopen")},
    "webkit_reopen_vs_chromium": "chromium_ready_reopen",
    **{f"{engine}_last_screen_reopen": f"{engine}_bare_ready_reopen"
       for engine in ("chromium", "firefox", "webkit")},
    "streams_rss": "streams_rss_base",
}  # fmt: skip


# Two halves at once: the browser parts, and the servers under load with the live stream. Each
# ratio's baseline is in its own half.
# Each half is named by what it runs, and given the parts it leaves to the other (--skip).
LEFT_OUT = {
    "browsers": ["live", "load", "durability", "logins"],
    "servers": ["startup", "engines", "storage", "sync"],
}


def test_smoke_mode_produces_every_row(tmp_path: Path) -> None:
    runs = {
        half: subprocess.Popen(
            [sys.executable, "-m", "bench", "--smoke", "--out", str(tmp_path / f"{half}.json")]
            + [f"--skip={part}" for part in skipped],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for half, skipped in LEFT_OUT.items()
    }
    printed = {}
    for half, run in runs.items():
        # Three engines start eight times; WebKit is slow to start.
        stdout, stderr = run.communicate(timeout=1200)
        assert run.returncode == 0, (half, stdout[-3000:] + stderr[-5000:])
        printed[half] = stdout
    halves = {half: json.loads((tmp_path / f"{half}.json").read_text()) for half in LEFT_OUT}
    report = {
        "rows": [row for half in halves.values() for row in half["rows"]],
        "machine": halves["browsers"]["machine"],
        "notes": [note for half in halves.values() for note in half["notes"]],
    }
    rows = {row["key"]: row for row in report["rows"]}
    missing = [k for k in BROWSER_ROWS + BLOCKING_ROWS + LOAD_ROWS + LIVE_ROWS if k not in rows]
    assert not missing, f"rows missing: {missing}"
    for key, row in rows.items():
        assert row["n"] >= 1, key
        for name in ("median", "min", "max"):
            value = row[name]
            assert isinstance(value, (int, float)) and math.isfinite(value), (key, name, value)
            assert value >= 0, (key, name, value)
        assert row["min"] <= row["median"] <= row["max"], key
    for key in BROWSER_ROWS + [k for k in LOAD_ROWS if not k.endswith(("_p50", "_p99"))]:
        assert rows[key]["median"] > 0, key
    for key in BLOCKING_ROWS:
        if not key.startswith("bare_"):
            assert rows[key]["baseline"] == f"bare_{key}", key
    for key, baseline in PAIRED.items():
        assert rows[key]["baseline"] == baseline, key
        assert rows[key]["ratio"] is not None and rows[key]["ratio"] > 0, key
    machine = report["machine"]
    assert machine["nproc"] >= 1 and machine["chromium"] and machine["memory_gb"] > 0
    # The table printed for a person holds the same rows.
    table = printed["browsers"]
    assert "| measurement |" in table and "initial sync" in table
    assert not report["notes"], report["notes"]
