"""SyncEngine against a scripted Transport: order of steps, paging, batching, failures, statuses."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from app.core import changes, status
from app.core.device import DEVICE_ID_KEY, LAST_SYNCED_KEY
from app.core.engine import SyncEngine, iso_utc
from app.core.memory_store import MemoryStore
from app.core.protocol import (
    APPLIED,
    CONFLICT,
    MutationResult,
    PullResponse,
    PushRequest,
    PushResponse,
)
from app.core.transport import (
    AuthRequired,
    OfflineError,
    ServerError,
    SyncError,
    UpgradeRequired,
)

T = TypeVar("T")
NOW = 1_767_225_600.0  # 2026-01-01T00:00:00Z


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


class ScriptedTransport:
    """A Transport answering from scripts: pull pages by ``since``, push via a function."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.pages: dict[int, PullResponse] = {}
        self.pull_error: SyncError | None = None
        self.push_errors: list[SyncError | None] = []
        self.answer: Callable[[PushRequest], PushResponse] = self.apply_all

    @staticmethod
    def apply_all(request: PushRequest) -> PushResponse:
        return PushResponse(
            [
                MutationResult(m.mutation_id, APPLIED, 100 + i)
                for i, m in enumerate(request.mutations)
            ]
        )

    async def pull(self, since: int, limit: int) -> PullResponse:
        self.calls.append(("pull", (since, limit)))
        if self.pull_error is not None:
            raise self.pull_error
        return self.pages.get(since, PullResponse([], since, False))

    async def push(self, request: PushRequest) -> PushResponse:
        self.calls.append(("push", [m.mutation_id for m in request.mutations]))
        if self.push_errors:
            error = self.push_errors.pop(0)
            if error is not None:
                raise error
        return self.answer(request)


def exercise(version: int, name: str = "Pulled") -> dict[str, Any]:
    return {
        "id": str(uuid.uuid4()),
        "createdAt": 1,
        "updatedAt": 1,
        "deviceId": "device-b",
        "deleted": False,
        "version": version,
        "name": name,
        "muscleGroup": None,
        "table": "exercises",
    }


def make(
    transport: ScriptedTransport, *, edits: int = 0, pull_limit: int = 2000, push_batch: int = 500
) -> tuple[SyncEngine, MemoryStore, dict[str, str]]:
    store = MemoryStore()
    settings = {DEVICE_ID_KEY: "device-a"}
    for i in range(edits):
        change = changes.create(
            "exercises",
            {"name": f"Ex {i}"},
            device_id="device-a",
            now=i,
            new_id=lambda: str(uuid.uuid4()),
        )
        run(store.write([change]))
    engine = SyncEngine(
        store, transport, settings, lambda: NOW, pull_limit=pull_limit, push_batch=push_batch
    )
    return engine, store, settings


def test_pulls_before_pushing_and_records_success() -> None:
    transport = ScriptedTransport()
    transport.pages[0] = PullResponse([exercise(3)], 3, False)
    engine, store, settings = make(transport, edits=2)
    result = run(engine.full_sync())
    assert [kind for kind, _ in transport.calls] == ["pull", "push"]
    assert result.ok and result.pull_ok and result.push_ok
    assert (result.pulled, result.pushed, result.conflicts) == (1, 2, 0)
    assert result.status == status.SYNCED and result.error is None
    assert settings[LAST_SYNCED_KEY] == "2026-01-01T00:00:00.000Z" == iso_utc(NOW)
    assert run(store.outbox_count()) == 0 and run(store.cursor()) == 3


