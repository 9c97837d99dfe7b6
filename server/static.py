"""The app's public files: which paths may be served, and the service worker's asset list.

Only an allowlist is public: the page, its manifest and icons, the Python files the browser runs,
and the vendored runtime.  Server code, tests, ``.git`` and data files are never served, whatever
the path asks for.  The asset list and its content hash are derived from the files themselves, so
deploying a changed file changes the service worker's cache name and an open app offers the update.
The app's modules are precached as one bundle (``server/bundle.py``), not one by one: the page
never asks for them separately.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from server import bundle

TOP_FILES = ("index.html", "manifest.json", "sw.js", "pyscript.toml")
# Folders whose files (with these endings) are public, recursively.
PUBLIC_DIRS = {
    "app": (".py", ".mjs", ".css"),
    "icons": (".png", ".svg"),
    "vendor": (".mjs", ".js", ".css", ".wasm", ".zip", ".json", ".map"),
}
# Served for the browser's developer tools (the vendored bundles' source maps), never precached:
# no person's start-up needs them.
NOT_PRECACHED = (".map",)
# Modules under app/ that only the server and the tests import: never served nor precached.
NOT_SHIPPED = bundle.NOT_SHIPPED

MEDIA_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".json": "application/json",
    ".map": "application/json",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".py": "text/x-python; charset=utf-8",
    ".toml": "application/toml; charset=utf-8",
    ".wasm": "application/wasm",
    ".zip": "application/zip",
    ".png": "image/png",
    ".svg": "image/svg+xml",
}


def media_type(path: Path) -> str:
    return MEDIA_TYPES.get(path.suffix, "application/octet-stream")


def is_public(rel: str) -> bool:
    """True when the URL path (without the leading slash) names a public file's place."""
    parts = PurePosixPath(rel).parts
    if not parts or any(p in ("..", ".") or p.startswith(".") for p in parts):
        return False
    if len(parts) == 1:
        return parts[0] in TOP_FILES
    endings = PUBLIC_DIRS.get(parts[0])
    if endings is None or "__pycache__" in parts or rel in NOT_SHIPPED:
        return False
    return PurePosixPath(rel).suffix in endings


def resolve(root: Path, rel: str) -> Path | None:
    """The file to serve for a URL path, or None when it is not public or does not exist.

    The real path (symlinks followed) must itself be a public file of the real root, so a link
    under ``app/`` can serve neither server code nor files outside the tree.  A name the OS
    refuses (too long, a NUL byte) is simply not there.
    """
    if not is_public(rel):
        return None
    try:
        real_root = root.resolve()
        path = (root / rel).resolve(strict=True)
        if not path.is_file():
            return None
        inside = path.relative_to(real_root).as_posix()
    except (OSError, ValueError, RuntimeError):  # ENAMETOOLONG, ELOOP, NUL, outside the root
        return None
    return path if is_public(inside) else None


@dataclass(frozen=True)
class AssetList:
    version: str
    urls: tuple[str, ...]

    def script(self) -> str:
        """The ``/sw-assets.js`` that the service worker imports."""
        return (
            f"self.SETFLOW_VERSION = {json.dumps(self.version)};\n"
            f"self.SETFLOW_ASSETS = {json.dumps(list(self.urls), indent=0)};\n"
        )


class Assets:
    """Hashes every public file, re-reading a file only when its size or mtime changed."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.bundle = bundle.Bundle(root)
        self._digests: dict[Path, tuple[int, int, str]] = {}

    def _files(self) -> list[Path]:
        files = [self.root / name for name in TOP_FILES]
        for folder in PUBLIC_DIRS:
            base = self.root / folder
            if base.is_dir():
                files.extend(p for p in base.rglob("*") if p.is_file())
        in_bundle = set(bundle.shipped(self.root))
        # Precached only when it would be served: the same check as a request's.
        return sorted(
            p
            for p in files
            if p.suffix not in NOT_PRECACHED
            and self._rel(p) not in in_bundle
            and resolve(self.root, self._rel(p)) is not None
        )

    def _rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def _digest(self, path: Path) -> str:
        stat = path.stat()
        cached = self._digests.get(path)
        if cached and cached[:2] == (stat.st_size, stat.st_mtime_ns):
            return cached[2]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        self._digests[path] = (stat.st_size, stat.st_mtime_ns, digest)
        return digest

    def current(self) -> AssetList:
        files = self._files()
        total = hashlib.sha256()
        for path in files:
            total.update(f"{self._rel(path)}\0{self._digest(path)}\n".encode())
        total.update(f"{bundle.URL}\0{self.bundle.digest()}\n".encode())
        urls = ["/"] + ["/" + self._rel(p) for p in files if p.name != "sw.js"] + [bundle.URL]
        return AssetList(total.hexdigest()[:16], tuple(urls))
