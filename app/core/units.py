"""Weights: stored in kilograms, typed and shown in the person's unit (kg or lb).

Storage is canonical: every weight is kilograms rounded to ``KG_DECIMALS`` places.  A weight
typed in pounds becomes kilograms once, when it is typed; switching the unit rewrites nothing, so
63.75 kg stays 63.75 kg, and 225 lb typed once shows as 225 lb for ever.  A shown value that is
sent back unchanged keeps the stored kilograms (``parse_weight``), so an untouched field never
drifts by a rounding.
"""

from __future__ import annotations

import re

from app.core.schema import ValidationError

KG_PER_LB = 0.45359237  # exact, by definition
KG_DECIMALS = 6  # storage precision: lb -> kg -> lb comes back to the hundredth
SHOWN_DECIMALS = 2
UNITS = ("kg", "lb")
# The stepper's increment per unit (the smallest common plate pair).
INCREMENT = {"kg": 2.5, "lb": 5.0}
MAX_KG = 2000.0
# A weight as a person types it: digits with at most one decimal point (a comma becomes one).
# Python's float() reads far more ("1e3", "1_000", "nan", "inf", other scripts' digits): a lifter
# typing those made a slip, and "1e3" must not become 1000 kg.
PLAIN_NUMBER = re.compile(r"-?(?:[0-9]+\.?[0-9]*|\.[0-9]+)")
# Reps, sets and other counts as typed, by the same token ("1e1", "1_0", "²" are slips).
WHOLE_NUMBER = re.compile(r"-?[0-9]+")


def to_kg(value: float, unit: str) -> float:
    """A weight in ``unit`` as stored kilograms."""
    kg = value * KG_PER_LB if unit == "lb" else value
    return round(kg, KG_DECIMALS) + 0.0  # + 0.0: never a negative zero


def from_kg(kg: float, unit: str) -> float:
    """Stored kilograms in ``unit``, unrounded."""
    return kg / KG_PER_LB if unit == "lb" else kg


def shown(kg: float, unit: str) -> float:
    """Stored kilograms as a person reads them in ``unit`` (to the hundredth)."""
    return round(from_kg(kg, unit), SHOWN_DECIMALS) + 0.0


def format_number(value: float) -> str:
    """100 -> "100", 102.5 -> "102.5", 63.75 -> "63.75"."""
    text = f"{round(value, SHOWN_DECIMALS):.{SHOWN_DECIMALS}f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def format_weight(kg: float, unit: str) -> str:
    """The number only, in ``unit``: what a weight field shows."""
    return format_number(shown(kg, unit))


def label(kg: float, unit: str) -> str:
    """A weight with its unit: "100 kg", "225 lb"."""
    return f"{format_weight(kg, unit)} {unit}"


def parse_weight(text: str, unit: str, previous_kg: float | None = None) -> float:
    """What a person typed in ``unit`` as stored kilograms.

    If the text is the shown form of ``previous_kg`` the stored value is kept exactly.
    """
    cleaned = text.strip().replace(",", ".")
    if previous_kg is not None and cleaned == format_weight(previous_kg, unit):
        return previous_kg
    if not PLAIN_NUMBER.fullmatch(cleaned):
        raise ValidationError("Weight must be a number.")
    value = float(cleaned)
    if value < 0:
        raise ValidationError("Weight must be zero or more.")
    kg = to_kg(value, unit)
    if kg > MAX_KG:
        raise ValidationError(f"Weight must be at most {label(MAX_KG, unit)}.")
    return kg


def step(kg: float, unit: str, direction: int) -> float:
    """One stepper press: ``direction`` increments (+1 or -1) in ``unit``, never below zero."""
    value = shown(kg, unit) + direction * INCREMENT[unit]
    return to_kg(min(max(value, 0.0), from_kg(MAX_KG, unit)), unit)
