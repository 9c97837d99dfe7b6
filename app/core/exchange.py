"""The export/import file: a person's whole data set as one JSON file.

An export is plain JSON::

    {"format": "setflow-export", "formatVersion": 1, "schemaVersion": 3,
     "exportedAt": "2026-01-31T09:30:00Z", "deviceId": "...",
     "tables": {"exercises": [record...], "programs": [...], ...}}

Files of an older schema version are brought up to date step by step (``SCHEMA_MIGRATIONS``);
tables a file lacks (made before they existed) import as empty.

Every table of ``schema.TABLES`` is present and records are stored exactly as in the local
store, tombstones included: a restored device must learn about deletes too, or sync would bring
deleted records back.

``parse_import`` checks the *whole* file before the caller writes anything, and refuses a bad
file with ``ImportRefused`` whose message is a sentence for a person:

    ValueError
     └── ImportRefused   too large, not JSON, not a Setflow export, a format or schema version
                         this app cannot read, a bad "tables" section, an unknown table, an
                         invalid or duplicate record, a set pointing at a missing workout or
                         exercise.

Referential check (a choice): a live set must point at a workout and an exercise whose id is in
the file (live or tombstone: a delete on another device may race with a new set, and such a
set is harmless) or in ``known_ids`` (ids the device already holds).  Deleted sets are not
checked.  Program items are not checked: a program may name an exercise deleted since.  Known
gap: an export taken while a first sync was half done can hold a set whose workout has not
arrived yet; that file is refused unless ``known_ids`` covers the missing id.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from app.core import schema

FORMAT_NAME = "setflow-export"
FORMAT_VERSION = 1
MAX_BYTES = 50 * 1024 * 1024

Export = dict[str, Any]


class ImportRefused(ValueError):
    """The file cannot be imported; the message says why, for a person.  Nothing was written."""


# One step per old format version: MIGRATIONS[n] turns a version-n export into version n + 1.
# Version 1 is the first format, so there is nothing to migrate yet.
MIGRATIONS: dict[int, Callable[[Export], Export]] = {}


def _schema_1_to_2(data: Export) -> Export:
    # Schema 2 only added optional fields and two tables (settings, body weights): every
    # schema-1 record is a valid schema-2 record as it is, and the new tables start empty.
    return {**data, "schemaVersion": 2}


def _schema_2_to_3(data: Export) -> Export:
    # Schema 3 only added supersets, an optional field of workouts: every schema-2 record is a
    # valid schema-3 record as it is (a workout without the field has no superset).
    return {**data, "schemaVersion": 3}


# One step per old schema version: SCHEMA_MIGRATIONS[n] turns schema-n records into n + 1.
SCHEMA_MIGRATIONS: dict[int, Callable[[Export], Export]] = {1: _schema_1_to_2, 2: _schema_2_to_3}


@dataclass
class ImportPlan:
    """A checked file, ready to write.

    ``tables`` holds every record of every table (tombstones included, all tables present);
    ``counts`` holds the number of *live* (not deleted) records per table, what a person thinks
    of as "their" data.
    """

    tables: dict[str, list[dict[str, Any]]]
    counts: dict[str, int]
    exported_at: str | None = None
    device_id: str | None = None
    format_version: int = FORMAT_VERSION

    def summary(self) -> str:
        parts = [
            count_phrase(n, schema.TABLES[name].label) for name, n in self.counts.items() if n > 0
        ]
        if not parts:
            return "The file holds no records."
        return f"Imported {', '.join(parts)}."


def count_phrase(n: int, label: str) -> str:
    """A count as a person says it, "3 sets" or "1 set" (``label``: a table's plural)."""
    if n == 1 and label.endswith("s"):
        label = label[:-1]
    return f"{n:,} {label}"


# --- export -----------------------------------------------------------------------------------


def build_export(
    tables: dict[str, list[dict[str, Any]]], *, device_id: str, exported_at: datetime
) -> Export:
    """The export of ``tables`` (records as stored, tombstones included), every table present."""
    for name in tables:
        schema.get_table(name)  # a typo in a table name is a bug, not a silently empty table
    if exported_at.tzinfo is None:
        raise ValueError("exported_at must be timezone-aware.")
    stamp = exported_at.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    return {
        "format": FORMAT_NAME,
        "formatVersion": FORMAT_VERSION,
        "schemaVersion": schema.SCHEMA_VERSION,
        "exportedAt": stamp,
        "deviceId": device_id,
        "tables": {name: list(tables.get(name, ())) for name in schema.TABLES},
    }


def export_filename(day: date) -> str:
    return f"setflow-export-{day.isoformat()}.json"


def dumps(export: Export) -> str:
    """Compact JSON; non-ASCII text kept as is (the file is UTF-8)."""
    return json.dumps(export, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


# --- import -----------------------------------------------------------------------------------


def parse_import(
    text: str | bytes, *, max_bytes: int = MAX_BYTES, known_ids: Collection[str] = ()
) -> ImportPlan:
    """Check a whole export file and return what to write, or raise ``ImportRefused``."""
    # 1. Size first, before any work proportional to the content.
    size = (
        len(text)
        if isinstance(text, bytes) or len(text) > max_bytes
        else len(text.encode("utf-8", "surrogatepass"))
    )
    if size > max_bytes:
        raise ImportRefused(
            f"The file is {_megabytes(size)}; Setflow can import files up to {_megabytes(max_bytes)}."
        )
    # 2. Text, then JSON.
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportRefused("The file is not a text file (it is not UTF-8 encoded).") from None
    elif text.startswith("\ufeff"):
        text = text[1:]
    data = _load_json(text)
    # 3. Is it ours, and which version?
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        raise ImportRefused(
            "This file is not a Setflow export; choose a file made with Export in Setflow."
        )
    data = _migrate(data)
    schema_version = data.get("schemaVersion")
    if (
        not isinstance(schema_version, int)
        or isinstance(schema_version, bool)
        or schema_version < 1
    ):
        raise ImportRefused("The file has no valid schema version, so it cannot be read.")
    if schema_version > schema.SCHEMA_VERSION:
        raise ImportRefused(
            "This file was made by a newer version of Setflow; update the app to import it."
        )
    while schema_version < schema.SCHEMA_VERSION:
        step = SCHEMA_MIGRATIONS.get(schema_version)
        if step is None:
            raise ImportRefused(
                f"This file uses an older data layout (schema {schema_version}) that this "
                "version of Setflow cannot read."
            )
        data = step(data)
        schema_version = data["schemaVersion"]
    # 4. The tables and their records.
    tables = _check_tables(data.get("tables", _MISSING))
    _check_references(tables, set(known_ids))
    counts = {
        name: sum(1 for record in records if not record["deleted"])
        for name, records in tables.items()
    }
    exported_at = data.get("exportedAt")
    device_id = data.get("deviceId")
    return ImportPlan(
        tables=tables,
        counts=counts,
        exported_at=exported_at if isinstance(exported_at, str) else None,
        device_id=device_id if isinstance(device_id, str) else None,
        format_version=data["formatVersion"],
    )


_MISSING = object()


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f} MB".replace(".0 MB", " MB")


# A file that is not JSON at all, said to a lifter (a parser's own words mean nothing to one).
_UNREADABLE = "This file is damaged or is not a Setflow export"


def _reject_constant(name: str) -> Any:
    raise ImportRefused(f"{_UNREADABLE}: it holds {name} where a number belongs.")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ImportRefused(f"The file holds a number too large to use ({text[:20]}).")
    return value


def _load_json(text: str) -> Any:
    try:
        return json.loads(text, parse_constant=_reject_constant, parse_float=_finite_float)
    except ImportRefused:
        raise
    except json.JSONDecodeError as err:
        where = f"line {err.lineno}, column {err.colno}"
        raise ImportRefused(f"{_UNREADABLE}: it cannot be read from {where}.") from None
    except ValueError:  # an integer beyond Python's digit limit for int()
        raise ImportRefused("The file holds a number too long to use.") from None
    except RecursionError:
        raise ImportRefused("The file is not a Setflow export: it is nested too deeply.") from None


def _migrate(data: dict[str, Any]) -> dict[str, Any]:
    """Bring an older export up to ``FORMAT_VERSION``, one step per version."""
    version = data.get("formatVersion")
    if not isinstance(version, int) or isinstance(version, bool):
        raise ImportRefused("The file has no valid export format version, so it cannot be read.")
    if version > FORMAT_VERSION:
        raise ImportRefused(
            f"This file was made by a newer version of Setflow (export format {version}); "
            "update the app to import it."
        )
    while version < FORMAT_VERSION:
        step = MIGRATIONS.get(version)
        if step is None:
            raise ImportRefused(
                f"This file uses export format {version}, which this version of Setflow "
                "cannot read."
            )
        data = step(data)
        version += 1
        data["formatVersion"] = version
    return data


def _check_tables(raw: Any) -> dict[str, list[dict[str, Any]]]:
    if raw is _MISSING:
        raise ImportRefused('The file has no "tables" section, so it holds no data to import.')
    if not isinstance(raw, dict):
        raise ImportRefused('The "tables" section of the file must be an object.')
    tables: dict[str, list[dict[str, Any]]] = {name: [] for name in schema.TABLES}
    for name, records in raw.items():
        table = schema.TABLES.get(name)
        if table is None:
            raise ImportRefused(f'The file holds an unknown table "{name}".')
        if not isinstance(records, list):
            raise ImportRefused(f'Table "{name}" in the file must be a list of records.')
        seen: set[str] = set()
        for index, record in enumerate(records):
            try:
                schema.check_record(table, record)
            except schema.ValidationError as err:
                raise ImportRefused(
                    f"The file holds an invalid record (number {index + 1} in {name}). {err}"
                ) from None
            record_id = record["id"]
            if record_id in seen:
                raise ImportRefused(f"Table {name} holds record {record_id} twice.")
            seen.add(record_id)
        tables[name] = records
    return tables


def _check_references(tables: dict[str, list[dict[str, Any]]], known_ids: set[str]) -> None:
    workout_ids = {r["id"] for r in tables["workoutLogs"]} | known_ids
    exercise_ids = {r["id"] for r in tables["exercises"]} | known_ids
    for record in tables["workoutSets"]:
        if record["deleted"]:
            continue
        if record["workoutId"] not in workout_ids:
            raise ImportRefused(
                f"Set {record['id']} belongs to workout {record['workoutId']}, "
                "which is not in the file."
            )
        if record["exerciseId"] not in exercise_ids:
            raise ImportRefused(
                f"Set {record['id']} is for exercise {record['exerciseId']}, "
                "which is not in the file."
            )
