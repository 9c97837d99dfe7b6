"""Writing the screen into the page: the view's HTML, the tab bar and the sync status lines.

Each is one message to the page (``app/browser/page.py``), which applies it; what survives a
re-render of what the person was typing is decided there (``app/js/fields.mjs``). The sentences
are made in ``app.core.status`` and ``app.views.conflicts``.
"""

from __future__ import annotations

from app.browser import page
from app.core import status as sync_status
from app.views.conflicts import settings_tab_label


def screen(view_name: str, html: str | None, open_conflicts: int) -> None:
    """The view's HTML (``None``: unchanged) and the tab bar: the current view marked, and
    Settings counting open conflicts, while any are."""
    tabs = {
        "view": view_name,
        "badge": open_conflicts,
        "label": settings_tab_label(open_conflicts),
    }
    page.post("paint", view=view_name, html=html, tabs=tabs)


def status(line: str, had_account: bool) -> None:
    """The header's short sync status, and Settings' full one when Settings shows."""
    page.post("status", header=sync_status.header(line, had_account=had_account), full=line)
