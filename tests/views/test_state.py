"""The screen state shared by the views (app/views/state.py)."""

from __future__ import annotations

from app.views.state import VIEWS, Screen, route


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
