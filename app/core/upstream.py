"""Upstream: send the outbox to the server and take its answers."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass

from app.core.changes import refused
from app.core.protocol import CONFLICT, PUSH_BATCH, Mutation, PushLimits, PushRequest
from app.core.recovery import EPOCH_KEY, RECOVERING_KEY
from app.core.store import Store
from app.core.transport import AccountChanged, ServerError, Transport

# The server's answers to a batch it will never take as it is: a change it refuses as invalid
# (422), or a body over its limit (413).  Halving the batch finds what it refuses.
REFUSED_STATUSES = (413, 422)
ENVELOPE_BYTES = 200  # the push body around its mutations: schemaVersion, deviceId, brackets


def mutation_bytes(mutation: Mutation) -> int:
    """Bytes of a mutation in a push body, as both transports encode it (ASCII-escaped JSON)."""
    return len(json.dumps(mutation.to_json(), separators=(",", ":"))) + 1  # + its comma


def fitting(batch: list[Mutation], max_bytes: int) -> list[Mutation]:
    """The longest start of ``batch`` whose push body stays within ``max_bytes``.

    Empty when even the first mutation alone is too big: the server can never take it.
    """
    size = ENVELOPE_BYTES
    for index, mutation in enumerate(batch):
        size += mutation_bytes(mutation)
        if size > max_bytes:
            return batch[:index]
    return batch


@dataclass
class PushProgress:
    """Counted as batches are acknowledged, so a push that fails half-way still reports them."""

    pushed: int = 0
    conflicts: int = 0
    refused: int = 0  # changes the server refused as invalid, kept as conflict records
    restored: bool = False  # the answer came from a restored server: recover, then push again


async def push_all(
    store: Store,
    transport: Transport,
    device_id: str,
    *,
    batch_size: int = PUSH_BATCH,
    limits: PushLimits | None = None,
    progress: PushProgress | None = None,
    now: int = 0,
    still_signed_in: Callable[[], bool] = lambda: True,
    waiting: list[Mutation] | None = None,
    epoch: str | None = None,
) -> PushProgress:
    """Push batches until the outbox is empty; raises ``SyncError`` on the first failure.

    1. Read the oldest pending mutations, in the order they were made (the server applies a
       batch in order, so a record's second edit lands after its first), as many as the
       server's advertised ``limits`` take, counted in mutations and in bytes.
    2. Send them.  If the request fails, they simply stay in the outbox: the next attempt
       resends them with the same mutationIds, and the server answers ``duplicate`` for any
       it had already applied.
    3. Acknowledge the answers: only now do the entries leave the outbox; the server's
       records and the conflict records this push made are taken at once, so what lost shows
       after this same sync.
    4. A batch the server refuses (422 invalid, 413 too large) is halved until the refused
       change stands alone; that one leaves the outbox as a conflict record the person sees
       (nothing is dropped), and the changes after it go on.  A change too big for any push
       is set aside the same way without being sent.  Without this one bad change would hold
       up every later one forever.
    5. An answer from another database than the one this device last pulled from (its
       ``epoch``) came from a restored server: its records may have been made again from
       partial edits alone, so none is taken, and the entries stay in the outbox (a re-send is
       a ``duplicate``).  A recovery is noted and the push stops; the engine recovers at once.
       A device that knows no epoch yet (its pulls failed so far) takes the answer's: the
       versions it takes now belong to that database, so a later restore of it is noticed.

    Each read of the store costs a wait, so the first batch may come read already (``waiting``:
    the oldest changes, read beside the pull's cursor, with the ``epoch`` stored then), and the
    next one is read in the acknowledgement's own step.  Changes only join the outbox at its
    end while a sync runs, so what was read stays its oldest entries; what joined since is read
    after the acknowledgement, in this same sync (a sync asked for meanwhile is not run).  An
    empty ``waiting`` is read again: a change made during the pull must go out now.
    """
    progress = progress if progress is not None else PushProgress()
    limits = limits if limits is not None else PushLimits()
    most = max(1, min(batch_size, limits.max_push_mutations))
    size = most
    known = epoch
    if not waiting:
        # The epoch is read beside the batch: one wait for both.
        waiting, known = await asyncio.gather(store.outbox(size), store.get_meta(EPOCH_KEY))
    while True:
        batch = waiting[:size] if waiting is not None else await store.outbox(size)
        waiting = None
        if not batch:  # step 1
            return progress
        if not still_signed_in():  # the session may be someone else's now
            raise AccountChanged("The account changed during the sync; it stopped.")
        batch = fitting(batch, limits.max_push_bytes)
        if not batch:  # step 4: the oldest change alone is over the limit
            await _set_aside(store, (await store.outbox(1))[0], device_id, now, progress)
            continue
        try:
            response = await transport.push(PushRequest(device_id, batch))  # step 2
        except ServerError as err:
            if err.status not in REFUSED_STATUSES:
                raise
            # step 4
            if len(batch) > 1:
                size = max(1, len(batch) // 2)
                continue
            await _set_aside(store, batch[0], device_id, now, progress)
            size = most
            continue
        if response.epoch and known and response.epoch != known:  # step 5
            await store.set_meta(RECOVERING_KEY, True)
            progress.restored = True
            return progress
        if response.epoch and not known:  # step 5: the versions taken now are that database's
            await store.set_meta(EPOCH_KEY, response.epoch)
            known = response.epoch
        sent = {m.mutation_id for m in batch}
        results = [r for r in response.results if r.mutation_id in sent]
        # step 3, and step 1 of the next batch
        waiting = await store.acknowledge(results, response.conflicts, then=size)
        if not results:
            raise ServerError("The server did not confirm any of the changes sent.")
        progress.pushed += len(results)
        progress.conflicts += sum(1 for r in results if r.status == CONFLICT)


async def _set_aside(
    store: Store, mutation: Mutation, device_id: str, now: int, progress: PushProgress
) -> None:
    await store.refuse(mutation, refused(mutation, device_id=device_id, now=now))
    progress.refused += 1
