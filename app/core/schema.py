"""The data model: which tables exist, which fields each record holds, and how to check them.

Every synced record is a plain ``dict`` (it is stored as-is in IndexedDB, sent as-is over the
wire and written as-is into export files) with the same envelope:

    id         UUID string, made on the device that creates the record
    createdAt  milliseconds since the epoch, device clock (display only, never used for ordering)
    updatedAt  milliseconds since the epoch, device clock (display only, never used for ordering)
    deviceId   the device that last wrote the record
    deleted    tombstone marker: a deleted record is kept with ``deleted: True`` so deletes sync
    version    the server version this copy is based on (0: never seen by the server)

plus the fields of its table, listed in ``TABLES``.  The server orders changes by ``version``
alone; device clocks never decide anything.
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass, field
from typing import Any

# Bumped whenever a table or field changes shape; the sync handshake and export files carry it.
# 2: set check-off, set type, RPE and notes; workout name, start/finish and notes; exercise
#    equipment, rest and archiving; program targets' weight; the settings and body-weight tables.
#    Every field added in 2 is optional, so every version-1 record and queued change is a valid
#    version-2 one; a field a version-1 record lacks reads as its default (see ``app.core.sets``).
# 3: supersets, the exercises of a workout done in alternation (``supersets`` on a workout).
#    Optional like every field of 2, so every version-2 record and queued change is a valid
#    version-3 one; a version-2 app is refused (426) because it could not read what a version-3
#    device writes.
SCHEMA_VERSION = 3

ENVELOPE_FIELDS = ("id", "createdAt", "updatedAt", "deviceId", "deleted", "version")

# Every whole number that travels (timestamps, versions, clientTime) stays below 2**53: the
# largest a JavaScript number, IndexedDB and JSON parsers everywhere hold exactly.
MAX_SAFE_INT = 2**53 - 1
DEVICE_ID_MAX = 80

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
# Text every part can carry: no lone UTF-16 surrogate (it cannot be written as UTF-8, so an
# answer holding it could never be sent), no NUL (PostgreSQL text refuses it) and no other
# control character but tab and line breaks.
_BAD_CHARACTER = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# Conflict records keep values as JSON objects: how deep and how big they may be.
_JSON_DEPTH = 4
_JSON_ITEMS = 200


class ValidationError(ValueError):
    """A record, field or file does not fit the schema; the message is meant for a person."""


@dataclass(frozen=True)
class Field:
    """One user-editable field of a table."""

    name: str
    # "text", "int", "number", "bool", "date", "uuid", "items", "numbers", "json", "groups"
    kind: str
    required: bool = False
    max_length: int = 200
    minimum: float | None = None
    maximum: float | None = None
    label: str = ""
    choices: tuple[str, ...] = ()  # text: the only values allowed
    step: float | None = None  # number: a multiple of this (RPE in halves)


@dataclass(frozen=True)
class Table:
    name: str
    label: str  # plural, for messages such as "12 exercises"
    fields: tuple[Field, ...]
    synced: bool = True
    field_map: dict[str, Field] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "field_map", {f.name: f for f in self.fields})


EXERCISES = Table(
    "exercises",
    "exercises",
    (
        Field("name", "text", required=True, max_length=80, label="Exercise name"),
        Field("muscleGroup", "text", max_length=80, label="Muscle group"),
        Field("equipment", "text", max_length=40, label="Equipment"),
        Field("restSeconds", "int", minimum=0, maximum=3600, label="Rest time"),
        # Archived: hidden from pickers; its history keeps its name and charts.
        Field("archived", "bool", label="Archived"),
    ),
)

# A program item is {"exerciseId": uuid, "sets": int, "reps": int} plus, since schema 2, an
# optional target "weight" (kg).
PROGRAMS = Table(
    "programs",
    "programs",
    (
        Field("name", "text", required=True, max_length=80, label="Program name"),
        Field("items", "items", max_length=50, label="Exercises"),
    ),
)

WORKOUT_LOGS = Table(
    "workoutLogs",
    "workouts",
    (
        Field("date", "date", required=True, label="Date"),
        Field("programId", "uuid", label="Program"),
        Field("notes", "text", max_length=1000, label="Notes"),
        Field("name", "text", max_length=80, label="Workout name"),
        # Milliseconds since the epoch, device clock: a workout in progress has no finishedAt.
        Field("startedAt", "int", minimum=0, maximum=2**53, label="Started"),
        Field("finishedAt", "int", minimum=0, maximum=2**53, label="Finished"),
        # Notes per exercise in this workout: {exerciseId: text}.
        Field("exerciseNotes", "json", label="Exercise notes"),
        # Since schema 3, supersets: {exerciseId: group number}; exercises sharing a number are
        # done in alternation (app.core.supersets).
        Field("supersets", "groups", max_length=50, minimum=1, maximum=50, label="Supersets"),
    ),
)

SET_TYPES = ("normal", "warmup", "drop", "failure")
UNITS = ("kg", "lb")

WORKOUT_SETS = Table(
    "workoutSets",
    "sets",
    (
        Field("workoutId", "uuid", required=True, label="Workout"),
        Field("exerciseId", "uuid", required=True, label="Exercise"),
        Field("position", "int", minimum=0, maximum=10_000, label="Position"),
        Field("reps", "int", required=True, minimum=0, maximum=1000, label="Reps"),
        # Always kilograms (app.core.units converts what a person types in lb).
        Field("weight", "number", required=True, minimum=0, maximum=2000, label="Weight"),
        # Checked off; a set without the field was logged before check-offs existed (done).
        Field("done", "bool", label="Done"),
        Field("setType", "text", max_length=10, choices=SET_TYPES, label="Set type"),
        Field("rpe", "number", minimum=6, maximum=10, step=0.5, label="RPE"),
        Field("notes", "text", max_length=500, label="Notes"),
    ),
)

# One record per person (id ``SETTINGS_ID``): preferences that follow them to every device.
SETTINGS = Table(
    "settings",
    "settings",
    (
        Field("unit", "text", max_length=10, choices=UNITS, label="Unit"),
        Field("barWeight", "number", minimum=0, maximum=100, label="Bar weight"),
        Field("plates", "numbers", max_length=20, minimum=0.1, maximum=100, label="Plates"),
        Field("restSeconds", "int", minimum=0, maximum=3600, label="Rest time"),
    ),
)
SETTINGS_ID = "5e77a1a9-0000-4000-8000-000000000001"

BODY_WEIGHTS = Table(
    "bodyWeights",
    "body-weight entries",
    (
        Field("date", "date", required=True, label="Date"),
        Field("weight", "number", required=True, minimum=1, maximum=700, label="Body weight"),
        Field("notes", "text", max_length=500, label="Notes"),
    ),
)

# Written by the server when a pushed change loses; a device dismisses one by deleting it.
# The target's table is ``recordTable``, not ``table``: on the wire every record carries its own
# table under ``"table"`` (here always "conflicts"), which would hide a field of that name.
CONFLICTS = Table(
    "conflicts",
    "conflicts",
    (
        Field("recordTable", "text", required=True, max_length=40, label="Table"),
        Field("recordId", "uuid", required=True, label="Record"),
        Field("reason", "text", required=True, max_length=40, label="Reason"),
        Field("fields", "json", label="Your values"),
        Field("serverFields", "json", label="Values that won"),
        Field("lostBy", "text", max_length=80, label="Device"),
        Field("wonBy", "text", max_length=80, label="Winning device"),
    ),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (
        EXERCISES,
        PROGRAMS,
        WORKOUT_LOGS,
        WORKOUT_SETS,
        SETTINGS,
        BODY_WEIGHTS,
        CONFLICTS,
    )
}

# Tables a person edits directly (conflicts are made by the server).
USER_TABLES = ("exercises", "programs", "workoutLogs", "workoutSets", "settings", "bodyWeights")


def get_table(name: object) -> Table:
    if not isinstance(name, str) or name not in TABLES:
        raise ValidationError(f"Unknown table {name!r}.")
    return TABLES[name]


def is_uuid(value: object) -> bool:
    """A UUID in its usual written form (8-4-4-4-12 hex digits)."""
    return isinstance(value, str) and _UUID.fullmatch(value) is not None


def is_clean_text(value: str) -> bool:
    """True when ``value`` holds no lone surrogate and no control character but tab and line
    breaks (see ``_BAD_CHARACTER``)."""
    return _BAD_CHARACTER.search(value) is None


def check_text(value: str, label: str) -> None:
    if not is_clean_text(value):
        raise ValidationError(
            f"{label} holds a character that cannot be stored (a broken emoji or a control "
            "character); retype it."
        )


def scrubbed(value: Any) -> Any:
    """``value`` with every character ``check_text`` refuses replaced by U+FFFD (inside lists and
    objects too): a copy that fits the schema of something it refused, to keep and show."""
    if isinstance(value, str):
        return _BAD_CHARACTER.sub("\ufffd", value)
    if isinstance(value, list):
        return [scrubbed(item) for item in value]
    if isinstance(value, dict):
        return {scrubbed(k): scrubbed(v) for k, v in value.items()}
    return value


def is_count(value: object) -> bool:
    """A whole number a timestamp or version may be: 0 <= value < 2**53."""
    return _is_int(value) and 0 <= value <= MAX_SAFE_INT  # type: ignore[operator]


def check_device_id(value: object) -> None:
    if not isinstance(value, str) or not 1 <= len(value) <= DEVICE_ID_MAX:
        raise ValidationError(f"deviceId must be 1 to {DEVICE_ID_MAX} characters.")
    if not is_clean_text(value) or "\n" in value or "\t" in value or "\r" in value:
        raise ValidationError("deviceId holds a character that cannot be stored.")


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return math.isfinite(value)


def _check_range(spec: Field, value: float) -> None:
    if spec.minimum is not None and value < spec.minimum:
        raise ValidationError(f"{spec.label or spec.name} must be at least {spec.minimum:g}.")
    if spec.maximum is not None and value > spec.maximum:
        raise ValidationError(f"{spec.label or spec.name} must be at most {spec.maximum:g}.")


def check_field(spec: Field, value: Any) -> None:
    """Raise ``ValidationError`` unless ``value`` fits ``spec``; ``None`` clears an optional field."""
    label = spec.label or spec.name
    if value is None:
        if spec.required:
            raise ValidationError(f"{label} is required.")
        return
    if spec.kind == "text":
        if not isinstance(value, str):
            raise ValidationError(f"{label} must be text.")
        check_text(value, label)
        if spec.required and not value.strip():
            raise ValidationError(f"{label} is required.")
        if len(value) > spec.max_length:
            raise ValidationError(f"{label} must be at most {spec.max_length} characters.")
        if spec.choices and value not in spec.choices:
            raise ValidationError(f"{label} must be one of {', '.join(spec.choices)}.")
    elif spec.kind == "bool":
        if not isinstance(value, bool):
            raise ValidationError(f"{label} must be true or false.")
    elif spec.kind == "numbers":
        if not isinstance(value, list) or len(value) > spec.max_length:
            raise ValidationError(f"{label} must be a list of at most {spec.max_length} numbers.")
        for number in value:
            if not _is_number(number):
                raise ValidationError(f"{label} must be a list of numbers.")
            _check_range(spec, number)
    elif spec.kind == "int":
        if not _is_int(value):
            raise ValidationError(f"{label} must be a whole number.")
        _check_range(spec, value)
    elif spec.kind == "number":
        if not _is_number(value):
            raise ValidationError(f"{label} must be a number.")
        _check_range(spec, value)
        if spec.step is not None and (value / spec.step) != int(value / spec.step):
            raise ValidationError(f"{label} must be in steps of {spec.step:g}.")
    elif spec.kind == "date":
        if not isinstance(value, str) or not _is_date(value):
            raise ValidationError(f"{label} must be a date like 2026-01-31.")
    elif spec.kind == "uuid":
        if not is_uuid(value):
            raise ValidationError(f"{label} must be an id.")
    elif spec.kind == "items":
        _check_items(spec, value)
    elif spec.kind == "groups":
        if not isinstance(value, dict) or len(value) > spec.max_length:
            raise ValidationError(
                f"{label} must map at most {spec.max_length} exercises to groups."
            )
        for key, group in value.items():
            if not is_uuid(key) or not _is_int(group):
                raise ValidationError(f"{label} must map exercise ids to group numbers.")
            _check_range(spec, group)
    elif spec.kind == "json":
        if not isinstance(value, dict):
            raise ValidationError(f"{label} must be an object.")
        _check_json(value, label, _JSON_DEPTH)
    else:  # pragma: no cover - a schema bug, not bad input
        raise AssertionError(f"unknown field kind {spec.kind}")


def _is_date(value: str) -> bool:
    if _DATE.fullmatch(value) is None:
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _check_json(value: Any, label: str, depth: int) -> None:
    """A value kept inside a conflict record: plain JSON of clean text and finite numbers."""
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, str):
        if len(value) > 10_000:
            raise ValidationError(f"{label} holds text that is too long.")
        check_text(value, label)
    elif isinstance(value, int):
        if abs(value) > MAX_SAFE_INT:
            raise ValidationError(f"{label} holds a number that is too large.")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise ValidationError(f"{label} holds a number that is not finite.")
    elif isinstance(value, (list, dict)):
        if depth == 0 or len(value) > _JSON_ITEMS:
            raise ValidationError(f"{label} is nested too deeply or holds too much.")
        for key in value if isinstance(value, dict) else ():
            if not isinstance(key, str):
                raise ValidationError(f"{label} must have text keys.")
            check_text(key, label)
        for item in value.values() if isinstance(value, dict) else value:
            _check_json(item, label, depth - 1)
    else:
        raise ValidationError(f"{label} holds a value that is not JSON.")


_ITEM_FIELDS = (
    Field("exerciseId", "uuid", required=True, label="Exercise"),
    Field("sets", "int", required=True, minimum=1, maximum=50, label="Target sets"),
    Field("reps", "int", required=True, minimum=1, maximum=1000, label="Target reps"),
    Field("weight", "number", minimum=0, maximum=2000, label="Target weight"),
)
_ITEM_REQUIRED = {f.name for f in _ITEM_FIELDS if f.required}
_ITEM_ALLOWED = {f.name for f in _ITEM_FIELDS}


def _check_items(spec: Field, value: Any) -> None:
    if not isinstance(value, list):
        raise ValidationError(f"{spec.label} must be a list.")
    if len(value) > spec.max_length:
        raise ValidationError(f"{spec.label} can hold at most {spec.max_length} entries.")
    for item in value:
        if not isinstance(item, dict) or not _ITEM_REQUIRED <= set(item) <= _ITEM_ALLOWED:
            raise ValidationError(
                "Each program entry needs exerciseId, sets and reps (and may have a weight)."
            )
        for item_field in _ITEM_FIELDS:
            check_field(item_field, item.get(item_field.name))


def check_fields(table: Table, fields: dict[str, Any], *, partial: bool) -> None:
    """Check user fields; with ``partial`` only the fields given (an edit), else all required."""
    if not isinstance(fields, dict):
        raise ValidationError("Fields must be an object.")
    for name in fields:
        if name not in table.field_map:
            raise ValidationError(f"Unknown field {name!r} in {table.name}.")  # repr: safe
    for spec in table.fields:
        if spec.name in fields:
            check_field(spec, fields[spec.name])
        elif spec.required and not partial:
            raise ValidationError(f"{spec.label or spec.name} is required.")


def check_record(table: Table, record: Any) -> None:
    """Check a whole stored record: envelope plus fields.  Tombstones may omit user fields."""
    if not isinstance(record, dict):
        raise ValidationError(f"A record in {table.name} must be an object.")
    if not is_uuid(record.get("id")):
        raise ValidationError(f"A record in {table.name} has a missing or malformed id.")
    for name in ("createdAt", "updatedAt", "version"):
        if not is_count(record.get(name)):
            raise ValidationError(f"Record {record['id']} in {table.name}: bad {name}.")
    try:
        check_device_id(record.get("deviceId"))
    except ValidationError as err:
        raise ValidationError(f"Record {record['id']} in {table.name}: {err}") from None
    if not isinstance(record.get("deleted"), bool):
        raise ValidationError(
            f"Record {record['id']} in {table.name}: deleted must be true or false."
        )
    fields = {k: v for k, v in record.items() if k not in ENVELOPE_FIELDS}
    try:
        check_fields(table, fields, partial=record["deleted"])
    except ValidationError as err:
        raise ValidationError(f"Record {record['id']} in {table.name}: {err}") from None


def user_fields(table: Table, record: dict[str, Any]) -> dict[str, Any]:
    """The table's own fields of a record (missing optional ones as ``None``)."""
    return {f.name: record.get(f.name) for f in table.fields}
