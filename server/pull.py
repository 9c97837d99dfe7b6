"""Pull (downstream): the changes a device has not seen, in version order, a page at a time.

Gap-free by construction: versions are handed out under the user's push lock and a push commits
before the lock passes on, so once a pull sees version ``v`` every version below ``v`` is already
committed.  A cursor therefore never skips a change (see docs/sync-protocol.md).

Every answer also says which database answered (``epoch``) and the account's latest version, read
in the same transaction as the page: a device whose cursor is above that version, or that sees a
new epoch, knows the server was restored and lost changes it holds (a recovery sync).
"""

from __future__ import annotations

from sqlalchemy import bindparam, select

from app.core.protocol import PullResponse, PushLimits
from server import identity, records
from server.database import Database
from server.prepared import Prepared, together
from server.tables import users

_ACCOUNT = Prepared(
    select(users.c.version, users.c.horizon, identity.EPOCH).where(
        users.c.id == bindparam("user_id")
    )
)


def pull(db: Database, user_id: int, since: int, limit: int, limits: PushLimits) -> PullResponse:
    with db.read() as conn:
        # One round trip for both on PostgreSQL, run in this order: the account's version is
        # read after the page, so it is never below the page's last version.
        with together(conn):
            # One row more than asked tells whether another page follows.
            changes = records.send_changes_since(conn, user_id, since, limit + 1)
            account = _ACCOUNT.send(conn, {"user_id": user_id})
        rows = records.read_changes(changes)
        ((account_version, horizon, epoch),) = account.rows()
    page = rows[:limit]
    cursor = page[-1].version if page else since
    return PullResponse(
        [row.to_record() for row in page],
        cursor,
        len(rows) > limit,
        epoch=epoch,
        account_version=account_version,
        limits=limits,
        horizon=horizon,
    )
