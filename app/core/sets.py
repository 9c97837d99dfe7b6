"""What a logged set means: check-off, set type, and the figures derived from it.

The one home of the legacy defaults: a set written before schema 2 has no ``done`` (it was
logged, so it is done) and no ``setType`` (normal).
"""

from __future__ import annotations

from typing import Any

Record = dict[str, Any]

SET_TYPE_LABELS = {
    "normal": "Normal",
    "warmup": "Warm-up",
    "drop": "Drop set",
    "failure": "Failure",
}
SET_TYPE_LETTERS = {"normal": "", "warmup": "W", "drop": "D", "failure": "F"}


def is_done(s: Record) -> bool:
    return s.get("done") is not False


def set_type(s: Record) -> str:
    value = s.get("setType")
    return value if value in SET_TYPE_LABELS else "normal"


def counts(s: Record) -> bool:
    """A working set: done and not a warm-up (warm-ups count for neither PRs nor volume)."""
    return is_done(s) and set_type(s) != "warmup"


def e1rm(weight: float, reps: int) -> float:
    """Estimated one-rep max (Epley); a single is its own max, zero reps lift nothing."""
    if reps <= 0:
        return 0.0
    if reps == 1:
        return float(weight)
    return weight * (1 + reps / 30)


def volume(s: Record) -> float:
    return float(s.get("weight") or 0) * int(s.get("reps") or 0)


def position_key(s: Record) -> tuple[Any, ...]:
    return (s.get("position") or 0, s.get("createdAt", 0), s["id"])
