"""Files from other apps, recognised by their content (never by file name).

Each format is one module with a ``FORMAT`` (its name, whether a header line is its, and a reader
of its rows into ``base.Parsed``).  ``detect`` names the format of a file's text; ``parse``
reads a CSV file of any known layout.  Setflow's own JSON export is recognised here and read by
``app.core.exchange``.
"""

from __future__ import annotations

import csv
import io

from app.core.exchange import ImportRefused
from app.core.formats import fitnotes, hevy, setflow_json, strong
from app.core.formats.base import Format, Parsed, Table

CSV_FORMATS: tuple[Format, ...] = (strong.FORMAT, hevy.FORMAT, fitnotes.FORMAT)
SETFLOW = setflow_json.NAME
UNDERSTOOD = "a Setflow export (JSON), or a CSV export from Strong, Hevy or FitNotes"


def _layout(header: list[str]) -> Format | None:
    for fmt in CSV_FORMATS:
        if fmt.accepts(header):
            return fmt
    return None


def _layout_name(header: list[str]) -> str | None:
    fmt = _layout(header)
    return None if fmt is None else fmt.name


def _first_line(text: str) -> str:
    return next(iter(io.StringIO(text, newline="")), "")


def _csv_layout(text: str) -> tuple[Format, str] | None:
    """The layout and delimiter of a CSV file, from its header line."""
    line = _first_line(text)
    for delimiter in (",", ";", "\t"):
        header = next(csv.reader([line], delimiter=delimiter), [])
        fmt = _layout(header)
        if fmt is not None:
            return fmt, delimiter
    return None


def strip_bom(text: str) -> str:
    return text[1:] if text.startswith("\ufeff") else text


def detect(text: str) -> str:
    """The name of the file's format ("Setflow", "Strong", "Hevy", "FitNotes")."""
    text = strip_bom(text)
    if setflow_json.accepts_text(text):
        return SETFLOW
    found = _csv_layout(text)
    if found is None:
        raise ImportRefused(f"This file's layout is not one Setflow knows; it reads {UNDERSTOOD}.")
    return found[0].name


def parse(text: str) -> Parsed:
    """Read a CSV export of a known layout, or raise ``ImportRefused``."""
    text = strip_bom(text)
    found = _csv_layout(text)
    if found is None:
        raise ImportRefused(f"This file's layout is not one Setflow knows; it reads {UNDERSTOOD}.")
    fmt, delimiter = found
    table = Table(text, delimiter, _layout_name)
    try:
        parsed = fmt.parse(table)
    except csv.Error:
        raise ImportRefused(
            f"The file is not a readable CSV file: its quotes do not pair up near row {table.line + 1}."
        ) from None
    if not parsed.workouts:
        raise ImportRefused(f"This {fmt.name} file holds no workouts.")
    return parsed
