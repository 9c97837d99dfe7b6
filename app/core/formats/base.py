"""What every file format is read into, and the small helpers each format's reader shares.

A reader turns a whole file into ``Parsed``: workouts, each with its exercises in order, each with
its sets.  Weights stay in the file's unit (``unit`` is ``None`` when the file does not say:
the person is asked before anything is written); distances are kept in metres when the file
names its unit, else in the file's own unit.  Nothing here knows the device's schema.

A bad file raises ``ImportRefused`` with one sentence that names the row (the file's line).
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from math import isfinite

from app.core.exchange import ImportRefused

NORMAL, WARMUP, DROP, FAILURE = "normal", "warmup", "drop", "failure"
SET_KINDS = (NORMAL, WARMUP, DROP, FAILURE)

KG, LB = "kg", "lb"
METRES_PER_MILE = 1609.344


@dataclass
class ParsedSet:
    kind: str = NORMAL
    weight: float | None = None  # in ``unit``
    unit: str | None = None  # "kg", "lb", or None when the file does not say
    reps: int | None = None
    rpe: float | None = None
    distance: float | None = None  # metres, or the file's unit when ``distance_unit`` is None
    distance_unit: str | None = None  # "m" once converted; None: same system as the weights
    seconds: float | None = None
    notes: str = ""


@dataclass
class ParsedExercise:
    name: str
    notes: str = ""
    category: str = ""  # a muscle group or category, when the file has one
    superset: str = ""
    sets: list[ParsedSet] = field(default_factory=list)


@dataclass
class ParsedWorkout:
    start: datetime  # local wall-clock time, as the file gives it
    title: str = ""
    seconds: int | None = None  # how long the workout took
    notes: str = ""
    exercises: list[ParsedExercise] = field(default_factory=list)

    def exercise(self, name: str) -> ParsedExercise:
        """The exercise ``name`` of this workout, continued when it is the last one."""
        if not self.exercises or self.exercises[-1].name != name:
            self.exercises.append(ParsedExercise(name))
        return self.exercises[-1]

    @property
    def set_count(self) -> int:
        return sum(len(e.sets) for e in self.exercises)


@dataclass
class Parsed:
    format: str  # for a person: "Strong", "Hevy", "FitNotes"
    workouts: list[ParsedWorkout]
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> rows

    @property
    def needs_unit(self) -> bool:
        """Whether some weight (or distance) has no unit in the file: the person must say."""
        return any(
            (s.weight is not None and s.unit is None)
            or (s.distance is not None and s.distance_unit is None)
            for w in self.workouts
            for e in w.exercises
            for s in e.sets
        )


@dataclass(frozen=True)
class Format:
    """One file layout: whether a header is its, and how to read the rows that follow."""

    name: str
    accepts: Callable[[Sequence[str]], bool]
    parse: Callable[[Table], Parsed]


class Table:
    """A CSV file's header and rows, with the row's line number for messages.

    Readers look their columns up once (``index``) and read each row's cells by position.
    """

    def __init__(
        self, text: str, delimiter: str, layout_of: Callable[[list[str]], str | None]
    ) -> None:
        self.delimiter = delimiter
        self._layout_of = layout_of  # which format a row would be the header of, if any
        self._reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
        self.header = [h.strip() for h in next(self._reader)]
        self.columns = {name.casefold(): i for i, name in enumerate(self.header)}
        self.at = Columns(self)  # at["Exercise Name"]: that column's position, or None
        self.line = 1

    def column(self, *names: str) -> str | None:
        """The first of ``names`` the header has (any case), else ``None``."""
        for name in names:
            if name.casefold() in self.columns:
                return name
        return None

    def index(self, *names: str | None) -> int | None:
        """The column of the first of ``names`` the header has (any case), else ``None``."""
        for name in names:
            if name is not None and name.casefold() in self.columns:
                return self.columns[name.casefold()]
        return None

    def rows(self) -> Iterator[Row]:
        width = len(self.header)
        for values in self._reader:
            self.line = self._reader.line_num
            joined = "".join(values)
            if not joined.strip():
                continue
            # Every data row holds a digit (a date, a number); only a row without one is looked
            # at as a possible header (the whole check per row would cost more than the parse).
            layout = None if _DIGIT.search(joined) else self._layout_of(values)
            if layout is not None:
                if [v.strip() for v in values] == self.header:
                    continue  # two exports of the same app pasted together: the header again
                raise ImportRefused(
                    f"Row {self.line} starts a {layout} header inside the file; "
                    "the file mixes layouts, so import each export on its own."
                )
            if len(values) != width:
                raise ImportRefused(
                    f"Row {self.line} has {len(values)} columns where the header has {width}; "
                    "the file may mix layouts."
                )
            yield Row(self, values)


class Columns(dict[str | None, int | None]):
    """Column positions by name (any case), worked out once per name and then a dict lookup."""

    def __init__(self, table: Table) -> None:
        super().__init__()
        self._table = table

    def __missing__(self, name: str | None) -> int | None:
        found = self[name] = self._table.index(name)
        return found


_DIGIT = re.compile(r"\d")


class Row:
    __slots__ = ("table", "values")

    def __init__(self, table: Table, values: list[str]) -> None:
        self.table = table
        self.values = values

    @property
    def line(self) -> int:
        return self.table.line

    def text(self, column: int | None) -> str:
        return "" if column is None else self.values[column].strip()

    def number(self, column: int | None, label: str) -> float | None:
        if column is None:
            return None
        raw = self.values[column].strip()
        if not raw:
            return None
        try:
            number = float(raw)
        except ValueError:
            number = self._localized(raw, label)
        else:
            if "_" in raw:  # float() reads 1_000; a person's file means something else
                number = self._localized(raw, label)
        if number < 0 or not isfinite(number):
            raise ImportRefused(f'Row {self.line}: the {label} "{raw}" is not a number we can use.')
        return number

    def _localized(self, raw: str, label: str) -> float:
        value = raw.replace(" ", "")
        if "_" in value:
            raise ImportRefused(f'Row {self.line}: the {label} "{raw}" is not a number.')
        if self.table.delimiter == ";" and "," in value:
            value = value.replace(".", "").replace(",", ".")  # 1.234,5 in a decimal-comma file
        try:
            return float(value)
        except ValueError:
            raise ImportRefused(f'Row {self.line}: the {label} "{raw}" is not a number.') from None

    def whole(self, column: int | None, label: str) -> int | None:
        number = self.number(column, label)
        if number is None:
            return None
        if number != int(number):
            raise ImportRefused(
                f'Row {self.line}: the {label} "{self.text(column)}" is not a whole number.'
            )
        return int(number)

    def moment(self, column: int | None, formats: Sequence[str], label: str = "date") -> datetime:
        raw = self.text(column)
        if not raw:
            raise ImportRefused(f"Row {self.line} has no {label}.")
        looks_right = False
        for fmt in formats:
            try:
                return datetime.strptime(raw, fmt)
            except ValueError as err:
                # Same shape but out of range (a 30 February): the date is impossible.
                looks_right = looks_right or "out of range" in str(err) or "must be in" in str(err)
        if looks_right or _shape_fits(raw, formats):
            raise ImportRefused(f'Row {self.line}: the {label} "{raw}" does not exist.')
        raise ImportRefused(f'Row {self.line}: the {label} "{raw}" is not a date we can read.')


def _shape_fits(raw: str, formats: Sequence[str]) -> bool:
    """Whether ``raw`` has the digits-and-separators shape of one of ``formats``."""
    shape = "".join("9" if c.isdigit() else c for c in raw)
    for fmt in formats:
        probe = datetime(2000, 10, 10, 10, 10, 10).strftime(fmt)
        if "".join("9" if c.isdigit() else c for c in probe) == shape:
            return True
    return False


def unit_of(text: str) -> str | None:
    """ "kg", "lb" or ``None`` from a unit cell or header such as ``kgs``, ``lbs``, ``Weight (lbs)``."""
    t = text.casefold()
    if "kg" in t:
        return KG
    if "lb" in t or "pound" in t:
        return LB
    return None


def metres(value: float | None, unit_text: str) -> tuple[float | None, str | None]:
    """A distance in metres when ``unit_text`` names its unit, else as given with no unit."""
    if value is None:
        return None, None
    t = unit_text.casefold().strip()
    factors = {
        "m": 1.0, "meters": 1.0, "metres": 1.0, "meter": 1.0, "metre": 1.0,
        "km": 1000.0, "kms": 1000.0, "kilometers": 1000.0, "kilometres": 1000.0,
        "mi": METRES_PER_MILE, "mile": METRES_PER_MILE, "miles": METRES_PER_MILE,
        "ft": 0.3048, "feet": 0.3048, "yd": 0.9144, "yards": 0.9144,
    }  # fmt: skip
    if t in factors:
        return value * factors[t], "m"
    return value, None


def duration_seconds(raw: str, line: int) -> int | None:
    """``2h 38m``, ``45m``, ``50s``, ``1:05:00``, ``3600`` -> seconds; empty -> None."""
    text = raw.strip().casefold()
    if not text:
        return None
    if ":" in text:
        parts = text.split(":")
        if len(parts) <= 3 and all(p.isdigit() for p in parts):
            total = 0
            for p in parts:
                total = total * 60 + int(p)
            return total
    elif text.replace(".", "", 1).isdigit():
        return round(float(text))
    else:
        total, number = 0, ""
        units = {"h": 3600, "m": 60, "s": 1}
        ok = True
        for c in text.replace("min", "m").replace("sec", "s").replace(" ", ""):
            if c.isdigit():
                number += c
            elif c in units and number:
                total += int(number) * units[c]
                number = ""
            else:
                ok = False
                break
        if ok and not number:
            return total
    raise ImportRefused(f'Row {line}: the duration "{raw.strip()}" is not one we can read.')
