"""Start-up: open the local database, render the local data, then ``data-app-state="ready"``.

Nothing here waits for the network: sync starts in the background after ``ready``.
"""

from __future__ import annotations

import asyncio
from typing import Any

import js  # type: ignore[import-not-found]
import setflow_db as db  # type: ignore[import-not-found]  # app/js/db.mjs

from app.browser import compiled, page, sync
from app.browser.clock import new_id
from app.browser.idb import settled
from app.browser.interop import to_py_data
from app.browser.live_link import LiveLink
from app.browser.local_storage import LocalStorage
from app.browser.tasks import spawn
from app.browser.ui import App
from app.core.capabilities import Capabilities, browser_family
from app.core.device import ensure_device_id
from app.core.storage_failure import StorageError


def _capabilities(persisted: object) -> Capabilities:
    """What this browser offers for keeping the data (read here, judged in app.core)."""
    return Capabilities(
        family=browser_family(str(js.navigator.userAgent)),
        installed=bool(page.facts.get("installed")),  # home-screen app (asked by the page)
        persisted=persisted if isinstance(persisted, bool) else None,
    )


async def _storage_facts(app: App) -> None:
    """Show usage and persistence in Settings, then ask for persistent storage.

    The facts are read before asking: a browser may answer the request only after the person
    answers a prompt (or never, where no prompt can show), and Settings must not wait on it.
    Never delays start-up.
    """
    try:
        for ask in (False, True):
            if ask:
                if app.screen.storage.get("persisted"):
                    return
                await page.ask("persist")  # only a page may ask
            app.screen.storage = to_py_data(await settled(db.storageEstimate)) or {}
            app.screen.capabilities = _capabilities(app.screen.storage.get("persisted"))
            if app.screen.view == "settings":
                app.render()
    except Exception as err:
        js.console.warn(f"Setflow: storage facts unavailable: {err}")


def _start_live(app: App) -> None:
    """Live sync: pokes from the server trigger pulls (``app/browser/live_link.py``)."""
    assert app.sync is not None
    link = LiveLink(app.sync)
    update = app.sync.on_update

    def updated() -> None:
        update()
        link.paint()

    app.sync.on_update = updated
    _kept.append(link)
    link.start()


_kept: list[Any] = []  # what runs for as long as the app does


def _bridges(app: App) -> None:
    """The page's requests: ``setflowRun`` runs Python code beside the running app (the tests
    and the benchmark); ``setflowSync`` is in ``sync.expose``."""

    async def run(message: page.Message) -> None:
        try:
            namespace: dict[str, Any] = {"app": app}
            exec(str(message["code"]), namespace)
            page.reply(message, await namespace["bench"](str(message.get("args") or "{}")))
        except Exception as err:
            page.reply(message, error=f"{type(err).__name__}: {err}")

    page.on("run", lambda message: _kept.append(asyncio.ensure_future(run(message))))


async def start() -> App:
    try:
        settings = LocalStorage()
        device_id = ensure_device_id(settings, new_id)
        store = await sync.open_local_data(settings)
        js.performance.mark("setflow-db-open")
        app = App(store, device_id)
        _bridges(app)
        await app.load()
        js.performance.mark("setflow-data-read")
        app.render()
        js.performance.mark("setflow-rendered")
        app.attach()
        app.sync = sync.controller(store, settings, app.sync_updated, app.use_store)
        app.sync_updated()
        # Which modules came compiled from the start-up snapshot (app/browser/compiled.py).
        page.post("compiled", modules=compiled.served())
        page.set_state("ready")
    except Exception as err:  # any failure must reach the person as a sentence
        said = str(err) if isinstance(err, StorageError) else f"{type(err).__name__}: {err}"
        page.post("error", message=said)
        page.set_state("error")
        raise
    spawn(_storage_facts(app))
    sync.start(app.sync)  # in the background, after ready: never delays the first render
    sync.expose(app.sync)
    _start_live(app)
    return app
