"""When the screen re-reads the device database and shows what it read (app/views/refresh.py)."""

from __future__ import annotations

from app.views.refresh import MAX_SKIPPED_READS, RefreshPlan


def run_loop(plan: RefreshPlan, changes_during_read: list[int]) -> list[bool]:
    """Drive the browser's loop; ``changes_during_read[i]`` changes land during read ``i``."""
    shown = []
    read = 0
    while plan.next_read():
        for _ in range(changes_during_read[read] if read < len(changes_during_read) else 0):
            plan.request(syncing=False)
        shown.append(plan.show())
        read += 1
    return shown


def test_many_changes_make_one_read_that_is_shown() -> None:
    plan = RefreshPlan()
    starts = [plan.request(syncing=False) for _ in range(10)]
    assert all(starts)  # the browser starts the loop unless it already runs
    assert run_loop(plan, []) == [True]
    assert not plan.next_read()  # nothing more to do


def test_a_read_overtaken_by_a_change_is_not_shown_and_the_next_one_is() -> None:
    plan = RefreshPlan()
    plan.request(syncing=False)
    assert run_loop(plan, [1]) == [False, True]


def test_a_steady_stream_of_changes_still_shows_progress() -> None:
    plan = RefreshPlan()
    plan.request(syncing=False)
    shown = run_loop(plan, [1] * 20)
    # Every read but one in MAX_SKIPPED_READS + 1 is dropped; the screen is never left stale.
    assert shown[: MAX_SKIPPED_READS + 1] == [False] * MAX_SKIPPED_READS + [True]
    assert shown.count(True) >= 3 and shown[-1] is True


def test_a_change_during_a_sync_waits_for_its_end() -> None:
    plan = RefreshPlan()
    assert plan.request(syncing=True) is False
    assert not plan.next_read()  # nothing is read while the sync runs
    assert plan.after_sync_update(busy=True, view="log") is None  # only the status line changes
    assert plan.after_sync_update(busy=False, view="log") == "refresh"
    assert plan.request(syncing=False) and plan.next_read() and plan.show()
    assert plan.after_sync_update(busy=False, view="log") is None  # nothing waits any more


def test_after_a_sync_settings_is_drawn_again_to_show_its_facts() -> None:
    plan = RefreshPlan()
    assert plan.after_sync_update(busy=False, view="settings") == "render"
    assert plan.after_sync_update(busy=False, view="history") is None
    assert plan.after_sync_update(busy=True, view="settings") is None
