"""``SyncEngine``: one full sync of this device with the server, pull first, then push.

Pull comes first so that conflicts are decided by the server against the freshest state the
device could know, and so that a device that was offline for long sees others' work at once.
Push is attempted even when pull failed: a person's edits should reach the server whenever
they can, and pushing never depends on having pulled (the server merges by base version).
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass
from datetime import UTC, datetime

from app.core import storage_keys as keys
from app.core.device import ensure_device_id
from app.core.downstream import PullProgress, pull_all
from app.core.protocol import PULL_LIMIT, PUSH_BATCH, ProtocolError
from app.core.status import SYNCED, status_for_errors
from app.core.store import Store
from app.core.transport import ServerError, SyncError, Transport
from app.core.upstream import PushProgress, push_all


@dataclass(frozen=True)
class SyncResult:
    ok: bool
    pull_ok: bool
    push_ok: bool
    pulled: int  # records received from the server
    pushed: int  # mutations the server acknowledged
    conflicts: int  # of those, how many lost (fully or partly) or were refused: conflict records
    error: str | None  # a sentence for a person, when something failed
    status: str  # one of app.core.status.STATUSES
    recovered: int = 0  # records re-sent to a server that had lost them (a recovery sync)


def _readable(error: Exception) -> Exception:
    # A malformed answer is the server's fault; say so in the same words as other errors.
    if isinstance(error, ProtocolError):
        return ServerError(f"The server sent an answer this app does not understand: {error}")
    return error


def iso_utc(seconds: float) -> str:
    moment = datetime.fromtimestamp(seconds, tz=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


class SyncEngine:
    def __init__(
        self,
        store: Store,
        transport: Transport,
        settings: MutableMapping[str, str],
        clock: Callable[[], float],
        *,
        pull_limit: int = PULL_LIMIT,
        push_batch: int = PUSH_BATCH,
        still_signed_in: Callable[[], bool] = lambda: True,
    ) -> None:
        self.store = store
        self.transport = transport
        self.settings = settings
        self.clock = clock
        self.pull_limit = pull_limit
        self.push_batch = push_batch
        # Asked before every page is applied and every batch is sent: False once the person
        # signed out or in as someone else (in any tab), since the session is no longer this
        # store's account.
        self.still_signed_in = still_signed_in
        # Two syncs at once would send the same outbox twice; the second waits for the first.
        self._lock = asyncio.Lock()
        self._cursor: int | None = None  # where this engine's last pull ended

    @property
    def syncing(self) -> bool:
        """A sync is under way (show ``status.SYNCING``)."""
        return self._lock.locked()

    @property
    def last_synced_at(self) -> str | None:
        return self.settings.get(keys.LAST_SYNCED)

    async def full_sync(self) -> SyncResult:
        async with self._lock:
            return await self._full_sync()

    async def _full_sync(self) -> SyncResult:
        device_id = ensure_device_id(self.settings, lambda: str(uuid.uuid4()))
        pulled = PullProgress()
        pushed = PushProgress()
        # A push answered by a restored server (app.core.upstream, step 5) starts the recovery
        # that its pull would have started: once more round, in this same sync.
        for _ in range(2):
            pull_error: Exception | None = None
            push_error: Exception | None = None
            pushed.restored = False
            try:
                await pull_all(
                    self.store,
                    self.transport,
                    limit=self.pull_limit,
                    progress=pulled,
                    still_signed_in=self.still_signed_in,
                    now=int(self.clock() * 1000),
                    outbox=self.push_batch,  # the first push batch, read beside the cursor
                    expected=self._cursor,
                )
            except (SyncError, ProtocolError) as err:
                pull_error = _readable(err)
            # Where the next sync's pull most likely starts (unknown after a failed pull).
            self._cursor = pulled.cursor
            try:
                await push_all(
                    self.store,
                    self.transport,
                    device_id,
                    batch_size=self.push_batch,
                    limits=pulled.limits,
                    progress=pushed,
                    now=int(self.clock() * 1000),
                    still_signed_in=self.still_signed_in,
                    waiting=pulled.waiting,
                    epoch=pulled.epoch,
                )
            except (SyncError, ProtocolError) as err:
                push_error = _readable(err)
            if not pushed.restored:
                break
        if pushed.restored:
            push_error = ServerError(
                "The server was restored; this device sends it back what it lost."
            )
        status = status_for_errors([pull_error, push_error])
        ok = status == SYNCED
        if ok:
            self.settings[keys.LAST_SYNCED] = iso_utc(self.clock())
        errors = [str(e) for e in (pull_error, push_error) if e is not None]
        return SyncResult(
            ok=ok,
            pull_ok=pull_error is None,
            push_ok=push_error is None,
            pulled=pulled.received,
            pushed=pushed.pushed,
            conflicts=pushed.conflicts + pushed.refused,
            recovered=pulled.recovered,
            error=" ".join(dict.fromkeys(errors)) or None,
            status=status,
        )
