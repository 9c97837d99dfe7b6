"""Workout: start one (repeat last time, a program, or empty), then check sets off as you go.

Set rows are compact tables (set, previous, weight, reps, check).  The running duration and the
rest timer are drawn with their start/end times in ``data-since``/``data-ends``; the browser's
ticker (``app/js/ticker.mjs``) moves them every second without a re-render.
"""

from __future__ import annotations

from app.core import personal_records, rest, supersets, units
from app.core.capabilities import rest_alert_note
from app.core.dates import DatePattern, format_day
from app.core.library import search
from app.core.sets import (
    RPE_VALUES,
    SET_TYPE_LABELS,
    SET_TYPE_LETTERS,
    details,
    format_rpe,
    is_done,
    set_type,
)
from app.core.summary import duration, running, summarize
from app.core.workout import (
    DEFAULT_NAME,
    exercise_order,
    given_name,
    in_progress,
    last_time,
    recent_workouts,
    sets_by_workout,
    workout_key,
)
from app.views.html import esc, notices, number
from app.views.preferences import default_rest, plates_line, unit_of
from app.views.state import Account, Data, Record, Screen


def exercise_map(data: Data) -> dict[str, Record]:
    return {e["id"]: e for e in data.exercises}


def workout_name(workout: Record) -> str:
    return str(workout.get("name") or DEFAULT_NAME)


def sets_of(data: Data, workout_id: str) -> list[Record]:
    return sets_by_workout(s for s in data.workoutSets if s["workoutId"] == workout_id).get(
        workout_id, []
    )


def earlier_sets(data: Data, workout: Record) -> list[Record]:
    """Done sets of the workouts before ``workout`` (what its records are judged against)."""
    key = workout_key(workout)
    before = {w["id"] for w in data.workoutLogs if workout_key(w) < key}
    return [s for s in data.workoutSets if s["workoutId"] in before and is_done(s)]


def set_label(s: Record, number: int) -> str:
    return SET_TYPE_LETTERS[set_type(s)] or str(number)


def _previous(s: Record | None, unit: str) -> str:
    if s is None:
        return '<span class="muted">—</span>'
    return f"{esc(s['reps'])} × {esc(units.label(float(s['weight']), unit))}"


def _row(
    s: Record,
    label: str,
    number: int,
    exercise: str,
    prev: Record | None,
    unit: str,
    badges: list[str],
    screen: Screen,
) -> str:
    sid = esc(s["id"])
    done = is_done(s)
    what = (
        f"set {number} of {exercise}" if set_type(s) == "normal" else f"{label} set of {exercise}"
    )
    weight_id, reps_id = f"w-{s['id']}", f"r-{s['id']}"
    weight = screen.drafts.get(weight_id, units.format_weight(float(s["weight"]), unit))
    reps = screen.drafts.get(reps_id, str(s["reps"]))
    kind = SET_TYPE_LABELS[set_type(s)]
    pr = ""
    if badges:
        kinds = ", ".join(personal_records.LABELS[k] for k in badges)
        pr = f'<span class="pr" title="{esc(kinds)}">PR<span class="sr-only">: {esc(kinds)}</span></span>'
    check_label = f"Done: {what}" if not done else f"Done: {what} (checked; tap to undo)"
    return (
        f'<tr class="{"done" if done else ("up-next" if screen.up_next == s["id"] else "")}" '
        f'data-id="{sid}">'
        f'<td class="set-no"><button type="button" class="set-type {set_type(s)}" '
        f'data-action="cycle-set-type" data-id="{sid}" aria-label="{esc(kind)} {esc(what)}: change type">'
        f"{esc(label)}</button>{pr}</td>"
        f'<td class="prev">{_previous(prev, unit)}</td>'
        '<td class="weight"><div class="stepper">'
        f'<button type="button" class="step" data-action="weight-down" data-id="{sid}" '
        f'aria-label="Less weight, {esc(what)}">−</button>'
        f'<input id="{esc(weight_id)}" class="num" data-field="weight" data-id="{sid}" '
        f'inputmode="decimal" autocomplete="off" value="{esc(weight)}" '
        f'aria-label="Weight in {unit}, {esc(what)}">'
        f'<button type="button" class="step" data-action="weight-up" data-id="{sid}" '
        f'aria-label="More weight, {esc(what)}">+</button></div></td>'
        f'<td class="reps"><input id="{esc(reps_id)}" class="num" data-field="reps" data-id="{sid}" '
        f'inputmode="numeric" autocomplete="off" value="{esc(reps)}" aria-label="Reps, {esc(what)}"></td>'
        f'<td class="check-cell"><button type="button" class="check" data-action="check-set" '
        f'data-id="{sid}" aria-pressed="{"true" if done else "false"}" aria-label="{esc(check_label)}">'
        '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 12.5l5 5L20 6.5"/></svg>'
        f"</button></td>{_more_cell(s, what, screen)}</tr>{_details_row(s, what, screen)}"
    )


