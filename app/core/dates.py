"""Dates in the person's own format: the order and separator their device uses.

The browser learns the pattern once from ``Intl.DateTimeFormat`` (e.g. "dmy" with "/" in
the UK, "mdy" with "/" in the US, "ymd" with "-" in Sweden); the formatting itself is here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass(frozen=True)
class DatePattern:
    order: str = "ymd"  # the order of day, month and year
    separator: str = "-"

    @classmethod
    def parse(cls, text: str) -> DatePattern:
        """ "dmy/" -> day/month/year; anything unreadable -> ISO."""
        order, sep = text[:3], text[3:4]
        if sorted(order) != ["d", "m", "y"] or not sep or sep.isalnum():
            return cls()
        return cls(order, sep)


def format_day(iso: str, pattern: DatePattern, *, weekday: bool = True) -> str:
    """ "2026-11-24" -> "Tue 24/11/2026" (dmy/); the ISO text itself if it is not a date."""
    try:
        day = date.fromisoformat(iso)
    except (TypeError, ValueError):
        return str(iso)
    parts = {"d": f"{day.day:02d}", "m": f"{day.month:02d}", "y": str(day.year)}
    text = pattern.separator.join(parts[c] for c in pattern.order)
    return f"{WEEKDAYS[day.weekday()]} {text}" if weekday else text
