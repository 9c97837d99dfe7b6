"""Copy the browser runtime from node_modules into vendor/ (run by ``make``, never committed).

Only the files the app loads are copied: Pyodide's runtime and Dexie's ES
module, each with the source map its ``sourceMappingURL`` names when the npm package ships one
(served for the browser's developer tools, never precached: ``server/static.py``).  Nothing is
fetched: npm has already installed the pinned versions.

Each file is also compressed once, here, beside itself (``.br`` and ``.gz``), for the server to
send as is (``server/delivery.py``).  Pyodide's standard library zip is rewritten with its
members stored rather than deflated (the same files): the whole archive then compresses as one
stream, about 1.8 MB in brotli instead of 2.5 MB, and Python reads it without inflating.
"""

from __future__ import annotations

import gzip
import io
import re
import sys
import zipfile
from pathlib import Path

import brotli

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


COMPRESSED = (".br", ".gz")
# The last line of a bundle that has a source map: ``//# sourceMappingURL=<name beside it>``.
SOURCE_MAP = re.compile(rb"//# sourceMappingURL=([\w.-]+\.map)\s*$")
# Brotli's quality 9: within 10% of the best (11) on the wasm, in seconds instead of minutes.
BROTLI_QUALITY = 9


def copy(src: Path, dest: Path) -> None:
    if not src.is_file():
        raise SystemExit(f"vendor: {src} is missing; run `npm ci` first.")
    dest.parent.mkdir(parents=True, exist_ok=True)
    data = stored_zip(src.read_bytes()) if dest.name == "python_stdlib.zip" else src.read_bytes()
    if not dest.exists() or dest.read_bytes() != data:
        dest.write_bytes(data)


def stored_zip(data: bytes) -> bytes:
    """The same archive with every member stored (uncompressed), in the same order."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dest:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, info.date_time)
            member.external_attr = info.external_attr
            dest.writestr(member, src.read(info), compress_type=zipfile.ZIP_STORED)
    return out.getvalue()


def source_map(path: Path) -> str | None:
    """The file name of the source map a script names on its last line, if any."""
    if path.suffix not in (".js", ".mjs"):
        return None
    found = SOURCE_MAP.search(path.read_bytes()[-300:])
    return found.group(1).decode() if found else None


def compress(path: Path) -> list[Path]:
    """Write ``path.br`` and ``path.gz`` unless they are already newer than ``path``."""
    made = []
    for suffix, pack in (
        (".br", lambda d: brotli.compress(d, quality=BROTLI_QUALITY)),
        (".gz", lambda d: gzip.compress(d, compresslevel=9, mtime=0)),
    ):
        out = path.with_name(path.name + suffix)
        if not out.exists() or out.stat().st_mtime_ns < path.stat().st_mtime_ns:
            out.write_bytes(pack(path.read_bytes()))
        made.append(out)
    return made


def main() -> int:
    wanted: dict[Path, Path] = {}
    for name in PYODIDE_FILES:
        wanted[VENDOR / "pyodide" / name] = MODULES / "pyodide" / name
    wanted[VENDOR / "dexie" / "dexie.mjs"] = MODULES / "dexie" / "dist" / "modern" / "dexie.min.mjs"
    for dest, src in list(wanted.items()):
        name = source_map(src)
        if name and (src.parent / name).is_file():
            wanted[dest.parent / name] = src.parent / name
    for dest, src in wanted.items():
        copy(src, dest)
    compressed = [out for dest in wanted for out in compress(dest)]
    keep = set(wanted) | set(compressed)
    # Drop files a previous version left behind, so the service worker never caches stale ones.
    for path in VENDOR.rglob("*"):
        if path.is_file() and path not in keep:
            path.unlink()
    for folder in sorted(VENDOR.glob("*/"), reverse=True):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()
    print(f"vendor: {len(wanted)} files in {VENDOR.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
