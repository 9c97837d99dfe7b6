"""History: past workouts, newest first, expandable and editable in place; progress charts per
exercise (best e1RM, heaviest weight, volume over 3 months, a year, or all); body weight."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from app.core import changes, units
from app.core.dates import DatePattern, format_day
from app.core.personal_records import bests
from app.core.schema import ValidationError
from app.core.sets import SET_TYPE_LETTERS, details, is_done, set_type
from app.core.stats import ProgressPoint, progress, workout_history
from app.core.summary import duration
from app.views.chart import line_chart_svg
from app.views.html import counted, esc, notice, number, options
from app.views.preferences import unit_of
from app.views.state import HISTORY_PAGE, Account, Data, Outcome, Record, Screen

METRICS = {"e1rm": "Best est. 1RM", "weight": "Heaviest weight", "volume": "Volume"}
CHART_TITLES = {"e1rm": "estimated one-rep max", "weight": "heaviest weight", "volume": "volume"}
RANGES = {"3m": "3 months", "1y": "Year", "all": "All"}
_DAYS = {"3m": 92, "1y": 366}


def _today(screen: Screen) -> date:
    if screen.now:
        return datetime.fromtimestamp(screen.now / 1000, tz=UTC).date()
    return date.fromisoformat(screen.log_date) if screen.log_date else date.today()


def in_range(day: str, chosen: str, today: date) -> bool:
    if chosen not in _DAYS:
        return True
    return day >= (today - timedelta(days=_DAYS[chosen])).isoformat()


def _choices(name: str, action: str, table: dict[str, str], chosen: str, label: str) -> str:
    buttons = "".join(
        f'<button type="button" class="chip" data-action="{action}" data-id="{key}" '
        f'aria-pressed="{"true" if key == chosen else "false"}">{esc(text)}</button>'
        for key, text in table.items()
    )
    return f'<div class="chips" role="group" aria-label="{esc(label)}" id="{name}">{buttons}</div>'


def _progress(screen: Screen, data: Data) -> str:
    trained = {s["exerciseId"] for s in data.workoutSets if is_done(s)}
    exercises = [e for e in data.sorted_exercises() if e["id"] in trained]
    if not exercises:
        return ""
    unit = unit_of(data)
    chosen: str = exercises[0]["id"]
    if screen.progress_exercise_id in {e["id"] for e in exercises}:
        chosen = str(screen.progress_exercise_id)
    name = next(e["name"] for e in exercises if e["id"] == chosen)
    today = _today(screen)
    points = [
        p
        for p in progress(chosen, data.workoutLogs, data.workoutSets)
        if in_range(p.date, screen.chart_range, today)
    ]
    metric = screen.chart_metric if screen.chart_metric in METRICS else "e1rm"

    def value(p: ProgressPoint) -> float:
        return {"e1rm": p.best_1rm, "weight": p.best_weight, "volume": p.volume}[metric]

    chart = (
        line_chart_svg(
            [(p.date, round(units.shown(value(p), unit), 1)) for p in points],
            title=f"{name}: {CHART_TITLES[metric]}",
            y_label=METRICS[metric],
            unit=unit,
            width=360,  # drawn for a phone: the text stays readable when scaled to the screen
            height=240,
        )
        if points
        else '<p class="muted">No sessions in this range.</p>'
    )
    pattern = DatePattern.parse(screen.date_pattern)
    best = bests(s for s in data.workoutSets if s["exerciseId"] == chosen)
    top_reps = max(best.reps_at.items(), key=lambda wr: (wr[1], wr[0]), default=None)
    records = (
        f'<dl class="stats records" aria-label="Records for {esc(name)}">'
        f"<div><dt>Heaviest</dt><dd>{esc(units.label(best.heaviest, unit))}</dd></div>"
        f"<div><dt>Best est. 1RM</dt><dd>{esc(units.label(round(best.e1rm, 1), unit))}</dd></div>"
        f"<div><dt>Best set volume</dt><dd>{number(round(units.shown(best.volume, unit)))} {unit}</dd></div>"
        + (
            f"<div><dt>Most reps</dt><dd>{top_reps[1]} × {esc(units.label(top_reps[0], unit))}</dd></div>"
            if top_reps
            else ""
        )
        + "</dl>"
    )
    rows = "".join(
        f"<tr><td>{esc(format_day(p.date, pattern, weekday=False))}</td>"
        f"<td>{number(round(units.shown(p.best_1rm, unit), 1))} {unit}</td>"
        f"<td>{number(units.shown(p.best_weight, unit))} {unit}</td>"
        f"<td>{number(round(units.shown(p.volume, unit)))} {unit}</td></tr>"
        for p in reversed(points)
    )
    return (
        '<section class="card" aria-labelledby="progress-title"><h3 id="progress-title">Progress</h3>'
        '<label for="progress-exercise">Progress for</label>'
        f'<select id="progress-exercise" data-action="pick-progress">{options([(e["id"], e["name"]) for e in exercises], chosen)}</select>'
        f"<h4>Records</h4>{records}"
        f"{_choices('chart-metric', 'chart-metric', METRICS, metric, 'What to chart')}"
        f"{_choices('chart-range', 'chart-range', RANGES, screen.chart_range, 'Time range')}"
        f'<figure class="chart" aria-label="Progress chart">{chart}</figure>'
        "<details><summary>Sessions as a table</summary><table><thead><tr><th>Date</th>"
        "<th>Best est. 1RM</th><th>Top weight</th><th>Volume</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></details></section>"
    )


def _set_line(s: Record, number_in_exercise: int, unit: str, editing: bool) -> str:
    sid = esc(s["id"])
    letter = SET_TYPE_LETTERS[set_type(s)]
    label = letter or str(number_in_exercise)
    if editing:
        return (
            f'<li><form class="grow" data-form="history-edit-set" data-id="{sid}"><div class="row">'
            f'<div><label for="hw-{sid}">Weight ({unit})</label><input id="hw-{sid}" name="weight" '
            f'inputmode="decimal" value="{esc(units.format_weight(float(s["weight"]), unit))}" required></div>'
            f'<div><label for="hr-{sid}">Reps</label><input id="hr-{sid}" name="reps" inputmode="numeric" '
            f'value="{esc(s["reps"])}" required></div>'
            '<button type="submit">Save</button>'
            '<button type="button" class="secondary" data-action="cancel-edit">Cancel</button>'
            "</div></form></li>"
        )
    return (
        f'<li><span class="grow"><span class="set-tag">{esc(label)}</span> '
        f"{esc(s['reps'])} × {esc(units.label(float(s['weight']), unit))}"
        + (f' <span class="muted">· {esc(details(s))}</span>' if details(s) else "")
        + "</span>"
        f'<button type="button" class="ghost small" data-action="edit" data-id="{sid}" '
        f'aria-label="Edit set {esc(label)}">Edit</button></li>'
    )


def _workout_detail(screen: Screen, data: Data, workout: Record, unit: str) -> str:
    names = data.exercise_names()
    its = sorted(
        (s for s in data.workoutSets if s["workoutId"] == workout["id"] and is_done(s)),
        key=lambda s: (s.get("position") or 0, s.get("createdAt", 0), s["id"]),
    )
    groups: dict[str, list[Record]] = {}
    for s in its:
        groups.setdefault(s["exerciseId"], []).append(s)
    parts = []
    for exercise_id, sets in groups.items():
        n = 0
        lines = []
        for s in sets:
            if set_type(s) != "warmup":
                n += 1
            lines.append(_set_line(s, max(n, 1), unit, screen.editing == s["id"]))
        name = esc(names.get(exercise_id, "Exercise"))
        note = (workout.get("exerciseNotes") or {}).get(exercise_id)
        note_line = f'<p class="muted">{esc(note)}</p>' if isinstance(note, str) and note else ""
        parts.append(
            f'<h4>{name}</h4>{note_line}<ul class="list compact" aria-label="Sets of {name}">'
            f"{''.join(lines)}</ul>"
        )
    notes = f'<p class="muted">{esc(workout["notes"])}</p>' if workout.get("notes") else ""
    return (
        f'<div class="workout-detail">{notes}{"".join(parts)}'
        f'<p><a href="#log" data-action="open-day" data-id="{esc(workout["date"])}">Add or delete sets in Log</a></p></div>'
    )


def _body_weight(screen: Screen, data: Data) -> str:
    unit = unit_of(data)
    entries = sorted(data.bodyWeights, key=lambda b: (b["date"], b.get("createdAt", 0)))
    pattern = DatePattern.parse(screen.date_pattern)
    chart = ""
    if len(entries) >= 2:
        chart = line_chart_svg(
            [(b["date"], round(units.shown(float(b["weight"]), unit), 1)) for b in entries],
            title="Body weight",
            y_label="Body weight",
            unit=unit,
            width=360,
            height=200,
        )
        chart = f'<figure class="chart" aria-label="Body weight chart">{chart}</figure>'
    recent = "".join(
        f'<li><span class="grow">{esc(format_day(b["date"], pattern))}</span>'
        f"<strong>{esc(units.label(float(b['weight']), unit))}</strong></li>"
        for b in reversed(entries[-5:])
    )
    return (
        '<section class="card" aria-labelledby="body-title"><h3 id="body-title">Body weight</h3>'
        '<form data-form="add-body-weight"><div class="row">'
        f'<div><label for="body-date">Date</label><input id="body-date" name="date" type="date" value="{esc(_today(screen).isoformat())}" required></div>'
        f'<div><label for="body-weight">Weight ({unit})</label><input id="body-weight" name="weight" inputmode="decimal" required></div>'
        '<button type="submit">Save</button></div></form>'
        f"{chart}"
        + (
            f'<ul class="list compact" aria-label="Recent body weights">{recent}</ul>'
            if recent
            else ""
        )
        + "</section>"
    )


def render(screen: Screen, data: Data, account: Account) -> str:
    unit = unit_of(data)
    pattern = DatePattern.parse(screen.date_pattern)
    logs = {w["id"]: w for w in data.workoutLogs}
    items = []
    for w in workout_history(data.workoutLogs, data.workoutSets, data.exercises):
        workout = logs[w.workout_id]
        if workout.get("startedAt") and not workout.get("finishedAt"):
            continue  # the one running now shows under Workout
        is_open = screen.open_workout == w.workout_id
        took = ""
        if workout.get("startedAt") and workout.get("finishedAt"):
            took = f" · {duration(int(workout['finishedAt']) - int(workout['startedAt']))}"
        title = workout.get("name") or format_day(w.date, pattern)
        sub = format_day(w.date, pattern) if workout.get("name") else ""
        items.append(
            f'<li class="workout-item" data-date="{esc(w.date)}"><button type="button" class="workout-toggle" data-action="toggle-workout" '
            f'data-id="{esc(w.workout_id)}" aria-expanded="{"true" if is_open else "false"}">'
            f"<strong>{esc(title)}</strong>"
            f'<span class="muted">{esc(sub + " · " if sub else "")}{esc(", ".join(w.exercise_names) or "No sets")}'
            f"<br>{counted(w.set_count, 'set')} · {number(round(units.shown(w.volume, unit)))} {unit}{esc(took)}</span></button>"
            + (_workout_detail(screen, data, workout, unit) if is_open else "")
            + "</li>"
        )
    older = len(items) - screen.history_shown
    more = (
        f'<p><button type="button" class="secondary wide" data-action="more-history">'
        f"Show {counted(min(older, HISTORY_PAGE), 'older workout')}"
        f"{f' ({number(older)} more)' if older > HISTORY_PAGE else ''}</button></p>"
        if older > 0
        else ""
    )
    listing = (
        f'<ul class="list history" aria-label="Past workouts">{"".join(items[: screen.history_shown])}</ul>{more}'
        if items
        else '<p class="muted">No workouts yet. Start one under Workout.</p>'
    )
    return (
        '<section aria-labelledby="history-title" class="history-screen"><h2 id="history-title">History</h2>'
        f"{notice(screen.message, screen.message_ok)}"
        f'<div class="history-main"><h3>Workouts</h3>{listing}</div>'
        f'<div class="history-side">{_progress(screen, data)}{_body_weight(screen, data)}</div></section>'
    )


# --- actions ----------------------------------------------------------------------------------


def edit_set(data: Data, set_id: str, values: dict[str, str], stamp: dict[str, Any]) -> Outcome:
    from app.views.workout_actions import parse_reps

    current = next((s for s in data.workoutSets if s["id"] == set_id), None)
    if current is None:
        raise ValidationError("That set no longer exists (it may have been deleted elsewhere).")
    fields = {
        "weight": units.parse_weight(
            values.get("weight", ""), unit_of(data), float(current["weight"])
        ),
        "reps": parse_reps(values.get("reps", "")),
    }
    change = changes.edit("workoutSets", current, fields, **stamp)
    return Outcome([c for c in (change,) if c is not None], "Saved.")


def add_body_weight(data: Data, values: dict[str, str], stamp: dict[str, Any]) -> Outcome:
    unit = unit_of(data)
    kg = units.parse_weight(values.get("weight", ""), unit)
    fields = {"date": values.get("date", ""), "weight": kg}
    change = changes.create("bodyWeights", fields, **stamp)
    return Outcome([change], f"Body weight {units.label(kg, unit)} saved.")
