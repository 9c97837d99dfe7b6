"""How a lost edit's values read in the conflicts list (app/views/conflicts.py)."""

from __future__ import annotations

from app.core.schema import SETTINGS_ID
from app.views.conflicts import value_text
from app.views.state import Data

BENCH = "a1111111-1111-4111-8111-111111111111"
ROW = "a1111111-1111-4111-8111-111111111112"
CURL = "a1111111-1111-4111-8111-111111111113"


def test_supersets_and_exercise_notes_read_as_names_not_ids() -> None:
    data = Data(
        exercises=[
            {"id": BENCH, "name": "Bench press"},
            {"id": ROW, "name": "Barbell row"},
            {"id": CURL, "name": "Curl"},
        ]
    )
    text = value_text("supersets", {BENCH: 1, ROW: 1, CURL: 2}, data)
    assert text == "Superset: Bench press and Barbell row"  # a superset of one is none
    assert value_text("exerciseNotes", {ROW: "Straps"}, data) == "Barbell row: Straps"


def test_weights_read_in_the_persons_unit() -> None:
    kilos = Data()
    assert value_text("weight", 102.058283, kilos) == "102.06 kg"
    pounds = Data(settings=[{"id": SETTINGS_ID, "unit": "lb"}])
    assert value_text("weight", 102.058283, pounds) == "225 lb"
    assert value_text("barWeight", 20, pounds) == "44.09 lb"
