"""Downstream: bring the server's changes since this device's cursor into the Store."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass

from app.core import horizon
from app.core.protocol import PULL_LIMIT, PullResponse
from app.core.store import Store
from app.core.transport import AccountChanged, ServerError, Transport


@dataclass
class PullProgress:
    """Counted page by page, so a pull that fails half-way still reports what arrived."""

    received: int = 0
    taken: int = 0


async def pull_all(
    store: Store,
    transport: Transport,
    *,
    limit: int = PULL_LIMIT,
    progress: PullProgress | None = None,
    still_signed_in: Callable[[], bool] = lambda: True,
) -> PullProgress:
    """Pull pages until the server says there is no more.

    1. Ask for the changes after the stored cursor.
    2. While the next page is on its way (its cursor is known from this page's answer), apply
       this page and save its cursor in one step, so an interrupted pull resumes after the last
       page that was fully applied and never skips one.  Pages are applied strictly in order.
    3. Repeat while ``hasMore``.

    A cursor below the server's ``horizon`` may have missed pruned deletes: the pull then starts
    from 0, keeps the old cursor until the end (an interrupted one starts over), and finally
    drops what the server no longer has (``app.core.horizon``).

    Before a page is applied, ``still_signed_in`` must hold: a page that arrives after the
    person signed out (or in as someone else, say in another tab) may be the other account's,
    and is dropped with the pull (``AccountChanged``).
    """
    progress = progress if progress is not None else PullProgress()
    since = await store.cursor()
    page = await transport.pull(since, limit)  # step 1
    kept: set[horizon.Key] | None = None
    old_cursor = since
    if page.behind_horizon(since):
        kept, since = set(), 0
        page = await transport.pull(since, limit)
    while True:
        upcoming: asyncio.Task[PullResponse] | None = None
        if page.has_more:
            if page.cursor <= since:
                # A server bug must not spin this loop forever.
                raise ServerError("The server's sync cursor did not move forward.")
            upcoming = asyncio.ensure_future(transport.pull(page.cursor, limit))
        try:
            if not still_signed_in():
                raise AccountChanged("The account changed during the sync; it stopped.")
            if kept is None:
                progress.taken += await store.apply_pulled(page.changes, page.cursor)  # step 2
            else:
                kept |= horizon.keys_of(page.changes)
                progress.taken += await store.apply_pulled(page.changes, old_cursor)
                if upcoming is None:
                    # Nothing between the last version sent and the horizon exists any more.
                    cursor = max(page.cursor, page.horizon)
                    progress.taken += await horizon.forget_pruned(store, kept, cursor)
        except BaseException:
            if upcoming is not None:
                upcoming.cancel()
            raise
        progress.received += len(page.changes)
        if upcoming is None:  # step 3
            return progress
        since = page.cursor
        page = await upcoming
