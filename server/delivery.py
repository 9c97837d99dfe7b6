"""How a public file travels: compressed, validated by ETag, cached as long as its URL allows.

* The vendored runtime is compressed once at set-up (``tools/vendor.py`` writes ``.br`` and
  ``.gz`` beside each file); the app's own small text files are compressed here, once per
  version of the file, and kept in memory; so is the bundle of the app's modules
  (``server/bundle.py``), in brotli too.
* Every answer carries a strong ETag of the bytes sent, and a matching ``If-None-Match`` gets
  ``304 Not Modified``: a file the page already downloaded is not downloaded again by the service
  worker's precache (``sw.js`` revalidates instead of reloading).
* A URL whose name carries its content hash (a bundler's chunks) is cached for a year; everything
  else is revalidated on every use (``no-cache``).
* The page itself carries the app version, which names the caches the page keeps per version
  (the start-up snapshot and the last screen, see ``app/js/``).
"""

from __future__ import annotations

import gzip
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import brotli  # type: ignore[import-untyped]
from starlette.requests import Request
from starlette.responses import Response

# Encodings in order of preference, with the suffix of their precompressed files.
ENCODINGS = (("br", ".br"), ("gzip", ".gz"))
# Text worth compressing on the fly (the app's own files are small: ~180 KB together).
COMPRESSIBLE = (".html", ".js", ".mjs", ".css", ".py", ".json", ".toml", ".svg", ".map")
# Bundlers name their chunks ``name-<8 characters of hash>.js`` (and their source maps
# ``.js.map``).
HASHED_NAME = re.compile(r"-[A-Za-z0-9_-]{8}\.(?:js|css)(?:\.map)?$")
IMMUTABLE = "public, max-age=31536000, immutable"
# As tools/vendor.py: within a few percent of the best, in milliseconds for the app's modules.
BROTLI_QUALITY = 9
VERSION_META = '<meta name="setflow-version" content="">'


@dataclass(frozen=True)
class Body:
    data: bytes
    encoding: str | None
    etag: str


class Delivery:
    """Chooses, compresses and caches the bytes to send for a public file."""

    def __init__(self) -> None:
        self._bodies: dict[tuple[Path, str | None, int, int, str], Body] = {}
        self._made: dict[tuple[str, str | None], tuple[bytes, Body]] = {}

    def body(self, path: Path, accepted: str, version: str = "") -> Body:
        stat = path.stat()
        wanted = _accepted(accepted)
        for encoding, suffix in ENCODINGS:
            if encoding not in wanted:
                continue
            packed = path.with_name(path.name + suffix)
            if packed.is_file() and packed.stat().st_mtime_ns >= stat.st_mtime_ns:
                return self._cached(packed, encoding, version, packed.read_bytes)
        if path.suffix in COMPRESSIBLE and "gzip" in wanted:
            return self._cached(path, "gzip", version, lambda: _gzip(_page(path, version)))
        return self._cached(path, None, version, lambda: _page(path, version))

    def _cached(
        self, path: Path, encoding: str | None, version: str, make: Callable[[], bytes]
    ) -> Body:
        stat = path.stat()
        key = (path, encoding, stat.st_size, stat.st_mtime_ns, version)
        body = self._bodies.get(key)
        if body is None:
            data = make()
            digest = hashlib.sha256(data).hexdigest()[:32]
            body = Body(data, encoding, f'"{digest}"')
            self._bodies = {k: v for k, v in self._bodies.items() if k[:2] != key[:2]}
            self._bodies[key] = body
        return body

    def made_body(self, name: str, data: bytes, accepted: str) -> Body:
        """The bytes to send for content the server makes (``name`` keys its cache)."""
        wanted = _accepted(accepted)
        encoding = "br" if "br" in wanted else "gzip" if "gzip" in wanted else None
        kept = self._made.get((name, encoding))
        if kept is None or kept[0] != data:
            packed = (
                brotli.compress(data, quality=BROTLI_QUALITY)
                if encoding == "br"
                else _gzip(data)
                if encoding == "gzip"
                else data
            )
            body = Body(packed, encoding, f'"{hashlib.sha256(packed).hexdigest()[:32]}"')
            self._made[(name, encoding)] = kept = (data, body)
        return kept[1]

    def response(
        self, request: Request, path: Path, media_type: str, headers: dict[str, str], version: str
    ) -> Response:
        body = self.body(path, request.headers.get("accept-encoding", ""), version)
        cache = {"Cache-Control": IMMUTABLE} if HASHED_NAME.search(path.name) else {}
        return self.answer(request, body, media_type, {**headers, **cache})

    def answer(
        self, request: Request, body: Body, media_type: str, headers: dict[str, str]
    ) -> Response:
        """``body`` as the answer to ``request``: 304 when the browser holds it already."""
        out = {
            **headers,
            "ETag": body.etag,
            "Vary": "Accept-Encoding",
        }
        if body.encoding:
            out["Content-Encoding"] = body.encoding
        if body.etag in _etags(request.headers.get("if-none-match", "")):
            return Response(status_code=304, headers=out)
        data = b"" if request.method == "HEAD" else body.data
        response = Response(data, media_type=media_type, headers=out)
        if request.method == "HEAD":
            response.headers["Content-Length"] = str(len(body.data))
        return response


def _page(path: Path, version: str) -> bytes:
    data = path.read_bytes()
    if path.suffix == ".html" and version:
        meta = VERSION_META.replace('content=""', f'content="{version}"')
        data = data.replace(VERSION_META.encode(), meta.encode())
    return data


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=9, mtime=0)


def _accepted(header: str) -> set[str]:
    names = set()
    for part in header.split(","):
        name, _, params = part.strip().partition(";")
        if name and params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000"):
            names.add(name.strip().lower())
    return names


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
