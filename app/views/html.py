"""Tiny HTML helpers for the views: every value that reaches the page goes through ``esc``."""

from __future__ import annotations

from html import escape

from app.core.schema import Table


def esc(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def number(value: float) -> str:
    """A weight or volume as a person writes it: ``60``, ``62.5``, ``1,250``."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}".rstrip("0").rstrip(".")


def counted(count: int, noun: str) -> str:
    """``1 set``, ``2 sets``, ``1,250 sets``: a count with its noun, singular for one."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def options(items: list[tuple[str, str]], selected: str | None, placeholder: str = "") -> str:
    parts = [f'<option value="">{esc(placeholder)}</option>'] if placeholder else []
    for value, label in items:
        sel = " selected" if value == selected else ""
        parts.append(f'<option value="{esc(value)}"{sel}>{esc(label)}</option>')
    return "".join(parts)


def notice(message: str | None, ok: bool = True) -> str:
    if not message:
        return ""
    role = "status" if ok else "alert"
    return f'<p class="notice {"ok" if ok else "bad"}" role="{role}">{esc(message)}</p>'


def undo_notice(undo: list[list[str]], said: str = "Deleted.") -> str:
    """ "Deleted. Undo" (or what the action said) after a delete, until the next action."""
    if not undo:
        return ""
    return (
        f'<p class="notice ok undo" role="status"><span>{esc(said)}</span>'
        '<button type="button" class="secondary small" data-action="undo">Undo</button></p>'
    )


def notices(message: str | None, ok: bool, undo: list[list[str]]) -> str:
    """An action's message and, after a delete, its Undo: one line when both
    ("Workout discarded. Undo"), not two notices stacked."""
    if undo and message and ok:
        return undo_notice(undo, message)
    return notice(message, ok) + undo_notice(undo)


def name_input(input_id: str, table: Table, value: str | None = None, attrs: str = "") -> str:
    """A required name field with its length limit written under it: the browser stops typing
    at ``maxlength`` without a word, so the person reads the limit before meeting it."""
    limit = table.field_map["name"].max_length
    shown = "" if value is None else f' value="{esc(value)}"'
    return (
        f'<input id="{esc(input_id)}" name="name"{shown} required maxlength="{limit}"{attrs} '
        f'aria-describedby="{esc(input_id)}-limit">'
        f'<small id="{esc(input_id)}-limit" class="hint">Up to {limit} characters.</small>'
    )
