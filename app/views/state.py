"""What the views render from: the device's data and the screen's own state."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

from app.core.capabilities import Capabilities
from app.core.changes import Change
from app.core.schema import ValidationError

Record = dict[str, Any]
# What an action needs to make changes (``device_id``, ``now``, ``new_id``, as
# ``app.core.changes`` wants them) and the person's ``today``.
Stamp = dict[str, Any]


def change_stamp(stamp: Stamp) -> dict[str, Any]:
    """The part of ``stamp`` that ``app.core.changes`` takes."""
    return {k: stamp[k] for k in ("device_id", "now", "new_id")}


def find(records: list[Record], record_id: str, what: str) -> Record:
    """The record the control names, or the sentence saying it is gone."""
    for record in records:
        if record["id"] == record_id:
            return record
    raise ValidationError(f"That {what} no longer exists (it may have been deleted elsewhere).")


@dataclass
class Outcome:
    """What a screen's action made: the changes to store and the sentence to show."""

    changes: list[Any] = field(default_factory=list)  # app.core.changes.Change
    message: str | None = None
    ok: bool = True


@dataclass(frozen=True)
class Event:
    """What the control the person used carried (read from the DOM by the browser)."""

    id: str = ""  # the control's data-id (a form's, a button's, a field's)
    fields: dict[str, str] = field(default_factory=dict)  # a form's fields, by name
    value: str = ""  # a field's or picker's value
    field: str = ""  # a field's data-field
    element: str = ""  # the element's own id
    index: str = ""  # a button's data-index
    unit: str = ""  # a button's data-unit
    # What the control's ``reads`` found in the store: (table, the record or None).
    records: tuple[tuple[str, Record | None], ...] = ()


VIEWS = ("workout", "log", "history", "exercises", "programs", "settings")


def route(location_hash: str) -> str:
    """The view a URL's hash names; the workout screen for anything else."""
    name = location_hash.lstrip("#")
    return name if name in VIEWS else "workout"


@dataclass
class Data:
    """Live (not deleted) records of each table."""

    exercises: list[Record] = field(default_factory=list)
    programs: list[Record] = field(default_factory=list)
    workoutLogs: list[Record] = field(default_factory=list)
    workoutSets: list[Record] = field(default_factory=list)
    settings: list[Record] = field(default_factory=list)
    bodyWeights: list[Record] = field(default_factory=list)
    conflicts: list[Record] = field(default_factory=list)

    def applied(self, changes: Iterable[Change]) -> Data:
        """This data with ``changes`` made, as reading the device database again would give it:
        whole records replace their old selves, tombstones leave, each touched table in key (id)
        order.  A tap shows what it wrote at once; a full re-read takes seconds after years of
        sets."""
        tables: dict[str, dict[str, Record]] = {}
        for change in changes:
            if change.table not in tables:
                tables[change.table] = {r["id"]: r for r in getattr(self, change.table)}
            tables[change.table][change.record["id"]] = change.record
        made = {
            name: sorted((r for r in rows.values() if not r.get("deleted")), key=lambda r: r["id"])
            for name, rows in tables.items()
        }
        return replace(self, **made)

    def exercise_names(self) -> dict[str, str]:
        return {e["id"]: e["name"] for e in self.exercises}

    def sorted_exercises(self) -> list[Record]:
        return sorted(self.exercises, key=lambda e: (e["name"].casefold(), e["id"]))

    def active_exercises(self) -> list[Record]:
        """The exercises pickers offer: archived ones keep their history but are not offered."""
        return [e for e in self.sorted_exercises() if not e.get("archived")]


@dataclass
class Account:
    email: str | None = None  # signed in as
    status: str = "Not signed in"
    last_synced_at: str | None = None
    pending: int = 0  # outbox entries not yet acknowledged
    busy: bool = False
    # The account's sessions as the server listed them ({"id", "device", "createdAt",
    # "current"}), once the person asked to see them.
    sessions: list[dict[str, Any]] | None = None
    had_account: bool = False  # this device has synced an account before
    guest_records: int = 0  # data made before signing in, waiting for the person's choice


