"""The sync policy: when a device syncs, and what each way a sync can end plans next."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from app.core import status
from app.core.engine import SyncResult
from app.core.scheduler import CHANGE_DELAY_S, LOCK_RETRY_S, PERIOD_S, Scheduler


class FakeTimer:
    """setTimeout at a seam: plans are kept, and fired by the test."""

    def __init__(self) -> None:
        self.plans: dict[int, tuple[float, Callable[[], None]]] = {}
        self._next = 0

    def start(self, delay_s: float, callback: Callable[[], None]) -> Any:
        self._next += 1
        self.plans[self._next] = (delay_s, callback)
        return self._next

    def cancel(self, handle: Any) -> None:
        self.plans.pop(handle, None)

    def delays(self) -> list[float]:
        return [delay for delay, _ in self.plans.values()]

    def fire(self) -> None:
        (handle,) = self.plans
        _, callback = self.plans.pop(handle)
        callback()


def result(state: str, ok: bool = False) -> SyncResult:
    return SyncResult(ok, ok, ok, 0, 0, 0, None if ok else "text", state)


@pytest.fixture
def signed_in() -> list[bool]:
    return [True]


@pytest.fixture
def timer() -> FakeTimer:
    return FakeTimer()


@pytest.fixture
def runs() -> list[int]:
    return []


@pytest.fixture
def scheduler(timer: FakeTimer, runs: list[int], signed_in: list[bool]) -> Scheduler:
    made = Scheduler(timer, lambda: runs.append(1), lambda: signed_in[0])
    made.backoff._random = lambda: 1.0  # the ceiling, so delays are known
    return made


def test_triggers_plan_one_sync_and_the_latest_trigger_wins(
    scheduler: Scheduler, timer: FakeTimer, runs: list[int]
) -> None:
    scheduler.started()
    assert timer.delays() == [0]
    scheduler.local_change()
    assert timer.delays() == [CHANGE_DELAY_S]  # replaced, not added
    scheduler.visible(False)
    assert timer.delays() == [CHANGE_DELAY_S]
    scheduler.online()
    assert timer.delays() == [0]
    timer.fire()
    assert runs == [1] and timer.delays() == []


def test_nothing_is_planned_for_someone_not_signed_in(
    scheduler: Scheduler, timer: FakeTimer, signed_in: list[bool]
) -> None:
    signed_in[0] = False
    scheduler.started()
    scheduler.local_change()
    scheduler.online()
    assert timer.delays() == []


def test_a_good_sync_plans_the_next_in_a_minute_while_visible_and_none_while_hidden(
    scheduler: Scheduler, timer: FakeTimer
) -> None:
    outcome = scheduler.finished(result(status.SYNCED, ok=True), visible=True)
    assert (outcome.status, outcome.next_in, timer.delays()) == (
        status.SYNCED,
        PERIOD_S,
        [PERIOD_S],
    )
    scheduler.cancel()
    outcome = scheduler.finished(result(status.SYNCED, ok=True), visible=False)
    assert (outcome.next_in, timer.delays()) == (None, [])


def test_a_change_made_during_a_sync_is_not_put_off_by_the_minute(
    scheduler: Scheduler, timer: FakeTimer
) -> None:
    scheduler.local_change()  # a set checked while the sync ran
    scheduler.finished(result(status.SYNCED, ok=True), visible=True)
    assert timer.delays() == [CHANGE_DELAY_S]


def test_a_sync_due_during_a_sync_runs_once_that_ends_and_a_failure_keeps_its_backoff(
    scheduler: Scheduler, timer: FakeTimer
) -> None:
    scheduler.due_during_a_sync()
    scheduler.finished(result(status.SYNCED, ok=True), visible=True)
    assert timer.delays() == [0]
    timer.fire()
    scheduler.finished(result(status.SYNCED, ok=True), visible=True)
    assert timer.delays() == [PERIOD_S]  # once, not for ever
    scheduler.due_during_a_sync()
    scheduler.finished(result(status.OFFLINE), visible=True)
    assert timer.delays() == [2.0]  # the retry pushes it, without hammering a failing server
    scheduler.due_during_a_sync()
    scheduler.crashed()
    assert timer.delays() == [4.0]
    scheduler.finished(result(status.SYNCED, ok=True), visible=True)
    assert timer.delays() == [4.0]  # the crash's retry stands; the wish did not outlive it


def test_a_sync_due_while_another_tab_syncs_asks_again_shortly(
    scheduler: Scheduler, timer: FakeTimer
) -> None:
    scheduler.finished(result(status.SYNCED, ok=True), visible=True)
    scheduler.due_while_another_tab_syncs()
    assert timer.delays() == [LOCK_RETRY_S]


def test_failures_back_off_and_a_success_resets_the_backoff(
    scheduler: Scheduler, timer: FakeTimer
) -> None:
    delays = [scheduler.finished(result(status.OFFLINE), visible=True).next_in for _ in range(4)]
    assert delays == [2.0, 4.0, 8.0, 16.0]
    assert timer.delays() == [16.0]
    scheduler.finished(result(status.SYNCED, ok=True), visible=True)
    assert scheduler.finished(result(status.FAILED), visible=True).next_in == 2.0


def test_a_failure_replaces_a_sooner_plan_so_backoff_holds(
    scheduler: Scheduler, timer: FakeTimer
) -> None:
    scheduler.local_change()
    scheduler.finished(result(status.FAILED), visible=True)
    assert timer.delays() == [2.0]


@pytest.mark.parametrize(
    ("state", "forget", "update"),
    [(status.NOT_SIGNED_IN, True, False), (status.UPDATE_NEEDED, False, True)],
)
def test_what_needs_the_person_waits_for_them(
    scheduler: Scheduler, timer: FakeTimer, state: str, forget: bool, update: bool
) -> None:
    scheduler.local_change()
    outcome = scheduler.finished(result(state), visible=True)
    assert (outcome.status, outcome.next_in) == (state, None)
    assert (outcome.forget_sign_in, outcome.check_for_update) == (forget, update)
    assert timer.delays() == []


def test_a_crash_is_a_quiet_failure_retried_later(scheduler: Scheduler, timer: FakeTimer) -> None:
    outcome = scheduler.crashed()
    assert (outcome.status, timer.delays()) == (status.FAILED, [2.0])


def test_an_account_change_mid_sync_syncs_the_new_account_now(
    scheduler: Scheduler, timer: FakeTimer, signed_in: list[bool]
) -> None:
    scheduler.finished(result(status.FAILED), visible=True)
    outcome = scheduler.account_changed()
    assert (outcome.status, timer.delays()) == (status.SYNCING, [0])
    assert scheduler.backoff.failures == 0
    signed_in[0] = False
    outcome = scheduler.account_changed()
    assert (outcome.status, timer.delays()) == (status.NOT_SIGNED_IN, [])
