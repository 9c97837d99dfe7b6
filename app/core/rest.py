"""Rest timer arithmetic, from a stored end time (never a ticking counter).

The timer is one number, ``ends_at`` (ms since the epoch): whatever the app missed while it was
in the background, the time left is ``ends_at - now``.
"""

from __future__ import annotations

DEFAULT_SECONDS = 90
ADJUST_SECONDS = 15
MAX_SECONDS = 3600


def start(now_ms: int, seconds: int) -> int:
    """The end time of a rest of ``seconds`` starting now."""
    return now_ms + max(0, min(seconds, MAX_SECONDS)) * 1000


def remaining(ends_at: int, now_ms: int) -> int:
    """Whole seconds left, rounded up (a timer showing 0:00 has ended)."""
    left = ends_at - now_ms
    return 0 if left <= 0 else -(-left // 1000)


def adjust(ends_at: int, now_ms: int, seconds: int) -> int:
    """+/- ``seconds``; taking away more than is left ends the rest now."""
    return max(now_ms, min(ends_at + seconds * 1000, now_ms + MAX_SECONDS * 1000))


def expired(ends_at: int, now_ms: int) -> bool:
    return now_ms >= ends_at


def clock(seconds: int) -> str:
    """90 -> "1:30"."""
    seconds = max(0, seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


def rest_seconds(exercise: dict[str, object] | None, default: int = DEFAULT_SECONDS) -> int:
    """The exercise's own rest time, else the person's default."""
    value = exercise.get("restSeconds") if exercise else None
    return value if isinstance(value, int) and not isinstance(value, bool) else default
