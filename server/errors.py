"""API errors: raised as ``ApiError`` anywhere below a handler, answered as JSON at the edge.

Every error a client sees is ``{"error": code, "message": sentence}`` with a fitting status:

    400 bad_request       the body is not JSON, or the schema header is missing or malformed
    401 unauthorized      no valid session (or wrong email or password at login)
    403 forbidden         a state-changing request from another origin
    404 not_found         no such API endpoint
    405 method_not_allowed
    409 email_taken       signup with an email that already has an account
    413 too_large         the body is over the server's limit
    422 invalid           the JSON does not follow the protocol or the schema
    426 update_required   the client's schema version is one the server cannot serve
    429 too_many_attempts too many failed logins; see Retry-After
    500 internal          a bug; nothing was changed (the transaction rolled back)
"""

from __future__ import annotations

import logging

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

log = logging.getLogger("setflow.server")

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

    async def internal_error(_request: Request, exc: Exception) -> Response:
        log.exception("unhandled error", exc_info=exc)
        return error_response(500, "internal", "Something went wrong on the server.")

    app.add_exception_handler(ApiError, api_error)
    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(Exception, internal_error)
