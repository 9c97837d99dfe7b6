"""The app's Python modules as one file, which the browser fetches while its runtime starts.

``app/js/pyodide.mjs`` fetches this bundle in the app's worker at the moment the runtime starts
downloading (one request, not one per module once Pyodide is up), and writes each module into
the interpreter's working directory. It is made from the files themselves (one is re-read only when it changed), so it is
never stale, and its content is part of the app version (``server/static.py``): a changed module
renames the service worker's cache and the start-up snapshot is made again.

With the modules come their ``.pyc`` files, compiled at set-up by the browser's own Python
(``tools/bytecode.py``), for each module whose source has not changed since: a first start then
imports instead of compiling. Python checks each against its source again before using it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

URL = "/app/modules.json"
# Made by tools/bytecode.py at set-up, under the static root: never served itself.
BYTECODE = "build/bytecode.json"

# Modules under app/ that only the server and the tests import (the merge rules the server
# applies; the in-memory Store of the tests and the simulation): never served nor precached.
NOT_SHIPPED = frozenset({"app/core/merge.py", "app/core/memory_store.py"})


def shipped(root: Path) -> list[str]:
    """The modules the browser imports (paths relative to ``root``), sorted."""
    real_app = (root / "app").resolve()
    found = []
    for path in (root / "app").rglob("*.py"):
        rel = path.relative_to(root).as_posix()
        if "__pycache__" in path.parts or rel in NOT_SHIPPED:
            continue
        # A link may not bring in a file from outside app/ (server code, say).
        if path.is_file() and path.resolve().is_relative_to(real_app):
            found.append(rel)
    return sorted(found)


class Bundle:
    """``{"modules": {path: source}, "bytecode": {pyc path: base64}}`` of every shipped module,
    remade when a file changes."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._made: tuple[tuple[tuple[str, int, int], ...], bytes, str] | None = None

    def current(self) -> bytes:
        return self._make()[1]

    def digest(self) -> str:
        """SHA-256 of ``current()``, hex."""
        return self._make()[2]

    def _make(self) -> tuple[tuple[tuple[str, int, int], ...], bytes, str]:
        paths = [*shipped(self.root), BYTECODE]
        stats = [(self.root / p).stat() if (self.root / p).is_file() else None for p in paths]
        key = tuple(
            (p, s.st_size, s.st_mtime_ns) if s else (p, -1, -1)
            for p, s in zip(paths, stats, strict=True)
        )
        if self._made is None or self._made[0] != key:
            modules = {p: (self.root / p).read_text(encoding="utf-8") for p in paths[:-1]}
            bundle = {"modules": modules, "bytecode": self._bytecode(modules)}
            data = json.dumps(bundle, ensure_ascii=False, separators=(",", ":"))
            encoded = data.encode()
            self._made = (key, encoded, hashlib.sha256(encoded).hexdigest())
        return self._made

    def _bytecode(self, modules: dict[str, str]) -> dict[str, str]:
        """The compiled modules whose source is the one compiled (a stale one is left out)."""
        path = self.root / BYTECODE
        if not path.is_file():
            return {}
        try:
            made = json.loads(path.read_text())["modules"]
        except (ValueError, KeyError):
            return {}
        return {
            entry["pyc"]: entry["bytes"]
            for module, entry in sorted(made.items())
            if module in modules
            and entry.get("sha256") == hashlib.sha256(modules[module].encode()).hexdigest()
        }
