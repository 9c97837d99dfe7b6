"""Retry delays grow exponentially with full jitter, are capped, and reset on success."""

from __future__ import annotations

import pytest

from app.core.backoff import Backoff


def test_delays_double_up_to_the_cap_with_full_jitter() -> None:
    backoff = Backoff(base=2, cap=30, random=lambda: 1.0)
    assert [backoff.failed() for _ in range(6)] == [2, 4, 8, 16, 30, 30]
    half = Backoff(base=2, cap=30, random=lambda: 0.5)
    assert [half.failed() for _ in range(3)] == [1, 2, 4]
    zero = Backoff(random=lambda: 0.0)
    assert zero.failed() == 0


def test_success_resets_and_long_outages_do_not_overflow() -> None:
    backoff = Backoff(base=1, cap=60, random=lambda: 1.0)
    for _ in range(5000):
        backoff.failed()
    assert backoff.failed() == 60
    backoff.succeeded()
    assert backoff.failures == 0 and backoff.ceiling() == 0
    assert backoff.failed() == 1


def test_bad_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        Backoff(base=0)
    with pytest.raises(ValueError):
        Backoff(base=10, cap=5)
