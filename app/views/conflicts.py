"""Conflicts in a lifter's words: which record (exercise, workout date, set number), which value
won and which lost, with units, and whose device each came from."""

from __future__ import annotations

from datetime import date
from typing import Any

from app.core import changes, supersets, units
from app.core.schema import TABLES
from app.views.html import esc
from app.views.preferences import unit_of
from app.views.state import Data, Event, Outcome, Record, Screen, Stamp, change_stamp, find

# Why the values were kept, by the reason the server (or this device) gave.
REASONS = {
    "edited": "Two devices changed the same thing.",
    "deleted": "It was deleted on {winner}; the edit made on {loser} was kept here.",
    "edited-then-deleted": "It was deleted on {winner} after {loser} had changed it; "
    "those changes were kept here.",
    "refused": "The server refused this change as invalid; what you entered is kept here.",
    "imported": "An import replaced these values; the earlier ones are kept here.",
    "import-deleted": "The imported file holds it, but it was deleted here; the file's values "
    "are kept here.",
}


def _day(value: Any) -> str:
    try:
        day = date.fromisoformat(str(value))
        return f"{day.day} {day.strftime('%b %Y')}"
    except ValueError:
        return str(value)


def _device(device: Any, mine: str) -> str:
    if not device:
        return "another device"
    return "this device" if device == mine else "another device"


def value_text(field: str, value: Any, data: Data) -> str:
    """A field's value as a lifter reads it: units, names, dates."""
    if value in (None, ""):
        return "(empty)"
    if field in ("weight", "barWeight") and isinstance(value, (int, float)):
        return units.label(value, unit_of(data))
    if field == "reps" and isinstance(value, int):
        return f"{value} rep{'s' if value != 1 else ''}"
    if field == "exerciseId":
        return data.exercise_names().get(str(value), "a deleted exercise")
    if field == "programId":
        return next((p["name"] for p in data.programs if p["id"] == value), "a deleted program")
    if field == "date":
        return _day(value)
    if field == "items" and isinstance(value, list):
        return f"{len(value)} exercise{'s' if len(value) != 1 else ''}"
    if field == "supersets" and isinstance(value, dict):
        groups = supersets.groups_of({"supersets": value})
        blocks = [b for b in supersets.screen_order(list(groups), groups) if len(b) > 1]
        names = data.exercise_names()
        return "; ".join(supersets.describe(b, names) for b in blocks) or "(none)"
    if field == "exerciseNotes" and isinstance(value, dict):
        names = data.exercise_names()
        return "; ".join(f"{names.get(k, 'An exercise')}: {v}" for k, v in value.items())
    return str(value)


def _find(records: list[Record], record_id: Any) -> Record | None:
    return next((r for r in records if r["id"] == record_id), None)


def title(conflict: Record, data: Data) -> str:
    """What the conflict is about, e.g. "Set 2 of Squat, 3 Mar 2026"."""
    table = conflict.get("recordTable", "")
    rid = conflict.get("recordId")
    values = {**(conflict.get("serverFields") or {}), **(conflict.get("fields") or {})}
    if table == "exercises":
        found = _find(data.exercises, rid)
        return f"Exercise {(found or values).get('name') or ''}".strip()
    if table == "programs":
        found = _find(data.programs, rid)
        return f"Program {(found or values).get('name') or ''}".strip()
    if table == "workoutLogs":
        found = _find(data.workoutLogs, rid) or values
        return f"Workout of {_day(found['date'])}" if found.get("date") else "A workout"
    if table == "workoutSets":
        found = _find(data.workoutSets, rid) or values
        exercise = data.exercise_names().get(str(found.get("exerciseId")), "")
        workout = _find(data.workoutLogs, found.get("workoutId"))
        number_ = ""
        if found.get("id"):
            same = sorted(
                (
                    s
                    for s in data.workoutSets
                    if s.get("workoutId") == found.get("workoutId")
                    and s.get("exerciseId") == found.get("exerciseId")
                ),
                key=lambda s: (s.get("position") or 0, s.get("createdAt", 0), s["id"]),
            )
            number_ = next((f" {i}" for i, s in enumerate(same, 1) if s["id"] == rid), "")
        text = f"Set{number_}" + (f" of {exercise}" if exercise else "")
        return text + (f", {_day(workout['date'])}" if workout else "")
    spec = TABLES.get(table)
    return spec.label.capitalize() if spec else "A record"


