"""Plate calculator: per side, heaviest first, in the person's unit."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.core import plates, units
from app.core.schema import ValidationError


def test_kilogram_loading() -> None:
    loading = plates.load(100, 20, plates.DEFAULT_PLATES["kg"])
    assert loading.per_side == (25.0, 15.0) and loading.exact


def test_pound_loading() -> None:
    loading = plates.load(225, 45, plates.DEFAULT_PLATES["lb"])
    assert loading.per_side == (45.0, 45.0) and loading.exact


def test_small_plates_are_summed_exactly() -> None:
    loading = plates.load(62.5, 20, plates.DEFAULT_PLATES["kg"])
    assert loading.per_side == (20.0, 1.25) and loading.exact


@pytest.mark.parametrize(("total", "leftover"), [(101, 1.0), (15, -5.0)])
def test_weights_the_plates_cannot_make_say_what_is_left(total: float, leftover: float) -> None:
    loading = plates.load(total, 20, plates.DEFAULT_PLATES["kg"])
    assert loading.leftover == leftover and not loading.exact


def test_custom_plates() -> None:
    assert plates.load(60, 15, [10, 2.5]).per_side == (10.0, 10.0, 2.5)


def test_plates_typed_in_any_common_way() -> None:
    for text in ("25, 20, 10, 2.5", "25 20 10 2,5", "25,20,10,2.5", "2.5; 10; 25; 20; 25"):
        assert plates.parse_plates(text, "kg") == [25.0, 20.0, 10.0, 2.5]
    assert plates.parse_plates("  ", "kg") is None  # the standard set
    assert plates.parse_bar("", "kg") is None
    assert plates.parse_bar("15", "kg") == 15.0


@pytest.mark.parametrize(
    ("text", "message"),
    [("25, heavy", "must be a number"), ("0, 20", "from 0.1 kg to 100 kg"), ("150", "to 100 kg")],
)
def test_plates_that_cannot_be_are_refused(text: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        plates.parse_plates(text, "kg")


def test_a_bar_heavier_than_any_is_refused() -> None:
    with pytest.raises(ValidationError, match="from 0 to 100 kg"):
        plates.parse_bar("101", "kg")
    with pytest.raises(ValidationError, match="must be a number"):
        plates.parse_bar("nan", "kg")


@pytest.mark.parametrize("text", ["1e1", "2_0", "١٥"])
def test_a_bar_or_plate_typed_in_exponent_or_digit_groups_is_not_a_number(text: str) -> None:
    """float() reads "1e1" as 10: a slip, not a 10 kg bar."""
    with pytest.raises(ValidationError, match="must be a number"):
        plates.parse_bar(text, "kg")
    with pytest.raises(ValidationError, match="must be a number"):
        plates.parse_plates(f"25, {text}", "kg")


@given(st.lists(st.sampled_from(plates.DEFAULT_PLATES["lb"] + (0.5, 1.25, 100.0)), min_size=1))
def test_pound_plates_come_back_as_typed(typed: list[float]) -> None:
    stored = plates.parse_plates(plates.format_plates(typed), "lb")
    assert stored is not None
    assert [units.shown(kg, "lb") for kg in stored] == sorted(set(typed), reverse=True)


@given(
    st.integers(0, 40_000).map(lambda c: c / 100),
    st.sampled_from([15.0, 20.0]),
    st.lists(st.sampled_from([25.0, 20.0, 15.0, 10.0, 5.0, 2.5, 1.25, 0.5]), min_size=1),
)
def test_a_loading_adds_up_to_the_target(total: float, bar: float, owned: list[float]) -> None:
    loading = plates.load(total, bar, owned)
    made = bar + 2 * sum(loading.per_side) + loading.leftover
    assert round(made, 2) == round(total, 2)
    assert list(loading.per_side) == sorted(loading.per_side, reverse=True)
