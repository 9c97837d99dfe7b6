"""Push (upstream): apply a device's mutations, in order, in one transaction.

1. Check the whole push before touching anything (a bad mutation changes nothing).
2. Take the user's lock: pushes of one user run one at a time and commit in version order.
3. For each mutation: a ``mutationId`` seen before is a retry, answered DUPLICATE; otherwise the
   merge rules (``app/core/merge.py``) decide, and each row written takes the next version.
4. Store the new counter and commit: all of the push or none of it.
"""

from __future__ import annotations

from sqlalchemy import Connection, insert, select, update

from app.core import merge
from app.core.protocol import (
    DUPLICATE,
    Mutation,
    MutationResult,
    PushRequest,
    PushResponse,
)
from app.core.schema import CONFLICTS, ValidationError, check_record, get_table
from server import records
from server.accounts import now_ms
from server.database import Database
from server.errors import ApiError
from server.tables import applied_mutations, users


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


def push(db: Database, user_id: int, request: PushRequest) -> PushResponse:
    check(request)
    results: list[MutationResult] = []
    with db.write() as conn:
        # Step 2: the lock.  SQLite already holds its write lock (BEGIN IMMEDIATE); PostgreSQL
        # locks this user's row until commit, whichever server process runs the push.
        counter: int = conn.execute(
            select(users.c.version).where(users.c.id == user_id).with_for_update()
        ).scalar_one()
        for mutation in request.mutations:
            result, counter = _apply(conn, user_id, request.device_id, mutation, counter)
            results.append(result)
        # Step 4.
        conn.execute(update(users).where(users.c.id == user_id).values(version=counter))
    return PushResponse(results)


def _apply(
    conn: Connection, user_id: int, device_id: str, mutation: Mutation, counter: int
) -> tuple[MutationResult, int]:
    seen = conn.execute(
        select(applied_mutations).where(
            applied_mutations.c.user_id == user_id,
            applied_mutations.c.mutation_id == mutation.mutation_id,
        )
    ).first()
    if seen is not None:  # Step 3: a retry changes nothing and answers with what is there now.
        current = records.load(conn, user_id, seen.table_name, seen.record_id)
        record = None if current is None else current.to_record()
        return MutationResult(mutation.mutation_id, DUPLICATE, seen.version, record), counter
    row = records.load(conn, user_id, mutation.table, mutation.id)
    outcome = merge.apply(row, mutation, device_id, counter + 1, now_ms())
    if outcome.written and not outcome.row.deleted:
        _check_whole(outcome.row)
    if outcome.written:
        records.save(conn, user_id, outcome.row, exists=row is not None)
    lost = outcome.conflict
    if lost is not None and records.load(conn, user_id, lost.table, lost.id) is None:
        records.save(conn, user_id, lost, exists=False)
    conn.execute(
        insert(applied_mutations).values(
            user_id=user_id,
            mutation_id=mutation.mutation_id,
            table_name=mutation.table,
            record_id=mutation.id,
            status=outcome.status,
            version=outcome.row.version,
        )
    )
    result = MutationResult(
        mutation.mutation_id, outcome.status, outcome.row.version, outcome.row.to_record()
    )
    return result, counter + outcome.versions_used


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
