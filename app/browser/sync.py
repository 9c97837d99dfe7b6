"""When and how this device syncs: in the background, one tab at a time, never blocking a person.

Triggers: after start-up (once ``ready``), when the browser comes back online, shortly after a
local change, every minute while the app is visible, and on "Sync now".  A failure is a quiet
status line, retried with backoff and jitter; never a dialog.  Web Locks make sure only one tab
syncs at a time; the others see the new data through Dexie's change events and the new
last-synced time through the ``storage`` event.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, MutableMapping
from typing import Any

import js  # type: ignore[import-not-found]
from pyodide.ffi import create_once_callable, create_proxy  # type: ignore[import-not-found]
from pyscript.js_modules import setflow_db as db  # type: ignore[import-not-found]

from app.browser.interop import attr, is_null, to_js_data
from app.browser.tasks import spawn
from app.browser.transport import AccountError, FetchTransport, account_request
from app.core import status
from app.core.backoff import Backoff
from app.core.device import LAST_SYNCED_KEY
from app.core.engine import SyncEngine, SyncResult
from app.core.store import Store
from app.core.transport import OfflineError

ACCOUNT_KEY = "setflow-account"  # the signed-in email, so an offline start knows it
SYNCED_ACCOUNT_KEY = "setflow-synced-account"  # whose data the pull cursor belongs to
LOCK_NAME = "setflow-sync"
CHANGE_DELAY_S = 1.5
PERIOD_S = 60.0


class SyncController:
    def __init__(
        self,
        store: Store,
        settings: MutableMapping[str, str],
        on_update: Callable[[], None],
    ) -> None:
        self.store = store
        self.settings = settings
        self.engine = SyncEngine(store, FetchTransport(), settings, lambda: js.Date.now() / 1000)
        self.on_update = on_update
        self.backoff = Backoff()
        self.status = status.SYNCING if self.email else status.NOT_SIGNED_IN
        self.busy = False
        self.last_result: SyncResult | None = None
        self._timer: Any = None
        self._proxies: list[Any] = []

    @property
    def email(self) -> str | None:
        return self.settings.get(ACCOUNT_KEY) or None

    @property
    def last_synced_at(self) -> str | None:
        return self.settings.get(LAST_SYNCED_KEY)

    # --- triggers -------------------------------------------------------------------------
    def start(self) -> None:
        def on(target: Any, kind: str, handler: Callable[[Any], None]) -> None:
            proxy = create_proxy(handler)
            self._proxies.append(proxy)
            target.addEventListener(kind, proxy)

        on(js.window, "online", lambda _e: self.soon(0))
        on(js.window, "offline", lambda _e: self._set_status(status.OFFLINE))
        on(js.document, "visibilitychange", lambda _e: self._on_visible())
        on(js.window, "storage", self._on_storage)
        if self.email:
            self.soon(0)

    def _on_visible(self) -> None:
        if js.document.visibilityState == "visible":
            self.soon(0)

    def _on_storage(self, event: Any) -> None:
        # Another tab synced or signed in/out: show what it found.
        if str(event.key) in (LAST_SYNCED_KEY, ACCOUNT_KEY):
            if not self.email:
                self.status = status.NOT_SIGNED_IN
            elif str(event.key) == LAST_SYNCED_KEY:
                self.status = status.SYNCED
            self.on_update()

    def local_change(self) -> None:
        self.soon(CHANGE_DELAY_S)

    def soon(self, delay: float) -> None:
        """Sync after ``delay`` seconds, replacing any sync already planned."""
        if not self.email:
            return
        if self._timer is not None:
            js.clearTimeout(self._timer)
        callback = create_once_callable(lambda: spawn(self.sync()))
        self._timer = js.setTimeout(callback, int(delay * 1000))

    # --- syncing --------------------------------------------------------------------------
    async def sync(self) -> SyncResult | None:
        """One full sync (pull, then push) if this tab gets the lock; None if another has it."""
        if not self.email or self.busy:
            return None
        self._timer = None
        result = await db.withLock(LOCK_NAME, create_once_callable(self._locked_sync))
        return None if is_null(result) else self.last_result

    async def _locked_sync(self, _lock: Any = None) -> bool:
        self.busy = True
        self._set_status(status.SYNCING)
        try:
            result = await self.engine.full_sync()
        except Exception as err:  # a bug, not the network: say so quietly and try again later
            js.console.error(f"Setflow sync: {type(err).__name__}: {err}")
            self.busy = False
            self._set_status(status.FAILED)
            self.soon(self.backoff.failed())
            return True
        finally:
            self.busy = False
        self.last_result = result
        # How many syncs this tab has finished: lets a test or benchmark wait for the next one.
        root = js.document.documentElement
        root.setAttribute("data-syncs", str(int(attr(root, "data-syncs") or 0) + 1))
        if result.status == status.NOT_SIGNED_IN:  # the session ended on the server
            self.settings.pop(ACCOUNT_KEY, None)
        if result.status == status.UPDATE_NEEDED:
            # The server moved on: fetch the new app version now; the outbox waits for it.
            check = getattr(js.window, "setflowCheckForUpdate", None)
            if not is_null(check):
                check()
        self._set_status(result.status)
        if result.ok:
            self.backoff.succeeded()
            if js.document.visibilityState == "visible":
                self.soon(PERIOD_S)
        elif result.status not in status.NEEDS_PERSON:
            self.soon(self.backoff.failed())
        self.on_update()
        return True

    def _set_status(self, text: str) -> None:
        self.status = text
        self.on_update()

    # --- account --------------------------------------------------------------------------
    async def sign_in(self, email: str, password: str, *, create: bool) -> str:
        """Sign up or in; keeps this device's data and syncs it up.  Returns a sentence."""
        try:
            answer = await account_request(
                "signup" if create else "login", {"email": email, "password": password}
            )
        except OfflineError:
            raise AccountError("The server cannot be reached. Try again when online.") from None
        signed_in = str(answer.get("email") or email)
        if self.settings.get(SYNCED_ACCOUNT_KEY) not in (None, signed_in):
            # This device last synced another account: pull this one's data from the start.
            await self.store.reset_cursor()  # type: ignore[attr-defined]
        self.settings[SYNCED_ACCOUNT_KEY] = signed_in
        self.settings[ACCOUNT_KEY] = signed_in
        self.backoff.succeeded()
        spawn(self.sync())
        return f"Signed in as {signed_in}. Your data on this device will sync."

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
        self._forget_account()
        return "Signed out on every device. Your data stays on this device."

    async def delete_account(self, password: str) -> str:
        await self._account_call("delete", {"password": password})
        self.settings.pop(SYNCED_ACCOUNT_KEY, None)
        self._forget_account()
        return "Your account and its data on the server are deleted. This device keeps its copy."

    def _forget_account(self) -> None:
        self.settings.pop(ACCOUNT_KEY, None)
        if self._timer is not None:
            js.clearTimeout(self._timer)
            self._timer = None
        self._set_status(status.NOT_SIGNED_IN)

    async def sign_out(self) -> str:
        # Offline, the server session outlives this (the cookie is HttpOnly); the device
        # forgets the account now, and the next sign-in replaces the cookie.
        with contextlib.suppress(AccountError, OfflineError):
            await account_request("logout", {})
        self.settings.pop(ACCOUNT_KEY, None)
        if self._timer is not None:
            js.clearTimeout(self._timer)
            self._timer = None
        self._set_status(status.NOT_SIGNED_IN)
        return "Signed out. Your data stays on this device; it no longer syncs."


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
