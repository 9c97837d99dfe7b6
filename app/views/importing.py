"""Settings → Import: the preview of a file from another app, before anything is written."""

from __future__ import annotations

from app.core.csv_import import ExerciseMatch, Preview, name_key
from app.views.html import esc, options
from app.views.state import Data, Screen


def _plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


def _unit_question(preview: Preview) -> str:
    if not preview.needs_unit:
        return ""
    choices = "".join(
        f'<label class="inline"><input type="radio" name="import-unit" value="{u}" '
        f'data-action="import-unit"{" checked" if preview.unit == u else ""}> {u}</label>'
        for u in ("kg", "lb")
    )
    return (
        '<fieldset id="import-unit"><legend>This file does not say its unit. '
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
    disabled = "" if preview.ready else " disabled"
    action = f"Import {_plural(preview.new_workouts, 'workout')}" if preview.ready else "Import"
    return (
        f'<section class="preview" id="import-preview" aria-labelledby="import-title">'
        f'<h4 id="import-title">Import from {esc(preview.format)}</h4>'
        '<dl class="facts">'
        f"<dt>Dates</dt><dd>{esc(preview.first_day)} to {esc(preview.last_day)}</dd>"
        f'<dt>Workouts</dt><dd id="import-workouts">{workouts}</dd>'
        f'<dt>Sets</dt><dd id="import-sets">{sets}</dd></dl>'
        f"{_unit_question(preview)}{_exercises(preview, data)}{skipped_html}"
        f'<div class="row"><button type="button" data-action="confirm-import"{disabled}>'
        f"{action}</button>"
        '<button type="button" class="secondary" data-action="cancel-import">Cancel</button>'
        "</div></section>"
    )
