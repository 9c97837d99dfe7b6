"""A tiny static server for the benchmark's own pages, on its own loopback port.

    python -m bench.static_server PORT DATA_DIR

Serves ``/bench/*`` from ``bench/pages``, ``/vendor/*`` from the vendored runtime (the very files
the app loads) and ``/data/*`` from ``DATA_DIR`` (fixtures a run writes).  Same caching headers
as the app server (``no-cache``), so first-visit timings compare like with like.
"""

from __future__ import annotations

import sys
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

ROOT = Path(__file__).resolve().parent.parent
TYPES = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".mjs": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".wasm": "application/wasm",
    ".zip": "application/zip",
    ".css": "text/css; charset=utf-8",
}


class Handler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    mounts: ClassVar[dict[str, Path]] = {}

    def translate_path(self, path: str) -> str:
        path = path.split("?", 1)[0].split("#", 1)[0]
        for prefix, folder in self.mounts.items():
            if path.startswith(prefix):
                rel = path[len(prefix) :]
                target = (folder / rel).resolve()
                if folder.resolve() in target.parents:
                    return str(target)
        return str(ROOT / "nonexistent")

    def guess_type(self, path: str | object) -> str:
        return TYPES.get(Path(str(path)).suffix, "application/octet-stream")

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    port, data = int(sys.argv[1]), Path(sys.argv[2])
    Handler.mounts = {
        "/bench/": ROOT / "bench" / "pages",
        "/vendor/": ROOT / "vendor",
        "/data/": data,
    }
    server = ThreadingHTTPServer(("127.0.0.1", port), partial(Handler))
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
