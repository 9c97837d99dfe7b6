"""Dates in the person's own format."""

from __future__ import annotations

import pytest

from app.core.dates import DatePattern, format_day


@pytest.mark.parametrize(
    ("pattern", "shown"),
    [
        ("dmy/", "Tue 24/11/2026"),
        ("mdy/", "Tue 11/24/2026"),
        ("ymd-", "Tue 2026-11-24"),
        ("dmy.", "Tue 24.11.2026"),
    ],
)
def test_the_persons_order_and_separator(pattern: str, shown: str) -> None:
    assert format_day("2026-11-24", DatePattern.parse(pattern)) == shown


@pytest.mark.parametrize("text", ["", "xyz/", "dmm/", "dmy", "dmy1"])
def test_an_unreadable_pattern_falls_back_to_iso(text: str) -> None:
    assert format_day("2026-11-24", DatePattern.parse(text), weekday=False) == "2026-11-24"


def test_not_a_date_is_shown_as_is() -> None:
    assert format_day("someday", DatePattern()) == "someday"
