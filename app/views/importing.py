"""Settings → Export and Import: file names, what the person reads, and the preview of a file
from another app before anything is written (the browser, ``app/browser/files.py``, only reads
and downloads the files and writes what is decided here)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from app.core import csv_import, exchange
from app.core.csv_import import ExerciseMatch, Preview, name_key
from app.core.dates import DatePattern, format_day
from app.core.formats.base import Parsed
from app.core.schema import TABLES, USER_TABLES, ValidationError
from app.views.html import esc, options
from app.views.state import Data, Record, Screen

CSV_LAYOUTS = ("strong", "hevy")  # the apps whose CSV layout an export can take


@dataclass
class Pending:
    """A file from another app, read and previewed, waiting for the person's answers."""

    parsed: Parsed
    unit: str | None = None
    mapping: dict[str, str] = field(default_factory=dict)
    plan: csv_import.Plan | None = None


def exported(tables: dict[str, list[Record]], filename: str) -> str:
    """What an export holds, counted as its import will count it: the lifter's things."""
    parts = []
    for name in USER_TABLES:
        live = sum(1 for r in tables.get(name, []) if not r.get("deleted"))
        if name != "settings" and live:
            parts.append(exchange.count_phrase(live, TABLES[name].label))
    if not parts:
        return f"Exported {filename}: nothing recorded yet."
    return f"Exported {', '.join(parts)} to {filename}."


def csv_layout(chosen: str) -> str:
    return chosen if chosen in CSV_LAYOUTS else "strong"


def csv_filename(layout: str, today: str) -> str:
    return f"setflow-{layout}-{today}.csv"


def plan(
    pending: Pending,
    data: Data,
    *,
    device_id: str,
    now: int,
    new_id: Callable[[], str],
    utc_offset_minutes: int,
) -> csv_import.Plan:
    """What importing the file would write, with the person's answers so far."""
    return csv_import.plan(
        pending.parsed,
        exercises=data.exercises,
        workouts=data.workoutLogs,
        sets=data.workoutSets,
        unit=pending.unit,
        mapping=pending.mapping,
        device_id=device_id,
        now=now,
        new_id=new_id,
        utc_offset_minutes=utc_offset_minutes,
    )


def ready(made: csv_import.Plan) -> str:
    """The summary of an import the person confirmed, or why it cannot run yet."""
    if not made.preview.ready:
        raise ValidationError("Choose kg or lb for the weights in this file first.")
    return made.preview.summary()


def show_imported(data: Data, screen: Screen, made: csv_import.Plan, summary: str) -> None:
    """Shown at once from what was just written (all new records); the refresh that every
    write triggers reads the tables again after."""
    for name, rows in made.tables.items():
        getattr(data, name).extend(rows)
    if made.record_count:  # a file with nothing new leaves the last import undoable
        screen.last_import = summary
    screen.import_preview = None
    screen.say(summary)


def cancelled(screen: Screen) -> None:
    screen.import_preview = None
    screen.say("Import cancelled; nothing was written.")


def undone_message(undone: list[Any]) -> str:
    workouts = sum(1 for c in undone if c.table == "workoutLogs")
    return f"Undid the import: removed {workouts:,} workouts."


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _unit_question(preview: Preview) -> str:
    if not preview.needs_unit:
        return ""
    choices = "".join(
        f'<label class="choice"><input type="radio" name="import-unit" value="{u}" '
        f'data-action="import-unit"{" checked" if preview.unit == u else ""}> {u}</label>'
        for u in ("kg", "lb")
    )
    return (
        '<fieldset id="import-unit" class="choices"><legend>This file does not say its unit. '
        f"Its weights are in:</legend>{choices}</fieldset>"
    )


def _choices(existing: list[tuple[str, str]], match: ExerciseMatch) -> list[tuple[str, str]]:
    if match.builtin is None:
        return existing
    return [(match.builtin.id, f"{match.builtin.name} (built-in)"), *existing]


def _chosen(match: ExerciseMatch) -> str | None:
    return match.builtin.id if match.builtin is not None else match.exercise_id


def _exercises(preview: Preview, data: Data) -> str:
    existing = [(e["id"], e["name"]) for e in data.sorted_exercises()]
    rows = []
    for i, match in enumerate(preview.exercises):
        label = f"import-map-{i}"
        rows.append(
            f'<tr><td><label for="{label}">{esc(match.name)}</label></td>'
            f"<td>{match.sets:,}</td><td>"
            f'<select id="{label}" data-action="import-map" data-id="{esc(name_key(match.name))}">'
            f"{options(_choices(existing, match), _chosen(match), 'New exercise')}</select></td></tr>"
        )
    matched = sum(1 for m in preview.exercises if m.exercise_id or m.builtin)
    new = len(preview.exercises) - matched
    return (
        f"<details><summary>{_plural(len(preview.exercises), 'exercise')}: {matched:,} already "
        f"here, {new:,} new</summary><table><thead><tr><th>In the file</th><th>Sets</th>"
        f"<th>Goes to</th></tr></thead><tbody>{''.join(rows)}</tbody></table></details>"
    )


def card(screen: Screen, data: Data) -> str:
    """The preview card, or the undo offer of the last import, or nothing."""
    preview = screen.import_preview
    if not isinstance(preview, Preview):
        if not screen.last_import:
            return ""
        return (
            f'<p class="muted">Last import: {esc(screen.last_import)}</p>'
            '<p><button type="button" class="secondary" data-action="undo-import">'
            "Undo last import</button></p>"
        )
    pattern = DatePattern.parse(screen.date_pattern)
    if preview.ready:
        workouts = (
            f"{preview.workouts:,} ({preview.new_workouts:,} new, "
            f"{preview.already_here:,} already here)"
        )
        sets = f"{preview.sets:,}"
    else:
        workouts, sets = f"{preview.workouts:,}", "Choose the unit first"
    skipped = "".join(f"<li>{esc(line)}</li>" for line in preview.skipped)
    skipped_html = f'<p>Skipped:</p><ul aria-label="Skipped rows">{skipped}</ul>' if skipped else ""
    shortening = preview.shortening()
    shortened_html = f'<p id="import-shortened">{esc(shortening)}</p>' if shortening else ""
    disabled = "" if preview.ready else " disabled"
    action = f"Import {_plural(preview.new_workouts, 'workout')}" if preview.ready else "Import"
    return (
        f'<section class="preview" id="import-preview" aria-labelledby="import-title">'
        f'<h4 id="import-title">Import from {esc(preview.format)}</h4>'
        '<dl class="facts">'
        f"<dt>Dates</dt><dd>{esc(format_day(preview.first_day, pattern, weekday=False))} to "
        f"{esc(format_day(preview.last_day, pattern, weekday=False))}</dd>"
        f'<dt>Workouts</dt><dd id="import-workouts">{workouts}</dd>'
        f'<dt>Sets</dt><dd id="import-sets">{sets}</dd></dl>'
        f"{_unit_question(preview)}{_exercises(preview, data)}{skipped_html}{shortened_html}"
        f'<div class="row"><button type="button" data-action="confirm-import"{disabled}>'
        f"{action}</button>"
        '<button type="button" class="secondary" data-action="cancel-import">Cancel</button>'
        "</div></section>"
    )