# History lists this many workouts at first, and this many more at each "Show older".
HISTORY_PAGE = 20


@dataclass
class Screen:
    """What the person is doing on screen (not stored data)."""

    view: str = "log"
    log_date: str = ""
    exercise_id: str | None = None  # picked in Log
    program_id: str | None = None  # started in Log
    progress_exercise_id: str | None = None  # shown in History
    editing: str | None = None  # id of the record being edited inline
    message: str | None = None  # the last action's outcome
    message_ok: bool = True
    device_id: str = ""
    storage: dict[str, Any] = field(default_factory=dict)
    capabilities: Capabilities | None = None  # what this browser offers; read after start-up
    import_preview: Any = None  # app.core.csv_import.Preview of a file waiting for "Import"
    last_import: str | None = None  # summary of the import that "Undo last import" removes
    # The workout screen.  The browser keeps these (but ``now`` and ``notify``) in localStorage,
    # so a reload or a killed tab finds the screen as it was.
    rest_ends_at: int = 0  # ms; the rest timer counts down to it (0: no rest running)
    rest_seconds: int = 0  # the running rest's full length
    picking: bool = False  # the exercise picker is open
    query: str = ""  # what the picker searches for
    summary_id: str | None = None  # the finished workout whose summary shows
    set_open: str | None = None  # the set whose RPE and note fields are shown
    up_next: str | None = None  # in a superset: the set to do next (another exercise's)
    drafts: dict[str, str] = field(default_factory=dict)  # input id -> text typed, not yet saved
    undo: list[list[str]] = field(default_factory=list)  # [table, id] of what was just deleted
    date_pattern: str = "ymd-"  # the person's date order and separator (app.core.dates)
    now: int = 0  # ms, when the screen was rendered (the clocks tick in the browser)
    notify: str = "default"  # what the platform allows: unsupported, default, denied, granted
    open_workout: str | None = None  # History: the workout shown expanded
    history_shown: int = HISTORY_PAGE  # History: how many workouts are listed, newest first
    chart_metric: str = "e1rm"  # History: e1rm, weight or volume
    chart_range: str = "all"  # History: 3m, 1y or all
    library_open: bool = False  # Exercises: the built-in library is listed
    said: int = 0  # how many sentences were shown: a slow action's answer never hides a newer one

    KEPT: ClassVar[tuple[str, ...]] = (
        "rest_ends_at",
        "rest_seconds",
        "picking",
        "query",
        "summary_id",
        "set_open",
        "up_next",
        "drafts",
        "undo",
        "chart_metric",
        "chart_range",
    )

    def kept(self) -> str:
        """The part of the screen a reload finds (``KEPT``), as stored text."""
        return json.dumps({name: getattr(self, name) for name in self.KEPT})

    def restore(self, text: str | None) -> None:
        """Take back what ``kept`` stored; unreadable text is ignored (a fresh screen)."""
        try:
            kept = json.loads(text or "{}")
        except ValueError:
            return
        if isinstance(kept, dict):
            for name in self.KEPT:
                if name in kept:
                    setattr(self, name, kept[name])

    def say(self, message: str, ok: bool = True) -> None:
        self.message, self.message_ok = message, ok
        self.said += 1

    def say_unless_overtaken(self, since: int, message: str, ok: bool = True) -> None:
        """The answer of an action that began when ``said`` was ``since`` (signing in waits for
        the server): shown only if nothing was said meanwhile, e.g. an import refused while it
        waited. The later sentence is the one the person is reading."""
        if self.said == since:
            self.say(message, ok)

    def show(self, outcome: Outcome) -> None:
        """An action's changes were stored: show its sentence; any inline edit is over."""
        self.editing = None
        self.message, self.message_ok = outcome.message, outcome.ok
        self.said += 1

    def navigated(self) -> None:
        """Another view was opened: the last one's message, Undo and inline edit do not follow."""
        self.message = None
        self.undo = []
        self.editing = None
