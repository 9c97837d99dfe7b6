"""From another app's file to Setflow records: the preview a person confirms, and its undo.

``plan`` is pure: it takes what a reader made of the file (``formats.base.Parsed``), the
device's live data, the person's answers (the weight unit when the file does not say it, and
which existing exercise a name in the file means) and returns a ``Plan``: the preview to show
and the records to write.  Nothing is written until the person confirms; then the records go
through ``Store.import_records`` like any import (one transaction with their outbox entries;
every record is new, version 0, so it uploads as new).

Rules:

1. Weights are stored in kilograms as ``units.to_kg`` stores a typed weight, so 225 lb reads
   back as 225 lb.
2. A workout already on the device is recognised by its content: the same date and the same
   sets (exercise, reps, weight, set type), so importing a file twice adds nothing the second
   time, and a CSV export of Setflow's own data re-imports as "already here".
3. A set needs reps: rows with only a distance or a time (cardio, planks) are skipped and the
   preview says how many.  A body-weight set with no weight is stored with weight 0.
4. ``undo`` takes back the records of one import (their ids are kept on the device), as
   deletes that sync; it refuses once any of them was edited since.
5. Text longer than the schema keeps (the field's ``max_length``; an exercise's note in a
   workout, with no field of its own, as much as a workout's note) is shortened to end in "…",
   and the preview says how many of each kind, before anything is written.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from app.core import changes, schema
from app.core.changes import Change
from app.core.exchange import ImportRefused
from app.core.formats.base import KG, LB, NORMAL, Parsed, ParsedSet
from app.core.units import to_kg

Record = dict[str, Any]

CARDIO = "cardio or timed rows with a distance or time but no reps"
EMPTY = "rows with no reps, weight, distance or time"


def rows_phrase(n: int, reason: str) -> str:
    """``"2 rows with no reps..."``, or ``"1 row with no reps..."`` (each reason says "rows")."""
    return f"{n:,} {reason.replace('rows', 'row', 1) if n == 1 else reason}"


MAX_WEIGHT_KG = 2000

# What ``_clip`` may shorten (rule 5), as a person names one, in the order a preview lists them.
CLIPPED: dict[tuple[str, str], str] = {
    ("workoutSets", "notes"): "set note",
    ("workoutLogs", "notes"): "workout note",
    ("workoutLogs", "name"): "workout name",
    ("exercises", "name"): "exercise name",
    ("exercises", "muscleGroup"): "muscle group",
    ("workoutLogs", "exerciseNotes"): "exercise note",
}


def max_length(table: str, name: str) -> int:
    """How many characters the schema keeps of a text ``_clip`` may shorten.  An exercise's
    note in a workout (one text per exercise in ``exerciseNotes``) has no field of its own:
    it is kept as long as the workout's own note."""
    if (table, name) == ("workoutLogs", "exerciseNotes"):
        name = "notes"
    return schema.TABLES[table].field_map[name].max_length


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def shortening_phrase(shortened: dict[tuple[str, str], int]) -> str:
    """``"2 set notes and 1 workout note are longer than Setflow keeps (500 and 1,000
    characters): they will be shortened, ending in “…”."``, or ``""`` when nothing is."""
    kinds = [(kind, shortened[kind]) for kind in CLIPPED if shortened.get(kind)]
    if not kinds:
        return ""
    counted = [f"{n:,} {CLIPPED[kind]}{'' if n == 1 else 's'}" for kind, n in kinds]
    limits = [max_length(table, name) for (table, name), _ in kinds]
    if len(set(limits)) == 1:  # "(80 characters)", not "(80 and 80 characters)"
        limits = limits[:1]
    one = sum(n for _, n in kinds) == 1
    return (
        f"{_listed(counted)} {'is' if one else 'are'} longer than Setflow keeps "
        f"({_listed([f'{n:,}' for n in limits])} characters): "
        f"{'it' if one else 'they'} will be shortened, ending in “…”."
    )


# Characters no part of Setflow stores (control characters but tab and line breaks; lone
# surrogates): a file from another app may hold them; they are dropped, not refused.
_UNSTORABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


