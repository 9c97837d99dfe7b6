"""``GET /api/sync/events``: the live stream of a signed-in device, and the ``Live`` service that
opens streams and publishes pushes (see ``server/events.py`` for the stream itself)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.types import Receive, Scope, Send

from server import api
from server import openapi as doc
from server.accounts import SESSION_COOKIE
from server.database import Database
from server.errors import ApiError
from server.events import (
    HEARTBEAT_S,
    Hub,
    Stream,
    stop_streams_on_exit,
    user_and_version,
    write_stream,
)
from server.fanout import PgListener, SqliteWatcher
from server.guards import cross_origin

STREAM_HEADERS = {
    "Cache-Control": "no-store",
    # Asks nginx-like proxies not to buffer; a proxy that buffers anyway is detected by the app
    # (no "hello" arrives) and the app goes back to polling.
    "X-Accel-Buffering": "no",
}


class Live:
    """This process's streams, and how pushes reach them (in-process, and across processes)."""

    def __init__(self, db: Database, *, heartbeat: float = HEARTBEAT_S) -> None:
        self.db = db
        self.hub = Hub(heartbeat=heartbeat)
        self.listener: PgListener | None = None
        self.watcher: SqliteWatcher | None = None

    async def start(self) -> None:
        self.hub.start()
        stop_streams_on_exit(self.hub)
        engine = self.db.engine
        if engine.dialect.name == "postgresql":
            url = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
            self.listener = PgListener(self.hub, self.db, url)
            self.listener.start()
        elif engine.url.database not in (None, "", ":memory:"):
            self.watcher = SqliteWatcher(self.hub, self.db)
            self.watcher.start()

    async def stop(self) -> None:
        for part in (self.listener, self.watcher):
            if part is not None:
                await part.stop()
        await self.hub.stop()

    def open(self, user_id: int, version: int) -> Stream:
        if self.watcher is not None:
            self.watcher.saw(user_id, version)
        return self.hub.open(user_id, version)

    def committed(self, user_id: int, device_id: str) -> Callable[[int], None]:
        """For a push (run in a worker thread): what to do once it has committed ``version``."""

        def publish(version: int) -> None:
            if self.watcher is not None:
                self.watcher.saw(user_id, version)
            self.hub.publish_threadsafe(user_id, version, device_id)

        return publish


class EventStreamResponse(StreamingResponse):
    """Writes one stream until the device leaves or the server stops."""

    def __init__(self, hub: Hub, stream: Stream) -> None:
        super().__init__(_nothing(), media_type="text/event-stream", headers=STREAM_HEADERS)
        self.hub = hub
        self.stream = stream

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})

        async def body(chunk: bytes) -> None:
            await send({"type": "http.response.body", "body": chunk, "more_body": True})

        async def until_gone() -> None:
            while (await receive())["type"] != "http.disconnect":
                pass
            self.stream.close()

        watcher = asyncio.create_task(until_gone())
        try:
            await write_stream(self.hub, self.stream, body)
            with contextlib.suppress(OSError):
                await send({"type": "http.response.body", "body": b"", "more_body": False})
        except OSError:
            pass  # the device went away mid-write
        finally:
            watcher.cancel()
            self.hub.close(self.stream)


async def _nothing() -> AsyncIterator[bytes]:
    return
    yield b""  # pragma: no cover - makes this an async generator


router = APIRouter(prefix="/api")


@router.get(
    "/sync/events",
    tags=["sync"],
    summary="Live stream (Server-Sent Events): pokes when the account changes, heartbeats.",
    description=(
        "Events: `hello` {version, heartbeat, slow} first; `poke` {version, by} when the account "
        "reaches a new version (`by`: the device that made it, or null); `ping` {} every "
        "heartbeat; `slow` {wait} when the server asks devices to wait longer before pulling. "
        "A poke is only a hint: the device pulls to learn what changed."
    ),
    response_model=None,
    responses={
        200: {"content": {"text/event-stream": {}}},
        **doc.errors(400, 401, 403, 426, 503),
    },
    openapi_extra={
        "parameters": [
            {"name": "schema", "in": "query", "required": True, "schema": {"type": "integer"}}
        ]
    },
)
async def sync_events(request: Request) -> EventStreamResponse:
    if cross_origin(request.scope):
        raise ApiError(403, "forbidden", "This request came from another site and was refused.")
    # An EventSource cannot send headers: the schema handshake travels in the query.
    schema = request.query_params.get("schema")
    if schema is None:
        raise ApiError(400, "bad_request", "Send the schema version as ?schema=<number>.")
    api._check_schema(schema)
    live: Live = request.app.state.live
    found = await run_in_threadpool(
        user_and_version, api._db(request), request.cookies.get(SESSION_COOKIE)
    )
    if found is None:
        raise ApiError(401, "unauthorized", "You are not signed in.")
    if live.hub.full():
        raise ApiError(
            503, "busy", "The server is busy; changes still sync.", {"Retry-After": "60"}
        )
    return EventStreamResponse(live.hub, live.open(*found))
