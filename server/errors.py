"""API errors: raised as ``ApiError`` anywhere below a handler, answered as JSON at the edge.

Every error a client sees is ``{"error": code, "message": sentence}`` with a fitting status.
``ERRORS`` below is the one table of them; ``docs/sync-protocol.md`` prints it
(``tools/error_table.py --write``), and ``tests/server/test_error_table.py`` checks that every
error the server's code raises is in it, and the docs show it as it is.  A 500 carries an
``X-Request-Id`` that the server's log line names too.
"""

from __future__ import annotations

import logging
import secrets

from fastapi import FastAPI
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("setflow.server")

# (status, code, when): every error a client can get.
ERRORS: tuple[tuple[int, str, str], ...] = (
    (
        400,
        "bad_request",
        "body is not JSON (NaN/Infinity included); schema header missing or not a number; body did"
        " not arrive in time (10 s, plus 1 s per 500 bytes)",
    ),
    (401, "unauthorized", "no valid session; wrong email or password"),
    (
        403,
        "forbidden",
        "POST/PUT/PATCH/DELETE under `/api/` with a foreign `Origin` or `Sec-Fetch-Site:"
        " cross-site`",
    ),
    (404, "not_found", "no such API endpoint; a session that has already ended"),
    (405, "method_not_allowed", "an endpoint asked with a method it does not take (see `Allow`)"),
    (408, "timeout", "the request head did not arrive within 10 s (the connection closes)"),
    (409, "email_taken", "signup with an email that has an account"),
    (413, "too_large", "body over the limit (declared Content-Length or bytes received)"),
    (
        422,
        "invalid",
        "wrong shape, unknown table or field, bad UUID, bad value, too many mutations, bad"
        " `since`/`limit`, a device writing a conflict record",
    ),
    (422, "invalid_email", "an email that cannot be an account's"),
    (
        422,
        "invalid_password",
        "a password too short or too long, or with characters that cannot be used",
    ),
    (422, "weak_password", "a common or easily guessed new password; the message says why"),
    (422, "wrong_password", "changing the password with a wrong current one"),
    (426, "update_required", "schema version the server cannot serve"),
    (429, "too_many_attempts", "login throttled; see `Retry-After`"),
    (
        500,
        "internal",
        "a server bug; the transaction rolled back (a push encodes its answer before it commits)",
    ),
    (
        503,
        "busy",
        "over the server's connection cap, or its cap of live streams; see `Retry-After`",
    ),
)

_HTTP_CODES = {404: "not_found", 405: "method_not_allowed"}


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers or {}

    def response(self) -> JSONResponse:
        return error_response(self.status, self.code, self.message, self.headers)


def error_response(
    status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    # A message may quote what was sent; a lone surrogate in it must not make the answer fail.
    message = message.encode("utf-8", "backslashreplace").decode("utf-8")
    return JSONResponse(
        {"error": code, "message": message},
        status_code=status,
        headers={"Cache-Control": "no-store", **(headers or {})},
    )


def install(app: FastAPI) -> None:
    async def api_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, ApiError)
        return exc.response()

    async def http_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        code = _HTTP_CODES.get(exc.status_code, "error")
        return error_response(exc.status_code, code, str(exc.detail), dict(exc.headers or {}))

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_middleware(InternalErrors)


def _one_line(text: str, limit: int = 200) -> str:
    return " ".join(text.split())[:limit]


def _describe(exc: Exception) -> str:
    """The error in a few words.  A database error's text is left out: PostgreSQL's names the
    row it refused (an email, a password hash), which must not reach a log."""
    orig = getattr(exc, "orig", None)
    if isinstance(exc, SQLAlchemyError):
        return f"{type(exc).__name__} ({type(orig).__name__ if orig else 'database'})"
    return _one_line(f"{type(exc).__name__}: {exc}")


class InternalErrors:
    """A bug answers 500 with a request id and logs one line naming it, never a traceback.

    Anyone can send requests, so a bug they can trigger must not let them flood the log: the
    exception stops here instead of reaching the server, which would print it whole.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception as exc:
            request_id = secrets.token_hex(6)
            where = _one_line(f"{scope['method']} {scope['path']}", 120)
            what = _describe(exc)
            log.error("500 request %s %s: %s", request_id, where, what)
            if started:
                return  # the answer is on its way; the client sees it cut short
            response = error_response(
                500,
                "internal",
                f"Something went wrong on the server (reference {request_id}).",
                {"X-Request-Id": request_id},
            )
            await response(scope, receive, send)
