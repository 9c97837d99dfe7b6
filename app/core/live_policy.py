"""Live sync's rules: when this browser holds a stream open, and when a poke becomes a pull.

The browser adapter (``app/browser/live_link.py``) only reports what happened (the stream opened, an
event arrived, it broke, the page was hidden, the network went away) with the time, and does
what these objects answer.  Everything here is pure and takes the clock as an argument.

* One stream per browser: only the tab that leads (holds the live Web Lock) opens one.
* A poke is a hint, never data: the device pulls to learn what changed.  A poke made by this
  very device, or one at or below the cursor, needs no pull.  A burst of pokes costs one pull
  (``PullTimer``).
* A broken stream reconnects after a backoff with full jitter (``Backoff``); offline or signed
  out, nothing is tried; hidden for long, the stream closes and reopens on return.
* A stream that opens but never says hello sits behind a proxy that buffers it: after a couple
  of such tries the browser stops trying and the periodic sync (polling) carries on alone.
* A stream silent for a few heartbeats is dead (a network change can leave it half-open).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from app.core.backoff import Backoff
from app.core.status import SYNCED

EVENTS_PATH = "/api/sync/events"
# A poke waits this long for others before pulling, but never more than MAX_WAIT_S in all.
DEBOUNCE_S = 0.05
MAX_WAIT_S = 1.0
HELLO_TIMEOUT_S = 10.0  # an open stream with no hello by then is being buffered
BUFFERED_TRIES = 2  # buffered this many times in a row: give up streaming, keep polling
HIDDEN_CLOSE_S = 300.0  # a page hidden this long closes its stream (reopened when shown)
DEAD_HEARTBEATS = 2.5  # no event for this many heartbeats: the stream is dead


@dataclass(frozen=True)
class Hello:
    version: int
    heartbeat: float
    slow: float


@dataclass(frozen=True)
class Poke:
    version: int
    by: str | None


@dataclass(frozen=True)
class Slow:
    wait: float


@dataclass(frozen=True)
class Ping:
    pass


Event = Hello | Poke | Slow | Ping


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if value >= 0 else None


def parse_event(kind: str, data: str) -> Event | None:
    """One server-sent event, or None when it is not one this app knows (it is then ignored)."""
    try:
        body = json.loads(data)
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    if kind == "ping":
        return Ping()
    if kind == "slow":
        wait = _number(body.get("wait"))
        return None if wait is None else Slow(min(wait, 300.0))
    version = body.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        return None
    if kind == "poke":
        by = body.get("by")
        return Poke(version, by if isinstance(by, str) else None)
    if kind == "hello":
        heartbeat = _number(body.get("heartbeat")) or 15.0
        return Hello(version, heartbeat, min(_number(body.get("slow")) or 0.0, 300.0))
    return None


def needs_pull(event: Hello | Poke, cursor: int, device_id: str) -> bool:
    """Whether a hello or poke may bring something this device has not pulled yet."""
    if isinstance(event, Poke) and event.by is not None and event.by == device_id:
        return False  # this device's own push: it already has what it pushed
    return event.version > cursor


class PullTimer:
    """Debounce: the first poke of a burst plans a pull; later pokes move it, within a limit."""

    def __init__(self, *, debounce: float = DEBOUNCE_S, max_wait: float = MAX_WAIT_S) -> None:
        self.debounce = debounce
        self.max_wait = max_wait
        self.slow = 0.0  # the server asked devices to wait this long before pulling
        self.first: float | None = None  # when the burst began
        self.due: float | None = None

    def poke(self, now: float) -> float:
        """A poke at ``now``: seconds from now until the pull (replacing any planned one)."""
        if self.first is None:
            self.first = now
        wait = max(self.debounce, self.slow)
        self.due = min(now + wait, self.first + max(self.max_wait, self.slow))
        return max(0.0, self.due - now)

    def fired(self) -> None:
        """The planned pull starts: the next poke begins a new burst."""
        self.first = self.due = None


class StreamPolicy:
    """Whether this tab should hold the stream now, and what to do when it breaks."""

    def __init__(
        self,
        *,
        backoff: Backoff | None = None,
        hello_timeout: float = HELLO_TIMEOUT_S,
        hidden_close: float = HIDDEN_CLOSE_S,
    ) -> None:
        self.backoff = backoff or Backoff(base=1.0, cap=60.0)
        self.hello_timeout = hello_timeout
        self.hidden_close = hidden_close
        self.leader = False
        self.signed_in = False
        self.online = True
        self.hidden_since: float | None = None
        self.open = False  # a stream exists (connecting or live)
        self.live = False  # it said hello: pokes arrive
        self.opened_at = 0.0
        self.last_event = 0.0
        self.heartbeat = 15.0
        self.retry_at = 0.0
        self.buffered = 0  # tries in a row that opened but never said hello
        self.given_up = False

    # --- what the browser reports -------------------------------------------------------
    def visibility(self, visible: bool, now: float) -> None:
        if visible:
            self.hidden_since = None
        elif self.hidden_since is None:
            self.hidden_since = now

    def network(self, online: bool, now: float) -> None:
        """Offline, nothing is tried; back online, the stream opens at once."""
        if online and not self.online:
            self.retry_at = now
            self.backoff.succeeded()
        self.online = online

    def opening(self, now: float) -> None:
        self.open, self.live = True, False
        self.opened_at = self.last_event = now

    def event(self, event: Event, now: float) -> None:
        self.last_event = now
        if isinstance(event, Hello):
            self.live = True
            self.heartbeat = event.heartbeat
            self.buffered = 0
            self.backoff.succeeded()

    def broke(self, now: float) -> None:
        """The stream failed or ended (server gone, refused, restarted): retry after a backoff
        with jitter."""
        self._retry(now)

    def closed(self) -> None:
        """Closed on purpose (hidden long, offline, signed out, no longer leader)."""
        self.open = self.live = False

    # --- what the browser should do -----------------------------------------------------
    def wanted(self, now: float) -> bool:
        """Whether a stream should be open now."""
        hidden_long = self.hidden_since is not None and now - self.hidden_since >= self.hidden_close
        return (
            self.leader and self.signed_in and self.online and not self.given_up and not hidden_long
        )

    def check(self, now: float) -> str | None:
        """Called often: ``"open"``, ``"close"`` or ``"restart"`` (close now; a retry is planned)."""
        if not self.wanted(now):
            return "close" if self.open else None
        if not self.open:
            return "open" if now >= self.retry_at else None
        if not self.live and now - self.opened_at >= self.hello_timeout:
            # No hello: a proxy buffers the stream (or the server hangs).  Polling carries on.
            self.buffered += 1
            self.given_up = self.buffered >= BUFFERED_TRIES
            self._retry(now)
            return "restart"
        if self.live and now - self.last_event >= self.heartbeat * DEAD_HEARTBEATS:
            self._retry(now)  # silent for several heartbeats: the connection is dead
            return "restart"
        return None

    def _retry(self, now: float) -> None:
        self.open = self.live = False
        self.retry_at = now + self.backoff.failed()


def shows_live(sync_status: str, live: bool) -> bool:
    """The "Live" mark beside the status line: while a stream is up and the last sync was fine."""
    return live and sync_status == SYNCED
