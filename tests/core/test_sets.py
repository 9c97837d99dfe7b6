"""RPE and a set's details line (app/core/sets.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core.schema import WORKOUT_SETS, ValidationError, check_field
from app.core.sets import RPE_VALUES, details, format_rpe, parse_rpe


@given(st.sampled_from(RPE_VALUES))
def test_every_rpe_offered_reads_back_and_fits_the_schema(value: float) -> None:
    assert parse_rpe(format_rpe(value)) == value
    check_field(WORKOUT_SETS.field_map["rpe"], value)


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_anything_else_is_refused(value: float) -> None:
    if value in RPE_VALUES:
        return
    with pytest.raises(ValidationError):
        parse_rpe(repr(value))


def test_rpe_choices_are_six_to_ten_in_halves() -> None:
    assert [format_rpe(v) for v in RPE_VALUES] == [
        "6", "6.5", "7", "7.5", "8", "8.5", "9", "9.5", "10"
    ]  # fmt: skip
    assert parse_rpe(" ") is None and parse_rpe("7,5") == 7.5


def test_details_line() -> None:
    assert details({"rpe": 9, "notes": " last rep slow "}) == "RPE 9 · last rep slow"
    assert details({"rpe": None, "notes": ""}) == ""
