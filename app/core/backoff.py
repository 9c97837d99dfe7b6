"""When to try syncing again after a failure: exponential backoff with full jitter.

Full jitter (a uniform delay between 0 and the exponential ceiling) spreads the retries of
many devices that failed together, for instance when the server restarted, instead of having
them all come back in the same second.
"""

from __future__ import annotations

import random as _random
from collections.abc import Callable


class Backoff:
    def __init__(
        self,
        *,
        base: float = 2.0,
        cap: float = 300.0,
        random: Callable[[], float] = _random.random,
    ) -> None:
        if base <= 0 or cap < base:
            raise ValueError("Backoff needs 0 < base <= cap.")
        self.base = base
        self.cap = cap
        self._random = random
        self.failures = 0

    def ceiling(self) -> float:
        """The longest delay the next retry may wait."""
        if self.failures == 0:
            return 0.0
        # Bound the exponent so a long outage cannot overflow the float.
        return min(self.cap, self.base * 2.0 ** min(self.failures - 1, 64))

    def failed(self) -> float:
        """Record a failure; the seconds to wait before the next attempt."""
        self.failures += 1
        return self._random() * self.ceiling()

    def succeeded(self) -> None:
        """Record a success: the next failure starts from the shortest delay again."""
        self.failures = 0

    reset = succeeded
