"""Weights in kg or lb: canonical kilograms in storage, no drift when the unit changes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core import units
from app.core.schema import ValidationError

# Kilograms as stored: whole millionths up to 2000 kg.
stored_kg = st.integers(min_value=0, max_value=2_000_000_000).map(lambda n: n / 1_000_000)
# What a person types: hundredths up to 4400 lb / 2000 kg.
typed = st.integers(min_value=0, max_value=200_000).map(lambda n: n / 100)


@given(stored_kg)
def test_kg_to_lb_to_kg_is_exact_in_storage(kg: float) -> None:
    assert units.to_kg(units.from_kg(kg, "lb"), "lb") == kg


@given(typed)
def test_a_typed_lb_weight_shows_as_typed(value: float) -> None:
    assert units.shown(units.to_kg(value, "lb"), "lb") == value


@given(typed)
def test_a_typed_kg_weight_is_stored_as_typed(value: float) -> None:
    assert units.to_kg(value, "kg") == value


@given(stored_kg, st.sampled_from(units.UNITS))
def test_an_untouched_field_keeps_the_stored_kilograms(kg: float, unit: str) -> None:
    assert units.parse_weight(units.format_weight(kg, unit), unit, previous_kg=kg) == kg


def test_a_unit_switch_shows_the_same_kilograms() -> None:
    kg = units.parse_weight("63.75", "kg")
    assert kg == 63.75
    assert units.label(kg, "lb") == "140.54 lb"
    assert units.label(kg, "kg") == "63.75 kg"  # and back: nothing was rewritten


def test_pounds_typed_are_stored_as_kilograms() -> None:
    kg = units.parse_weight("225", "lb")
    assert kg == 102.058283
    assert units.label(kg, "lb") == "225 lb"
    assert units.label(kg, "kg") == "102.06 kg"


def test_a_changed_value_is_converted() -> None:
    assert units.parse_weight("230", "lb", previous_kg=102.058283) == 104.326245


@pytest.mark.parametrize("text", ["", "abc", "-5", "nan", "inf"])
def test_bad_weights_are_refused(text: str) -> None:
    with pytest.raises(ValidationError):
        units.parse_weight(text, "kg")


@pytest.mark.parametrize(
    "text",
    ["nan", "inf", "1e999", "1e3", "1E2", "2.5e1", "1_000", "0x10", "١٠٠", "+-5", "5.5.5", "."],
)
def test_what_is_not_a_weight_is_called_not_a_number(text: str) -> None:
    """Python's float() reads "1e3" as 1000 and "1_000" or Arabic-Indic digits as numbers too;
    a lifter typing them made a slip, and gets a sentence instead of a ton on the bar."""
    with pytest.raises(ValidationError, match="Weight must be a number"):
        units.parse_weight(text, "kg")


def test_too_heavy_is_refused_in_the_persons_unit() -> None:
    with pytest.raises(ValidationError, match=r"at most 4409\.25 lb"):
        units.parse_weight("5000", "lb")


def test_comma_decimal_is_accepted() -> None:
    assert units.parse_weight("62,5", "kg") == 62.5


@pytest.mark.parametrize(
    ("text", "kg"),
    [("100", 100.0), (" 62.5 ", 62.5), ("62,5", 62.5), (".5", 0.5), ("5.", 5.0), ("0", 0.0)],
)
def test_plain_numbers_are_weights(text: str, kg: float) -> None:
    assert units.parse_weight(text, "kg") == kg


@pytest.mark.parametrize(
    ("kg", "unit", "direction", "expected"),
    [
        (100.0, "kg", 1, 102.5),
        (100.0, "kg", -1, 97.5),
        (1.0, "kg", -1, 0.0),
        (units.to_kg(225, "lb"), "lb", 1, units.to_kg(230, "lb")),
        (units.to_kg(225, "lb"), "lb", -1, units.to_kg(220, "lb")),
    ],
)
def test_stepper_moves_by_a_plate_pair_in_the_persons_unit(
    kg: float, unit: str, direction: int, expected: float
) -> None:
    assert units.step(kg, unit, direction) == expected


@pytest.mark.parametrize(
    ("value", "text"), [(100.0, "100"), (102.5, "102.5"), (63.75, "63.75"), (0.0, "0")]
)
def test_numbers_read_like_a_person_writes_them(value: float, text: str) -> None:
    assert units.format_number(value) == text