def test_pull_pages_until_has_more_is_false() -> None:
    transport = ScriptedTransport()
    transport.pages[0] = PullResponse([exercise(1), exercise(2)], 2, True)
    transport.pages[2] = PullResponse([exercise(3), exercise(4)], 4, True)
    transport.pages[4] = PullResponse([exercise(5)], 5, False)
    engine, store, _ = make(transport, pull_limit=2)
    result = run(engine.full_sync())
    assert [args for kind, args in transport.calls if kind == "pull"] == [(0, 2), (2, 2), (4, 2)]
    assert result.pulled == 5 and len(run(store.all("exercises"))) == 5
    assert run(store.cursor()) == 5
    assert [kind for kind, _ in transport.calls] == ["pull", "pull", "pull"]  # empty outbox


def test_pull_that_does_not_advance_is_an_error_not_a_loop() -> None:
    transport = ScriptedTransport()
    transport.pages[0] = PullResponse([], 0, True)
    engine, _, settings = make(transport)
    result = run(engine.full_sync())
    assert not result.pull_ok and result.status == status.FAILED
    assert result.error is not None and "cursor" in result.error
    assert LAST_SYNCED_KEY not in settings


def test_push_goes_in_batches_until_the_outbox_is_empty() -> None:
    transport = ScriptedTransport()
    engine, store, _ = make(transport, edits=5, push_batch=2)
    mutation_ids = [m.mutation_id for m in run(store.outbox(10))]
    result = run(engine.full_sync())
    pushes = [args for kind, args in transport.calls if kind == "push"]
    assert pushes == [mutation_ids[0:2], mutation_ids[2:4], mutation_ids[4:5]]
    assert result.pushed == 5 and run(store.outbox_count()) == 0


def test_push_is_attempted_even_when_pull_fails() -> None:
    transport = ScriptedTransport()
    transport.pull_error = ServerError("The server failed (500).", 500)
    engine, store, settings = make(transport, edits=1)
    result = run(engine.full_sync())
    assert [kind for kind, _ in transport.calls] == ["pull", "push"]
    assert not result.ok and not result.pull_ok and result.push_ok
    assert result.pushed == 1 and result.error == "The server failed (500)."
    assert result.status == status.FAILED
    assert run(store.outbox_count()) == 0
    assert LAST_SYNCED_KEY not in settings


def test_a_failed_push_keeps_the_outbox_and_the_next_sync_resends_it() -> None:
    transport = ScriptedTransport()
    engine, store, settings = make(transport, edits=3, push_batch=2)
    before = [m.mutation_id for m in run(store.outbox(10))]
    transport.push_errors = [None, OfflineError("The server cannot be reached.")]
    result = run(engine.full_sync())
    assert not result.ok and result.pull_ok and not result.push_ok
    assert result.status == status.OFFLINE and result.pushed == 2
    assert [m.mutation_id for m in run(store.outbox(10))] == before[2:]
    assert LAST_SYNCED_KEY not in settings
    again = run(engine.full_sync())
    assert again.ok and run(store.outbox_count()) == 0
    assert [args for kind, args in transport.calls if kind == "push"][-1] == before[2:]


def test_results_are_matched_by_mutation_id_and_conflicts_counted() -> None:
    transport = ScriptedTransport()
    engine, store, _ = make(transport, edits=2)
    first, second = run(store.outbox(10))

    def answer(request: PushRequest) -> PushResponse:
        return PushResponse(
            [
                MutationResult(str(uuid.uuid4()), APPLIED, 1),  # not ours: ignored
                MutationResult(second.mutation_id, CONFLICT, 2),
                MutationResult(first.mutation_id, APPLIED, 1),
            ]
        )

    transport.answer = answer
    result = run(engine.full_sync())
    assert result.ok and (result.pushed, result.conflicts) == (2, 1)


def test_an_answer_confirming_nothing_stops_the_push() -> None:
    transport = ScriptedTransport()
    transport.answer = lambda request: PushResponse([])
    engine, store, _ = make(transport, edits=1)
    result = run(engine.full_sync())
    assert not result.push_ok and result.status == status.FAILED
    assert run(store.outbox_count()) == 1
    assert len([c for c in transport.calls if c[0] == "push"]) == 1