def lines(conflict: Record, data: Data, device_id: str) -> list[str]:
    """One sentence per value that lost: "This device's 42.5 kg lost to 45 kg from another device"."""
    table = TABLES.get(conflict.get("recordTable", ""))
    lost = conflict.get("fields") or {}
    won = conflict.get("serverFields") or {}
    loser = _device(conflict.get("lostBy"), device_id)
    winner = _device(conflict.get("wonBy"), device_id)
    reason = conflict.get("reason", "")
    out = []
    for field, value in lost.items():
        spec = table.field_map.get(field) if table else None
        label = (spec.label if spec and spec.label else field).lower()
        mine = value_text(field, value, data)
        if reason == "imported":
            out.append(
                f"{label.capitalize()}: {mine} was replaced by the import's "
                f"{value_text(field, won.get(field), data)}."
            )
        elif reason in ("refused", "import-deleted", "deleted", "edited-then-deleted"):
            out.append(f"{label.capitalize()}: {mine}")
        elif field in won:
            theirs = value_text(field, won[field], data)
            out.append(
                f"{label.capitalize()}: {loser.capitalize()}'s {mine} lost to {theirs} from {winner}."
            )
        else:
            out.append(f"{label.capitalize()}: {loser.capitalize()}'s {mine} lost.")
    return out


def reason(conflict: Record, device_id: str) -> str:
    text = REASONS.get(conflict.get("reason", ""), "Another device's change won.")
    return text.format(
        winner=_device(conflict.get("wonBy"), device_id),
        loser=_device(conflict.get("lostBy"), device_id),
    )


def render_one(conflict: Record, data: Data, device_id: str) -> str:
    name = title(conflict, data)
    cid = esc(conflict["id"])
    items = "".join(f"<li>{esc(line)}</li>" for line in lines(conflict, data, device_id))
    return (
        f'<li class="conflict"><div class="grow"><strong>{esc(name)}</strong><br>'
        f'<span class="muted">{esc(reason(conflict, device_id))}</span><ul>{items}</ul></div>'
        '<div class="row actions">'
        f'<button type="button" data-action="restore-conflict" data-id="{cid}" '
        f'aria-label="Restore your {esc(name)}">Restore</button>'
        f'<button type="button" class="secondary" data-action="dismiss-conflict" data-id="{cid}" '
        f'aria-label="Dismiss {esc(name)}">Dismiss</button></div></li>'
    )


def settings_tab_label(open_conflicts: int) -> str:
    if not open_conflicts:
        return "Settings"
    plural = "s" if open_conflicts != 1 else ""
    return f"Settings, {open_conflicts} conflict{plural} to look at"


def settings_tab_html(open_conflicts: int) -> str:
    if not open_conflicts:
        return "Settings"
    return f'Settings<span class="badge" aria-hidden="true">{open_conflicts}</span>'


# --- actions ----------------------------------------------------------------------------------


def restore_reads(data: Data, screen: Screen, event: Event) -> list[tuple[str, str]]:
    """The record a conflict's values go back onto, as this device has it."""
    conflict = find(data.conflicts, event.id, "conflict")
    return [(str(conflict.get("recordTable", "")), str(conflict.get("recordId", "")))]


def restore(data: Data, screen: Screen, event: Event, stamp: Stamp) -> Outcome:
    """The losing values go back onto the record (``event.records``: it as stored, or None)."""
    conflict = find(data.conflicts, event.id, "conflict")
    current = event.records[0][1] if event.records else None
    made = changes.restore(conflict, current, **change_stamp(stamp))
    return Outcome(made, "Restored your values; they will sync.")


def dismiss(data: Data, screen: Screen, event: Event, stamp: Stamp) -> Outcome:
    conflict = find(data.conflicts, event.id, "conflict")
    return Outcome([changes.dismiss(conflict, **change_stamp(stamp))], "Dismissed.")