NAME_LIMIT = max_length("exercises", "name")


def name_key(name: str) -> str:
    """How exercise names are compared: case and spacing do not matter, and a name longer than
    Setflow keeps is compared as it is kept (shortened, "…"), so a second import of the same
    file finds the exercise the first one made."""
    return " ".join(_cut(_UNSTORABLE.sub("", name).strip(), NAME_LIMIT).split()).casefold()


@dataclass(frozen=True)
class ExerciseMatch:
    name: str  # as the file spells it
    sets: int  # sets of it the import would write
    exercise_id: str | None  # the existing exercise it goes to; None: a new exercise
    builtin: Builtin | None = None  # or the built-in exercise it becomes


@dataclass(frozen=True)
class Builtin:
    """A built-in library exercise: it becomes a record (under ``id``) when first used."""

    id: str
    name: str
    fields: dict[str, Any]


_EQUIPMENT_SUFFIX = re.compile(r"^(.*\S)\s*\(([^()]*)\)$")


def builtin_for(key: str, library: dict[str, Builtin]) -> Builtin | None:
    """The built-in exercise a file's name means: the same name, or Strong's and Hevy's
    "Bench Press (Dumbbell)" as "Dumbbell bench press" or as "Bench press" with that equipment."""
    if key in library:
        return library[key]
    found = _EQUIPMENT_SUFFIX.match(key)
    if found is None:
        return None
    base, equipment = found.group(1), found.group(2).strip()
    prefixed = library.get(f"{equipment} {base}")
    if prefixed is not None:
        return prefixed
    same = library.get(base)
    if same is not None and name_key(str(same.fields.get("equipment") or "")) == equipment:
        return same
    return None


@dataclass
class Preview:
    format: str
    first_day: str
    last_day: str
    workouts: int  # in the file
    new_workouts: int
    already_here: int
    sets: int  # that would be written
    exercises: list[ExerciseMatch]
    skipped: list[str]  # "12 cardio rows ...", for a person
    needs_unit: bool  # the file does not say kg or lb
    unit: str | None  # the person's answer
    # (table, field) -> how many texts the import shortens (rule 5); counted once the unit is known
    shortened: dict[tuple[str, str], int] = field(default_factory=dict)

    @property
    def ready(self) -> bool:
        return self.unit is not None or not self.needs_unit

    def shortening(self) -> str:
        """What the import shortens, for a person; ``""`` when nothing."""
        return shortening_phrase(self.shortened)

    def summary(self) -> str:
        """What confirming did, honestly: new workouts and those already here."""
        return (
            f"Imported from {self.format}: {self.new_workouts:,} new "
            f"{'workout' if self.new_workouts == 1 else 'workouts'} with {self.sets:,} sets, "
            f"{self.already_here:,} already here."
        )


@dataclass
class Plan:
    preview: Preview
    tables: dict[str, list[Record]] = field(default_factory=dict)  # for Store.import_records

    @property
    def record_count(self) -> int:
        return sum(len(rows) for rows in self.tables.values())

    def ids(self) -> dict[str, list[str]]:
        """The ids this plan writes, by table: what ``undo`` takes back."""
        return {name: [r["id"] for r in rows] for name, rows in self.tables.items()}


