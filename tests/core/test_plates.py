"""Plate calculator: per side, heaviest first, in the person's unit."""

from __future__ import annotations

import pytest

from app.core import plates


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
