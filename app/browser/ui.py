"""The app: reads the device database, renders the views for the page's ``#view``, refreshes.

Views and their actions are pure (``app.views``); when to re-read and show is
``app.views.refresh``'s rule.  Events arrive through ``dom_events.py``, the view is sent to the
page by ``paint.py``; this module holds the state they share and stores what an action made.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date
from typing import Any

import js  # type: ignore[import-not-found]
import setflow_db as db  # type: ignore[import-not-found]  # app/js/db.mjs
from pyodide.ffi import create_proxy  # type: ignore[import-not-found]

from app.browser import page, paint
from app.browser.clock import new_id, now_ms
from app.browser.dom_events import Events
from app.browser.files import LAST_IMPORT_SUMMARY
from app.browser.idb import IndexedDBStore
from app.browser.kept_screen import notify_state, restore_screen
from app.browser.tasks import spawn
from app.core import storage_keys as keys
from app.core.schema import USER_TABLES
from app.core.sync_controller import SyncController
from app.views import importing, render
from app.views.refresh import RefreshPlan
from app.views.state import Account, Data, Outcome, Screen, Stamp, route


@dataclass
class _Read:
    """One consistent read of the device database, for the screen."""

    data: Data
    pending: int
    guest_records: int
    last_import: str | None


class App:
    def __init__(self, store: IndexedDBStore, device_id: str) -> None:
        self.store = store
        self.screen = Screen(device_id=device_id)
        self.screen.log_date = self.today()
        restore_screen(self.screen)
        self.account = Account()
        self.data = Data()
        self._refresh_task: asyncio.Future[None] | None = None
        self._events = Events(self)
        self._proxies: list[Any] = []
        self._html = ""
        self._refreshes = RefreshPlan()
        self.sync: SyncController | None = None  # set by boot once sync is wired
        self.importing: importing.Pending | None = None  # a file from another app, previewed

    # --- data and rendering -------------------------------------------------------------
    async def load(self) -> None:
        self._take(await self._read())

    async def _read(self) -> _Read:
        while True:
            store = self.store
            tables = await asyncio.gather(*(store.all(t) for t in (*USER_TABLES, "conflicts")))
            pending = await store.outbox_count()
            guest = await self.sync.guest_records() if self.sync is not None else 0
            last_import = await store.get_meta(LAST_IMPORT_SUMMARY)
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

    def changed(self) -> None:
        if self.sync is not None:
            self.sync.local_change()

    def render(self) -> None:
        self.screen.view = route(page.hash())
        self.screen.now = now_ms()
        self.screen.notify = notify_state() if self.screen.notify != "granted" else "granted"
        html = render(self.screen, self.data, self.account)
        # An unchanged screen is left alone, with what is being typed.
        changed = html if html != self._html else None
        self._html = html
        paint.screen(self.screen.view, changed, len(self.data.conflicts))
        self._show_status()

    def _show_status(self) -> None:
        paint.status(self.account.status, self.account.had_account)

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

    # --- events and writing -------------------------------------------------------------
    def attach(self) -> None:
        self._events.attach()
        page.on("hash", lambda _message: self._after_navigation())
        self._proxies.append(create_proxy(self.schedule_refresh))
        db.onChange(self._proxies[-1])

    def _after_navigation(self) -> None:
        self.screen.navigated()
        self.render()
        page.post("scroll_top")

    async def save(self, outcome: Outcome) -> None:
        """Store an action's changes in one transaction, then show its outcome.

        What was written is shown at once from memory (``Data.applied``); the full re-read
        that follows (every table: seconds after years of sets) only catches up the rest.
        """
        todo = [c for c in outcome.changes if c is not None]
        if not todo:
            self.screen.show(outcome)
            await self.refresh()
            return
        await self.store.write(todo)
        self.data = self.data.applied(todo)
        self.changed()
        self.screen.show(outcome)
        self.render()
        self.schedule_refresh()

    def today(self) -> str:
        # The person's local date, not UTC: a workout at 23:30 belongs to that evening.
        now = js.Date.new()
        return date(int(now.getFullYear()), int(now.getMonth()) + 1, int(now.getDate())).isoformat()

    def stamp(self) -> Stamp:
        """What an action needs to make changes (``app.views.state.Stamp``)."""
        return {
            "device_id": self.screen.device_id,
            "now": now_ms(),
            "new_id": new_id,
            "today": self.today(),
        }