def test_not_signed_in() -> None:
    transport = ScriptedTransport()
    transport.pull_error = AuthRequired("Sign in to sync.")
    transport.push_errors = [AuthRequired("Sign in to sync.")]
    engine, store, settings = make(transport, edits=1)
    result = run(engine.full_sync())
    assert result.status == status.NOT_SIGNED_IN == "Not signed in"
    assert result.error == "Sign in to sync."
    assert run(store.outbox_count()) == 1 and LAST_SYNCED_KEY not in settings


def test_update_needed_outranks_other_failures() -> None:
    transport = ScriptedTransport()
    transport.pull_error = OfflineError("offline")
    transport.push_errors = [UpgradeRequired("Reload to update Setflow.")]
    engine, _, _ = make(transport, edits=1)
    result = run(engine.full_sync())
    assert result.status == status.UPDATE_NEEDED == "Update needed"


def test_offline() -> None:
    transport = ScriptedTransport()
    transport.pull_error = OfflineError("The server cannot be reached.")
    transport.push_errors = [OfflineError("The server cannot be reached.")]
    engine, _, _ = make(transport, edits=1)
    result = run(engine.full_sync())
    assert result.status == status.OFFLINE == "Offline"
    assert result.error == "The server cannot be reached."  # said once, not twice


def test_a_malformed_answer_reads_as_a_server_failure() -> None:
    transport = ScriptedTransport()

    async def bad_pull(since: int, limit: int) -> PullResponse:
        from app.core.protocol import parse_pull_response

        return parse_pull_response({"changes": "nope"})

    transport.pull = bad_pull  # type: ignore[method-assign]
    engine, _, _ = make(transport)
    result = run(engine.full_sync())
    assert result.status == status.FAILED
    assert result.error is not None and result.error.startswith("The server sent an answer")


def test_status_texts_and_mapping() -> None:
    assert status.STATUSES == (
        "Not signed in",
        "Offline",
        "Syncing",
        "Synced",
        "Sync failed — will retry",
        "Update needed",
    )
    assert status.status_for_error(None) == status.SYNCED
    assert status.status_for_error(AuthRequired("x")) == status.NOT_SIGNED_IN
    assert status.status_for_error(UpgradeRequired("x")) == status.UPDATE_NEEDED
    assert status.status_for_error(OfflineError("x")) == status.OFFLINE
    assert status.status_for_error(ServerError("x", 500)) == status.FAILED
    assert status.status_for_error(RuntimeError("x")) == status.FAILED


def test_a_device_id_is_made_when_missing() -> None:
    transport = ScriptedTransport()
    engine, _, settings = make(transport, edits=1)
    del settings[DEVICE_ID_KEY]
    seen: list[str] = []

    def answer(request: PushRequest) -> PushResponse:
        seen.append(request.device_id)
        return ScriptedTransport.apply_all(request)

    transport.answer = answer
    assert run(engine.full_sync()).ok
    assert seen == [settings[DEVICE_ID_KEY]]


def test_concurrent_syncs_do_not_overlap() -> None:
    transport = ScriptedTransport()
    engine, _, _ = make(transport, edits=1)

    async def both() -> None:
        gate = asyncio.Event()
        plain_pull = transport.pull

        async def slow_pull(since: int, limit: int) -> PullResponse:
            await gate.wait()
            return await plain_pull(since, limit)

        transport.pull = slow_pull  # type: ignore[method-assign]
        assert not engine.syncing
        first = asyncio.ensure_future(engine.full_sync())
        second = asyncio.ensure_future(engine.full_sync())
        await asyncio.sleep(0)
        assert engine.syncing
        gate.set()
        await asyncio.gather(first, second)
        assert not engine.syncing

    run(both())
    pushes = [args for kind, args in transport.calls if kind == "push"]
    assert len(pushes) == 1  # the second sync found the outbox already empty
    assert [kind for kind, _ in transport.calls] == ["pull", "push", "pull"]
