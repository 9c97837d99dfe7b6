"""Pokes between server processes: how a push made by one process reaches streams of another.

* PostgreSQL: the push transaction sends ``NOTIFY`` (delivered only if it commits) and every
  process ``LISTEN``s on one dedicated connection (``PgListener``).  PostgreSQL's own mechanism:
  no broker of ours.  See docs/scaling.md for its limits.
* SQLite with several processes on one file: each watches ``PRAGMA data_version``
  (``SqliteWatcher``), which changes when another connection commits; only then does it read
  the versions of the accounts that have open streams here.
* Within one process the push publishes to the hub directly, after commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from typing import Any

from sqlalchemy import Connection, bindparam, func, select

from server.database import Database
from server.events import Hub
from server.prepared import Prepared
from server.tables import users

log = logging.getLogger("setflow.events")

CHANNEL = "setflow_poke"
# This process, in NOTIFY payloads, so a process does not poke its own devices twice.
PROCESS = f"{os.getpid()}-{os.urandom(4).hex()}"


async def cancel(task: asyncio.Task[None] | None) -> None:
    """Cancel a background task and wait for it, if it runs on this event loop (a test client may
    stop the app from another loop than the one that started it)."""
    if task is None:
        return
    task.cancel()
    if task.get_loop() is asyncio.get_running_loop():
        with contextlib.suppress(asyncio.CancelledError):
            await task


_NOTIFY = Prepared(select(func.pg_notify(CHANNEL, bindparam("payload"))))


def notify(conn: Connection, user_id: int, version: int, device_id: str) -> None:
    """Inside a push transaction: tell every process on this database, once it commits."""
    if conn.dialect.name == "postgresql":
        payload = f"{user_id} {version} {PROCESS} {device_id[:200]}"
        _NOTIFY.execute(conn, {"payload": payload})


def parse_notification(payload: str) -> tuple[int, int, str, str] | None:
    parts = payload.split(" ", 3)
    if len(parts) != 4 or not parts[0].isdigit() or not parts[1].isdigit():
        return None
    return int(parts[0]), int(parts[1]), parts[2], parts[3]


class PgListener:
    """``LISTEN`` on one dedicated connection; pokes this process's streams for other processes'
    pushes.  After a lost connection it reconnects and pokes every open stream once, as a poke
    may have been missed meanwhile (the device pulls and finds out)."""

    def __init__(self, hub: Hub, db: Database, url: str) -> None:
        self.hub = hub
        self.db = db
        self.url = url
        self._task: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        await cancel(self._task)

    async def _run(self) -> None:
        import psycopg  # only on PostgreSQL

        delay = 0.5
        first = True
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(self.url, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    if not first:
                        await self._poke_everyone()
                    first, delay = False, 0.5
                    self.ready.set()
                    async for note in conn.notifies():
                        parsed = parse_notification(note.payload)
                        if parsed is not None and parsed[2] != PROCESS:
                            self.hub.publish(parsed[0], parsed[1], parsed[3])
            except asyncio.CancelledError:
                raise
            except Exception as err:  # the database went away: try again, a little later
                log.warning("LISTEN connection lost (%s); reconnecting", err)
                self.ready.clear()
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)

    async def _poke_everyone(self) -> None:
        ids = self.hub.users()
        if not ids:
            return
        versions = await asyncio.to_thread(_versions, self.db, ids)
        for user_id, version in versions.items():
            self.hub.publish(user_id, version, None)


def _versions(db: Database, ids: list[int]) -> dict[int, int]:
    with db.read() as conn:
        rows = conn.execute(select(users.c.id, users.c.version).where(users.c.id.in_(ids))).all()
    return {int(r.id): int(r.version) for r in rows}


# --- SQLite with several processes: watch data_version ---------------------------------------


class SqliteWatcher:
    """Pokes this process's streams for pushes made by other processes on the same SQLite file.

    ``PRAGMA data_version`` changes when another connection commits; only then are the versions
    of the accounts with open streams read (one indexed query) and compared."""

    def __init__(self, hub: Hub, db: Database, interval: float = 0.05) -> None:
        self.hub = hub
        self.db = db
        self.interval = interval
        self.known: dict[int, int] = {}
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        await cancel(self._task)

    def saw(self, user_id: int, version: int) -> None:
        """This process published ``version`` itself: no need to poke it again."""
        self.known[user_id] = max(version, self.known.get(user_id, 0))

    async def _run(self) -> None:
        # A connection is held only while this process has streams: none would keep the
        # database's WAL open for a backup or a restore to trip over.
        raw: Any = None
        last = None
        try:
            while True:
                await asyncio.sleep(self.interval)
                ids = self.hub.users()
                if not ids:
                    if raw is not None:
                        raw.close()
                        raw, last = None, None
                    continue
                if raw is None:
                    raw = await asyncio.to_thread(self.db.engine.raw_connection)
                current = raw.cursor().execute("PRAGMA data_version").fetchone()[0]
                if current == last:
                    continue
                last = current
                marks = ",".join("?" * len(ids))
                rows = (
                    raw.cursor()
                    .execute(f"SELECT id, version FROM users WHERE id IN ({marks})", ids)
                    .fetchall()
                )
                for user_id, version in rows:
                    if version > self.known.get(user_id, 0):
                        self.known[user_id] = version
                        self.hub.publish(user_id, version, None)
        finally:
            if raw is not None:
                raw.close()
