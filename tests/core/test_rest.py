"""The rest timer keeps time from its stored end, whatever the app missed meanwhile."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.core import rest

NOW = 1_800_000_000_000


def test_a_rest_counts_down_from_its_end_time() -> None:
    ends = rest.start(NOW, 90)
    assert rest.remaining(ends, NOW) == 90
    assert rest.remaining(ends, NOW + 500) == 90  # rounded up: 89.5 s left shows 1:30
    assert rest.remaining(ends, NOW + 60_000) == 30
    assert not rest.expired(ends, NOW + 89_999)
    assert rest.expired(ends, NOW + 90_000) and rest.remaining(ends, NOW + 90_000) == 0


@given(st.integers(min_value=0, max_value=3600), st.integers(min_value=0, max_value=10**7))
def test_backgrounded_time_is_never_lost(seconds: int, away_ms: int) -> None:
    ends = rest.start(NOW, seconds)
    left = rest.remaining(ends, NOW + away_ms)
    assert left == max(0, -(-(seconds * 1000 - away_ms) // 1000))


def test_plus_and_minus_fifteen_seconds() -> None:
    ends = rest.start(NOW, 90)
    assert rest.remaining(rest.adjust(ends, NOW, 15), NOW) == 105
    assert rest.remaining(rest.adjust(ends, NOW, -15), NOW) == 75
    # Taking off more than is left ends the rest now, never in the past.
    assert rest.adjust(rest.start(NOW, 10), NOW, -15) == NOW


def test_clock_and_per_exercise_default() -> None:
    assert rest.clock(90) == "1:30" and rest.clock(5) == "0:05" and rest.clock(-3) == "0:00"
    assert rest.rest_seconds({"restSeconds": 180}) == 180
    assert rest.rest_seconds({"restSeconds": None}) == 90
    assert rest.rest_seconds(None, default=120) == 120