def _more_cell(s: Record, what: str, screen: Screen) -> str:
    """The per-set "more" control: RPE and a note, folded away until asked for."""
    sid = esc(s["id"])
    is_open = screen.set_open == s["id"]
    has = " has-details" if details(s) else ""
    return (
        f'<td class="more-cell"><button type="button" class="more{has}" data-action="set-details" '
        f'data-id="{sid}" aria-expanded="{"true" if is_open else "false"}" '
        f'aria-label="RPE and note for {esc(what)}">'
        '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><circle cx="5" cy="12" r="1.6"/>'
        '<circle cx="12" cy="12" r="1.6"/><circle cx="19" cy="12" r="1.6"/></svg></button></td>'
    )


def _details_row(s: Record, what: str, screen: Screen) -> str:
    """Below a set: its RPE and note as a line, or (opened) the fields to change them."""
    sid = esc(s["id"])
    if screen.set_open != s["id"]:
        line = details(s)
        if not line:
            return ""
        return f'<tr class="set-extra"><td></td><td colspan="5" class="muted">{esc(line)}</td></tr>'
    rpe = s.get("rpe")
    current = format_rpe(float(rpe)) if isinstance(rpe, (int, float)) else ""
    options = '<option value="">—</option>' + "".join(
        f'<option value="{format_rpe(v)}"{" selected" if format_rpe(v) == current else ""}>'
        f"{format_rpe(v)}</option>"
        for v in RPE_VALUES
    )
    note_id = f"sn-{s['id']}"
    note = screen.drafts.get(note_id, str(s.get("notes") or ""))
    return (
        f'<tr class="set-details" id="details-{sid}"><td colspan="6"><div class="set-details-fields">'
        f'<div class="rpe-field"><label for="rpe-{sid}">RPE</label>'
        f'<select id="rpe-{sid}" data-field="rpe" data-id="{sid}" '
        f'aria-label="RPE, {esc(what)}">{options}</select></div>'
        f'<div class="grow"><label for="{esc(note_id)}">Note</label>'
        f'<input id="{esc(note_id)}" data-field="set-notes" data-id="{sid}" maxlength="500" '
        f'autocomplete="off" value="{esc(note)}" aria-label="Note, {esc(what)}" '
        'placeholder="Felt easy, pause reps…"></div></div></td></tr>'
    )


def _superset_button(exercise_id: str, name: str, grouped: bool, following: str | None) -> str:
    """Join the next exercise into a superset, or leave the one this exercise is in."""
    eid = esc(exercise_id)
    made = ""
    if following is not None:
        made += (
            f'<button type="button" class="ghost small" data-action="link-superset" '
            f'data-id="{eid}" aria-label="Superset: {esc(name)} with {esc(following)}">'
            "Superset</button>"
        )
    if grouped:
        made += (
            f'<button type="button" class="ghost small" data-action="unlink-superset" '
            f'data-id="{eid}" aria-label="Leave superset: {esc(name)}">Leave superset</button>'
        )
    return made


