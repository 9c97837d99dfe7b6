"""The HTTP connection: uvicorn's httptools protocol, with deadlines for slow clients and a cap
on connections that leaves live streams out.

uvicorn times out only an idle keep-alive connection.  A client that sends its request head a
byte a second, that connects and sends nothing, or whose body stops short of its Content-Length
holds its connection (and a place under the cap) for as long as it likes.  So:

1. Head: the whole request head must arrive within ``head_seconds`` of the connection opening
   (or of the request's first byte, on a kept-alive connection).  Otherwise: a 408 if some of it
   came, and the connection closes.
2. Body: the body must keep coming at an average of ``MIN_BODY_RATE`` bytes a second after a
   grace of ``body_seconds`` (Apache's mod_reqtimeout rule: a slow phone's large import is
   fine, a byte a second is not).  Time the application spends not reading does not count.
   Otherwise: a 400 if nothing was answered yet, and the connection closes.  Once the answer
   is out (a 413 to a body declared too long, a 405), the rest of the body gets ``body_seconds``
   more, whatever its rate, and the connection closes (a lingering close: the client reads the
   answer before its unread bytes reset the connection).
3. Cap: ``--max-connections`` counts ordinary connections only.  A connection serving a live
   stream (``GET /api/sync/events``) is counted apart, up to the hub's own cap
   (``server/events.py``), so the idle streams of many devices never starve their requests.

uvicorn selects this class by name (``http=`` in ``server/__main__.py``), in every worker.
"""

from __future__ import annotations

import asyncio
import json
from functools import cache
from typing import Any, ClassVar

import httptools
from starlette.types import Receive, Scope, Send
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from app.core.live_policy import EVENTS_PATH
from server.config import MIN_BODY_RATE, Config
from server.errors import error_response
from server.events import MAX_STREAMS


@cache
def deadlines() -> tuple[float, float]:
    """(head seconds, body seconds) of this process's configuration."""
    config = Config.from_env()
    return config.head_seconds, config.body_seconds


def _json(status: bytes, code: str, message: str) -> bytes:
    """A whole answer, written to the socket as the connection closes (no application ran)."""
    body = json.dumps({"error": code, "message": message}).encode()
    return b"".join(
        [
            b"HTTP/1.1 " + status + b"\r\n",
            b"content-type: application/json\r\n",
            b"cache-control: no-store\r\n",
            b"x-content-type-options: nosniff\r\n",
            b"referrer-policy: no-referrer\r\n",
            b"content-length: " + str(len(body)).encode() + b"\r\n",
            b"connection: close\r\n\r\n",
            body,
        ]
    )


TOO_SLOW_HEAD = _json(b"408 Request Timeout", "timeout", "The request took too long to arrive.")
TOO_SLOW_BODY = _json(b"400 Bad Request", "bad_request", "The request body did not arrive in time.")


async def busy(scope: Scope, receive: Receive, send: Send) -> None:
    """The answer over the connection cap (uvicorn's own is plain text)."""
    response = error_response(
        503,
        "busy",
        "The server is busy; try again in a moment.",
        # The application's SecurityHeaders never see this answer: the same headers here.
        {
            "Retry-After": "5",
            "Connection": "close",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        },
    )
    await response(scope, receive, send)


class GuardedHttp(HttpToolsProtocol):
    # The connections of this process that serve a live stream (one uvicorn server a process).
    streams: ClassVar[set[GuardedHttp]] = set()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.head_seconds, self.body_seconds = deadlines()
        # Step 3 decides here instead of uvicorn, which would count every connection.
        self.max_connections = self.limit_concurrency
        self.limit_concurrency = None
        self.deadline: asyncio.TimerHandle | None = None
        self.phase = ""  # "head", "body", or "" when the client owes nothing
        self.phase_started = 0.0
        self.received = 0

    # --- phases ---------------------------------------------------------------------------
    def _begin(self, phase: str) -> None:
        self._cancel()
        self.phase = phase
        self.phase_started = self.loop.time()
        self.received = 0
        seconds = self.head_seconds if phase == "head" else self.body_seconds  # body, linger
        self.deadline = self.loop.call_later(seconds, self._check)

    def _cancel(self) -> None:
        self.phase = ""
        if self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None

    def _check(self) -> None:
        self.deadline = None
        if self.transport.is_closing():
            return
        if self.phase == "body":
            # The application is not reading (or has not yet asked for the body a client
            # sent "Expect: 100-continue" for): not the client's fault.
            if self.flow.read_paused or self.cycle.waiting_for_100_continue:
                self._begin("body")
                return
            due = self.phase_started + self.body_seconds + self.received / MIN_BODY_RATE
            if self.loop.time() < due:
                self.deadline = self.loop.call_at(due, self._check)
                return
            if self.cycle is not None and not self.cycle.response_started:
                self.transport.write(TOO_SLOW_BODY)
        elif self.phase == "head" and self.received:
            self.transport.write(TOO_SLOW_HEAD)
        self.phase = ""
        self.transport.close()

    # --- uvicorn's protocol and parser callbacks -------------------------------------------
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._begin("head")  # step 1: a connection that sends nothing is closed too

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel()
        self.streams.discard(self)
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self.phase == "head":
            self.received += len(data)
        super().data_received(data)

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self.phase != "head":  # the next request on a kept-alive connection
            self._begin("head")
            self.received = 1  # its first bytes are here

    def on_headers_complete(self) -> None:
        self._cancel()
        stream = self.parser.get_method() == b"GET" and (
            httptools.parse_url(self.url).path == EVENTS_PATH.encode()
        )
        if stream:
            allowed = len(self.streams) < MAX_STREAMS
        else:
            self.streams.discard(self)
            cap = self.max_connections
            connections = len(self.connections) - len(self.streams)  # this one included
            running = len(self.tasks) - len(self.streams)  # its own not started yet
            allowed = cap is None or (connections <= cap and running < cap)
        if stream and allowed:
            self.streams.add(self)
        app = self.app
        if not allowed:
            self.logger.warning("Over the connection cap: answered 503.")
            self.app = busy
        try:
            super().on_headers_complete()
        finally:
            self.app = app
        self._begin("body")  # step 2; ended at once by on_message_complete when there is none

    def on_body(self, body: bytes) -> None:
        self.received += len(body)
        super().on_body(body)

    def on_message_complete(self) -> None:
        self._cancel()
        super().on_message_complete()

    def on_response_complete(self) -> None:
        self.streams.discard(self)
        super().on_response_complete()
        if self.phase == "body" and not self.transport.is_closing():
            self._begin("linger")  # step 2: answered, the rest of the body is not needed
