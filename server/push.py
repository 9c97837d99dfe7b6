"""Push (upstream): apply a device's mutations, in order, in one transaction.

1. Check the whole push before touching anything (a bad mutation changes nothing).
2. Take the user's lock: pushes of one user run one at a time and commit in version order.
3. Read everything the push names in two queries: its records and its already-applied
   mutations.
4. For each mutation, in order: a ``mutationId`` seen before is a retry, answered DUPLICATE;
   otherwise the merge rules (``app/core/merge.py``) decide, and each row written takes the next
   version.  Later mutations see the effect of earlier ones in the same push.
5. Write the changed rows and the applied mutations in batches, store the new counter.
6. Encode the answer, then commit: all of the push or none of it, and an answer that cannot be
   sent rolls the push back (a 500 means nothing changed).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, bindparam, insert, select, update

from app.core import merge
from app.core.protocol import DUPLICATE, Mutation, MutationResult, PushRequest, PushResponse
from app.core.schema import CONFLICTS, ValidationError, check_record, get_table
from server import answers, fanout, identity, records
from server.accounts import now_ms
from server.database import Database
from server.errors import ApiError
from server.prepared import Pending, Prepared, PreparedIn, in_names, together
from server.tables import applied_mutations, users

Key = tuple[str, str]  # (table, record id)

# The lock, and the database's epoch for the answer (see ``identity.EPOCH``).
_LOCK = Prepared(
    select(users.c.version, identity.EPOCH)
    .where(users.c.id == bindparam("user_id"))
    .with_for_update(of=users)
)
_SET_VERSION = Prepared(
    update(users).where(users.c.id == bindparam("user_id")).values(version=bindparam("counter"))
)
_SEEN = PreparedIn(
    lambda n: select(
        applied_mutations.c.mutation_id,
        applied_mutations.c.table_name,
        applied_mutations.c.record_id,
        applied_mutations.c.version,
    ).where(
        applied_mutations.c.user_id == bindparam("user_id"),
        applied_mutations.c.mutation_id.in_([bindparam(name) for name in in_names(n)]),
    )
)
_APPLIED = (
    "user_id",
    "mutation_id",
    "table_name",
    "record_id",
    "status",
    "version",
)
_APPLY = Prepared(insert(applied_mutations).values({name: bindparam(name) for name in _APPLIED}))


def check(request: PushRequest) -> None:
    """Step 1, beyond what the protocol parser checks: rules only the server enforces."""
    if request.device_id == merge.SERVER_DEVICE:
        raise ApiError(422, "invalid", f"deviceId {merge.SERVER_DEVICE!r} is the server's own.")
    for index, mutation in enumerate(request.mutations):
        if mutation.table == CONFLICTS.name and mutation.kind != "delete":
            raise ApiError(
                422,
                "invalid",
                f"Mutation {index}: conflict records are made by the server; "
                "a device may only dismiss (delete) one.",
            )


def push(
    db: Database,
    user_id: int,
    request: PushRequest,
    committed: Callable[[int], None] | None = None,
) -> bytes:
    """The encoded answer of a push (see ``server/answers.py``).  ``committed(version)`` is
    called after a commit that changed something (live pokes)."""
    check(request)
    with db.write() as conn:
        # Step 2: the lock.  SQLite already holds its write lock (BEGIN IMMEDIATE); PostgreSQL
        # locks this user's row until commit, whichever server process runs the push.  On
        # PostgreSQL the lock and step 3's reads go out in one round trip, run in this order:
        # the reads begin once the lock is held, and see every push committed before it.
        with together(conn):
            lock = _LOCK.send(conn, {"user_id": user_id})
            sent = _WorkingSet.send(conn, user_id, request.mutations)
        ((counter, epoch),) = lock.rows()
        start = counter
        work = _WorkingSet.read(conn, user_id, sent)
        results = []
        for mutation in request.mutations:
            result, counter = work.apply(mutation, request.device_id, counter)
            results.append(result)
        # Step 5: one round trip on PostgreSQL.
        with together(conn):
            work.write(conn)
            _SET_VERSION.execute(conn, {"user_id": user_id, "counter": counter})
            if counter > start:
                fanout.notify(conn, user_id, counter, request.device_id)
        # Step 6: still inside the transaction.
        answer = PushResponse(results, conflicts=work.conflicts, epoch=epoch)
        encoded = answers.encode(answer.to_json())
    if committed is not None and counter > start:
        committed(counter)
    return encoded


@dataclass
class _Seen:
    table: str
    record_id: str
    version: int


@dataclass
class _Sent:
    ids: set[str]
    records: Pending | None
    seen: Pending


@dataclass
class _WorkingSet:
    """The rows and applied mutations a push touches, read up front and written at the end."""

    conn: Connection
    user_id: int
    rows: dict[Key, merge.Row]
    in_db: set[Key]  # keys that already have a row in the database (update, not insert)
    seen: dict[str, _Seen]
    read_ids: set[str]  # record ids read up front, in every table: absent means no such row
    changed: dict[Key, merge.Row] = field(default_factory=dict)
    applied: list[dict[str, Any]] = field(default_factory=list)
    conflicts: list[dict[str, Any]] = field(default_factory=list)  # the records made, in order

    @staticmethod
    def send(conn: Connection, user_id: int, mutations: list[Mutation]) -> _Sent:
        """Step 3's two queries (``prepared.together``); ``read`` reads their answers."""
        # Conflict records are read too: their ids are fixed by the mutation ids.
        ids = {m.id for m in mutations} | {merge.conflict_id(m.mutation_id) for m in mutations}
        return _Sent(
            ids,
            records.send_load_ids(conn, user_id, ids),
            _SEEN.send(conn, {"user_id": user_id}, sorted({m.mutation_id for m in mutations})),
        )

    @classmethod
    def read(cls, conn: Connection, user_id: int, sent: _Sent) -> _WorkingSet:
        rows = {(r.table, r.id): r for r in records.read_rows(sent.records)}
        seen = {m: _Seen(table, record, version) for m, table, record, version in sent.seen.rows()}
        return cls(conn, user_id, rows, set(rows), seen, sent.ids)

    def row(self, key: Key) -> merge.Row | None:
        if key not in self.rows:
            if key[1] in self.read_ids:  # read up front: there is no such row
                return None
            # Only for a retry whose mutationId named a record this push did not name.
            loaded = records.load(self.conn, self.user_id, *key)
            if loaded is None:
                return None
            self.rows[key] = loaded
            self.in_db.add(key)
        return self.rows[key]

    def apply(self, mutation: Mutation, device_id: str, counter: int) -> tuple[MutationResult, int]:
        """Step 4 for one mutation: its result and the new counter."""
        seen = self.seen.get(mutation.mutation_id)
        if seen is not None:  # a retry changes nothing and answers with what is there now
            current = self.row((seen.table, seen.record_id))
            record = None if current is None else current.to_record()
            return MutationResult(mutation.mutation_id, DUPLICATE, seen.version, record), counter
        key = (mutation.table, mutation.id)
        outcome = merge.apply(self.row(key), mutation, device_id, counter + 1, now_ms())
        if outcome.written:
            if not outcome.row.deleted:
                _check_whole(outcome.row)
            self._put(key, outcome.row)
        lost = outcome.conflict
        if lost is not None and (lost.table, lost.id) not in self.rows:
            self._put((lost.table, lost.id), lost)
            self.conflicts.append(lost.to_record())
        self.seen[mutation.mutation_id] = _Seen(mutation.table, mutation.id, outcome.row.version)
        self.applied.append(
            {
                "user_id": self.user_id,
                "mutation_id": mutation.mutation_id,
                "table_name": mutation.table,
                "record_id": mutation.id,
                "status": outcome.status,
                "version": outcome.row.version,
            }
        )
        result = MutationResult(
            mutation.mutation_id, outcome.status, outcome.row.version, outcome.row.to_record()
        )
        return result, counter + outcome.versions_used

    def _put(self, key: Key, row: merge.Row) -> None:
        self.rows[key] = row
        self.changed[key] = row

    def write(self, conn: Connection) -> None:
        """Step 5: one batched statement per kind of write."""
        records.save_many(
            conn,
            self.user_id,
            inserts=[row for key, row in self.changed.items() if key not in self.in_db],
            updates=[row for key, row in self.changed.items() if key in self.in_db],
        )
        if self.applied:
            _APPLY.execute_many(conn, self.applied)


def _check_whole(row: merge.Row) -> None:
    """Never store a live record the schema refuses, such as an edit (``baseVersion`` > 0) of a
    record the server does not have, which lacks required fields.  Raising here rolls back the
    whole push, like any other bad input."""
    local = row.to_record()
    del local["table"]
    try:
        check_record(get_table(row.table), local)
    except ValidationError as err:
        raise ApiError(422, "invalid", str(err)) from None
