"""Request guards: same-origin for state-changing API calls, and a cap on body size.

The session cookie is SameSite=Lax, which already keeps it off most cross-site POSTs; the origin
check is the second lock on the door (a sibling subdomain counts as same-site for cookies, and
old browsers ignore SameSite).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from app.core.protocol import whole_number
from server.config import MIN_BODY_RATE
from server.errors import ApiError, error_response

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_DEFAULT_PORTS = {"http": "80", "https": "443"}


def _normal_origin(scheme: str, host: str) -> str:
    scheme, host = scheme.lower(), host.lower()
    name, sep, port = host.rpartition(":")
    if sep and port == _DEFAULT_PORTS.get(scheme):  # "example.org:443" is "example.org"
        host = name
    return f"{scheme}://{host}"


def cross_origin(scope: Scope, public_origin: str | None = None) -> bool:
    """True when the request says it comes from a page of another origin.

    Behind a TLS-terminating proxy the server sees http and its own host name; the page's origin
    is then the configured public origin, which is what the browser's Origin must match."""
    headers = Headers(scope=scope)
    if headers.get("sec-fetch-site", "").lower() == "cross-site":
        return True
    origin = headers.get("origin")
    if origin is None:
        return False  # not a browser's cross-origin request (curl, the tests, old browsers)
    host = headers.get("host", "")
    scheme, sep, rest = origin.partition("://")
    if not sep:
        return True  # "null" and the like: an opaque origin is never ours
    if public_origin is not None:
        ours_scheme, _, ours_host = public_origin.partition("://")
        return _normal_origin(scheme, rest) != _normal_origin(ours_scheme, ours_host)
    return _normal_origin(scheme, rest) != _normal_origin(scope.get("scheme", "http"), host)


class SameOriginGuard:
    """Refuses state-changing requests under /api/ that come from another origin (403)."""

    def __init__(self, app: ASGIApp, public_origin: str | None = None) -> None:
        self.app = app
        self.public_origin = public_origin

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["method"] in UNSAFE_METHODS
            and scope["path"].startswith("/api/")
            and cross_origin(scope, self.public_origin)
        ):
            response = error_response(
                403, "forbidden", "This request came from another site and was refused."
            )
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


async def read_json(request: Request, limit: int, seconds: float | None = None) -> Any:
    """The request body as JSON: 413 over ``limit`` bytes, 400 when it is not JSON at all, or
    when it does not arrive within ``seconds`` plus one for every MIN_BODY_RATE bytes of it.

    The declared Content-Length is checked first, then the bytes actually received are counted,
    so neither a lying header nor a chunked upload gets past the limit.
    """
    if seconds is None:
        config = getattr(request.app.state, "config", None) if "app" in request.scope else None
        seconds = config.body_seconds if config is not None else 10.0
    declared = request.headers.get("content-length")
    if declared is not None:
        length = whole_number(declared, 18)
        if length is None:
            raise ApiError(400, "bad_request", "Content-Length must be a number.")
        if length > limit:
            raise _too_large(limit)
    body = bytearray()
    loop = asyncio.get_running_loop()
    started = loop.time()
    try:
        async with asyncio.timeout(seconds) as deadline:
            async for chunk in request.stream():
                body += chunk
                if len(body) > limit:
                    raise _too_large(limit)
                # A large body from a slow phone is fine; a byte a second is not.
                deadline.reschedule(started + seconds + len(body) / MIN_BODY_RATE)
    except TimeoutError:
        # A body shorter than its Content-Length, or one sent a byte a second.
        raise ApiError(400, "bad_request", "The request body did not arrive in time.") from None
    try:
        return json.loads(body, parse_constant=_no_constants)
    except (ValueError, RecursionError):
        raise ApiError(400, "bad_request", "The request body is not valid JSON.") from None


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _too_large(limit: int) -> ApiError:
    return ApiError(413, "too_large", f"The request body is over the limit of {limit} bytes.")
