"""Settings a lifter changes (synced to every device), shown in Settings: the weight unit, the bar
and the plates they own."""

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


def _bar_and_plates_card(data: Data) -> str:
    unit = unit_of(data)
    bar, owned = bar_and_plates(data)
    # The unit is in the fields' ids: a switch of unit shows the stored values anew instead of
    # keeping the numbers last typed in the other unit (app/browser/ui.py keeps typed values).
    return (
        '<div class="card"><h3 id="plates-title">Bar and plates</h3>'
        '<form data-form="bar-and-plates" aria-labelledby="plates-title"><div class="row">'
        f'<div class="bar-field"><label for="bar-weight-{unit}">Bar ({unit})</label>'
        f'<input id="bar-weight-{unit}" name="bar" inputmode="decimal" autocomplete="off" '
        f'value="{esc(units.format_number(bar))}"></div>'
        f'<div><label for="plate-list-{unit}">Plates you have ({unit})</label>'
        f'<input id="plate-list-{unit}" name="plates" autocomplete="off" '
        f'value="{esc(plates.format_plates(owned))}"></div></div>'
        '<p class="muted">The workout screen shows which plates go on each side of a barbell. '
        "Leave a field empty for the standard bar or plates.</p>"
        '<button type="submit">Save bar and plates</button></form></div>'
    )


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
        f"{_bar_and_plates_card(data)}"
    )