def _fit(table: schema.Table, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields this device's schema has room for (older and newer schemas alike)."""
    return {k: v for k, v in fields.items() if k in table.field_map and v not in (None, "")}


def _clip(text: str, table: schema.Table, name: str, shortened: Counter[tuple[str, str]]) -> str:
    """The text as the schema keeps it (rule 5), counting in ``shortened`` when it is cut."""
    text = _UNSTORABLE.sub("", text).strip()
    if name not in table.field_map:  # an older schema: ``_fit`` leaves the field out
        return text
    limit = max_length(table.name, name)
    if len(text) <= limit:
        return text
    shortened[table.name, name] += 1
    return _cut(text, limit)


def _cut(text: str, limit: int) -> str:
    """``text`` as kept within ``limit`` characters: a longer one ends in "…"."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _rpe(value: float | None) -> float | None:
    """RPE in halves from 6 to 10, as Setflow keeps it; anything else is left out."""
    if value is None:
        return None
    halves = round(value * 2) / 2
    return halves if 6 <= halves <= 10 else None


def _set_key(exercise: str, reps: int, weight: float, kind: str) -> tuple[str, int, float, str]:
    return (exercise, reps, round(weight, 3), kind or NORMAL)


def fingerprints(
    workouts: Iterable[Record], sets: Iterable[Record], exercises: Iterable[Record]
) -> Counter[tuple[Any, ...]]:
    """The device's workouts by content (rule 2), counted: a day may hold two identical ones."""
    names = {e["id"]: name_key(e.get("name") or "") for e in exercises}
    by_workout: dict[str, list[tuple[str, int, float, str]]] = {}
    for s in sets:
        if s.get("deleted"):
            continue
        key = _set_key(
            names.get(s["exerciseId"]) or str(s["exerciseId"]),
            int(s.get("reps") or 0),
            float(s.get("weight") or 0),
            str(s.get("setType") or NORMAL),
        )
        by_workout.setdefault(s["workoutId"], []).append(key)
    return Counter(
        (w["date"], tuple(sorted(by_workout.get(w["id"], ()))))
        for w in workouts
        if not w.get("deleted")
    )


def plan(
    parsed: Parsed,
    *,
    exercises: list[Record],
    workouts: list[Record],
    sets: list[Record],
    unit: str | None = None,
    mapping: dict[str, str] | None = None,
    device_id: str,
    now: int,
    new_id: Callable[[], str],
    utc_offset_minutes: int = 0,
    library: Iterable[Builtin] = (),
) -> Plan:
    """The preview and the records of importing ``parsed`` into this device's data.

    ``mapping`` sends a name in the file (by ``name_key``) to an existing exercise's id or a
    built-in one's, or with ``""`` to a new exercise; an unmapped name goes to the live exercise
    of the same name, else to the built-in exercise it names (``builtin_for``), else to a new
    exercise.
    ``utc_offset_minutes`` is the person's offset from UTC, for the workouts' start times.
    """
    if unit not in (None, KG, LB):
        raise ImportRefused("Choose kg or lb for the weights in this file.")
    live = {e["id"]: e for e in exercises if not e.get("deleted")}
    # Two exercises of one name: the oldest one takes the file's sets.
    by_name: dict[str, str] = {
        name_key(e["name"]): e["id"] for e in sorted(live.values(), key=_oldest, reverse=True)
    }
    builtins = {name_key(b.name): b for b in library}
    builtin_ids = {b.id: b for b in builtins.values()}
    chosen: dict[str, Builtin] = {}  # file name -> the built-in exercise it becomes
    forced_new: set[str] = set()
    for key, target in (mapping or {}).items():
        if target in live:
            by_name[key] = target
        elif target in builtin_ids:
            chosen[key] = builtin_ids[target]
            by_name.pop(key, None)
        elif target == "":
            forced_new.add(key)
            by_name.pop(key, None)
    known = fingerprints(workouts, sets, live.values())
    skipped: Counter[str] = Counter(parsed.skipped)
    shortened: Counter[tuple[str, str]] = Counter()
    needs_unit = parsed.needs_unit
    ready = unit is not None or not needs_unit
    stamp: dict[str, Any] = {
        "createdAt": now,
        "updatedAt": now,
        "deviceId": device_id,
        "deleted": False,
        "version": 0,
    }
    new_exercises: dict[str, Record] = {}
    counts: Counter[str] = Counter()  # sets per file name written
    spelled: dict[str, str] = {}  # name_key -> the file's first spelling
    tables: dict[str, list[Record]] = {"exercises": [], "workoutLogs": [], "workoutSets": []}
    new_workouts = already = 0
    days: list[str] = []
    offset = timedelta(minutes=utc_offset_minutes)
    has_kinds = "setType" in schema.WORKOUT_SETS.field_map  # else every set is a normal one
    categories = {
        name_key(e.name): e.category for w in parsed.workouts for e in w.exercises if e.category
    }
    for workout in parsed.workouts:
        day = workout.start.date().isoformat()
        days.append(day)
        rows: list[tuple[str, ParsedSet]] = []
        for exercise in workout.exercises:
            key = name_key(exercise.name)
            if key not in spelled:
                spelled[key] = exercise.name
                if key not in by_name and key not in chosen and key not in forced_new:
                    builtin = builtin_for(key, builtins)
                    if builtin is not None and builtin.id in live:
                        by_name[key] = builtin.id  # already made, and renamed since
                    elif builtin is not None:
                        chosen[key] = builtin
            for one in exercise.sets:
                if one.reps is None or (one.reps == 0 and not one.weight):
                    has_other = one.distance is not None or one.seconds is not None
                    skipped[CARDIO if has_other else EMPTY] += 1
                    continue
                rows.append((key, one))
        if not rows:
            continue
        if not ready:  # only counts until the person says kg or lb
            for key, _ in rows:
                counts[key] += 1
            continue
        weight_unit = unit or KG
        keyed = []
        for key, one in rows:
            weight = to_kg(one.weight or 0.0, one.unit or weight_unit)
            if weight > MAX_WEIGHT_KG:
                raise ImportRefused(
                    f"The {spelled[key]} set on {day} weighs more than {MAX_WEIGHT_KG:,} kg; "
                    "check the file's unit."
                )
            if key in by_name:
                exercise_name = name_key(live[by_name[key]]["name"])
            else:
                exercise_name = name_key(chosen[key].name) if key in chosen else key
            keyed.append(
                (
                    key,
                    one,
                    weight,
                    _set_key(
                        exercise_name, one.reps or 0, weight, one.kind if has_kinds else NORMAL
                    ),
                )
            )
        fingerprint = (day, tuple(sorted(k for *_, k in keyed)))
        if ready and known[fingerprint] > 0:
            known[fingerprint] -= 1
            already += 1
            continue
        new_workouts += 1
        log_fields = {
            "date": day,
            "name": _clip(workout.title, schema.WORKOUT_LOGS, "name", shortened),
            "notes": _clip(workout.notes, schema.WORKOUT_LOGS, "notes", shortened),
            "startedAt": _epoch_ms(workout.start - offset),
        }
        if workout.seconds:
            log_fields["finishedAt"] = _epoch_ms(
                workout.start - offset + timedelta(seconds=workout.seconds)
            )
        log = {**stamp, "id": new_id(), **_fit(schema.WORKOUT_LOGS, log_fields)}
        exercise_notes: dict[str, str] = {}
        for position, (key, one, weight, _) in enumerate(keyed):
            exercise_id: str | None = by_name.get(key)
            if exercise_id is None:
                made = new_exercises.get(key)
                if made is None:
                    builtin = chosen.get(key)
                    if builtin is not None:
                        fields = {**builtin.fields, "name": builtin.name}
                    else:
                        fields = {
                            "name": _clip(spelled[key], schema.EXERCISES, "name", shortened),
                            "muscleGroup": _clip(
                                categories.get(key, ""),
                                schema.EXERCISES,
                                "muscleGroup",
                                shortened,
                            ),
                        }
                    made = {
                        **stamp,
                        "id": new_id() if builtin is None else builtin.id,
                        **_fit(schema.EXERCISES, fields),
                    }
                    new_exercises[key] = made
                    tables["exercises"].append(made)
                exercise_id = str(made["id"])
            counts[key] += 1
            set_fields = {
                "workoutId": log["id"],
                "exerciseId": exercise_id,
                "position": position,
                "reps": one.reps,
                "weight": weight,
                "done": True,
                "setType": one.kind if one.kind != NORMAL else None,
                "rpe": _rpe(one.rpe),
                "notes": _clip(one.notes, schema.WORKOUT_SETS, "notes", shortened),
            }
            tables["workoutSets"].append(
                {**stamp, "id": new_id(), **_fit(schema.WORKOUT_SETS, set_fields)}
            )
        for exercise in workout.exercises:
            if exercise.notes and name_key(exercise.name) in counts:
                target = (
                    by_name.get(name_key(exercise.name))
                    or new_exercises[name_key(exercise.name)]["id"]
                )
                exercise_notes[target] = exercise.notes
        if exercise_notes and "exerciseNotes" in schema.WORKOUT_LOGS.field_map:
            exercise_notes = {
                target: _clip(text, schema.WORKOUT_LOGS, "exerciseNotes", shortened)
                for target, text in exercise_notes.items()
            }
            log["exerciseNotes"] = exercise_notes
        tables["workoutLogs"].append(log)
    if not ready:
        tables = {}
    matches = [
        ExerciseMatch(spelled[key], counts[key], by_name.get(key), chosen.get(key))
        for key in sorted(spelled, key=lambda k: spelled[k].casefold())
    ]
    preview = Preview(
        format=parsed.format,
        first_day=min(days) if days else "",
        last_day=max(days) if days else "",
        workouts=len(parsed.workouts),
        new_workouts=new_workouts,
        already_here=already,
        sets=sum(counts.values()),
        exercises=matches,
        skipped=[rows_phrase(n, reason) for reason, n in sorted(skipped.items())],
        needs_unit=needs_unit,
        unit=unit,
        shortened=dict(shortened),
    )
    return Plan(preview, tables)


def _oldest(exercise: Record) -> tuple[int, str]:
    return (int(exercise.get("createdAt") or 0), exercise["id"])


_EPOCH = datetime(1970, 1, 1)


def _epoch_ms(moment: datetime) -> int:
    return int((moment - _EPOCH).total_seconds() * 1000)


def local_start(ms: int, utc_offset_minutes: int) -> datetime:
    """A stored start time back as the person's wall-clock time (for exports)."""
    return datetime.fromtimestamp(ms / 1000, UTC).replace(tzinfo=None) + timedelta(
        minutes=utc_offset_minutes
    )


# --- undo -----------------------------------------------------------------------------------


def undo(
    ids: dict[str, list[str]],
    tables: dict[str, list[Record]],
    *,
    device_id: str,
    now: int,
    new_id: Callable[[], str],
) -> list[Change]:
    """Deletes of every record an import made (``Plan.ids``), synced like any delete (rule 4).

    ``tables`` holds every record (tombstones too).  Refused, changing nothing, once any
    imported record was edited or deleted (a record never edited has ``updatedAt ==
    createdAt``, on this device and as the server returns it), or a set was added to an
    imported workout.  An imported exercise that the person's own sets use since is kept.
    """
    made: dict[str, list[Record]] = {}
    for name in ("exercises", "workoutLogs", "workoutSets"):
        wanted = set(ids.get(name, ()))
        made[name] = [r for r in tables.get(name, []) if r["id"] in wanted]
    if not any(made.values()):
        raise ImportRefused("There is nothing left of that import to undo.")
    for records in made.values():
        for record in records:
            if record.get("deleted") or record.get("updatedAt") != record.get("createdAt"):
                raise ImportRefused(CHANGED_SINCE)
    workout_ids = {r["id"] for r in made["workoutLogs"]}
    exercise_ids = {r["id"] for r in made["exercises"]}
    imported_sets = {r["id"] for r in made["workoutSets"]}
    still_used: set[str] = set()
    for s in tables.get("workoutSets", []):
        if s.get("deleted") or s["id"] in imported_sets:
            continue
        if s.get("workoutId") in workout_ids:
            raise ImportRefused(CHANGED_SINCE)
        if s.get("exerciseId") in exercise_ids:
            still_used.add(s["exerciseId"])
    stamp: dict[str, Any] = {"device_id": device_id, "now": now, "new_id": new_id}
    out = [changes.delete("workoutSets", r, **stamp) for r in made["workoutSets"]]
    out += [changes.delete("workoutLogs", r, **stamp) for r in made["workoutLogs"]]
    out += [
        changes.delete("exercises", r, **stamp)
        for r in made["exercises"]
        if r["id"] not in still_used
    ]
    return out


CHANGED_SINCE = (
    "Some of the imported workouts were changed since, so the import can no longer be undone "
    "as a whole."
)
