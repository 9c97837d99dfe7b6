"""History: past workouts, newest first, and a progress chart per exercise."""

from __future__ import annotations

from app.core.chart import line_chart_svg
from app.core.stats import progress, workout_history
from app.views.html import esc, number, options
from app.views.state import Account, Data, Screen


def _progress(screen: Screen, data: Data) -> str:
    trained = {s["exerciseId"] for s in data.workoutSets}
    exercises = [e for e in data.sorted_exercises() if e["id"] in trained]
    if not exercises:
        return ""
    chosen: str = exercises[0]["id"]
    if screen.progress_exercise_id in {e["id"] for e in exercises}:
        chosen = str(screen.progress_exercise_id)
    name = next(e["name"] for e in exercises if e["id"] == chosen)
    points = progress(chosen, data.workoutLogs, data.workoutSets)
    chart = line_chart_svg(
        [(p.date, round(p.best_1rm, 1)) for p in points],
        title=f"{name}: estimated one-rep max",
        y_label="Estimated 1RM",
        unit="kg",
        width=360,  # drawn for a phone: the text stays readable when scaled to the screen
        height=240,
    )
    rows = "".join(
        f"<tr><td>{esc(p.date)}</td><td>{number(round(p.best_1rm, 1))} kg</td>"
        f"<td>{number(p.best_weight)} kg</td><td>{number(p.volume)} kg</td></tr>"
        for p in reversed(points)
    )
    return (
        '<section class="card" aria-labelledby="progress-title"><h3 id="progress-title">Progress</h3>'
        '<label for="progress-exercise">Progress for</label>'
        f'<select id="progress-exercise" data-action="pick-progress">{options([(e["id"], e["name"]) for e in exercises], chosen)}</select>'
        f'<figure class="chart" aria-label="Progress chart">{chart}</figure>'
        "<details><summary>Sessions as a table</summary><table><thead><tr><th>Date</th>"
        "<th>Best est. 1RM</th><th>Top weight</th><th>Volume</th></tr></thead>"
        f"<tbody>{rows}</tbody></table></details></section>"
    )


def render(screen: Screen, data: Data, account: Account) -> str:
    history = workout_history(data.workoutLogs, data.workoutSets, data.exercises)
    items = "".join(
        f'<li><span class="grow"><a href="#log" data-action="open-day" data-id="{esc(w.date)}">'
        f"<strong>{esc(w.date)}</strong></a><br>"
        f'<span class="muted">{esc(", ".join(w.exercise_names) or "No sets")} · '
        f"{w.set_count} sets · {number(w.volume)} kg</span></span></li>"
        for w in history
    )
    listing = (
        f'<ul class="list" aria-label="Past workouts">{items}</ul>'
        if items
        else '<p class="muted">No workouts yet. Log your first set under Log.</p>'
    )
    return (
        '<section aria-labelledby="history-title"><h2 id="history-title">History</h2>'
        f"{_progress(screen, data)}<h3>Workouts</h3>{listing}</section>"
    )
