"""Live pokes: ``GET /api/sync/events``, a Server-Sent Events stream per signed-in device.

A stream carries nothing a stranger could use: the account's latest version, the device that
made it (so a device is not poked into pulling its own push), a heartbeat, and a request to
slow down when this process is busy.  The device never trusts a poke; it pulls.

1. Fan-out: every process keeps a ``Hub`` of its open streams by account.  A push publishes
   to its own process's hub after commit; ``server/fanout.py`` carries pokes between processes.
2. Coalescing: a stream holds at most one pending poke.  Pokes that arrive before it is
   written merge into one, the highest version; its ``by`` stays set only when every merged
   poke came from that same device.
3. One timer for all streams: the hub's ticker wakes every stream for its heartbeat, and
   measures how late it woke; a late ticker (a busy event loop) or a crowd of streams makes the
   hub ask devices to wait longer before pulling (``slow``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import time
from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from server.accounts import now_ms, token_hash
from server.database import Database
from server.tables import sessions, users

log = logging.getLogger("setflow.events")

HEARTBEAT_S = 15.0
RETRY_MS = 3000  # the browser's own reconnect delay, if the app's policy does not act first
# Beyond this many streams in one process, new devices are asked to poll for a while instead.
MAX_STREAMS = 10_000
SLOW_LAG_S = 0.5  # a ticker this late means the event loop is too busy to answer quickly
SLOW_DELAY_S = 5.0  # how long devices should wait before pulling after a poke, when slow


def frame(kind: str, data: dict[str, Any]) -> bytes:
    return f"event: {kind}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n".encode()


class Stream:
    """One open event stream: its pending poke and the event that wakes its writer."""

    __slots__ = ("beat", "by", "closed", "pending", "user_id", "version", "wake")

    def __init__(self, user_id: int, version: int) -> None:
        self.user_id = user_id
        self.version = version
        self.pending = False
        self.by: str | None = None
        self.beat = False
        self.closed = False
        self.wake = asyncio.Event()

    def poke(self, version: int, by: str | None) -> None:
        # Step 2: merge with a pending poke.
        if self.pending:
            if by != self.by:
                self.by = None
            self.version = max(self.version, version)
        else:
            self.pending, self.version, self.by = True, version, by
        self.wake.set()

    def close(self) -> None:
        self.closed = True
        self.wake.set()


class Hub:
    def __init__(
        self,
        *,
        heartbeat: float = HEARTBEAT_S,
        max_streams: int = MAX_STREAMS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.heartbeat = heartbeat
        self.max_streams = max_streams
        self.clock = clock
        self.streams: dict[int, set[Stream]] = {}
        self.count = 0
        self.slow = 0.0  # seconds devices should wait before pulling; 0 when not busy
        self.closing = False
        self.loop: asyncio.AbstractEventLoop | None = None
        self._ticker: asyncio.Task[None] | None = None

    # --- lifecycle ----------------------------------------------------------------------
    def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        self.closing = False
        self._ticker = self.loop.create_task(self._tick())

    async def stop(self) -> None:
        self.close_all()
        if self._ticker is not None:
            self._ticker.cancel()
            if self._ticker.get_loop() is asyncio.get_running_loop():
                with contextlib.suppress(asyncio.CancelledError):
                    await self._ticker

    def close_all(self) -> None:
        """End every stream now (the server is stopping): devices reconnect elsewhere or later."""
        self.closing = True
        for group in self.streams.values():
            for stream in group:
                stream.close()

    # --- streams ------------------------------------------------------------------------
    def full(self) -> bool:
        return self.count >= self.max_streams or self.closing

    def open(self, user_id: int, version: int) -> Stream:
        stream = Stream(user_id, version)
        self.streams.setdefault(user_id, set()).add(stream)
        self.count += 1
        return stream

    def close(self, stream: Stream) -> None:
        group = self.streams.get(stream.user_id)
        if group is not None and stream in group:
            group.discard(stream)
            self.count -= 1
            if not group:
                del self.streams[stream.user_id]

    def users(self) -> list[int]:
        return list(self.streams)

    # --- pokes --------------------------------------------------------------------------
    def publish(self, user_id: int, version: int, by: str | None) -> None:
        """Poke every stream of ``user_id`` in this process (call on the event loop)."""
        for stream in self.streams.get(user_id, ()):
            stream.poke(version, by)

    def publish_threadsafe(self, user_id: int, version: int, by: str | None) -> None:
        if self.loop is not None and not self.loop.is_closed():
            self.loop.call_soon_threadsafe(self.publish, user_id, version, by)

    async def _tick(self) -> None:
        # Step 3.
        while True:
            planned = self.clock() + self.heartbeat
            await asyncio.sleep(self.heartbeat)
            lag = self.clock() - planned
            crowded = self.count > self.max_streams * 0.9
            self.slow = SLOW_DELAY_S if lag > SLOW_LAG_S or crowded else 0.0
            for group in self.streams.values():
                for stream in group:
                    stream.beat = True
                    stream.wake.set()


async def write_stream(hub: Hub, stream: Stream, send: Any) -> None:
    """Write one stream until it closes: a hello, then pokes, heartbeats and slow-downs."""
    hello = {"version": stream.version, "heartbeat": hub.heartbeat, "slow": hub.slow}
    await send(f"retry: {RETRY_MS}\n\n".encode() + frame("hello", hello))
    stream.version, slow = 0, hub.slow
    while True:
        await stream.wake.wait()
        stream.wake.clear()
        if stream.closed:
            return
        chunks = []
        if hub.slow != slow:
            slow = hub.slow
            chunks.append(frame("slow", {"wait": slow}))
        if stream.pending:
            stream.pending = False
            chunks.append(frame("poke", {"version": stream.version, "by": stream.by}))
            stream.by = None
        elif stream.beat:
            chunks.append(frame("ping", {}))
        stream.beat = False
        if chunks:
            await send(b"".join(chunks))


def user_and_version(db: Database, token: str | None) -> tuple[int, int] | None:
    """The session's user and that account's latest version, in one query; None if signed out."""
    if not token or len(token) > 200:
        return None
    with db.read() as conn:
        row = conn.execute(
            select(users.c.id, users.c.version)
            .select_from(sessions.join(users, users.c.id == sessions.c.user_id))
            .where(sessions.c.token_hash == token_hash(token), sessions.c.expires_at > now_ms())
        ).first()
    return None if row is None else (int(row.id), int(row.version))


def stop_streams_on_exit(hub: Hub) -> None:
    """Close every stream as soon as the server is told to stop.

    The server waits for open responses to finish before it shuts down, and an event stream
    never finishes by itself: chain onto its signal handlers so that streams end at once."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        previous = signal.getsignal(sig)
        if not callable(previous):
            continue

        def handler(signum: int, frame: Any, previous: Any = previous) -> None:
            loop.call_soon_threadsafe(hub.close_all)
            previous(signum, frame)

        with contextlib.suppress(ValueError):  # not the main thread (a test's server)
            signal.signal(sig, handler)
