"""Plate calculator: which plates go on each side of the bar for a target weight.

Works in the person's unit throughout (a lb lifter's plates are 45, 35, 25 ... lb), in whole
hundredths so that float sums never miss a plate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.core import units
from app.core.schema import ValidationError

DEFAULT_BAR = {"kg": 20.0, "lb": 45.0}
MAX_BAR_KG = 100.0
MAX_PLATE_KG = 100.0
MIN_PLATE_KG = 0.1
MAX_PLATES = 20  # kinds of plate, not how many of each
DEFAULT_PLATES = {
    "kg": (25.0, 20.0, 15.0, 10.0, 5.0, 2.5, 1.25),
    "lb": (45.0, 35.0, 25.0, 10.0, 5.0, 2.5),
}


@dataclass(frozen=True)
class Loading:
    per_side: tuple[float, ...]  # heaviest first
    leftover: float  # the target minus what the bar and plates make (both sides)

    @property
    def exact(self) -> bool:
        return self.leftover == 0


def _cents(value: float) -> int:
    return round(value * 100)


def load(total: float, bar: float, plates: tuple[float, ...] | list[float]) -> Loading:
    """Plates per side for ``total`` on a ``bar``, heaviest first, one pair of each as often as
    needed (greedy: right for every standard plate set)."""
    side = max(0, _cents(total) - _cents(bar)) // 2
    chosen: list[float] = []
    for plate in sorted({p for p in plates if p > 0}, reverse=True):
        cents = _cents(plate)
        while cents and side >= cents:
            chosen.append(plate)
            side -= cents
    made = _cents(bar) + 2 * sum(_cents(p) for p in chosen)  # below the bar: a negative leftover
    return Loading(tuple(chosen), (_cents(total) - made) / 100)


def format_plates(plates: tuple[float, ...] | list[float]) -> str:
    """(25.0, 20.0, 1.25) -> "25, 20, 1.25": what the Settings field shows."""
    return ", ".join(units.format_number(p) for p in plates)


def _number(text: str, what: str) -> float:
    if not units.PLAIN_NUMBER.fullmatch(text):
        raise ValidationError(f"{what} must be a number, like 20 or 2.5.")
    return float(text)


def parse_bar(text: str, unit: str) -> float | None:
    """The bar weight a person typed in ``unit``, as stored kilograms ("" means the standard
    bar of their unit)."""
    cleaned = text.strip().replace(",", ".")
    if not cleaned:
        return None
    kg = units.to_kg(_number(cleaned, "The bar weight"), unit)
    if not 0 <= kg <= MAX_BAR_KG:
        raise ValidationError(f"The bar weight must be from 0 to {units.label(MAX_BAR_KG, unit)}.")
    return kg


def parse_plates(text: str, unit: str) -> list[float] | None:
    """The plates a person has, typed in ``unit`` ("25, 20, 10 5 2.5"), as stored kilograms,
    heaviest first, each kind once ("" means the standard set of their unit)."""
    cleaned = text.strip()
    if re.search(r"[;\s]", cleaned):  # "25, 20, 2,5": spaces part them, a comma may be decimal
        words = [w.strip(",") for w in re.split(r"[;\s]+", cleaned)]
    else:  # "25,20,15"
        words = cleaned.split(",")
    words = [w for w in words if w]
    if not words:
        return None
    shown = sorted({_number(w.replace(",", "."), "Each plate") for w in words}, reverse=True)
    if len(shown) > MAX_PLATES:
        raise ValidationError(f"List at most {MAX_PLATES} kinds of plate.")
    made = [units.to_kg(p, unit) for p in shown]
    if any(not MIN_PLATE_KG <= kg <= MAX_PLATE_KG for kg in made):
        raise ValidationError(
            f"Each plate must weigh from {units.label(MIN_PLATE_KG, unit)} "
            f"to {units.label(MAX_PLATE_KG, unit)}."
        )
    return made
