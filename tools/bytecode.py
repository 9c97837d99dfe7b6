"""Compile the app's modules for the browser at set-up (run by ``make``; never committed).

A first visit spent most of its Python start compiling the app's modules from source (about
0.3-0.6 s of ``import``). The very runtime the browser runs (the vendored Pyodide, under Node:
``tools/compile_app.mjs``) compiles them here into hash-checked ``.pyc`` files, kept in
``build/bytecode.json`` with the SHA-256 of the source each was made from. The server puts a
module's ``.pyc`` in the bundle only while its source is unchanged (``server/bundle.py``), and
Python checks it against the source again before using it, so a stale one is never run: the
module is compiled from source as before.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server.bundle import BYTECODE, shipped  # noqa: E402 - the one list of shipped modules

RUNTIME = ROOT / "vendor" / "pyodide" / "pyodide.asm.wasm"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def main() -> int:
    sources = {p: (ROOT / p).read_text(encoding="utf-8") for p in shipped(ROOT)}
    runtime = sha256(RUNTIME.read_bytes())
    out = ROOT / BYTECODE
    wanted = {p: sha256(s.encode()) for p, s in sources.items()}
    if out.is_file():
        kept = json.loads(out.read_text())
        made = {p: entry["sha256"] for p, entry in kept["modules"].items()}
        if kept.get("runtime") == runtime and made == wanted:
            print(f"bytecode: {len(made)} modules, up to date")
            return 0
    with tempfile.TemporaryDirectory() as tmp:
        given, taken = Path(tmp) / "sources.json", Path(tmp) / "compiled.json"
        given.write_text(json.dumps(sources))
        subprocess.run(["node", str(ROOT / "tools" / "compile_app.mjs"), given, taken], check=True)
        compiled = json.loads(taken.read_text())
    modules = {
        path: {"sha256": wanted[path], "pyc": pyc, "bytes": data}
        for path, (pyc, data) in sorted(compiled.items())
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"runtime": runtime, "modules": modules}, indent=0) + "\n")
    print(f"bytecode: {len(modules)} modules compiled into {BYTECODE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
