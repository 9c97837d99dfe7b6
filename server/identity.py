"""The database's identity: its epoch, a UUID made with the database and replaced after a restore.

A device stores the epoch of its last pull.  When a server's database is restored from a backup
(or replaced), an admin runs ``python -m server restore-mark``: the new epoch tells every device
that the server may have lost changes it holds, and each does a recovery sync
(docs/sync-protocol.md).
"""

from __future__ import annotations

import time
import uuid

from sqlalchemy import Connection, select, update

from server.database import Database
from server.tables import server_identity, users


def epoch(conn: Connection) -> str:
    found: str = conn.execute(select(server_identity.c.epoch)).scalar_one()
    return found


# After a restore every account's counter jumps this far ahead.  Versions devices hold from
# before the restore (the lost ones included) are then all below every version written after
# it, so a device's recovery re-send (merge rule 8) can tell an edit made after the restore,
# which it must not overwrite, from the older state the restore brought back.
RESTORE_GAP = 2**32


def mark_restored(db: Database) -> str:
    """Give the database a new epoch and move every account's counter past the restore gap;
    returns the new epoch."""
    fresh = str(uuid.uuid4())
    with db.write() as conn:
        conn.execute(
            update(server_identity).values(epoch=fresh, changed_at=int(time.time() * 1000))
        )
        conn.execute(update(users).values(version=users.c.version + RESTORE_GAP))
    return fresh