def _exercise_card(
    exercise_id: str,
    its_sets: list[Record],
    data: Data,
    workout: Record,
    unit: str,
    records: dict[str, list[str]],
    screen: Screen,
    superset: str = "",
) -> str:
    exercises = exercise_map(data)
    exercise = exercises.get(exercise_id, {})
    name = str(exercise.get("name") or "Exercise")
    previous = last_time(exercise_id, data.workoutLogs, data.workoutSets, exclude=workout["id"])
    rows = []
    number = 0
    for index, s in enumerate(its_sets):
        if set_type(s) != "warmup":
            number += 1
        prev = previous[index] if index < len(previous) else None
        label = set_label(s, number)
        rows.append(
            _row(s, label, max(number, 1), name, prev, unit, records.get(s["id"], []), screen)
        )
    eid = esc(exercise_id)
    seconds = rest.rest_seconds(exercise, default_rest(data))
    rest_options = "".join(
        f'<option value="{n}"{" selected" if n == seconds else ""}>{rest.clock(n)}</option>'
        for n in sorted({*range(30, 301, 15), seconds})
    )
    notes = (workout.get("exerciseNotes") or {}).get(exercise_id) or ""
    plate_line = ""
    if exercise.get("equipment") == "Barbell":
        upcoming = next((s for s in its_sets if not is_done(s)), None)
        if upcoming is not None:
            text = plates_line(float(upcoming["weight"]), data)
            plate_line = f'<p class="plates muted">{esc(text)}</p>' if text else ""
    return (
        f'<article class="card exercise" aria-labelledby="ex-{eid}">'
        f'<div class="exercise-head"><h3 id="ex-{eid}">{esc(name)}</h3>'
        f'<label class="inline" for="rest-{eid}">Rest</label>'
        f'<select id="rest-{eid}" class="rest-select" data-action="set-rest" data-id="{eid}">{rest_options}</select></div>'
        f'<table class="sets" aria-label="Sets of {esc(name)}"><thead><tr>'
        '<th scope="col">Set</th><th scope="col">Previous</th>'
        f'<th scope="col">{unit}</th><th scope="col">Reps</th>'
        '<th scope="col"><span class="sr-only">Done</span></th>'
        '<th scope="col"><span class="sr-only">More</span></th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>{plate_line}"
        '<div class="card-actions">'
        f'<button type="button" class="secondary small" data-action="add-set" data-id="{eid}" '
        f'aria-label="Add set: {esc(name)}"><span aria-hidden="true">+ </span>Add set</button>'
        f'<button type="button" class="ghost small" data-action="remove-set" data-id="{eid}" '
        f'aria-label="Remove set: the last of {esc(name)}">Remove set</button>{superset}</div>'
        f'<details class="notes"{" open" if notes else ""}><summary>Notes</summary>'
        f'<label class="sr-only" for="note-{eid}">Notes on {esc(name)}</label>'
        f'<textarea id="note-{eid}" rows="2" data-field="exercise-notes" data-id="{eid}">{esc(notes)}</textarea></details>'
        "</article>"
    )


def _picker(screen: Screen, data: Data) -> str:
    if not screen.picking:
        return (
            '<p><button type="button" class="secondary wide" data-action="open-picker">'
            "+ Add exercise</button></p>"
        )
    found = search(screen.query, data.exercises, limit=40)
    items = "".join(
        f'<li><button type="button" class="pick" data-action="pick-exercise-add" data-id="{esc(eid)}">'
        f'<span class="pick-name">{esc(name)}</span><span class="muted">{esc(detail)}</span></button></li>'
        for eid, name, detail, _library in found
    )
    empty = '<li class="muted">No exercise matches. Add your own under Exercises.</li>'
    return (
        '<div class="card picker"><div class="exercise-head"><h3 id="picker-title">Add exercise</h3>'
        '<button type="button" class="ghost small" data-action="close-picker">Close</button></div>'
        '<label for="exercise-search">Search exercises</label>'
        f'<input id="exercise-search" type="search" data-field="search" autocomplete="off" '
        f'value="{esc(screen.query)}" placeholder="Bench, squat, back…">'
        f'<ul class="picks" aria-labelledby="picker-title">{items or empty}</ul></div>'
    )


