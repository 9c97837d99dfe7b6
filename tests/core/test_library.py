"""The built-in exercise library: about 100 exercises, searchable beside the person's own."""

from __future__ import annotations

from app.core import library
from app.core.schema import check_fields, get_table


def test_about_a_hundred_exercises_each_a_valid_record_with_a_unique_name() -> None:
    assert 90 <= len(library.LIBRARY) <= 120
    names = [e.name.casefold() for e in library.LIBRARY]
    assert len(set(names)) == len(names)
    for e in library.LIBRARY:
        check_fields(get_table("exercises"), e.fields(), partial=False)
        assert e.muscles and e.equipment


def test_a_library_exercise_has_the_same_id_on_every_device() -> None:
    assert library.library_id("Bench press") == library.library_id("bench PRESS")
    assert library.BY_ID[library.library_id("Bench press")].name == "Bench press"


def test_search_matches_every_word_in_name_muscles_or_equipment() -> None:
    names = [name for _, name, _, _ in library.search("curl dumbbell", [])]
    assert "Hammer curl" in names and "Barbell curl" not in names
    assert [n for _, n, _, _ in library.search("calves", [])] == [
        "Standing calf raise",
        "Seated calf raise",
    ]


def test_own_exercises_come_first_and_shadow_the_library_entry() -> None:
    bench = {"id": library.library_id("Bench press"), "name": "Bench press"}
    own = [bench, {"id": "x", "name": "Zercher bench thing", "muscleGroup": "Chest"}]
    found = library.search("bench", own)
    assert found[0][:2] == (bench["id"], "Bench press") and found[0][3] is False
    assert found[1][1] == "Zercher bench thing"
    assert sum(1 for _, n, _, _ in found if n == "Bench press") == 1


def test_archived_exercises_are_hidden_but_come_back_through_the_library() -> None:
    squat = {"id": library.library_id("Squat"), "name": "Squat", "archived": True}
    mine = {"id": "y", "name": "My old press", "archived": True}
    found = library.search("squat", [squat])
    assert (found[0][1], found[0][3]) == ("Squat", True)
    assert library.search("my old press", [mine]) == []
