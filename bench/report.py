"""The benchmark's sizes, its rows of samples and the printed table, and the records it syncs."""

from __future__ import annotations

import statistics
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    load_warmup: float = 1.0  # seconds of the same load before each measured run
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
    load_warmup=0.0,
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

    def add(
        self, key: str, label: str, unit: str, value: float, baseline: str | None = None
    ) -> None:
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
