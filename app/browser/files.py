"""Settings → Export and Import: reading the chosen file, downloading, and the device database.

What the person reads, file names and the import's plan are decided in ``app.views.importing``.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import js  # type: ignore[import-not-found]

from app.browser import page
from app.browser.clock import id_pool, now_ms
from app.core import csv_export, csv_import, exchange, formats
from app.views import importing
from app.views.state import Event, Outcome

if TYPE_CHECKING:
    from app.browser.dom_events import Target
    from app.browser.ui import App

# The last CSV import, kept in the device database's meta table for "Undo last import".
LAST_IMPORT_IDS = "lastImportIds"
LAST_IMPORT_SUMMARY = "lastImportSummary"


def utc_offset_minutes() -> int:
    """The person's offset from UTC now (JS counts it the other way round)."""
    return -int(js.Date.new().getTimezoneOffset())


async def export(app: App, event: Event, button: Target) -> None:
    tables = await app.store.dump()
    moment = datetime.fromtimestamp(float(js.Date.new().getTime()) / 1000, tz=UTC)
    exported = exchange.build_export(tables, device_id=app.screen.device_id, exported_at=moment)
    filename = exchange.export_filename(date.fromisoformat(app.today()))
    page.post("download", filename=filename, text=exchange.dumps(exported), type="application/json")
    app.screen.say(importing.exported(tables, filename))
    app.render()


async def export_csv(app: App, event: Event, button: Target) -> None:
    layout = importing.csv_layout(event.id)
    tables = await app.store.dump()
    write = csv_export.hevy_csv if layout == "hevy" else csv_export.strong_csv
    filename = importing.csv_filename(layout, app.today())
    page.post(
        "download", filename=filename, text=write(tables, utc_offset_minutes()), type="text/csv"
    )
    app.screen.say(f"Exported your workouts to {filename}.")
    app.render()


async def import_file(app: App, event: Event, picker: Target) -> None:
    if picker.file is None:  # the picker closed without a choice
        return
    text = picker.file
    app.importing = None
    app.screen.import_preview = None
    if formats.detect(text) != formats.SETFLOW:
        # Another app's file: read it, then show what it holds; nothing is written yet.
        app.importing = importing.Pending(formats.parse(text))
        _preview(app)
        return
    plan = exchange.parse_import(text)
    outcome = await app.store.import_records(plan.tables, device_id=app.screen.device_id)
    app.changed()
    app.screen.say(outcome.summary())
    await app.refresh()


async def import_unit(app: App, event: Event, select: Target) -> None:
    if app.importing is not None:
        app.importing.unit = event.value
        _preview(app)


async def import_map(app: App, event: Event, select: Target) -> None:
    if app.importing is not None:
        app.importing.mapping[event.id] = event.value
        _preview(app)


def _preview(app: App) -> None:
    assert app.importing is not None
    try:
        app.importing.plan = importing.plan(
            app.importing,
            app.data,
            device_id=app.screen.device_id,
            now=now_ms(),
            new_id=id_pool(),
            utc_offset_minutes=utc_offset_minutes(),
        )
    except exchange.ImportRefused:
        app.importing = None
        app.screen.import_preview = None
        raise
    app.screen.import_preview = app.importing.plan.preview
    app.screen.message = None
    app.render()


async def confirm_import(app: App, event: Event, button: Target) -> None:
    if app.importing is None or app.importing.plan is None:
        return
    made = app.importing.plan
    summary = importing.ready(made)
    if made.record_count:  # a file with nothing new leaves the last import undoable
        await app.store.import_records(made.tables, device_id=app.screen.device_id)
        await app.store.set_meta(LAST_IMPORT_IDS, json.dumps(made.ids()))
        await app.store.set_meta(LAST_IMPORT_SUMMARY, summary)
        app.changed()
    app.importing = None
    importing.show_imported(app.data, app.screen, made, summary)
    app.render()


async def cancel_import(app: App, event: Event, button: Target) -> None:
    app.importing = None
    importing.cancelled(app.screen)
    app.render()


async def undo_import(app: App, event: Event, button: Target) -> None:
    ids = json.loads(await app.store.get_meta(LAST_IMPORT_IDS) or "{}")
    tables = await app.store.dump()
    undone = csv_import.undo(
        ids, tables, device_id=app.screen.device_id, now=now_ms(), new_id=id_pool()
    )
    await app.store.set_meta(LAST_IMPORT_IDS, None)
    await app.store.set_meta(LAST_IMPORT_SUMMARY, None)
    app.screen.undo = []
    await app.save(Outcome(list(undone), importing.undone_message(undone)))


HANDLERS = {
    "export": export,
    "export_csv": export_csv,
    "import_file": import_file,
    "import_unit": import_unit,
    "import_map": import_map,
    "confirm_import": confirm_import,
    "cancel_import": cancel_import,
    "undo_import": undo_import,
}
