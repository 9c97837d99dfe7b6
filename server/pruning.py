"""Storage that does not grow forever: applied-mutation ids and old tombstones are pruned.

Windows (see docs/sync-protocol.md, "Pruning"):

* ``APPLIED_RETENTION``: an applied mutation id is kept 30 days after the server first saw it.
  A device retries a push whose answer it lost at its next sync; 30 days covers a phone left in a
  drawer for weeks.  A retry after that would be applied again, which for a put of the same
  values changes nothing.
* ``TOMBSTONE_HORIZON``: a tombstone is kept 90 days after the server first saw that deletion.
  Pruning one moves its account's ``horizon`` up to the tombstone's version.  A device whose
  cursor is below the horizon may have missed that delete: the pull answer carries ``horizon``
  and the device pulls everything again and drops what the server no longer has
  (``app/core/horizon.py``).

How "first saw" works without touching the push path: every pruning pass first stamps rows it
has not stamped yet with the current time (a tombstone also with its version, so a record
restored and deleted again starts a new window), then deletes rows stamped longer ago than the
window.  A window therefore runs from at most one pass after the write, never less.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass

from sqlalchemy import and_, delete, func, or_, select, update

from server.accounts import now_ms
from server.database import Database
from server.tables import applied_mutations, records, users

log = logging.getLogger("setflow.pruning")

DAY_MS = 24 * 3600 * 1000
APPLIED_RETENTION_MS = 30 * DAY_MS
TOMBSTONE_HORIZON_MS = 90 * DAY_MS
PRUNE_EVERY_S = 3600.0


@dataclass(frozen=True)
class Pruned:
    applied: int
    tombstones: int


def prune(
    db: Database,
    now: int,
    *,
    applied_retention: int = APPLIED_RETENTION_MS,
    tombstone_horizon: int = TOMBSTONE_HORIZON_MS,
) -> Pruned:
    """One pass: stamp what is new, delete what is older than its window.  One transaction."""
    with db.write() as conn:
        conn.execute(
            update(applied_mutations)
            .where(applied_mutations.c.seen_at.is_(None))
            .values(seen_at=now)
        )
        applied = conn.execute(
            delete(applied_mutations).where(applied_mutations.c.seen_at < now - applied_retention)
        ).rowcount
        conn.execute(
            update(records)
            .where(
                records.c.deleted,
                or_(
                    records.c.tombstone_version.is_(None),
                    records.c.tombstone_version != records.c.version,
                ),
            )
            .values(tombstone_version=records.c.version, tombstone_seen_at=now)
        )
        old = and_(
            records.c.deleted,
            records.c.tombstone_version == records.c.version,
            records.c.tombstone_seen_at < now - tombstone_horizon,
        )
        horizons = conn.execute(
            select(records.c.user_id, func.max(records.c.version))
            .where(old)
            .group_by(records.c.user_id)
        ).all()
        for user_id, version in horizons:
            conn.execute(
                update(users)
                .where(users.c.id == user_id, users.c.horizon < version)
                .values(horizon=version)
            )
        tombstones = conn.execute(delete(records).where(old)).rowcount
    return Pruned(int(applied or 0), int(tombstones or 0))


class Pruner:
    """Prunes once an hour in the background (every server process may; a pass is idempotent)."""

    def __init__(self, db: Database, every: float = PRUNE_EVERY_S) -> None:
        self.db = db
        self.every = every
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            if self._task.get_loop() is asyncio.get_running_loop():
                with contextlib.suppress(asyncio.CancelledError):
                    await self._task

    async def _run(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            try:
                done = await asyncio.to_thread(prune, self.db, now_ms())
                if done.applied or done.tombstones:
                    log.info("pruned %s mutation ids, %s tombstones", done.applied, done.tombstones)
            except Exception:  # a busy or briefly unreachable database: next hour
                log.exception("pruning failed")
