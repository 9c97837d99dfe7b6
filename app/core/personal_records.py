"""Personal records: heaviest weight, best estimated 1RM, most reps at a weight, best set volume.

Only working sets count (done, not warm-ups).  A set is a record when it beats every earlier
working set of its exercise: earlier workouts, and earlier sets of its own workout.  An exercise's
first workout sets no records (everything would be one); from the second on, each kind is judged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from app.core.sets import Record, counts, e1rm

HEAVIEST = "weight"
E1RM = "e1rm"
REPS = "reps"
VOLUME = "volume"
KINDS = (HEAVIEST, E1RM, REPS, VOLUME)
LABELS = {
    HEAVIEST: "Heaviest weight",
    E1RM: "Best est. 1RM",
    REPS: "Most reps at this weight",
    VOLUME: "Best set volume",
}
_EPSILON = 1e-9


@dataclass
class Bests:
    """The best of each kind so far, for one exercise."""

    heaviest: float = 0.0
    e1rm: float = 0.0
    volume: float = 0.0
    # weight (kg) -> most reps done at it
    reps_at: dict[float, int] = field(default_factory=dict)
    sets: int = 0

    def beaten_by(self, weight: float, reps: int) -> list[str]:
        """The kinds of record a working set of ``weight`` x ``reps`` would set."""
        if self.sets == 0 or reps <= 0:
            return []
        kinds = []
        if weight > self.heaviest + _EPSILON:
            kinds.append(HEAVIEST)
        if e1rm(weight, reps) > self.e1rm + _EPSILON:
            kinds.append(E1RM)
        # More reps than ever done at this weight or any heavier one.
        best_reps = max((r for w, r in self.reps_at.items() if w >= weight - _EPSILON), default=0)
        if best_reps and reps > best_reps:
            kinds.append(REPS)
        if weight * reps > self.volume + _EPSILON:
            kinds.append(VOLUME)
        return kinds

    def add(self, weight: float, reps: int) -> None:
        self.sets += 1
        self.heaviest = max(self.heaviest, weight)
        self.e1rm = max(self.e1rm, e1rm(weight, reps))
        self.volume = max(self.volume, weight * reps)
        self.reps_at[weight] = max(self.reps_at.get(weight, 0), reps)


def bests(sets: Iterable[Record]) -> Bests:
    found = Bests()
    for s in sets:
        if counts(s):
            found.add(float(s["weight"]), int(s["reps"]))
    return found


def records_in(workout_sets: list[Record], earlier: Iterable[Record]) -> dict[str, list[str]]:
    """Set id -> record kinds for the sets of one workout (in their order), given the earlier
    sets of the same exercises (other workouts).  Sets of several exercises may be mixed."""
    by_exercise: dict[str, Bests] = {}
    first_time: set[str] = set()  # exercises with no earlier working set: no records yet
    earlier_by_exercise: dict[str, list[Record]] = {}
    for s in earlier:
        earlier_by_exercise.setdefault(s["exerciseId"], []).append(s)
    found: dict[str, list[str]] = {}
    for s in workout_sets:
        if not counts(s):
            continue
        exercise = s["exerciseId"]
        if exercise not in by_exercise:
            by_exercise[exercise] = bests(earlier_by_exercise.get(exercise, ()))
            if by_exercise[exercise].sets == 0:
                first_time.add(exercise)
        so_far = by_exercise[exercise]
        weight, reps = float(s["weight"]), int(s["reps"])
        kinds = [] if exercise in first_time else so_far.beaten_by(weight, reps)
        if kinds:
            found[s["id"]] = kinds
        so_far.add(weight, reps)
    return found
