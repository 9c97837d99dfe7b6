"""Upstream: send the outbox to the server and take its answers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.core.changes import refused
from app.core.protocol import CONFLICT, PUSH_BATCH, PushRequest
from app.core.store import Store
from app.core.transport import AccountChanged, ServerError, Transport

REFUSED_STATUS = 422  # the server's answer to a change it will never take


@dataclass
class PushProgress:
    """Counted as batches are acknowledged, so a push that fails half-way still reports them."""

    pushed: int = 0
    conflicts: int = 0
    refused: int = 0  # changes the server refused as invalid, kept as conflict records


async def push_all(
    store: Store,
    transport: Transport,
    device_id: str,
    *,
    batch_size: int = PUSH_BATCH,
    progress: PushProgress | None = None,
    now: int = 0,
    still_signed_in: Callable[[], bool] = lambda: True,
) -> PushProgress:
    """Push batches until the outbox is empty; raises ``SyncError`` on the first failure.

    1. Read the oldest pending mutations, in the order they were made (the server applies a
       batch in order, so a record's second edit lands after its first).
    2. Send them.  If the request fails, they simply stay in the outbox: the next attempt
       resends them with the same mutationIds, and the server answers ``duplicate`` for any
       it had already applied.
    3. Acknowledge the answers: only now do the entries leave the outbox.
    4. A batch the server refuses as invalid (422) is halved until the refused change stands
       alone; that one leaves the outbox as a conflict record the person sees (nothing is
       dropped), and the changes after it go on.  Without this one bad change would hold up
       every later one forever.
    """
    progress = progress if progress is not None else PushProgress()
    size = batch_size
    while True:
        batch = await store.outbox(size)  # step 1
        if not batch:
            return progress
        if not still_signed_in():  # the session may be someone else's now
            raise AccountChanged("The account changed during the sync; it stopped.")
        try:
            response = await transport.push(PushRequest(device_id, batch))  # step 2
        except ServerError as err:
            if err.status != REFUSED_STATUS:
                raise
            # step 4
            if len(batch) > 1:
                size = max(1, len(batch) // 2)
                continue
            await store.refuse(batch[0], refused(batch[0], device_id=device_id, now=now))
            progress.refused += 1
            size = batch_size
            continue
        sent = {m.mutation_id for m in batch}
        results = [r for r in response.results if r.mutation_id in sent]
        await store.acknowledge(results)  # step 3
        if not results:
            raise ServerError("The server did not confirm any of the changes sent.")
        progress.pushed += len(results)
        progress.conflicts += sum(1 for r in results if r.status == CONFLICT)
