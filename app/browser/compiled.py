"""The app's modules compiled once, in the start-up snapshot, instead of at every start.

The snapshot (``app/js/snapshot-worker.mjs``) holds the pure core and views already imported,
but it cannot import the browser adapters: they touch JS objects when imported. It can compile
them, though, and compiling is what their import cost: 0.7 s of every WebKit start (0.1 s in
Chromium). ``keep`` compiles such modules (those the snapshot did not import) and puts a
finder first on ``sys.meta_path``; at a start from the snapshot the import finds the code ready.

The code is used only while the file written at start is exactly the source it was compiled from
(compared in full); any other file is imported as usual. This module itself imports nothing
from JS, so the snapshot can hold it.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import os
import sys
from collections.abc import Iterable, Sequence
from importlib.machinery import ModuleSpec
from types import CodeType, ModuleType


class _Compiled:
    def __init__(self, path: str, source: str, package: bool) -> None:
        self.path = path
        self.source = source
        self.package = package
        self.code: CodeType = compile(source, path, "exec", dont_inherit=True)


class _Loader(importlib.abc.Loader):
    def __init__(self, code: CodeType) -> None:
        self.code = code

    def create_module(self, spec: ModuleSpec) -> ModuleType | None:
        return None  # the default module

    def exec_module(self, module: ModuleType) -> None:
        exec(self.code, module.__dict__)


class CompiledFinder(importlib.abc.MetaPathFinder):
    """Serves the kept code for a module whose file still holds the source it was compiled from."""

    def __init__(self) -> None:
        self.kept: dict[str, _Compiled] = {}
        self.served: list[str] = []  # for the tests: which imports used kept code

    def keep(self, name: str, path: str, package: bool) -> None:
        with open(path, encoding="utf-8") as file:
            source = file.read()
        self.kept[name] = _Compiled(os.path.abspath(path), source, package)

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None = None,
        target: ModuleType | None = None,
    ) -> ModuleSpec | None:
        kept = self.kept.get(fullname)
        if kept is None:
            return None
        try:
            with open(kept.path, encoding="utf-8") as file:
                if file.read() != kept.source:
                    return None
        except OSError:
            return None
        self.served.append(fullname)
        return importlib.util.spec_from_file_location(
            fullname,
            kept.path,
            loader=_Loader(kept.code),
            submodule_search_locations=[os.path.dirname(kept.path)] if kept.package else None,
        )


def module_name(path: str, base: str = "") -> str | None:
    """``app/browser/ui.py`` -> ``app.browser.ui``; a package's ``__init__.py`` -> the package.

    ``base``: the folder on ``sys.path`` the path starts with (none: the working directory).
    """
    if base:
        prefix = base.rstrip("/") + "/"
        if not path.startswith(prefix):
            return None
        path = path[len(prefix) :]
    if not path.endswith(".py"):
        return None
    parts = path[: -len(".py")].split("/")
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts) if parts and all(p.isidentifier() for p in parts) else None


def keep(paths: Iterable[str], base: str = "") -> CompiledFinder:
    """Compile the modules at ``paths`` (under ``base``, or the working directory) not imported yet."""
    finder = next((f for f in sys.meta_path if isinstance(f, CompiledFinder)), None)
    if finder is None:
        finder = CompiledFinder()
        sys.meta_path.insert(0, finder)
    for path in paths:
        name = module_name(path, base)
        if name is not None and name not in sys.modules:
            finder.keep(name, path, path.endswith("/__init__.py"))
    return finder


def served() -> list[str]:
    """The modules this start imported from kept code (none on a start without the snapshot)."""
    return [n for f in sys.meta_path if isinstance(f, CompiledFinder) for n in f.served]
