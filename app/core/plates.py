"""Plate calculator: which plates go on each side of the bar for a target weight.

Works in the person's unit throughout (a lb lifter's plates are 45, 35, 25 ... lb), in whole
hundredths so that float sums never miss a plate.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_BAR = {"kg": 20.0, "lb": 45.0}
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
