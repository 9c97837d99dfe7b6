"""What the views render from: the device's data and the screen's own state."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from app.core.capabilities import Capabilities

Record = dict[str, Any]


@dataclass
class Outcome:
    """What a screen's action made: the changes to store and the sentence to show."""

    changes: list[Any] = field(default_factory=list)  # app.core.changes.Change
    message: str | None = None
    ok: bool = True


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
    chart_metric: str = "e1rm"  # History: e1rm, weight or volume
    chart_range: str = "all"  # History: 3m, 1y or all
    library_open: bool = False  # Exercises: the built-in library is listed

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

    def say(self, message: str, ok: bool = True) -> None:
        self.message, self.message_ok = message, ok

    def navigated(self) -> None:
        """Another view was opened: the last one's message, Undo and inline edit do not follow."""
        self.message = None
        self.undo = []
        self.editing = None
