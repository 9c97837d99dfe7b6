"""The app's Python modules as one file, which the browser fetches while its runtime starts.

PyScript's ``[files]`` table fetched each module on its own (75 requests), and only once Pyodide
was up. ``app/js/pyodide.mjs`` fetches this bundle instead, at the moment the runtime starts
downloading, and writes each module where PyScript wrote it (the interpreter's working
directory). It is made from the files themselves (one is re-read only when it changed), so it is
never stale, and its content is part of the app version (``server/static.py``): a changed module
renames the service worker's cache and the start-up snapshot is made again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

URL = "/app/modules.json"

# Modules under app/ that only the server and the tests import (the merge rules the server
# applies; the in-memory Store of the tests and the simulation): never served nor precached.
NOT_SHIPPED = frozenset({"app/core/merge.py", "app/core/memory_store.py"})
# The entry point: index.html names it, and PyScript fetches and runs it.
ENTRY = "app/main.py"


def shipped(root: Path) -> list[str]:
    """The modules the browser imports (paths relative to ``root``), sorted."""
    real_app = (root / "app").resolve()
    found = []
    for path in (root / "app").rglob("*.py"):
        rel = path.relative_to(root).as_posix()
        if "__pycache__" in path.parts or rel in NOT_SHIPPED or rel == ENTRY:
            continue
        # A link may not bring in a file from outside app/ (server code, say).
        if path.is_file() and path.resolve().is_relative_to(real_app):
            found.append(rel)
    return sorted(found)


class Bundle:
    """``{"modules": {path: source}}`` of every shipped module, remade when a file changes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._made: tuple[tuple[tuple[str, int, int], ...], bytes, str] | None = None

    def current(self) -> bytes:
        return self._make()[1]

    def digest(self) -> str:
        """SHA-256 of ``current()``, hex."""
        return self._make()[2]

    def _make(self) -> tuple[tuple[tuple[str, int, int], ...], bytes, str]:
        paths = shipped(self.root)
        stats = [(self.root / p).stat() for p in paths]
        key = tuple((p, s.st_size, s.st_mtime_ns) for p, s in zip(paths, stats, strict=True))
        if self._made is None or self._made[0] != key:
            modules = {p: (self.root / p).read_text(encoding="utf-8") for p in paths}
            data = json.dumps({"modules": modules}, ensure_ascii=False, separators=(",", ":"))
            encoded = data.encode()
            self._made = (key, encoded, hashlib.sha256(encoded).hexdigest())
        return self._made
