"""The built-in exercise library: common exercises a new person can pick in seconds.

A library exercise becomes a record of the person's own the first time it is used, under an id
derived from its name (``library_id``): two devices that both pick "Bench press" make the same
record, which sync merges instead of doubling.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

LIBRARY_NAMESPACE = uuid.UUID("9b3c1f2e-7d7a-4c55-8f0e-5e7f10a0c0de")


@dataclass(frozen=True)
class LibraryExercise:
    name: str
    muscles: str
    equipment: str

    @property
    def id(self) -> str:
        return library_id(self.name)

    def fields(self) -> dict[str, object]:
        return {"name": self.name, "muscleGroup": self.muscles, "equipment": self.equipment}


def library_id(name: str) -> str:
    return str(uuid.uuid5(LIBRARY_NAMESPACE, name.casefold()))


def _e(name: str, muscles: str, equipment: str) -> LibraryExercise:
    return LibraryExercise(name, muscles, equipment)


LIBRARY: tuple[LibraryExercise, ...] = (
    # Chest
    _e("Bench press", "Chest, Triceps, Shoulders", "Barbell"),
    _e("Incline bench press", "Chest, Shoulders, Triceps", "Barbell"),
    _e("Decline bench press", "Chest, Triceps", "Barbell"),
    _e("Close-grip bench press", "Triceps, Chest", "Barbell"),
    _e("Dumbbell bench press", "Chest, Triceps, Shoulders", "Dumbbell"),
    _e("Incline dumbbell press", "Chest, Shoulders", "Dumbbell"),
    _e("Dumbbell fly", "Chest", "Dumbbell"),
    _e("Cable crossover", "Chest", "Cable"),
    _e("Chest press machine", "Chest, Triceps", "Machine"),
    _e("Pec deck", "Chest", "Machine"),
    _e("Push-up", "Chest, Triceps, Shoulders", "Body weight"),
    _e("Chest dip", "Chest, Triceps", "Body weight"),
    # Back
    _e("Deadlift", "Back, Hamstrings, Glutes", "Barbell"),
    _e("Sumo deadlift", "Glutes, Hamstrings, Back", "Barbell"),
    _e("Romanian deadlift", "Hamstrings, Glutes, Back", "Barbell"),
    _e("Barbell row", "Back, Biceps", "Barbell"),
    _e("Pendlay row", "Back, Biceps", "Barbell"),
    _e("T-bar row", "Back, Biceps", "Barbell"),
    _e("Dumbbell row", "Back, Biceps", "Dumbbell"),
    _e("Seated cable row", "Back, Biceps", "Cable"),
    _e("Lat pulldown", "Back, Biceps", "Cable"),
    _e("Close-grip lat pulldown", "Back, Biceps", "Cable"),
    _e("Straight-arm pulldown", "Back", "Cable"),
    _e("Pull-up", "Back, Biceps", "Body weight"),
    _e("Chin-up", "Back, Biceps", "Body weight"),
    _e("Assisted pull-up", "Back, Biceps", "Machine"),
    _e("Inverted row", "Back, Biceps", "Body weight"),
    _e("Rack pull", "Back, Traps", "Barbell"),
    _e("Good morning", "Hamstrings, Back", "Barbell"),
    _e("Back extension", "Back, Glutes", "Body weight"),
    _e("Machine row", "Back, Biceps", "Machine"),
    # Shoulders
    _e("Overhead press", "Shoulders, Triceps", "Barbell"),
    _e("Push press", "Shoulders, Triceps, Legs", "Barbell"),
    _e("Seated dumbbell press", "Shoulders, Triceps", "Dumbbell"),
    _e("Arnold press", "Shoulders, Triceps", "Dumbbell"),
    _e("Lateral raise", "Shoulders", "Dumbbell"),
    _e("Cable lateral raise", "Shoulders", "Cable"),
    _e("Front raise", "Shoulders", "Dumbbell"),
    _e("Rear delt fly", "Shoulders, Back", "Dumbbell"),
    _e("Reverse pec deck", "Shoulders, Back", "Machine"),
    _e("Face pull", "Shoulders, Back", "Cable"),
    _e("Upright row", "Shoulders, Traps", "Barbell"),
    _e("Shoulder press machine", "Shoulders, Triceps", "Machine"),
    _e("Barbell shrug", "Traps", "Barbell"),
    _e("Dumbbell shrug", "Traps", "Dumbbell"),
    # Arms
    _e("Barbell curl", "Biceps", "Barbell"),
    _e("EZ-bar curl", "Biceps", "EZ bar"),
    _e("Dumbbell curl", "Biceps", "Dumbbell"),
    _e("Hammer curl", "Biceps, Forearms", "Dumbbell"),
    _e("Incline dumbbell curl", "Biceps", "Dumbbell"),
    _e("Preacher curl", "Biceps", "EZ bar"),
    _e("Cable curl", "Biceps", "Cable"),
    _e("Concentration curl", "Biceps", "Dumbbell"),
    _e("Triceps pushdown", "Triceps", "Cable"),
    _e("Rope pushdown", "Triceps", "Cable"),
    _e("Overhead triceps extension", "Triceps", "Dumbbell"),
    _e("Cable overhead extension", "Triceps", "Cable"),
    _e("Skull crusher", "Triceps", "EZ bar"),
    _e("Triceps dip", "Triceps, Chest", "Body weight"),
    _e("Bench dip", "Triceps", "Body weight"),
    _e("Triceps kickback", "Triceps", "Dumbbell"),
    _e("Wrist curl", "Forearms", "Barbell"),
    _e("Reverse curl", "Forearms, Biceps", "Barbell"),
    # Legs
    _e("Squat", "Quads, Glutes, Hamstrings", "Barbell"),
    _e("Front squat", "Quads, Glutes", "Barbell"),
    _e("Box squat", "Quads, Glutes", "Barbell"),
    _e("Goblet squat", "Quads, Glutes", "Dumbbell"),
    _e("Hack squat", "Quads, Glutes", "Machine"),
    _e("Leg press", "Quads, Glutes", "Machine"),
    _e("Bulgarian split squat", "Quads, Glutes", "Dumbbell"),
    _e("Walking lunge", "Quads, Glutes", "Dumbbell"),
    _e("Reverse lunge", "Quads, Glutes", "Dumbbell"),
    _e("Step-up", "Quads, Glutes", "Dumbbell"),
    _e("Leg extension", "Quads", "Machine"),
    _e("Lying leg curl", "Hamstrings", "Machine"),
    _e("Seated leg curl", "Hamstrings", "Machine"),
    _e("Nordic curl", "Hamstrings", "Body weight"),
    _e("Hip thrust", "Glutes, Hamstrings", "Barbell"),
    _e("Glute bridge", "Glutes, Hamstrings", "Body weight"),
    _e("Cable kickback", "Glutes", "Cable"),
    _e("Hip abduction", "Glutes", "Machine"),
    _e("Hip adduction", "Adductors", "Machine"),
    _e("Standing calf raise", "Calves", "Machine"),
    _e("Seated calf raise", "Calves", "Machine"),
    _e("Trap bar deadlift", "Quads, Glutes, Back", "Trap bar"),
    _e("Single-leg Romanian deadlift", "Hamstrings, Glutes", "Dumbbell"),
    _e("Kettlebell swing", "Glutes, Hamstrings", "Kettlebell"),
    # Core
    _e("Plank", "Core", "Body weight"),
    _e("Side plank", "Core", "Body weight"),
    _e("Hanging leg raise", "Core", "Body weight"),
    _e("Hanging knee raise", "Core", "Body weight"),
    _e("Cable crunch", "Core", "Cable"),
    _e("Crunch", "Core", "Body weight"),
    _e("Sit-up", "Core", "Body weight"),
    _e("Ab wheel rollout", "Core", "Ab wheel"),
    _e("Russian twist", "Core", "Body weight"),
    _e("Pallof press", "Core", "Cable"),
    _e("Dead bug", "Core", "Body weight"),
    # Olympic and full body
    _e("Power clean", "Full body", "Barbell"),
    _e("Hang clean", "Full body", "Barbell"),
    _e("Clean and jerk", "Full body", "Barbell"),
    _e("Snatch", "Full body", "Barbell"),
    _e("Thruster", "Full body", "Barbell"),
    _e("Farmer's carry", "Forearms, Traps, Core", "Dumbbell"),
    _e("Burpee", "Full body", "Body weight"),
)

BY_ID: dict[str, LibraryExercise] = {e.id: e for e in LIBRARY}


def search(
    query: str, own: list[dict[str, object]], *, limit: int = 30
) -> list[tuple[str, str, str, bool]]:
    """Exercises whose name (or muscles, or equipment) holds every word of ``query``:
    (id, name, detail, is_library), the person's own first, then the library's not yet owned.
    Archived exercises are left out."""
    words = query.casefold().split()

    def matches(*texts: object) -> bool:
        hay = " ".join(str(t or "") for t in texts).casefold()
        return all(w in hay for w in words)

    found: list[tuple[str, str, str, bool]] = []
    # An archived exercise comes back through the library entry of its name, if it has one.
    live = [e for e in own if not e.get("archived")]
    owned = {str(e["id"]) for e in live}
    owned_names = {str(e.get("name", "")).casefold() for e in live}
    for e in sorted(own, key=lambda e: str(e.get("name", "")).casefold()):
        if e.get("archived"):
            continue
        if matches(e.get("name"), e.get("muscleGroup"), e.get("equipment")):
            detail = ", ".join(str(x) for x in (e.get("equipment"), e.get("muscleGroup")) if x)
            found.append((str(e["id"]), str(e["name"]), detail, False))
    for lib in LIBRARY:
        if lib.id in owned or lib.name.casefold() in owned_names:
            continue
        if matches(lib.name, lib.muscles, lib.equipment):
            found.append((lib.id, lib.name, f"{lib.equipment}, {lib.muscles}", True))
    return found[:limit]
