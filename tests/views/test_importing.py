"""Settings → Export and Import, as the person reads them (app/views/importing.py)."""

from __future__ import annotations

import pytest

from app.core import csv_import, formats
from app.core.schema import ValidationError
from app.views import importing
from app.views.state import Data, Screen
from tests.views.test_workout import new_id

STRONG = (
    "Date,Workout Name,Duration,Exercise Name,Set Order,Weight,Reps,Distance,Seconds,Notes,"
    "Workout Notes,RPE\n"
    '2026-01-05 07:00:00,"Morning",45m,"Squat (Barbell)",1,100,5,0,0,"","",\n'
)


def test_an_export_counts_live_records_only_and_names_its_file() -> None:
    """Said as the import of the same file says it: the lifter's things, never "records"."""
    tables = {
        "exercises": [{"id": "a"}, {"id": "b", "deleted": True}, {"id": "d"}],
        "programs": [{"id": "c"}],
        "workoutSets": [{"id": "e"}, {"id": "f"}],
        "settings": [{"id": "g"}],
        "conflicts": [{"id": "h"}],
    }
    assert (
        importing.exported(tables, "setflow.json")
        == "Exported 2 exercises, 1 program, 2 sets to setflow.json."
    )
    empty = {"exercises": [{"id": "b", "deleted": True}], "settings": [{"id": "g"}]}
    assert importing.exported(empty, "setflow.json") == (
        "Exported setflow.json: nothing recorded yet."
    )


def test_a_csv_export_takes_a_known_layout_or_strongs() -> None:
    assert importing.csv_layout("hevy") == "hevy"
    assert importing.csv_layout("anything") == "strong"
    assert importing.csv_filename("hevy", "2026-11-25") == "setflow-hevy-2026-11-25.csv"


def plan_of(text: str, unit: str | None) -> csv_import.Plan:
    pending = importing.Pending(formats.parse(text), unit=unit)
    return importing.plan(
        pending, Data(), device_id="d", now=1, new_id=new_id, utc_offset_minutes=0
    )


def test_an_import_waits_for_the_unit_then_shows_what_it_wrote_at_once() -> None:
    with pytest.raises(ValidationError, match="Choose kg or lb"):
        importing.ready(plan_of(STRONG, None))
    made = plan_of(STRONG, "kg")
    summary = importing.ready(made)
    data, screen = Data(), Screen(import_preview="a preview")
    importing.show_imported(data, screen, made, summary)
    assert [s["reps"] for s in data.workoutSets] == [5]
    assert screen.import_preview is None and screen.message == summary == screen.last_import


def test_a_cancelled_import_says_nothing_was_written() -> None:
    screen = Screen(import_preview="a preview")
    importing.cancelled(screen)
    assert screen.import_preview is None
    assert screen.message == "Import cancelled; nothing was written."


def test_the_preview_gives_the_files_dates_in_the_persons_format() -> None:
    preview = plan_of(STRONG, None).preview
    html = importing.card(Screen(import_preview=preview, date_pattern="dmy/"), Data())
    assert "<dt>Dates</dt><dd>05/01/2026 to 05/01/2026</dd>" in html


def test_the_preview_says_which_texts_will_be_shortened_and_only_then() -> None:
    long_note = "Sets of " + "é" * 600
    text = STRONG.replace(',"","",\n', f',"{long_note}","",\n')
    preview = plan_of(text, "kg").preview
    html = importing.card(Screen(import_preview=preview), Data())
    assert (
        '<p id="import-shortened">1 set note is longer than Setflow keeps (500 characters): '
        "it will be shortened, ending in “…”.</p>"
    ) in html
    plain = importing.card(Screen(import_preview=plan_of(STRONG, "kg").preview), Data())
    assert 'id="import-shortened"' not in plain and "shortened" not in plain
