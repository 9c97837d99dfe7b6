"""Catching up from behind the server's horizon: deletes that were pruned meanwhile.

The server prunes tombstones older than its horizon window (``server/pruning.py``).  A device
whose cursor is below an account's ``horizon`` may have missed such a delete: the server no
longer has anything to send for it.  So that device pulls everything from the start, and then
every record it holds from the server (version > 0) that the full pull did not bring is gone on
the server: it is applied as a server tombstone, by the same rule as any pulled change (a record
with local edits waiting to be sent is left alone, and its edit goes up as usual).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from app.core.schema import TABLES
from app.core.store import Store

Key = tuple[str, str]


def keys_of(changes: Iterable[dict[str, Any]]) -> set[Key]:
    return {(str(c["table"]), str(c["id"])) for c in changes}


async def forget_pruned(store: Store, kept: set[Key], cursor: int) -> int:
    """Delete locally what the server no longer has, and move the cursor to ``cursor``.

    ``kept``: every (table, id) the full pull brought.  Returns how many records were taken.
    """
    gone: list[dict[str, Any]] = []
    for table in TABLES:
        for record in await store.all(table):
            if (table, record["id"]) in kept or not record.get("version"):
                continue  # still on the server, or never reached it (a local record)
            gone.append({**record, "table": table, "deleted": True})
    return await store.apply_pulled(gone, cursor)
