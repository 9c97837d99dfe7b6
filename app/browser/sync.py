"""This device's syncs in the browser: the events, the lock and the account's local data.

When to sync and what a sync's end means is the pure policy of ``app.core.scheduler``; this
module wires the browser to it: ``online``/``offline``/``visibilitychange``/``storage`` events,
``setTimeout``, and Web Locks, so only one tab syncs at a time (the others see the new data
through Dexie's change events and the new last-synced time through the ``storage`` event).
A failure is a quiet status line, never a dialog.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, MutableMapping
from typing import Any

import js  # type: ignore[import-not-found]
from pyodide.ffi import create_once_callable, create_proxy  # type: ignore[import-not-found]
from pyscript.js_modules import setflow_db as db  # type: ignore[import-not-found]

from app.browser.fetch_transport import AccountError, FetchTransport, account_request
from app.browser.idb import IndexedDBStore
from app.browser.interop import attr, is_null, to_js_data
from app.browser.tasks import spawn
from app.core import account, status
from app.core import storage_keys as keys
from app.core.engine import SyncEngine, SyncResult
from app.core.importer import ImportOutcome
from app.core.scheduler import Outcome, Scheduler
from app.core.transport import OfflineError

LOCK_NAME = "setflow-sync"


class _BrowserTimer:
    """``app.core.scheduler.Timer`` on ``setTimeout``."""

    def start(self, delay_s: float, callback: Callable[[], None]) -> Any:
        return js.setTimeout(create_once_callable(callback), int(delay_s * 1000))

    def cancel(self, handle: Any) -> None:
        js.clearTimeout(handle)


async def open_local_data(settings: MutableMapping[str, str]) -> IndexedDBStore:
    """The signed-in account's local database (or the guest's), after upgrading an old device.

    An older app version kept one database for everything; what it holds belongs to the account
    that last synced it, so it moves into that account's database, queued changes included.
    """
    owner = account.legacy_owner(settings)
    if owner is not None:
        settings[keys.HAD_ACCOUNT] = "1"
        await db.moveAll(account.GUEST_DATABASE, account.database_name(owner))
    settings[keys.LAYOUT] = account.LAYOUT
    settings.pop(keys.LEGACY_SYNCED, None)
    return await IndexedDBStore(account.database_name(account.signed_in(settings))).open()


class SyncController:
    def __init__(
        self,
        store: IndexedDBStore,
        settings: MutableMapping[str, str],
        on_update: Callable[[], None],
        on_store: Callable[[IndexedDBStore], None] = lambda _store: None,
    ) -> None:
        self.store = store
        self.settings = settings
        self.on_store = on_store  # the app shows another account's (or the guest's) data
        self.engine = self._engine_for(store)
        self.on_update = on_update
        self.scheduler = Scheduler(
            _BrowserTimer(), lambda: spawn(self.sync()), lambda: bool(self.email)
        )
        self.status = status.SYNCING if self.email else status.NOT_SIGNED_IN
        self.busy = False
        self.last_result: SyncResult | None = None
        self._proxies: list[Any] = []

    @property
    def email(self) -> str | None:
        return self.settings.get(keys.ACCOUNT) or None

    def _engine_for(self, store: IndexedDBStore) -> SyncEngine:
        bound = account.signed_in(self.settings)

        def still_signed_in() -> bool:
            # Another tab (or this one) signed out or in as someone else: the session cookie
            # is no longer this data's, so not one more page or batch may cross.
            return bound is not None and account.signed_in(self.settings) == bound

        return SyncEngine(
            store,
            FetchTransport(),
            self.settings,
            lambda: js.Date.now() / 1000,
            still_signed_in=still_signed_in,
        )

    async def _use(self, store: IndexedDBStore) -> None:
        """Show and sync ``store`` (another account's data, or the guest's) from now on."""
        if store.name == self.store.name:
            return
        self.store = store
        self.engine = self._engine_for(store)
        self.settings.pop(keys.LAST_SYNCED, None)
        self.on_store(store)

    async def follow_account(self) -> None:
        """Open the data of whoever is signed in now (after another tab signed in or out)."""
        name = account.database_name(account.signed_in(self.settings))
        if name != self.store.name:
            await self._use(await IndexedDBStore(name).open())
        if not self.email:
            self.status = status.NOT_SIGNED_IN
            self.scheduler.cancel()
        self.on_update()

    @property
    def last_synced_at(self) -> str | None:
        return self.settings.get(keys.LAST_SYNCED)

    # --- triggers -------------------------------------------------------------------------
    def start(self) -> None:
        def on(target: Any, kind: str, handler: Callable[[Any], None]) -> None:
            proxy = create_proxy(handler)
            self._proxies.append(proxy)
            target.addEventListener(kind, proxy)

        on(js.window, "online", lambda _e: self.scheduler.online())
        on(js.window, "offline", lambda _e: self._set_status(status.OFFLINE))
        on(js.document, "visibilitychange", lambda _e: self.scheduler.visible(_visible()))
        on(js.window, "storage", self._on_storage)
        self.scheduler.started()

    def _on_storage(self, event: Any) -> None:
        # Another tab synced or signed in/out: show what it found, from the right database.
        key = str(event.key)
        if key in (keys.ACCOUNT, keys.ACCOUNT_ID, keys.GUEST_OFFER):
            spawn(self.follow_account())
        elif key == keys.LAST_SYNCED and self.email:
            self.status = status.SYNCED
            self.on_update()

    def local_change(self) -> None:
        self.scheduler.local_change()

    def soon(self, delay: float) -> None:
        self.scheduler.soon(delay)

    # --- syncing --------------------------------------------------------------------------
    async def sync(self) -> SyncResult | None:
        """One full sync (pull, then push) if this tab gets the lock; None if another has it."""
        if not self.email or self.busy:
            return None
        if account.database_name(account.signed_in(self.settings)) != self.store.name:
            await self.follow_account()  # signed in without this tab hearing of it
        result = await db.withLock(LOCK_NAME, create_once_callable(self._locked_sync))
        return None if is_null(result) else self.last_result

    async def _locked_sync(self, _lock: Any = None) -> bool:
        self.busy = True
        self._set_status(status.SYNCING)
        engine = self.engine
        try:
            result = await engine.full_sync()
        except Exception as err:  # a bug, not the network: say so quietly and try again later
            js.console.error(f"Setflow sync: {type(err).__name__}: {err}")
            self.busy = False
            if not engine.still_signed_in():
                return self._account_changed()
            self._set_status(self.scheduler.crashed().status)
            return True
        finally:
            self.busy = False
        self.last_result = result
        # How many syncs this tab has finished: lets a test or benchmark wait for the next one.
        root = js.document.documentElement
        root.setAttribute("data-syncs", str(int(attr(root, "data-syncs") or 0) + 1))
        if not engine.still_signed_in():
            return self._account_changed()
        outcome: Outcome = self.scheduler.finished(result, visible=_visible())
        if outcome.forget_sign_in:
            # The session ended on the server: this account's data stays, out of sight.
            account.forget_sign_in(self.settings)
            await self.follow_account()
        if outcome.check_for_update:
            # The server moved on: fetch the new app version now; the outbox waits for it.
            check = getattr(js.window, "setflowCheckForUpdate", None)
            if not is_null(check):
                check()
        self._set_status(outcome.status)
        return True

    def _account_changed(self) -> bool:
        self._set_status(self.scheduler.account_changed().status)
        return True

    def _set_status(self, text: str) -> None:
        self.status = text
        self.on_update()

    # --- account --------------------------------------------------------------------------
    async def sign_in(self, email: str, password: str, *, create: bool) -> str:
        """Sign up or in, and show that account's own data.  Returns a sentence.

        Data made before signing in (the guest's) stays apart until the person chooses.
        """
        try:
            answer = await account_request(
                "signup" if create else "login", {"email": email, "password": password}
            )
        except OfflineError:
            raise AccountError("The server cannot be reached. Try again when online.") from None
        answer.setdefault("email", email)
        guest = self.store if self.store.name == account.GUEST_DATABASE else None
        chosen = account.remember_sign_in(self.settings, answer)
        guest_records = 0
        if guest is not None:
            records, pending = await guest.holds()
            guest_records = records or pending
        if guest_records:
            self.settings[keys.GUEST_OFFER] = chosen
        await self._use(await IndexedDBStore(account.database_name(chosen)).open())
        self.scheduler.backoff.succeeded()
        spawn(self.sync())
        text = f"Signed in as {self.email}."
        if guest_records:
            text += " " + account.guest_offer(guest_records) + " Choose below what to do with it."
        return text

    async def guest_records(self) -> int:
        """How much guest data waits for the person's choice (0: none, or no choice to make)."""
        if self.settings.get(keys.GUEST_OFFER) != account.signed_in(self.settings):
            return 0
        guest = await IndexedDBStore(account.GUEST_DATABASE).open()
        records, pending = await guest.holds()
        return records or pending

    async def bring_guest_data(self) -> ImportOutcome:
        """The person chose to add the guest's data to the signed-in account's."""
        guest = await IndexedDBStore(account.GUEST_DATABASE).open()
        outcome = await self.store.import_records(
            await guest.dump(), device_id=self.settings.get(keys.DEVICE_ID, "")
        )
        await guest.clear()
        self.settings.pop(keys.GUEST_OFFER, None)
        self.soon(0)
        return outcome

    def keep_guest_data(self) -> None:
        self.settings.pop(keys.GUEST_OFFER, None)

    async def _account_call(
        self, path: str, body: dict[str, str] | None = None, method: str | None = None
    ) -> dict[str, Any]:
        try:
            return await account_request(path, body, method)
        except OfflineError:
            raise AccountError("The server cannot be reached. Try again when online.") from None

    async def change_password(self, current: str, new: str) -> str:
        await self._account_call("password", {"currentPassword": current, "newPassword": new})
        return "Password changed. Your other devices are signed out."

    async def sessions(self) -> list[dict[str, Any]]:
        answer = await self._account_call("sessions")
        found = answer.get("sessions")
        return list(found) if isinstance(found, list) else []

    async def end_session(self, session_id: str) -> str:
        await self._account_call(f"sessions/{session_id}", method="DELETE")
        return "That device is signed out."

    async def sign_out_everywhere(self) -> str:
        await self._account_call("logout-everywhere", {})
        await self._forget_account()
        return "Signed out on every device. Your data stays on this device."

    async def delete_account(self, password: str) -> str:
        await self._account_call("delete", {"password": password})
        await self._forget_account(keep_copy=True)
        return "Your account and its data on the server are deleted. This device keeps its copy."

    async def _forget_account(self, *, keep_copy: bool = False) -> None:
        """Signed out by the server's doing: show the guest's data.  ``keep_copy`` (the account
        is gone): the account's data joins the guest's, so this device keeps showing it."""
        account.forget_sign_in(self.settings)
        self.scheduler.cancel()
        guest = await IndexedDBStore(account.GUEST_DATABASE).open()
        if keep_copy:
            await guest.import_records(
                await self.store.dump(), device_id=self.settings.get(keys.DEVICE_ID, "")
            )
        await self._use(guest)
        self._set_status(status.NOT_SIGNED_IN)

    async def sign_out(self) -> str:
        """Switch to the guest's data; this account's data (and unsynced changes) stay here."""
        pending = await self.store.outbox_count()
        email = self.email
        # Forget first: a sync running in any tab stops before its next request.
        account.forget_sign_in(self.settings)
        self.scheduler.cancel()
        # Offline, the server session outlives this (the cookie is HttpOnly); the next sign-in
        # replaces the cookie.
        with contextlib.suppress(AccountError, OfflineError):
            await account_request("logout", {})
        await self._use(await IndexedDBStore(account.GUEST_DATABASE).open())
        self._set_status(status.NOT_SIGNED_IN)
        return account.sign_out_message(pending, email)


def _visible() -> bool:
    return str(js.document.visibilityState) == "visible"


def expose(controller: SyncController) -> None:
    """``window.setflowSync()`` runs a sync now and resolves to its result (tests, benchmarks)."""

    async def run() -> Any:
        result = await controller.sync()
        if result is None:
            return None
        return to_js_data({k: getattr(result, k) for k in result.__dataclass_fields__})

    proxy = create_proxy(lambda: asyncio.ensure_future(run()))
    controller._proxies.append(proxy)
    js.window.setflowSync = proxy
