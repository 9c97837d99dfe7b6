"""Setflow's own JSON export: read by ``app.core.exchange`` (this module only recognises it)."""

from __future__ import annotations

NAME = "Setflow"


def accepts_text(text: str) -> bool:
    """A JSON object: Setflow's export (``exchange.parse_import`` checks the rest)."""
    return text.lstrip("\ufeff \t\r\n").startswith("{")
