"""Settings a lifter changes: the weight unit (synced to every device), shown in Settings."""

from __future__ import annotations

from app.core import plates, rest, units
from app.core.schema import SETTINGS_ID
from app.views.html import esc
from app.views.state import Data, Record


def settings_of(data: Data) -> Record:
    return next((s for s in data.settings if s["id"] == SETTINGS_ID), {})


def unit_of(data: Data) -> str:
    unit = settings_of(data).get("unit")
    return unit if unit in units.UNITS else "kg"


def default_rest(data: Data) -> int:
    value = settings_of(data).get("restSeconds")
    return value if isinstance(value, int) and not isinstance(value, bool) else rest.DEFAULT_SECONDS


def bar_and_plates(data: Data) -> tuple[float, tuple[float, ...]]:
    """The bar and plates in the person's unit (stored in kg, like every weight)."""
    unit = unit_of(data)
    stored = settings_of(data)
    bar = stored.get("barWeight")
    owned = stored.get("plates")
    return (
        units.shown(float(bar), unit) if bar else plates.DEFAULT_BAR[unit],
        tuple(units.shown(float(p), unit) for p in owned) if owned else plates.DEFAULT_PLATES[unit],
    )


def plates_line(weight_kg: float, data: Data) -> str:
    """ "Each side: 25 + 15 kg" for a barbell weight ("" when it is just the bar or less)."""
    unit = unit_of(data)
    bar, owned = bar_and_plates(data)
    total = units.shown(weight_kg, unit)
    if total <= bar:
        return ""
    loading = plates.load(total, bar, owned)
    side = " + ".join(units.format_number(p) for p in loading.per_side) or "none"
    extra = "" if loading.exact else f" ({units.format_number(loading.leftover)} {unit} short)"
    return f"Plates per side: {side} {unit}{extra} ({units.format_number(bar)} {unit} bar)"


def render(data: Data) -> str:
    unit = unit_of(data)
    buttons = "".join(
        f'<button type="button" class="{"" if u == unit else "secondary"}" data-action="set-unit" '
        f'data-unit="{u}" aria-pressed="{"true" if u == unit else "false"}">{label}</button>'
        for u, label in (("kg", "Kilograms (kg)"), ("lb", "Pounds (lb)"))
    )
    return (
        '<div class="card"><h3 id="units-title">Weight unit</h3>'
        f'<div class="row" role="group" aria-labelledby="units-title">{buttons}</div>'
        f'<p class="muted">Weights are kept exactly as you entered them; switching only changes '
        f"how they show. It follows you to your other devices. Now: {esc(unit)}.</p></div>"
    )
