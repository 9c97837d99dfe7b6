"""Live sync in the browser: wires the EventSource, the Web Lock, the BroadcastChannel, timers
and page events to the rules in ``app/core/live_policy.py``, and pulls through the ``SyncController``.

One tab per browser leads: it holds the ``setflow-live`` Web Lock for as long as it is open
(the lock passes to another tab when it closes) and only it keeps a stream.  It tells the
other tabs whether the stream is up over a ``BroadcastChannel``; the data its pulls bring
reaches them through Dexie's change events, as for any sync.
"""

from __future__ import annotations

from typing import Any

import js  # type: ignore[import-not-found]
from pyodide.ffi import create_once_callable, create_proxy  # type: ignore[import-not-found]

from app.browser import page
from app.browser.clock import new_id
from app.browser.interop import is_null
from app.browser.tasks import spawn
from app.core import live_policy as live
from app.core.device import ensure_device_id
from app.core.schema import SCHEMA_VERSION
from app.core.sync_controller import SyncController

LOCK_NAME = "setflow-live"
CHANNEL_NAME = "setflow-live"
CHECK_MS = 1000
BUSY_RETRY_S = 0.5  # a poke's pull found another sync running: try again after it
EVENT_KINDS = ("hello", "poke", "ping", "slow")


def _now() -> float:
    return float(js.Date.now()) / 1000


class LiveLink:
    def __init__(self, controller: SyncController) -> None:
        self.sync = controller
        self.policy = live.StreamPolicy()
        self.pulls = live.PullTimer()
        self.source: Any = None
        self.remote_live = False  # the leading tab (another one) says its stream is up
        self._pull_timer: Any = None
        self.wanted = 0  # the highest version a poke announced that this device may lack
        self._proxies: list[Any] = []
        self.channel: Any = None

    # --- wiring ---------------------------------------------------------------------------
    def _proxy(self, fn: Any) -> Any:
        proxy = create_proxy(fn)
        self._proxies.append(proxy)
        return proxy

    def start(self) -> None:
        if not hasattr(js, "EventSource"):
            return  # no streams at all here: the periodic sync does the work
        if hasattr(js, "BroadcastChannel"):
            self.channel = js.BroadcastChannel.new(CHANNEL_NAME)
            self.channel.addEventListener("message", self._proxy(self._on_broadcast))
            self.channel.postMessage("ask")
        js.addEventListener("online", self._proxy(lambda _e: self._network(True)))
        js.addEventListener("offline", self._proxy(lambda _e: self._network(False)))
        page.on("visibility", lambda _message: self._visible())
        self.policy.network(bool(js.navigator.onLine), _now())
        self._visible()
        js.setInterval(self._proxy(self.check), CHECK_MS)
        locks = getattr(js.navigator, "locks", None)
        if locks is None or is_null(locks):
            self._lead(None)
            return
        # Held until this tab closes: the promise the callback returns never settles.
        locks.request(LOCK_NAME, self._proxy(self._lead))

    def _lead(self, _lock: Any) -> Any:
        self.policy.leader = True
        page.post("attr", name="data-live-leader", value="true")
        self.check()
        return js.Promise.new(self._proxy(lambda _resolve, _reject: None))

    def _network(self, online: bool) -> None:
        self.policy.network(online, _now())
        self.check()

    def _visible(self) -> None:
        self.policy.visibility(page.visible(), _now())
        self.check()

    # --- the stream -----------------------------------------------------------------------
    def check(self) -> None:
        self.policy.signed_in = bool(self.sync.email)
        action = self.policy.check(_now())
        if action == "open":
            self._open()
        elif action in ("close", "restart"):
            self._close()
            if action == "close":
                self.policy.closed()
            self._announce()

    def _open(self) -> None:
        self.policy.opening(_now())
        source = js.EventSource.new(f"{live.EVENTS_PATH}?schema={SCHEMA_VERSION}")
        for kind in EVENT_KINDS:
            source.addEventListener(kind, self._proxy(lambda e, kind=kind: self._event(kind, e)))
        source.addEventListener("error", self._proxy(lambda _e: self._broke()))
        self.source = source

    def _close(self) -> None:
        if self.source is not None:
            self.source.close()
            self.source = None

    def _broke(self) -> None:
        # The browser would retry on its own schedule; the policy decides instead.
        self._close()
        self.policy.broke(_now())
        self._announce()

    def _event(self, kind: str, event: Any) -> None:
        parsed = live.parse_event(kind, str(event.data))
        if parsed is None:
            return
        was_live = self.policy.live
        self.policy.event(parsed, _now())
        if isinstance(parsed, live.Slow):
            self.pulls.slow = parsed.wait
        elif isinstance(parsed, live.Hello | live.Poke):
            if isinstance(parsed, live.Hello):
                self.pulls.slow = parsed.slow
            spawn(self._maybe_pull(parsed))
        if self.policy.live != was_live:
            self._announce()

    # --- pulls ----------------------------------------------------------------------------
    async def _maybe_pull(self, event: live.Hello | live.Poke) -> None:
        cursor = await self.sync.store.cursor()
        device_id = ensure_device_id(self.sync.settings, new_id)
        if live.needs_pull(event, cursor, device_id):
            self.wanted = max(self.wanted, event.version)
            self._plan(self.pulls.poke(_now()))

    def _plan(self, delay: float) -> None:
        if self._pull_timer is not None:
            js.clearTimeout(self._pull_timer)
        callback = create_once_callable(lambda: spawn(self._pull()))
        self._pull_timer = js.setTimeout(callback, int(delay * 1000))

    async def _pull(self) -> None:
        self._pull_timer = None
        self.pulls.fired()
        if await self.sync.store.cursor() >= self.wanted:
            return  # a sync since the poke already brought it
        if await self.sync.sync() is None:  # another sync was running: it may predate the poke
            self._plan(BUSY_RETRY_S)

    # --- telling the person and the other tabs ---------------------------------------------
    @property
    def live(self) -> bool:
        return self.policy.live if self.policy.leader else self.remote_live

    def _announce(self) -> None:
        if self.channel is not None and self.policy.leader:
            self.channel.postMessage("live" if self.policy.live else "not-live")
        self.paint()

    def _on_broadcast(self, event: Any) -> None:
        message = str(event.data)
        if message == "ask":
            if self.policy.leader:
                self._announce()
        elif message in ("live", "not-live"):
            self.remote_live = message == "live"
            self.paint()

    def paint(self) -> None:
        page.post("live", live=self.live, shown=live.shows_live(self.sync.status, self.live))
