"""Copy the browser runtime from node_modules into vendor/ (run by ``make``, never committed).

Only the files the app loads are copied: Pyodide's runtime, PyScript's dist bundle without source
maps, and Dexie's ES module.  Nothing is fetched: npm has already installed the pinned versions.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ROOT / "node_modules"
VENDOR = ROOT / "vendor"

PYODIDE_FILES = (
    "pyodide.mjs",
    "pyodide.asm.mjs",
    "pyodide.asm.wasm",
    "python_stdlib.zip",
    "pyodide-lock.json",
)


def copy(src: Path, dest: Path) -> None:
    if not src.is_file():
        raise SystemExit(f"vendor: {src} is missing; run `npm ci` first.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    if not dest.exists() or dest.read_bytes() != src.read_bytes():
        shutil.copyfile(src, dest)


def main() -> int:
    wanted: dict[Path, Path] = {}
    for name in PYODIDE_FILES:
        wanted[VENDOR / "pyodide" / name] = MODULES / "pyodide" / name
    dist = MODULES / "@pyscript" / "core" / "dist"
    for src in sorted(dist.glob("*")):
        if src.suffix in (".js", ".css") and src.name != "service-worker.js":
            wanted[VENDOR / "pyscript" / src.name] = src
    wanted[VENDOR / "dexie" / "dexie.mjs"] = MODULES / "dexie" / "dist" / "modern" / "dexie.min.mjs"
    for dest, src in wanted.items():
        copy(src, dest)
    # Drop files a previous version left behind, so the service worker never caches stale ones.
    for path in VENDOR.rglob("*"):
        if path.is_file() and path not in wanted:
            path.unlink()
    print(f"vendor: {len(wanted)} files in {VENDOR.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