def _rest_bar(screen: Screen) -> str:
    if not screen.rest_ends_at:
        return ""
    left = rest.remaining(screen.rest_ends_at, screen.now)
    note = rest_alert_note(screen.notify, screen.capabilities)
    return (
        '<div class="rest-bar" role="group" aria-label="Rest timer">'
        '<div class="rest-main"><span class="rest-label">Rest</span>'
        f'<span class="rest-time" role="timer" data-ends="{screen.rest_ends_at}">'
        f"{rest.clock(left) if left else 'Rest over'}</span></div>"
        '<div class="rest-buttons">'
        '<button type="button" class="secondary small" data-action="rest-minus" aria-label="15 s less">'
        '<span aria-hidden="true">−</span>15 s</button>'
        '<button type="button" class="secondary small" data-action="rest-plus" aria-label="15 s more">'
        '<span aria-hidden="true">+</span>15 s</button>'
        '<button type="button" class="small" data-action="rest-skip">Skip</button></div>'
        + (f'<p class="rest-note">{esc(note)}</p>' if note else "")
        + "</div>"
    )


_NO_EXERCISES = '<p class="card muted">No exercises yet: add the first one.</p>'


def _active(screen: Screen, data: Data, workout: Record) -> str:
    unit = unit_of(data)
    its_sets = sets_of(data, workout["id"])
    done = [s for s in its_sets if is_done(s)]
    records = personal_records.records_in(done, earlier_sets(data, workout))
    grouped: dict[str, list[Record]] = {}
    for s in its_sets:
        grouped.setdefault(s["exerciseId"], []).append(s)
    cards = _cards(its_sets, grouped, data, workout, unit, records, screen)
    started = int(workout.get("startedAt") or screen.now)
    notes = workout.get("notes") or ""
    summary_line = f"{len(done)} of {len(its_sets)} sets done"
    return (
        '<section class="workout" aria-labelledby="workout-title">'
        '<div class="workout-head"><div>'
        f'<h2 id="workout-title">{esc(workout_name(workout))}</h2>'
        f'<p class="muted"><span class="sr-only">Duration </span><time class="clock" data-since="{started}">'
        f"{running(max(0, screen.now - started))}</time> · {summary_line}</p></div>"
        '<button type="button" class="finish" data-action="finish-workout">Finish</button></div>'
        f"{notices(screen.message, screen.message_ok, screen.undo)}"
        f"{cards or _NO_EXERCISES}"
        f"{_picker(screen, data)}"
        '<div class="card"><label for="workout-notes">Workout notes</label>'
        f'<textarea id="workout-notes" rows="2" data-field="workout-notes" data-id="{esc(workout["id"])}">{esc(notes)}</textarea>'
        '<p><button type="button" class="ghost danger-text" data-action="discard-workout">Discard workout</button></p></div>'
        f"{_rest_bar(screen)}</section>"
    )


def _cards(
    its_sets: list[Record],
    grouped: dict[str, list[Record]],
    data: Data,
    workout: Record,
    unit: str,
    records: dict[str, list[str]],
    screen: Screen,
) -> str:
    """The exercise cards in screen order, each superset's cards together in one group."""
    groups = supersets.groups_of(workout)
    blocks = supersets.screen_order(exercise_order(its_sets), groups)
    names = data.exercise_names()
    parts = []
    for index, block in enumerate(blocks):
        following = blocks[index + 1][0] if index + 1 < len(blocks) else None
        cards = "".join(
            _exercise_card(
                e,
                grouped[e],
                data,
                workout,
                unit,
                records,
                screen,
                _superset_button(
                    e,
                    str(names.get(e) or "Exercise"),
                    len(block) > 1,
                    str(names.get(following) or "Exercise")
                    if following and e == block[-1]
                    else None,
                ),
            )
            for e in block
        )
        if len(block) > 1:
            title = supersets.describe(block, names)
            cards = (
                f'<div class="superset" role="group" aria-label="{esc(title)}">'
                '<p class="superset-label" aria-hidden="true">Superset · done in turn, rest after '
                f"each round</p>{cards}</div>"
            )
        parts.append(cards)
    return "".join(parts)


