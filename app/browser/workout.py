"""The workout screen's DOM side: binds taps and fields to ``app.views.workout_actions``.

Screen state the person would expect to find after a reload (rest timer, drafts typed, the
open picker, the last summary) is kept in localStorage under ``app.core.storage_keys.WORKOUT_SCREEN``.
"""

from __future__ import annotations

import asyncio
import json
from typing import TYPE_CHECKING, Any

import js  # type: ignore[import-not-found]

from app.browser.clock import new_id, now_ms
from app.browser.interop import attr, is_null, to_js_data
from app.browser.settings import LocalStorage
from app.core import changes
from app.core import storage_keys as keys
from app.core.library import BY_ID
from app.views import exercises as exercise_screen
from app.views import history as history_screen
from app.views import workout_actions as actions
from app.views.state import Screen

if TYPE_CHECKING:
    from app.browser.ui import App


def restore_screen(screen: Screen, storage: LocalStorage | None = None) -> None:
    storage = storage if storage is not None else LocalStorage()
    try:
        kept = json.loads(storage.get(keys.WORKOUT_SCREEN) or "{}")
    except ValueError:
        kept = {}
    for name in Screen.KEPT:
        if name in kept:
            setattr(screen, name, kept[name])
    screen.date_pattern = _date_pattern()


def keep_screen(screen: Screen) -> None:
    LocalStorage()[keys.WORKOUT_SCREEN] = json.dumps({n: getattr(screen, n) for n in Screen.KEPT})


def _date_pattern() -> str:
    """The device's date order and separator, e.g. "dmy/" (see app.core.dates)."""
    try:
        parts = js.Intl.DateTimeFormat.new().formatToParts(js.Date.new(2026, 10, 24))
        order, sep = "", ""
        for part in parts:
            kind = str(part.type)
            if kind in ("day", "month", "year"):
                order += kind[0]
            elif kind == "literal" and not sep:
                sep = str(part.value).strip()[:1]
        return order + sep
    except Exception:
        return "ymd-"


def notify_state() -> str:
    ticker = getattr(js.window, "setflowTicker", None)
    if ticker is None or is_null(ticker):
        return "unsupported"
    return str(ticker.notifyState())


