"""Pull (downstream): the changes a device has not seen, in version order, a page at a time.

Gap-free by construction: versions are handed out under the user's push lock and a push commits
before the lock passes on, so once a pull sees version ``v`` every version below ``v`` is already
committed.  A cursor therefore never skips a change (see docs/sync-protocol.md).
"""

from __future__ import annotations

from app.core.protocol import PullResponse
from server import records
from server.database import Database


def pull(db: Database, user_id: int, since: int, limit: int) -> PullResponse:
    with db.read() as conn:
        # One row more than asked tells whether another page follows.
        rows = records.changes_since(conn, user_id, since, limit + 1)
    page = rows[:limit]
    cursor = page[-1].version if page else since
    return PullResponse([row.to_record() for row in page], cursor, len(rows) > limit)
