"""What a logged set means: check-off, set type, and the figures derived from it.

The one home of the legacy defaults: a set written before schema 2 has no ``done`` (it was
logged, so it is done) and no ``setType`` (normal).
"""

from __future__ import annotations

from typing import Any

from app.core.schema import ValidationError

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


# RPE (rate of perceived exertion): 6 to 10 in halves, optional.
RPE_VALUES = tuple(n / 2 for n in range(12, 21))


def format_rpe(value: float) -> str:
    """8.0 -> "8", 8.5 -> "8.5"."""
    return f"{value:g}"


def parse_rpe(text: str) -> float | None:
    """What a person picked as RPE ("" clears it); anything but 6, 6.5 ... 10 is refused."""
    cleaned = text.strip().replace(",", ".")
    if not cleaned:
        return None
    try:
        value = float(cleaned)
    except ValueError:
        value = -1.0
    if value not in RPE_VALUES:
        raise ValidationError("RPE must be 6 to 10, in halves (like 7.5).")
    return value


def details(s: Record) -> str:
    """A set's RPE and note as one line ("RPE 8 · grindy last rep"), "" when it has neither."""
    parts = []
    rpe = s.get("rpe")
    if isinstance(rpe, (int, float)) and not isinstance(rpe, bool):
        parts.append(f"RPE {format_rpe(float(rpe))}")
    note = s.get("notes")
    if isinstance(note, str) and note.strip():
        parts.append(note.strip())
    return " · ".join(parts)
