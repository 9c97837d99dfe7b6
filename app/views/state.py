"""What the views render from: the device's data and the screen's own state."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from app.core.capabilities import Capabilities

Record = dict[str, Any]

VIEWS = ("log", "history", "exercises", "programs", "settings")


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

    def say(self, message: str, ok: bool = True) -> None:
        self.message, self.message_ok = message, ok
