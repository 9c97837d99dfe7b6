"""The database's identity: its epoch, a UUID made with the database and replaced after a restore.

A device stores the epoch of its last pull.  When a server's database is restored from a backup
(or replaced), an admin runs ``python -m server restore-mark``: the new epoch tells every device
that the server may have lost changes it holds, and each does a recovery sync
(docs/sync-protocol.md).
"""

from __future__ import annotations

import time
import uuid

from sqlalchemy import case, update

from server.database import Database
from server.tables import server_identity, users

# A request reads the epoch with the account's own row, in the statement it needs anyway (the
# pull's account row, the push's lock): one statement fewer per request.  A restore mark changes
# the epoch and every account's counter in one transaction, so whoever reads an account's row
# reads the epoch that goes with it.
EPOCH = server_identity.c.epoch


# After a restore every account's counter jumps ahead to the restore's time in milliseconds
# times VERSIONS_PER_MS (or one past its value, if that is higher).  Versions devices hold from
# before the restore (the lost ones included) are then all below every version written after
# it, so a device's recovery re-send (merge rule 8) can tell an edit made after the restore,
# which it must not overwrite, from the older state the restore brought back.  A time floor,
# not a fixed gap over the restored counter: a backup put back twice (or a wipe after a
# restore) would otherwise hand out again the versions of the epoch in between, which devices
# still hold; each epoch's versions stay below the next one's floor as long as an account
# writes fewer than 1000 versions a millisecond.  (The floor stays below 2^53, the largest
# version every part can carry, until the year 2255.)
VERSIONS_PER_MS = 1000


def mark_restored(db: Database, *, now_ms: int | None = None) -> str:
    """Give the database a new epoch and move every account's counter up to the time floor;
    returns the new epoch."""
    fresh = str(uuid.uuid4())
    moment = int(time.time() * 1000) if now_ms is None else now_ms
    floor = moment * VERSIONS_PER_MS
    jumped = users.c.version + 1
    with db.write() as conn:
        conn.execute(update(server_identity).values(epoch=fresh, changed_at=moment))
        conn.execute(update(users).values(version=case((jumped > floor, jumped), else_=floor)))
    return fresh