class WorkoutScreen:
    """Mixed into ``App``: the workout screen's handlers."""

    _lock: asyncio.Lock

    def _wstamp(self: App) -> dict[str, Any]:
        from app.browser.ui import _today

        return {
            "device_id": self.screen.device_id,
            "now": now_ms(),
            "new_id": new_id,
            "today": _today(),
        }

    async def _apply(self: App, outcome: actions.Outcome) -> None:
        keep_screen(self.screen)
        await self.save(*outcome.changes, message=outcome.message, undo=self.screen.undo)
        if not outcome.ok:
            self.screen.message_ok = False

    async def _act(self: App, name: str, *args: Any) -> None:
        # One action at a time, each on the data the one before it left (a field's change
        # event and a tap on its check mark arrive together).
        async with self._lock:
            self.screen.undo = []  # Undo is offered until the next action
            outcome = getattr(actions, name)(self.data, self.screen, *args, self._wstamp())
            await self._apply(outcome)

    async def repeat_last(self: App, button: Any, values: dict[str, str]) -> None:
        await self._act("start_repeat")
        js.window.scrollTo(0, 0)

    async def start_program_workout(self: App, button: Any, values: dict[str, str]) -> None:
        await self._act("start_program", values["id"])
        js.window.scrollTo(0, 0)

    async def start_empty(self: App, button: Any, values: dict[str, str]) -> None:
        await self._act("start_empty")

    async def check_set(self: App, button: Any, values: dict[str, str]) -> None:
        await self._act("check_set", values["id"])
        if self.screen.up_next:  # a superset: the next exercise's set comes into view
            row = js.document.querySelector(f'tr[data-id="{self.screen.up_next}"]')
            if not is_null(row):
                row.scrollIntoView(to_js_data({"block": "center"}))
        if self.screen.rest_ends_at and self.screen.notify == "default":
            ticker = js.window.setflowTicker
            self.screen.notify = str(await ticker.prepareAlerts())
            self.render()

    async def set_details(self: App, button: Any, values: dict[str, str]) -> None:
        actions.toggle_set_details(self.screen, values["id"])
        keep_screen(self.screen)
        self.render()

    async def link_superset(self: App, button: Any, values: dict[str, str]) -> None:
        await self._act("link_superset", values["id"])

    async def unlink_superset(self: App, button: Any, values: dict[str, str]) -> None:
        await self._act("unlink_superset", values["id"])

    async def weight_up(self: App, button: Any, values: dict[str, str]) -> None:
        await self._act("step_weight", values["id"], 1)

    async def weight_down(self: App, button: Any, values: dict[str, str]) -> None:
        await self._act("step_weight", values["id"], -1)

    async def cycle_set_type(self: App, button: Any, values: dict[str, str]) -> None:
        await self._act("cycle_set_type", values["id"])

    async def add_workout_set(self: App, button: Any, values: dict[str, str]) -> None:
        await self._act("add_set", values["id"])

    async def remove_workout_set(self: App, button: Any, values: dict[str, str]) -> None:
        await self._act("remove_set", values["id"])

    async def pick_exercise_add(self: App, button: Any, values: dict[str, str]) -> None:
        await self._act("add_exercise", values["id"])

    async def finish_workout(self: App, button: Any, values: dict[str, str]) -> None:
        await self._act("finish")
        js.window.scrollTo(0, 0)

    async def discard_workout(self: App, button: Any, values: dict[str, str]) -> None:
        if not js.window.confirm("Discard this workout and all its sets?"):
            return
        await self._act("discard")

    async def undo(self: App, button: Any, values: dict[str, str]) -> None:
        async with self._lock:
            pairs = list(self.screen.undo)
            tombstones = [await self.store.get(table, rid) for table, rid in pairs]
            outcome = actions.undo(
                tombstones, self.screen, self._wstamp(), [table for table, _ in pairs]
            )
            await self._apply(outcome)

    async def open_picker(self: App, button: Any, values: dict[str, str]) -> None:
        self.screen.picking = True
        keep_screen(self.screen)
        self.render()
        field = js.document.getElementById("exercise-search")
        if not is_null(field):
            field.focus()

    async def close_picker(self: App, button: Any, values: dict[str, str]) -> None:
        self.screen.picking = False
        self.screen.query = ""
        keep_screen(self.screen)
        self.render()

    async def close_summary(self: App, button: Any, values: dict[str, str]) -> None:
        self.screen.summary_id = None
        self.screen.message = None
        keep_screen(self.screen)
        self.render()

    async def rest_minus(self: App, button: Any, values: dict[str, str]) -> None:
        actions.rest_adjust(self.screen, -15, now_ms())
        keep_screen(self.screen)
        self.render()

    async def rest_plus(self: App, button: Any, values: dict[str, str]) -> None:
        actions.rest_adjust(self.screen, 15, now_ms())
        keep_screen(self.screen)
        self.render()

    async def rest_skip(self: App, button: Any, values: dict[str, str]) -> None:
        actions.rest_skip(self.screen)
        keep_screen(self.screen)
        self.render()

    async def set_unit(self: App, button: Any, values: dict[str, str]) -> None:
        async with self._lock:
            await self._apply(
                actions.set_unit(self.data, attr(button, "data-unit"), self._wstamp())
            )

    async def bar_and_plates(self: App, form: Any, values: dict[str, str]) -> None:
        async with self._lock:
            await self._apply(actions.set_bar_and_plates(self.data, values, self._wstamp()))

    # Exercises: archive rather than destroy, library entries become the person's own.
    def _stamp_only(self: App) -> dict[str, Any]:
        self.screen.undo = []  # a new action: the last delete's Undo is no longer offered
        return {"device_id": self.screen.device_id, "now": now_ms(), "new_id": new_id}

    async def archive_or_delete_exercise(self: App, button: Any, values: dict[str, str]) -> None:
        async with self._lock:
            outcome = exercise_screen.delete_or_archive(
                self.data, self.screen, values["id"], self._stamp_only()
            )
            await self._apply(outcome)

    async def unarchive_exercise(self: App, button: Any, values: dict[str, str]) -> None:
        async with self._lock:
            outcome = exercise_screen.unarchive(
                self.data, self.screen, values["id"], self._stamp_only()
            )
            await self._apply(outcome)

    async def purge_exercise(self: App, button: Any, values: dict[str, str]) -> None:
        if not js.window.confirm(exercise_screen.purge_question(self.data, values["id"])):
            return
        async with self._lock:
            outcome = exercise_screen.purge(
                self.data, self.screen, values["id"], self._stamp_only()
            )
            await self._apply(outcome)

    async def toggle_library(self: App, button: Any, values: dict[str, str]) -> None:
        self.screen.library_open = not self.screen.library_open
        self.render()

    async def add_library_exercise(self: App, button: Any, values: dict[str, str]) -> None:
        entry = BY_ID[values["id"]]
        async with self._lock:
            existing = next((e for e in self.data.exercises if e["id"] == entry.id), None)
            if existing is not None:
                made = changes.edit(
                    "exercises", existing, {"archived": False}, **self._stamp_only()
                )
            else:
                made = changes.create(
                    "exercises", entry.fields(), record_id=entry.id, **self._stamp_only()
                )
            await self.save(made, message=f"Added {entry.name}.")

    # History: expand a workout, edit its sets in place, chart choices, body weight.
    async def toggle_workout(self: App, button: Any, values: dict[str, str]) -> None:
        chosen = values["id"]
        self.screen.open_workout = None if self.screen.open_workout == chosen else chosen
        self.screen.editing = None
        self.render()

    async def chart_metric(self: App, button: Any, values: dict[str, str]) -> None:
        self.screen.chart_metric = values["id"]
        keep_screen(self.screen)
        self.render()

    async def chart_range(self: App, button: Any, values: dict[str, str]) -> None:
        self.screen.chart_range = values["id"]
        keep_screen(self.screen)
        self.render()

    async def history_edit_set(self: App, form: Any, values: dict[str, str]) -> None:
        async with self._lock:
            outcome = history_screen.edit_set(
                self.data, attr(form, "data-id"), values, self._stamp_only()
            )
            await self._apply(outcome)

    async def add_body_weight(self: App, form: Any, values: dict[str, str]) -> None:
        async with self._lock:
            outcome = history_screen.add_body_weight(self.data, values, self._stamp_only())
            form.reset()
            await self._apply(outcome)

    # Fields: typing keeps a draft (so a reload finds it), leaving the field saves it.
    def field_input(self: App, target: Any) -> bool:
        field = attr(target, "data-field")
        if not field:
            return False
        if field == "search":
            self.screen.query = str(target.value)
            keep_screen(self.screen)
            self.render()
        else:
            self.screen.drafts[str(target.id)] = str(target.value)
            keep_screen(self.screen)
        return True

    def field_change(self: App, target: Any) -> bool:
        field = attr(target, "data-field")
        if not field or field == "search":
            return bool(field)
        record_id = attr(target, "data-id")
        text = str(target.value)
        if field in ("weight", "reps"):
            self._run(self._act("set_value", record_id, field, text))
        elif field in ("rpe", "set-notes"):
            self._run(self._act("set_detail", record_id, field, text))
        else:
            self.screen.drafts.pop(str(target.id), None)
            self._run(self._act("set_notes", field, record_id, text))
        return True

    def rest_change(self: App, target: Any) -> bool:
        if attr(target, "data-action") != "set-rest":
            return False
        self._run(self._act("set_rest", attr(target, "data-id"), str(target.value)))
        return True

    workout_clicks: dict[str, str] = {  # noqa: RUF012 - read-only table
        "repeat-last": "repeat_last",
        "start-program-workout": "start_program_workout",
        "start-empty": "start_empty",
        "check-set": "check_set",
        "set-details": "set_details",
        "link-superset": "link_superset",
        "unlink-superset": "unlink_superset",
        "weight-up": "weight_up",
        "weight-down": "weight_down",
        "cycle-set-type": "cycle_set_type",
        "add-set": "add_workout_set",
        "remove-set": "remove_workout_set",
        "pick-exercise-add": "pick_exercise_add",
        "finish-workout": "finish_workout",
        "discard-workout": "discard_workout",
        "undo": "undo",
        "open-picker": "open_picker",
        "close-picker": "close_picker",
        "close-summary": "close_summary",
        "rest-minus": "rest_minus",
        "rest-plus": "rest_plus",
        "rest-skip": "rest_skip",
        "set-unit": "set_unit",
        "delete-exercise": "archive_or_delete_exercise",
        "unarchive-exercise": "unarchive_exercise",
        "purge-exercise": "purge_exercise",
        "add-library-exercise": "add_library_exercise",
        "toggle-library": "toggle_library",
        "toggle-workout": "toggle_workout",
        "chart-metric": "chart_metric",
        "chart-range": "chart_range",
    }
    workout_forms: dict[str, str] = {  # noqa: RUF012 - read-only table
        "history-edit-set": "history_edit_set",
        "add-body-weight": "add_body_weight",
        "bar-and-plates": "bar_and_plates",
    }
