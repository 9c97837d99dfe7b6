"""The screen state shared by the views (app/views/state.py)."""

from __future__ import annotations

import asyncio

from app.core import changes
from app.core.memory_store import MemoryStore
from app.views.state import VIEWS, Data, Screen, route


def test_a_link_opens_its_view_and_anything_else_opens_the_workout() -> None:
    assert [route(f"#{v}") for v in VIEWS] == list(VIEWS)
    assert route("") == "workout"
    assert route("#nowhere") == "workout"


def test_opening_another_view_drops_the_last_message_undo_and_edit() -> None:
    screen = Screen(editing="e1", undo=[["exercises", "e1"]], log_date="2026-01-01")
    screen.say("Deleted Bench.")
    screen.navigated()
    assert (screen.message, screen.undo, screen.editing) == (None, [], None)
    assert screen.log_date == "2026-01-01"  # what the person chose stays chosen


def test_a_reload_finds_the_rest_timer_drafts_and_undo_but_not_the_rest() -> None:
    screen = Screen(rest_ends_at=5, drafts={"w-s1": "100"}, undo=[["workoutSets", "s1"]])
    screen.editing, screen.message = "e1", "Saved."
    again = Screen()
    again.restore(screen.kept())
    assert (again.rest_ends_at, again.drafts, again.undo) == (
        5,
        {"w-s1": "100"},
        [["workoutSets", "s1"]],
    )
    assert (again.editing, again.message) == (None, None)  # not kept: a reload starts afresh


def test_unreadable_kept_state_gives_a_fresh_screen() -> None:
    for text in ("{not json", "[1, 2]", None, ""):
        screen = Screen()
        screen.restore(text)
        assert screen == Screen()


def test_an_outcome_shown_ends_the_inline_edit_and_says_how_it_went() -> None:
    from app.views.state import Outcome

    screen = Screen(editing="e1")
    screen.show(Outcome([], "Not saved.", ok=False))
    assert (screen.editing, screen.message, screen.message_ok) == (None, "Not saved.", False)
    screen.show(Outcome([]))
    assert (screen.message, screen.message_ok) == (None, True)


def test_a_slow_answer_never_hides_what_was_said_while_it_waited() -> None:
    screen = Screen()
    since = screen.said  # signing in: waiting for the server
    screen.say("The file has a character that cannot be stored.", ok=False)  # an import, meanwhile
    screen.say_unless_overtaken(since, "Signed in as lifter@example.com.")
    assert (screen.message, screen.message_ok) == (
        "The file has a character that cannot be stored.",
        False,
    )
    # With nothing said meanwhile, the answer shows.
    since = screen.said
    screen.say_unless_overtaken(since, "Signed out.")
    assert (screen.message, screen.message_ok) == ("Signed out.", True)


W, E = "00000000-0000-4000-8000-0000000000aa", "00000000-0000-4000-8000-0000000000bb"


def _reread(store: MemoryStore, *tables: str) -> Data:
    """What reading the device database again gives: live records by id (its key order)."""
    read = {t: sorted(asyncio.run(store.all(t)), key=lambda r: r["id"]) for t in tables}
    return Data(**read)


def test_data_after_a_write_is_what_reading_the_device_database_again_gives() -> None:
    """A tap's changes are shown at once from memory: the same records, in the same order, as a
    full re-read (which takes seconds once years of sets are stored)."""
    countdown = iter(range(99, 0, -1))  # each new id sorts before the one made before it
    at = {
        "device_id": "phone",
        "now": 1,
        "new_id": lambda: f"00000000-0000-4000-8000-{next(countdown):012d}",
    }
    store = MemoryStore()
    of = {"workoutId": W, "exerciseId": E, "weight": 80}
    first = [changes.create("workoutSets", {**of, "reps": r}, **at) for r in (5, 6, 7)]
    asyncio.run(store.write(first))
    data = Data().applied(first)
    assert data == _reread(store, "workoutSets")
    assert [s["reps"] for s in data.workoutSets] == [7, 6, 5]

    s7, s6, _ = data.workoutSets
    later = [
        changes.edit("workoutSets", s7, {"reps": 8, "done": True}, **at),
        changes.delete("workoutSets", s6, **at),
        changes.create("exercises", {"name": "Squat"}, **at),
    ]
    asyncio.run(store.write(later))
    again = data.applied(later)
    assert again == _reread(store, "workoutSets", "exercises")
    assert [s["reps"] for s in again.workoutSets] == [8, 5]
    assert [s["reps"] for s in data.workoutSets] == [7, 6, 5]  # what it was made from is kept
