"""Downstream: bring the server's changes since this device's cursor into the Store."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.core import horizon
from app.core.protocol import PULL_LIMIT, Mutation, PullResponse, PushLimits
from app.core.recovery import EPOCH_KEY, RECOVERING_KEY
from app.core.store import Store, split_change
from app.core.transport import AccountChanged, ServerError, Transport


@dataclass
class PullProgress:
    """Counted page by page, so a pull that fails half-way still reports what arrived."""

    received: int = 0
    taken: int = 0
    limits: PushLimits = field(default_factory=PushLimits)  # what the server says it takes
    recovered: int = 0  # records re-sent to a server that lost them (a recovery sync)
    # Read beside the cursor for the push that follows (``outbox`` > 0): the oldest changes
    # waiting, and the epoch stored once the pull ended (or failed).  ``waiting`` is None when
    # not read, or when the pull changed the outbox (a recovery, or a pull behind the horizon).
    waiting: list[Mutation] | None = None
    epoch: str | None = None
    cursor: int | None = None  # the cursor stored when a plain pull (no recovery) ended


def _lost_changes(page: PullResponse, since: int, known_epoch: str | None) -> bool:
    """Whether the server lost changes this device saw (restored from a backup, or wiped)."""
    if known_epoch and page.epoch and page.epoch != known_epoch:
        return True
    return page.server_lost_changes(since)


async def pull_all(
    store: Store,
    transport: Transport,
    *,
    limit: int = PULL_LIMIT,
    progress: PullProgress | None = None,
    still_signed_in: Callable[[], bool] = lambda: True,
    now: int = 0,
    outbox: int = 0,
    expected: int | None = None,
) -> PullProgress:
    """Pull pages until the server says there is no more.

    1. Ask for the changes after the stored cursor.
    2. If the answer shows the server lost changes this device saw (another ``epoch``, or the
       account's version below the cursor), this is a recovery sync (``app.core.recovery``):
       it is noted first (so an interrupted one starts again), and the pull starts from 0.
    3. While the next page is on its way (its cursor is known from this page's answer), apply
       this page and save its cursor in one step, so an interrupted pull resumes after the last
       page that was fully applied and never skips one.  Pages are applied strictly in order.
       A recovery holds the pages aside instead (the server's copy of every record).
    4. Repeat while ``hasMore``.  A recovery then takes the server's copies it may, queues every
       record the server lacks or holds with other values, and saves the cursor, in one step
       (``Store.recover``); then the epoch is stored.

    A cursor below the server's ``horizon`` may have missed pruned deletes: the pull then starts
    from 0, keeps the old cursor until the end (an interrupted one starts over), and finally
    drops what the server no longer has (``app.core.horizon``).

    Before a page is applied, ``still_signed_in`` must hold: a page that arrives after the
    person signed out (or in as someone else, say in another tab) may be the other account's,
    and is dropped with the pull (``AccountChanged``).

    With ``outbox`` > 0, the first ``outbox`` changes waiting are read beside the cursor, for
    the push that follows (``progress.waiting``; see ``app.core.upstream.push_all``).

    ``expected``: the cursor the last pull of this device ended on (``progress.cursor``), most
    likely still the stored one.  The first page is asked for from it at once, while the stored
    state is read; the answer is used only if the stored cursor is that one and no recovery is
    under way (else the pull starts again from what is stored: a pull changes nothing on the
    server, so the early one is simply dropped).
    """
    progress = progress if progress is not None else PullProgress()
    progress.cursor = None
    early = None if expected is None else asyncio.ensure_future(transport.pull(expected, limit))
    try:
        # Read together: four IndexedDB transactions at once cost about one.
        flag, cursor, epoch, waiting = await asyncio.gather(
            store.get_meta(RECOVERING_KEY),
            store.cursor(),
            store.get_meta(EPOCH_KEY),
            store.outbox(outbox) if outbox > 0 else _nothing(),
        )
    except BaseException:
        _drop(early)
        raise
    progress.epoch = epoch
    recovering = bool(flag)
    # A recovery or a pull behind the horizon changes the outbox: what was read goes stale.
    progress.waiting = waiting if outbox > 0 and not recovering else None
    since = 0 if recovering else cursor
    if early is not None and not recovering and since == expected:
        page = await early  # step 1, asked for while the state was read
    else:
        _drop(early)
        page = await transport.pull(since, limit)  # step 1
    if not recovering and _lost_changes(page, since, epoch):  # step 2
        recovering = True
        progress.waiting = None
        await store.set_meta(RECOVERING_KEY, True)
        since = 0
        page = await transport.pull(since, limit)
    kept: set[horizon.Key] | None = None
    old_cursor = since
    if not recovering and page.behind_horizon(since):
        kept, since = set(), 0
        progress.waiting = None
        page = await transport.pull(since, limit)
    progress.limits = page.limits
    held: dict[tuple[str, str], dict[str, Any]] = {}
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
            if recovering:  # held aside: Store.recover decides what to take
                for change in page.changes:
                    table, record = split_change(change)
                    held[(table, record["id"])] = record
            elif kept is None:
                # Most syncs find nothing from other devices: nothing new, nothing written.
                if page.changes or page.cursor != since:
                    progress.taken += await store.apply_pulled(page.changes, page.cursor)  # step 3
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
        if upcoming is None:  # step 4
            break
        since = page.cursor
        page = await upcoming
    if recovering:
        progress.recovered = await store.recover(held, page.cursor, now=now)
        await store.set_meta(RECOVERING_KEY, False)
    if page.epoch and page.epoch != epoch:
        await store.set_meta(EPOCH_KEY, page.epoch)
        progress.epoch = page.epoch
    if not recovering and kept is None:
        progress.cursor = page.cursor
    return progress


async def _nothing() -> None:
    return None


def _drop(early: asyncio.Future[PullResponse] | None) -> None:
    """An early pull whose answer is not used: cancelled, and its failure (offline) unseen."""
    if early is None:
        return
    early.cancel()
    early.add_done_callback(lambda done: None if done.cancelled() else done.exception())
