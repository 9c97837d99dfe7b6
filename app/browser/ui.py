"""The DOM adapter: renders the views into ``#view`` and turns clicks and forms into changes.

Views are pure functions (``app.views``); local changes are made by ``app.core.changes`` and
stored through the ``Store``.  This module only reads the DOM, calls those, and writes the DOM.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, ClassVar

import js  # type: ignore[import-not-found]
from pyodide.ffi import create_proxy  # type: ignore[import-not-found]
from pyscript.js_modules import setflow_db as db  # type: ignore[import-not-found]
from pyscript.js_modules import setflow_last_screen as last_screen  # type: ignore[import-not-found]

from app.browser.clock import id_pool, new_id, now_ms
from app.browser.idb import IndexedDBStore
from app.browser.interop import attr, is_null, to_py_data
from app.browser.sync import SyncController
from app.browser.tasks import spawn
from app.browser.transport import AccountError
from app.browser.workout import WorkoutScreen, notify_state, restore_screen
from app.core import changes, csv_export, csv_import, exchange, formats, status
from app.core import storage_keys as keys
from app.core.changes import Change
from app.core.formats.base import Parsed
from app.core.schema import USER_TABLES, ValidationError
from app.views import inputs, log, render
from app.views.conflicts import settings_tab_label
from app.views.refresh import RefreshPlan
from app.views.state import Account, Data, Screen, route

Handler = Callable[[Any, dict[str, str]], Awaitable[None]]

# The last CSV import, kept in the device database's meta table for "Undo last import".
LAST_IMPORT_IDS = "lastImportIds"
LAST_IMPORT_SUMMARY = "lastImportSummary"


@dataclass
class _Read:
    """One consistent read of the device database, for the screen."""

    data: Data
    pending: int
    guest_records: int
    last_import: str | None


def _today() -> str:
    # The person's local date, not UTC: a workout at 23:30 belongs to that evening.
    now = js.Date.new()
    return date(int(now.getFullYear()), int(now.getMonth()) + 1, int(now.getDate())).isoformat()


def _form_data(form: Any, submitter: Any = None) -> dict[str, str]:
    entries = js.FormData.new(form, submitter) if submitter else js.FormData.new(form)
    return {str(k): str(v) for k, v in to_py_data(getattr(js.Array, "from")(entries))}


def _int(value: str, label: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise ValidationError(f"{label} must be a whole number.") from None


def _float(value: str, label: str) -> float:
    try:
        return float(value)
    except ValueError:
        raise ValidationError(f"{label} must be a number.") from None


class App(WorkoutScreen):
    def __init__(self, store: IndexedDBStore, device_id: str) -> None:
        self.store = store
        self.screen = Screen(device_id=device_id, log_date=_today())
        restore_screen(self.screen)
        self._lock = asyncio.Lock()
        self.account = Account()
        self.data = Data()
        self.view = js.document.getElementById("view")
        self._refresh_task: asyncio.Future[None] | None = None
        self._proxies: list[Any] = []
        self._html = ""
        self._refreshes = RefreshPlan()
        self.sync: SyncController | None = None  # set by boot once sync is wired
        self._import: ImportInProgress | None = None

    # --- data and rendering -------------------------------------------------------------
    async def load(self) -> None:
        self._take(await self._read())

    async def _read(self) -> _Read:
        while True:
            store = self.store
            tables = await asyncio.gather(*(store.all(t) for t in (*USER_TABLES, "conflicts")))
            pending = await store.outbox_count()
            guest = await self.sync.guest_records() if self.sync is not None else 0
            last_import = to_py_data(await db.getMeta(store.db, LAST_IMPORT_SUMMARY))
            if store is self.store:  # else the account changed while reading: read the new one
                return _Read(Data(*tables), pending, guest, last_import)

    def _take(self, read: _Read) -> None:
        self.data = read.data
        self.account.pending = read.pending
        self.account.guest_records = read.guest_records
        self.screen.last_import = read.last_import
        self._account_facts()

    def use_store(self, store: IndexedDBStore) -> None:
        """Show another local database (the account signed in now, or the guest's)."""
        self.store = store
        self.screen.editing = None
        self.schedule_refresh()

    def _account_facts(self) -> None:
        if self.sync is not None:
            self.account.email = self.sync.email
            self.account.status = self.sync.status
            last = self.sync.last_synced_at
            # Shown in the person's own time zone and format.
            self.account.last_synced_at = str(js.Date.new(last).toLocaleString()) if last else None
            self.account.busy = self.sync.busy
            self.account.had_account = self.sync.settings.get(keys.HAD_ACCOUNT) is not None

    def sync_updated(self) -> None:
        """The sync controller's status changed: show it; after a sync, show what it brought.

        While a sync runs only the status lines change: re-reading every table for each pulled
        page would compete with the sync itself for the one main thread.
        """
        self._account_facts()
        self._show_status()
        then = self._refreshes.after_sync_update(self.account.busy, self.screen.view)
        if then == "refresh":
            self.schedule_refresh()
        elif then == "render":
            self.render()

    def _changed(self) -> None:
        if self.sync is not None:
            self.sync.local_change()

    def render(self) -> None:
        self.screen.view = route(str(js.location.hash))
        self.screen.now = now_ms()
        self.screen.notify = notify_state() if self.screen.notify != "granted" else "granted"
        html = render(self.screen, self.data, self.account)
        if html != self._html:  # an unchanged screen is left alone, with what is being typed
            self._html = html
            typed = inputs.typed(self._fields())
            active = js.document.activeElement
            focus = "" if is_null(active) else str(active.id or "")
            self.view.innerHTML = html
            for el_id, value in inputs.values_to_restore(typed, self._fields()).items():
                js.document.getElementById(el_id).value = value
            if focus and not is_null(field := js.document.getElementById(focus)):
                field.focus()
            last_screen.save(self.screen.view, html)  # painted first at the next start
        for link in js.document.querySelectorAll(".tabbar a"):
            if attr(link, "data-view") == self.screen.view:
                link.setAttribute("aria-current", "page")
            else:
                link.removeAttribute("aria-current")
        self._show_status()
        self._badge()

    def _show_status(self) -> None:
        header = status.header(self.account.status, had_account=self.account.had_account)
        js.document.getElementById("sync-status").textContent = header
        el = js.document.getElementById("settings-sync-status")
        if not is_null(el):
            el.textContent = self.account.status

    def _badge(self) -> None:
        """The Settings tab shows how many conflicts are open, while any are."""
        link = js.document.querySelector('.tabbar a[data-view="settings"]')
        if is_null(link):
            return
        count = len(self.data.conflicts)
        badge = link.querySelector(".badge")
        if count and is_null(badge):
            badge = js.document.createElement("span")
            badge.className = "badge"
            badge.setAttribute("aria-hidden", "true")
            link.appendChild(badge)
        if count:
            badge.textContent = str(count)
        elif not is_null(badge):
            badge.remove()
        link.setAttribute("aria-label", settings_tab_label(count))

    async def refresh(self) -> None:
        await self.load()
        self.render()

    def schedule_refresh(self) -> None:
        """Refresh soon, once, however many changes arrive (``app.views.refresh``)."""
        syncing = self.sync is not None and self.sync.busy
        if self._refreshes.request(syncing) and (
            self._refresh_task is None or self._refresh_task.done()
        ):
            self._refresh_task = spawn(self._refresh_soon())

    async def _refresh_soon(self) -> None:
        while self._refreshes.next_read():
            await asyncio.sleep(0.05)
            read = await self._read()
            if self._refreshes.show():
                self._take(read)
                self.render()

    def _fields(self) -> list[inputs.Field]:
        return [
            inputs.Field(
                str(el.id),
                str(el.tagName),
                str(el.type),
                str(el.value),
                bool(attr(el, "data-action") or attr(el, "data-field")),
            )
            for el in self.view.querySelectorAll("input[id], select[id], textarea[id]")
        ]

    # --- events -------------------------------------------------------------------------
    def attach(self) -> None:
        def on(target: Any, kind: str, handler: Callable[[Any], None]) -> None:
            proxy = create_proxy(handler)
            self._proxies.append(proxy)
            target.addEventListener(kind, proxy)

        on(self.view, "submit", self._on_submit)
        on(self.view, "click", self._on_click)
        on(self.view, "change", self._on_change)
        on(self.view, "input", self._on_input)
        on(js.window, "hashchange", lambda _e: self._after_navigation())
        self._proxies.append(create_proxy(self.schedule_refresh))
        db.onChange(self._proxies[-1])

    def _after_navigation(self) -> None:
        self.screen.navigated()
        self.render()
        js.window.scrollTo(0, 0)

    def _run(self, action: Awaitable[None]) -> None:
        async def guarded() -> None:
            try:
                await action
            except (ValidationError, exchange.ImportRefused) as err:
                self.screen.say(str(err), ok=False)
                self.render()
            except Exception as err:
                js.console.error(f"Setflow: {type(err).__name__}: {err}")
                self.screen.say(f"Something went wrong: {err}", ok=False)
                self.render()

        spawn(guarded())

    def _on_submit(self, event: Any) -> None:
        form = event.target
        name = attr(form, "data-form")
        handler = self.forms.get(name)
        if handler is None and name in self.workout_forms:
            handler = getattr(type(self), self.workout_forms[name])
        if handler is None:
            return
        event.preventDefault()
        values = _form_data(form, event.submitter)
        self._run(handler(self, form, values))

    def _on_click(self, event: Any) -> None:
        button = event.target.closest("[data-action]")
        if is_null(button) or button.tagName in ("INPUT", "SELECT"):
            return
        action = attr(button, "data-action")
        handler = None
        if action in self.workout_clicks:  # the lifting screens' handlers come first
            handler = getattr(type(self), self.workout_clicks[action])
        handler = handler or self.clicks.get(action)
        if handler is None:
            return
        event.preventDefault()
        self._run(handler(self, button, {"id": attr(button, "data-id")}))

    def _on_input(self, event: Any) -> None:
        self.field_input(event.target)

    def _on_change(self, event: Any) -> None:
        target = event.target
        if self.field_change(target) or self.rest_change(target):
            return
        action = attr(target, "data-action")
        if action == "pick-date":
            self.screen.log_date = str(target.value) or _today()
            self.screen.editing = None
            self.render()
        elif action == "pick-progress":
            self.screen.progress_exercise_id = str(target.value)
            self.render()
        elif action == "pick-exercise-select":
            self.screen.exercise_id = str(target.value)
        elif action == "import":
            files = target.files
            if files.length:
                self._run(self.import_file(files.item(0), target))
        elif action == "import-unit" and self._import is not None:
            self._import.unit = str(target.value)
            self._run(self.preview_import())
        elif action == "import-map" and self._import is not None:
            self._import.mapping[attr(target, "data-id")] = str(target.value)
            self._run(self.preview_import())

    # --- writing ------------------------------------------------------------------------
    async def save(
        self,
        *made: Change | None,
        message: str | None = None,
        undo: list[list[str]] | None = None,
    ) -> None:
        """Store the changes, then show ``message`` (and Undo for what ``undo`` names)."""
        todo = [c for c in made if c is not None]
        if todo:
            await self.store.write(todo)
            self._changed()
        self.screen.editing = None
        self.screen.undo = undo or []
        self.screen.message = message
        self.screen.message_ok = True
        await self.refresh()

    def _stamp(self) -> dict[str, Any]:
        return {"device_id": self.screen.device_id, "now": now_ms(), "new_id": new_id}

    def _find(self, table: str, record_id: str) -> dict[str, Any]:
        for record in getattr(self.data, table):
            if record["id"] == record_id:
                return record
        raise ValidationError("That item no longer exists (it may have been deleted elsewhere).")

    # Exercises
    async def add_exercise(self, form: Any, values: dict[str, str]) -> None:
        name = values.get("name", "").strip()
        group = values.get("muscleGroup", "").strip() or None
        change = changes.create("exercises", {"name": name, "muscleGroup": group}, **self._stamp())
        form.reset()
        self.screen.exercise_id = self.screen.exercise_id or change.record["id"]
        await self.save(change, message=f"Added {name}.")

    async def rename_exercise(self, form: Any, values: dict[str, str]) -> None:
        current = self._find("exercises", attr(form, "data-id"))
        fields = {
            "name": values.get("name", "").strip(),
            "muscleGroup": values.get("muscleGroup", "").strip() or None,
        }
        await self.save(changes.edit("exercises", current, fields, **self._stamp()))

    async def delete_exercise(self, button: Any, values: dict[str, str]) -> None:
        current = self._find("exercises", values["id"])
        change = changes.delete("exercises", current, **self._stamp())
        await self.save(change, message=f"Deleted {current['name']}.")

    # Log
    async def add_set(self, form: Any, values: dict[str, str]) -> None:
        exercise_id = values.get("exerciseId", "")
        self._find("exercises", exercise_id)
        reps = _int(values.get("reps", ""), "Reps")
        weight = _float(values.get("weight", ""), "Weight")
        made: list[Change] = []
        workout = log.workout_for(self.data, self.screen.log_date)
        if workout is None:
            fields = {"date": self.screen.log_date, "programId": self.screen.program_id}
            made.append(changes.create("workoutLogs", fields, **self._stamp()))
            workout = made[0].record
        position = len(log.sets_of(self.data, {workout["id"]}))
        set_fields = {
            "workoutId": workout["id"],
            "exerciseId": exercise_id,
            "position": position,
            "reps": reps,
            "weight": weight,
        }
        made.append(changes.create("workoutSets", set_fields, **self._stamp()))
        self.screen.exercise_id = exercise_id
        await self.save(*made)  # the workout and its first set in one transaction

    async def edit_set(self, form: Any, values: dict[str, str]) -> None:
        current = self._find("workoutSets", attr(form, "data-id"))
        fields = {
            "reps": _int(values.get("reps", ""), "Reps"),
            "weight": _float(values.get("weight", ""), "Weight"),
        }
        await self.save(changes.edit("workoutSets", current, fields, **self._stamp()))

    async def delete_set(self, button: Any, values: dict[str, str]) -> None:
        current = self._find("workoutSets", values["id"])
        change = changes.delete("workoutSets", current, **self._stamp())
        await self.save(change, undo=[["workoutSets", current["id"]]])

    async def start_program(self, form: Any, values: dict[str, str]) -> None:
        program = self._find("programs", values.get("programId", ""))
        self.screen.program_id = program["id"]
        first = next(iter(program.get("items") or []), None)
        if first:
            self.screen.exercise_id = first["exerciseId"]
        made = []
        workout = log.workout_for(self.data, self.screen.log_date)
        if workout is not None:
            made.append(
                changes.edit("workoutLogs", workout, {"programId": program["id"]}, **self._stamp())
            )
        await self.save(*made, message=f"Started {program['name']}.")

    async def pick_exercise(self, button: Any, values: dict[str, str]) -> None:
        self.screen.exercise_id = values["id"]
        self.render()
        field = js.document.getElementById("log-reps")
        if not is_null(field):
            field.focus()

    async def open_day(self, button: Any, values: dict[str, str]) -> None:
        self.screen.log_date = values["id"]
        js.location.hash = "#log"

    # Programs
    async def add_program(self, form: Any, values: dict[str, str]) -> None:
        name = values.get("name", "").strip()
        change = changes.create("programs", {"name": name, "items": []}, **self._stamp())
        form.reset()
        await self.save(change, message=f"Created {name}.")

    async def rename_program(self, form: Any, values: dict[str, str]) -> None:
        current = self._find("programs", attr(form, "data-id"))
        name = values.get("name", "").strip()
        await self.save(changes.edit("programs", current, {"name": name}, **self._stamp()))

    async def delete_program(self, button: Any, values: dict[str, str]) -> None:
        current = self._find("programs", values["id"])
        change = changes.delete("programs", current, **self._stamp())
        await self.save(change, undo=[["programs", current["id"]]])

    async def add_item(self, form: Any, values: dict[str, str]) -> None:
        current = self._find("programs", attr(form, "data-id"))
        item = {
            "exerciseId": self._find("exercises", values.get("exerciseId", ""))["id"],
            "sets": _int(values.get("sets", ""), "Sets"),
            "reps": _int(values.get("reps", ""), "Reps"),
        }
        items = [*(current.get("items") or []), item]
        await self.save(changes.edit("programs", current, {"items": items}, **self._stamp()))

    async def remove_item(self, button: Any, values: dict[str, str]) -> None:
        current = self._find("programs", values["id"])
        index = int(attr(button, "data-index"))
        items = [it for i, it in enumerate(current.get("items") or []) if i != index]
        await self.save(changes.edit("programs", current, {"items": items}, **self._stamp()))

    # Editing state
    async def start_edit(self, button: Any, values: dict[str, str]) -> None:
        self.screen.editing = values["id"]
        self.screen.message = None
        self.render()
        field = self.view.querySelector("form[data-id] input")
        if not is_null(field):
            field.focus()

    async def cancel_edit(self, button: Any, values: dict[str, str]) -> None:
        self.screen.editing = None
        self.render()

    # Export and import
    async def export(self, button: Any, values: dict[str, str]) -> None:
        tables = await self.store.dump()
        moment = js.Date.new()
        exported = exchange.build_export(
            tables, device_id=self.screen.device_id, exported_at=_utc(moment)
        )
        filename = exchange.export_filename(date.fromisoformat(_today()))
        db.download(filename, exchange.dumps(exported))
        live = sum(1 for rows in tables.values() for r in rows if not r.get("deleted"))
        self.screen.say(f"Exported {live} records to {filename}.")
        self.render()

    async def export_csv(self, button: Any, values: dict[str, str]) -> None:
        layout = values["id"] if values["id"] in ("strong", "hevy") else "strong"
        tables = await self.store.dump()
        write = csv_export.hevy_csv if layout == "hevy" else csv_export.strong_csv
        filename = f"setflow-{layout}-{_today()}.csv"
        db.download(filename, write(tables, _utc_offset_minutes()), "text/csv")
        self.screen.say(f"Exported your workouts to {filename}.")
        self.render()

    async def import_file(self, file: Any, input_el: Any) -> None:
        text = str(await file.text())
        input_el.value = ""
        self._import = None
        self.screen.import_preview = None
        if formats.detect(text) != formats.SETFLOW:
            # Another app's file: read it, then show what it holds; nothing is written yet.
            self._import = ImportInProgress(formats.parse(text))
            await self.preview_import()
            return
        plan = exchange.parse_import(text)
        outcome = await self.store.import_records(plan.tables, device_id=self.screen.device_id)
        self._changed()
        self.screen.say(outcome.summary())
        await self.refresh()

    def _plan_import(self) -> csv_import.Plan:
        assert self._import is not None
        return csv_import.plan(
            self._import.parsed,
            exercises=self.data.exercises,
            workouts=self.data.workoutLogs,
            sets=self.data.workoutSets,
            unit=self._import.unit,
            mapping=self._import.mapping,
            device_id=self.screen.device_id,
            now=now_ms(),
            new_id=id_pool(),
            utc_offset_minutes=_utc_offset_minutes(),
        )

    async def preview_import(self) -> None:
        if self._import is None:
            return
        try:
            self._import.plan = self._plan_import()
        except exchange.ImportRefused:
            self._import = None
            self.screen.import_preview = None
            raise
        self.screen.import_preview = self._import.plan.preview
        self.screen.message = None
        self.render()

    async def confirm_import(self, button: Any, values: dict[str, str]) -> None:
        if self._import is None or self._import.plan is None:
            return
        made = self._import.plan
        if not made.preview.ready:
            raise ValidationError("Choose kg or lb for the weights in this file first.")
        summary = made.preview.summary()
        if made.record_count:  # a file with nothing new leaves the last import undoable
            await self.store.import_records(made.tables, device_id=self.screen.device_id)
            await db.setMeta(self.store.db, LAST_IMPORT_IDS, json.dumps(made.ids()))
            await db.setMeta(self.store.db, LAST_IMPORT_SUMMARY, summary)
            self._changed()
        self._import = None
        self.screen.import_preview = None
        self.screen.say(summary)
        # Shown at once from what was just written (all new records); the refresh that every
        # write triggers (db.onChange) re-reads the tables after.
        for name, rows in made.tables.items():
            getattr(self.data, name).extend(rows)
        self.screen.last_import = summary if made.record_count else self.screen.last_import
        self.render()

    async def cancel_import(self, button: Any, values: dict[str, str]) -> None:
        self._import = None
        self.screen.import_preview = None
        self.screen.say("Import cancelled; nothing was written.")
        self.render()

    async def undo_import(self, button: Any, values: dict[str, str]) -> None:
        ids = json.loads(to_py_data(await db.getMeta(self.store.db, LAST_IMPORT_IDS)) or "{}")
        stamp = {**self._stamp(), "new_id": id_pool()}
        undone = csv_import.undo(ids, await self.store.dump(), **stamp)
        await db.setMeta(self.store.db, LAST_IMPORT_IDS, None)
        await db.setMeta(self.store.db, LAST_IMPORT_SUMMARY, None)
        workouts = sum(1 for c in undone if c.table == "workoutLogs")
        await self.save(*undone, message=f"Undid the import: removed {workouts:,} workouts.")

    # Account, sync and conflicts
    async def account(self, form: Any, values: dict[str, str]) -> None:
        if self.sync is None:
            return
        try:
            message = await self.sync.sign_in(
                values.get("email", "").strip(),
                values.get("password", ""),
                create=values.get("intent") == "signup",
            )
        except AccountError as err:
            self.screen.say(str(err), ok=False)
            self.render()
            return
        self.screen.say(message)
        await self.refresh()

    async def sign_out(self, button: Any, values: dict[str, str]) -> None:
        if self.sync is not None:
            self.screen.say(await self.sync.sign_out())
        await self.refresh()

    async def _account_action(self, call: Any) -> None:
        """Run one of the account's controls; say what happened (or why not) on the screen."""
        if self.sync is None:
            return
        try:
            self.screen.say(await call(self.sync))
        except AccountError as err:
            self.screen.say(str(err), ok=False)
        await self.refresh()

    async def change_password(self, form: Any, values: dict[str, str]) -> None:
        current, new = values.get("current", ""), values.get("new", "")
        await self._account_action(lambda s: s.change_password(current, new))

    async def load_sessions(self, button: Any, values: dict[str, str]) -> None:
        if self.sync is None:
            return
        try:
            self.account.sessions = await self.sync.sessions()
        except AccountError as err:
            self.screen.say(str(err), ok=False)
        self.render()

    async def end_session(self, button: Any, values: dict[str, str]) -> None:
        session_id = values.get("id", "")
        self.account.sessions = None
        await self._account_action(lambda s: s.end_session(session_id))

    async def sign_out_everywhere(self, button: Any, values: dict[str, str]) -> None:
        self.account.sessions = None
        await self._account_action(lambda s: s.sign_out_everywhere())

    async def delete_account(self, form: Any, values: dict[str, str]) -> None:
        password = values.get("password", "")
        self.account.sessions = None
        await self._account_action(lambda s: s.delete_account(password))

    async def bring_guest_data(self, button: Any, values: dict[str, str]) -> None:
        if self.sync is not None:
            outcome = await self.sync.bring_guest_data()
            self.screen.say(outcome.summary())
        await self.refresh()

    async def keep_guest_data(self, button: Any, values: dict[str, str]) -> None:
        if self.sync is not None:
            self.sync.keep_guest_data()
            self.screen.say("The data made before you signed in stays apart, as guest data.")
        await self.refresh()

    async def sync_now(self, button: Any, values: dict[str, str]) -> None:
        if self.sync is not None:
            await self.sync.sync()
        await self.refresh()

    async def restore_conflict(self, button: Any, values: dict[str, str]) -> None:
        conflict = self._find("conflicts", values["id"])
        table = str(conflict.get("recordTable", ""))
        current = await self.store.get(table, str(conflict.get("recordId", "")))
        made = changes.restore(conflict, current, **self._stamp())
        await self.save(*made, message="Restored your values; they will sync.")

    async def dismiss_conflict(self, button: Any, values: dict[str, str]) -> None:
        conflict = self._find("conflicts", values["id"])
        await self.save(changes.dismiss(conflict, **self._stamp()), message="Dismissed.")

    forms: ClassVar[dict[str, Handler]] = {
        "add-exercise": add_exercise,
        "rename-exercise": rename_exercise,
        "add-set": add_set,
        "edit-set": edit_set,
        "start-program": start_program,
        "add-program": add_program,
        "rename-program": rename_program,
        "add-item": add_item,
        "account": account,
        "change-password": change_password,
        "delete-account": delete_account,
    }
    clicks: ClassVar[dict[str, Handler]] = {
        "delete-exercise": delete_exercise,
        "delete-set": delete_set,
        "delete-program": delete_program,
        "remove-item": remove_item,
        "edit": start_edit,
        "cancel-edit": cancel_edit,
        "pick-exercise": pick_exercise,
        "open-day": open_day,
        "export": export,
        "export-csv": export_csv,
        "confirm-import": confirm_import,
        "cancel-import": cancel_import,
        "undo-import": undo_import,
        "sign-out": sign_out,
        "load-sessions": load_sessions,
        "end-session": end_session,
        "sign-out-everywhere": sign_out_everywhere,
        "bring-guest-data": bring_guest_data,
        "keep-guest-data": keep_guest_data,
        "sync-now": sync_now,
        "restore-conflict": restore_conflict,
        "dismiss-conflict": dismiss_conflict,
    }


def _utc_offset_minutes() -> int:
    """The person's offset from UTC now (JS counts it the other way round)."""
    return -int(js.Date.new().getTimezoneOffset())


@dataclass
class ImportInProgress:
    """A file from another app, read and previewed, waiting for the person's answers."""

    parsed: Parsed
    unit: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    plan: csv_import.Plan | None = None


def _utc(moment: Any) -> datetime:
    return datetime.fromtimestamp(float(moment.getTime()) / 1000, tz=UTC)