def _summary(screen: Screen, data: Data) -> str:
    workout = next((w for w in data.workoutLogs if w["id"] == screen.summary_id), None)
    if workout is None:
        return ""
    unit = unit_of(data)
    found = summarize(
        workout, sets_of(data, workout["id"]), earlier_sets(data, workout), screen.now
    )
    names = {e["id"]: e["name"] for e in data.exercises}
    by_id = {s["id"]: s for s in data.workoutSets}
    pr_items = "".join(
        f"<li><strong>{esc(names.get(by_id[sid]['exerciseId'], 'Exercise'))}</strong> "
        f"{esc(by_id[sid]['reps'])} × {esc(units.label(float(by_id[sid]['weight']), unit))}: "
        f"{esc(', '.join(personal_records.LABELS[k] for k in kinds))}</li>"
        for sid, kinds in found.records.items()
        if sid in by_id
    )
    prs = len(found.records)
    return (
        '<div class="card summary" aria-labelledby="summary-title">'
        f'<h3 id="summary-title">Workout complete: {esc(workout_name(workout))}</h3>'
        '<dl class="stats">'
        f"<div><dt>Duration</dt><dd>{esc(duration(found.duration_ms))}</dd></div>"
        f"<div><dt>Sets</dt><dd>{found.sets}</dd></div>"
        f"<div><dt>Volume</dt><dd>{number(units.shown(found.volume, unit))} {unit}</dd></div>"
        f"<div><dt>PRs</dt><dd>{prs}</dd></div></dl>"
        + (f'<ul class="prs" aria-label="Personal records">{pr_items}</ul>' if pr_items else "")
        + '<p><button type="button" class="secondary" data-action="close-summary">Done</button></p></div>'
    )


def _start(screen: Screen, data: Data) -> str:
    pattern = DatePattern.parse(screen.date_pattern)
    recent = recent_workouts(data.workoutLogs, data.workoutSets)
    # Only for workouts to offer: the start screen is drawn on each sync, ten thousand
    # exercises or not.
    names = {e["id"]: e["name"] for e in data.exercises if not e.get("archived")} if recent else {}
    parts = []
    for n, past in enumerate(recent):
        its = [s for s in sets_of(data, past["id"]) if is_done(s)]
        shown = ", ".join(names[e] for e in exercise_order(its) if e in names)
        day = format_day(past["date"], pattern)
        if n == 0:  # the one tap for the very last workout
            parts.append(
                '<button type="button" class="start-option primary" data-action="repeat-last">'
                f'<span class="option-title">Repeat last time</span>'
                f'<span class="option-detail">{esc(workout_name(past))} · {esc(day)} · {esc(shown)}</span></button>'
            )
        elif shown:  # an earlier workout of another kind: A after a B day
            name = given_name(past)
            title = f"Repeat the workout of {day}" if name is None else f"Repeat {name}"
            detail = shown if name is None else f"{day} · {shown}"
            parts.append(
                f'<button type="button" class="start-option" data-action="repeat-workout" data-id="{esc(past["id"])}">'
                f'<span class="option-title">{esc(title)}</span>'
                f'<span class="option-detail">{esc(detail)}</span></button>'
            )
    for program in sorted(data.programs, key=lambda p: str(p["name"]).casefold()):
        count = len(program.get("items") or [])
        parts.append(
            f'<button type="button" class="start-option" data-action="start-program-workout" data-id="{esc(program["id"])}">'
            f'<span class="option-title">{esc(program["name"])}</span>'
            f'<span class="option-detail">Program · {count} exercise{"" if count == 1 else "s"}</span></button>'
        )
    parts.append(
        '<button type="button" class="start-option" data-action="start-empty">'
        '<span class="option-title">Start an empty workout</span>'
        '<span class="option-detail">Add exercises as you go</span></button>'
    )
    return (
        '<section aria-labelledby="workout-title"><h2 id="workout-title">Workout</h2>'
        f"{notices(screen.message, screen.message_ok, screen.undo)}{_summary(screen, data)}"
        f'<div class="start-options" role="group" aria-label="Start a workout">{"".join(parts)}</div>'
        "</section>"
    )


def render(screen: Screen, data: Data, account: Account) -> str:
    current = in_progress(data.workoutLogs)
    if current is not None:
        return _active(screen, data, current)
    return _start(screen, data)
