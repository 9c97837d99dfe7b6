"""Recovery sync: after the server's database was restored (or wiped), send back what it lost.

A device notices in a pull answer (``app.core.pull``): the server's ``epoch`` is not the one it
stored, or the account's version is below the device's cursor.  It then pulls everything from
0, noting the version the server holds of each record, and re-sends each record it holds that
the server lacks or holds at a lower version: a ``recover`` of its whole copy based on the
version it holds (a ``delete`` for a tombstone).  The server takes those without conflicts
(merge rule 8), so a device re-sending its own state never conflicts with itself.

Outbox entries of a record that is re-sent are replaced by its ``recover``: the whole copy
already holds their edits, and a partial edit of a record the server lost would be refused.
A record with changes waiting is re-sent whole even when the server holds it at a newer
version: that copy may have been made after the restore from a late partial edit alone, so
fields only the device holds would be lost; merged field by field (rule 8, then 3), the
device's copy only fills in what nobody else wrote since.
Conflict records are never re-sent (they are the server's); a record never synced (version 0)
travels with its own outbox entries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from app.core.changes import tombstone_fields
from app.core.protocol import Mutation
from app.core.schema import USER_TABLES, get_table, user_fields

RECOVERING_KEY = "recovering"  # meta: a recovery sync started and has not finished
EPOCH_KEY = "epoch"  # meta: the server database this device's data and cursor belong to

Key = tuple[str, str]


def recovery_mutations(
    tables: Mapping[str, Iterable[dict[str, Any]]],
    server_versions: Mapping[Key, int],
    pending: set[Key],
    *,
    now: int,
    new_id: Callable[[], str],
) -> list[Mutation]:
    """The mutations that give the server back what it lost of ``tables`` (the device's)."""
    out = []
    for name in USER_TABLES:
        spec = get_table(name)
        for record in tables.get(name, ()):
            key = (name, record["id"])
            version = int(record.get("version") or 0)
            held = server_versions.get(key)
            if version == 0 and key in pending:
                continue  # never synced: its own outbox entries create it
            if held is not None and held >= version and key not in pending:
                continue  # the server holds this state or a newer one, which the pull took
            if record.get("deleted"):  # the tombstone keeps its data on the server too
                kept = tombstone_fields(name, record)
                out.append(Mutation(new_id(), name, record["id"], "delete", version, kept, now))
            else:
                fields = user_fields(spec, record)
                out.append(Mutation(new_id(), name, record["id"], "recover", version, fields, now))
    return out
