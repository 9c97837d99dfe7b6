"""This device's syncs in the browser: the events, the lock, the timer and the local databases.

What a sync does and when is the pure policy of ``app.core.sync_controller`` and
``app.core.scheduler``; this module is their ``Device`` in the app's worker and wires the
``online``/``offline`` events and the page's ``visibilitychange``/``storage`` events to them.  Web Locks let only one
tab sync at a time (the others see the new data through Dexie's change events and the new
last-synced time through the ``storage`` event).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, MutableMapping
from typing import Any

import js  # type: ignore[import-not-found]
import setflow_db as db  # type: ignore[import-not-found]  # app/js/db.mjs
from pyodide.ffi import create_once_callable, create_proxy  # type: ignore[import-not-found]

from app.browser import page
from app.browser.fetch_transport import FetchTransport, account_request
from app.browser.idb import IndexedDBStore, settled
from app.browser.interop import is_null
from app.browser.tasks import spawn
from app.core import sync_controller
from app.core.storage_failure import StorageError
from app.core.sync_controller import LocalData, SyncController
from app.core.transport import Transport

LOCK_NAME = "setflow-sync"


class _BrowserTimer:
    """``app.core.scheduler.Timer`` on ``setTimeout``."""

    def start(self, delay_s: float, callback: Callable[[], None]) -> Any:
        return js.setTimeout(create_once_callable(callback), int(delay_s * 1000))

    def cancel(self, handle: Any) -> None:
        js.clearTimeout(handle)


class BrowserDevice:
    """``app.core.sync_controller.Device`` in the page."""

    def __init__(self) -> None:
        self.timer = _BrowserTimer()
        self.proxies: list[Any] = []  # kept alive as long as the page

    def now(self) -> float:
        return float(js.Date.now()) / 1000

    def visible(self) -> bool:
        return page.visible()

    def transport(self) -> Transport:
        return FetchTransport()

    async def open(self, name: str) -> LocalData:
        return await IndexedDBStore(name).open()

    async def move_all(self, source: str, target: str) -> None:
        await settled(db.moveAll, source, target)

    async def account_request(
        self, path: str, body: dict[str, str] | None = None, method: str | None = None
    ) -> dict[str, Any]:
        return await account_request(path, body, method)

    async def with_lock(self, run: Callable[[], Awaitable[None]]) -> bool:
        ran = False

        async def locked(_lock: Any = None) -> bool:
            nonlocal ran
            ran = True
            await run()
            return True

        try:
            return not is_null(await settled(db.withLock, LOCK_NAME, create_once_callable(locked)))
        except StorageError as err:  # the lock itself failed: sync as where Web Locks are missing
            self.report(f"Setflow sync lock: {err.name}: {err.detail}")
            if not ran:
                await run()
            return True

    def spawn(self, work: Coroutine[Any, Any, Any]) -> None:
        spawn(work)

    def synced(self) -> None:
        # How many syncs this tab has finished: lets a test or benchmark wait for the next one.
        page.post("synced")

    def check_for_update(self) -> None:
        page.post("check_update")

    def report(self, text: str) -> None:
        js.console.error(text)


async def open_local_data(settings: MutableMapping[str, str]) -> LocalData:
    """The signed-in account's local database (or the guest's), an old device upgraded."""
    return await sync_controller.open_local_data(settings, BrowserDevice())


def controller(
    store: LocalData,
    settings: MutableMapping[str, str],
    on_update: Callable[[], None],
    on_store: Callable[[LocalData], None],
) -> SyncController:
    return SyncController(store, settings, BrowserDevice(), on_update, on_store)


def start(sync: SyncController) -> None:
    """Wire the page's events to ``sync``, and sync now if someone is signed in."""
    proxies = _proxies(sync)

    def on(target: Any, kind: str, handler: Callable[[Any], None]) -> None:
        proxy = create_proxy(handler)
        proxies.append(proxy)
        target.addEventListener(kind, proxy)

    on(js, "online", lambda _e: sync.online())  # the worker's own global has these two
    on(js, "offline", lambda _e: sync.offline())
    page.on("visibility", lambda _message: sync.visibility_changed())
    page.on("storage", lambda message: sync.storage_changed(str(message.get("key"))))
    sync.started()


def expose(sync: SyncController) -> None:
    """``window.setflowSync()`` runs a sync now and resolves to its result (tests, benchmarks)."""

    async def run(message: page.Message) -> None:
        result = await sync.sync()
        if result is None:
            page.reply(message, None)
        else:
            page.reply(message, {k: getattr(result, k) for k in result.__dataclass_fields__})

    page.on("sync", lambda message: spawn(run(message)))


def _proxies(sync: SyncController) -> list[Any]:
    device = sync.device
    assert isinstance(device, BrowserDevice)
    return device.proxies
