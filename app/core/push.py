"""Upstream: send the outbox to the server and take its answers."""

from __future__ import annotations

from dataclasses import dataclass

from app.core.protocol import CONFLICT, PUSH_BATCH, PushRequest
from app.core.store import Store
from app.core.transport import ServerError, Transport


@dataclass
class PushProgress:
    """Counted as batches are acknowledged, so a push that fails half-way still reports them."""

    pushed: int = 0
    conflicts: int = 0


async def push_all(
    store: Store,
    transport: Transport,
    device_id: str,
    *,
    batch_size: int = PUSH_BATCH,
    progress: PushProgress | None = None,
) -> PushProgress:
    """Push batches until the outbox is empty; raises ``SyncError`` on the first failure.

    1. Read the oldest pending mutations, in the order they were made (the server applies a
       batch in order, so a record's second edit lands after its first).
    2. Send them.  If the request fails, they simply stay in the outbox: the next attempt
       resends them with the same mutationIds, and the server answers ``duplicate`` for any
       it had already applied.
    3. Acknowledge the answers: only now do the entries leave the outbox.
    """
    progress = progress if progress is not None else PushProgress()
    while True:
        batch = await store.outbox(batch_size)  # step 1
        if not batch:
            return progress
        response = await transport.push(PushRequest(device_id, batch))  # step 2
        sent = {m.mutation_id for m in batch}
        results = [r for r in response.results if r.mutation_id in sent]
        await store.acknowledge(results)  # step 3
        if not results:
            raise ServerError("The server did not confirm any of the changes sent.")
        progress.pushed += len(results)
        progress.conflicts += sum(1 for r in results if r.status == CONFLICT)
