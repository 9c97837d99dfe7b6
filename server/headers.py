"""Security headers on every answer, whatever produced it (a handler, an error, a file).

``Referrer-Policy`` everywhere (a sync URL never leaks to another site); under ``/api/`` also
``nosniff`` and ``no-store`` (an answer holds a person's data: no cache may keep it); HSTS when
the public origin is https, so a browser never again tries the site over plain http.

Every answer also makes the app cross-origin isolated (``Cross-Origin-Opener-Policy`` and
``-Embedder-Policy`` on the page and its workers, ``-Resource-Policy`` on every file): Pyodide
creates shared WebAssembly memory as it loads, which Chromium reports as a deprecated use of
``SharedArrayBuffer`` in a page that is not isolated. Nothing the app loads comes from another
origin, so isolation costs nothing; it is also what running Python in a worker would need.
"""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

HSTS = "max-age=31536000"
ISOLATION = {
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Embedder-Policy": "require-corp",
    "Cross-Origin-Resource-Policy": "same-origin",
}


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, hsts: bool = False) -> None:
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = scope["path"].startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["Referrer-Policy"] = "no-referrer"
                headers.update(ISOLATION)
                if api:
                    headers["X-Content-Type-Options"] = "nosniff"
                    headers["Cache-Control"] = "no-store"
                if self.hsts:
                    headers["Strict-Transport-Security"] = HSTS
            await send(message)

        await self.app(scope, receive, send_with_headers)
