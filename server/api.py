"""The JSON API: thin handlers that parse, delegate to accounts/push/pull, and answer."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any, TypeVar

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from app.core import protocol
from app.core.schema import SCHEMA_VERSION
from server import answers, throttle
from server import openapi as doc
from server.accounts import (
    SESSION_COOKIE,
    SESSION_SECONDS,
    Accounts,
    User,
    device_label,
    parse_credentials,
)
from server.config import Config
from server.database import Database
from server.errors import ApiError
from server.guards import read_json
from server.pull import pull
from server.push import push

# The schema versions this server can sync with.  A client outside them must update (426): an
# app of schema 1 or 2 reloads into the schema-3 app, which pushes its queued changes unchanged
# (every schema-1 or -2 change is a valid schema-3 change; an older app could not read the
# supersets a schema-3 device writes, so it is not served).  Records are stored as JSON, so
# neither schema 2 nor 3 needed a database migration.
SUPPORTED_SCHEMAS = frozenset({SCHEMA_VERSION})
AUTH_BODY_LIMIT = 16 * 1024
NO_STORE = {"Cache-Control": "no-store"}

router = APIRouter(prefix="/api")
T = TypeVar("T")


def _config(request: Request) -> Config:
    config: Config = request.app.state.config
    return config


def _db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def _accounts(request: Request) -> Accounts:
    accounts: Accounts = request.app.state.accounts
    return accounts


def _answer(content: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(content, status_code=status, headers=NO_STORE)


def client_address(request: Request) -> str:
    """Whom a throttle counts: the peer address (the proxy's view when behind a trusted one)."""
    return throttle.client_address(request.client.host if request.client else None)


def device_of(request: Request) -> str:
    return device_label(request.headers.get("user-agent"))


def _with_session(response: JSONResponse, request: Request, token: str) -> JSONResponse:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=SESSION_SECONDS,
        path="/",
        httponly=True,
        samesite="lax",
        secure=_config(request).secure_cookies,
    )
    return response


async def _user(request: Request) -> User:
    user = await run_in_threadpool(_accounts(request).user_for, request.cookies.get(SESSION_COOKIE))
    if user is None:
        raise ApiError(401, "unauthorized", "You are not signed in.")
    return user


# A push declared longer than this has its session checked before its body is read (smaller
# ones, nearly all, in the transaction of the push itself, one round trip fewer).
SESSION_FIRST_BODY = 64 * 1024


def _session_token(request: Request) -> str:
    """The session cookie, checked against the database later, in the request's transaction."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise ApiError(401, "unauthorized", "You are not signed in.")
    return token


def _signed_in(
    request: Request,
    token: str,
    transaction: Callable[[], AbstractContextManager[Any]],
    work: Callable[[User], T],
) -> T:
    """Resolve the session and do the work in one transaction (one connection, one round trip
    fewer than a separate session lookup): nested transactions join the outer one."""
    with transaction():
        user = _accounts(request).user_for(token)
        if user is None:
            raise ApiError(401, "unauthorized", "You are not signed in.")
        return work(user)


def _check_schema(value: str | int | None) -> None:
    """The schema handshake: 400 when missing or not a number, 426 when not served here."""
    if isinstance(value, str):
        try:
            value = protocol.parse_schema_header(value)
        except protocol.ProtocolError as err:
            raise ApiError(400, "bad_request", str(err)) from None
    if value is None:
        raise ApiError(400, "bad_request", f"Send the {protocol.SCHEMA_HEADER} header.")
    if value not in SUPPORTED_SCHEMAS:
        raise ApiError(
            426,
            "update_required",
            "This version of Setflow is too old or too new for the server. Reload to update.",
        )


# --- accounts ---------------------------------------------------------------------------------


@router.post(
    "/auth/signup",
    tags=["accounts"],
    summary="Make an account and sign in (sets the session cookie).",
    status_code=201,
    response_model=None,
    responses={201: {"model": doc.Account}, **doc.errors(400, 403, 409, 413, 422, 429, 503)},
    openapi_extra=doc.body(doc.Credentials),
)
async def signup(request: Request) -> JSONResponse:
    creds = parse_credentials(await read_json(request, AUTH_BODY_LIMIT))
    user, token = await run_in_threadpool(
        _accounts(request).signup, creds, client_address(request), device_of(request)
    )
    return _with_session(_answer(user.public(), 201), request, token)


@router.post(
    "/auth/login",
    tags=["accounts"],
    summary="Sign in (sets the session cookie).",
    response_model=None,
    responses={200: {"model": doc.Account}, **doc.errors(400, 401, 403, 413, 422, 429, 503)},
    openapi_extra=doc.body(doc.Credentials),
)
async def login(request: Request) -> JSONResponse:
    creds = parse_credentials(await read_json(request, AUTH_BODY_LIMIT))
    user, token = await run_in_threadpool(
        _accounts(request).login, creds, client_address(request), device_of(request)
    )
    return _with_session(_answer(user.public()), request, token)


@router.post(
    "/auth/logout",
    tags=["accounts"],
    summary="End this session (clears the cookie).",
    response_model=None,
    responses={200: {"model": doc.LoggedOut}, **doc.errors(403)},
)
async def logout(request: Request) -> JSONResponse:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        await run_in_threadpool(_accounts(request).logout, token)
    return signed_out(_answer({"ok": True}), request)


def signed_out(response: JSONResponse, request: Request) -> JSONResponse:
    """The answer with the session cookie cleared (sign-out, password change, account deleted)."""
    response.delete_cookie(
        SESSION_COOKIE,
        path="/",
        httponly=True,
        samesite="lax",
        secure=_config(request).secure_cookies,
    )
    return response


@router.get(
    "/auth/me",
    tags=["accounts"],
    summary="The signed-in account.",
    response_model=None,
    responses={200: {"model": doc.Account}, **doc.errors(401)},
)
async def me(request: Request) -> JSONResponse:
    user = await _user(request)
    return _answer(user.public())


# --- sync -------------------------------------------------------------------------------------


@router.get(
    "/sync",
    tags=["sync"],
    summary="Pull the changes after a cursor, in version order.",
    response_model=None,
    responses={200: {"model": doc.PullResponse}, **doc.errors(400, 401, 422, 426)},
    openapi_extra={
        "parameters": [
            doc.SCHEMA_PARAMETER,
            {"name": "since", "in": "query", "schema": {"type": "integer", "minimum": 0}},
            {
                "name": "limit",
                "in": "query",
                "schema": {"type": "integer", "minimum": 1, "maximum": protocol.PULL_LIMIT_MAX},
            },
        ]
    },
)
async def sync_pull(request: Request) -> Response:
    _check_schema(request.headers.get(protocol.SCHEMA_HEADER))
    token = _session_token(request)
    try:
        since = protocol.parse_cursor(request.query_params.get("since"))
        limit = protocol.parse_limit(request.query_params.get("limit"))
    except protocol.ProtocolError as err:
        raise ApiError(422, "invalid", str(err)) from None
    config = _config(request)
    limits = protocol.push_limits(config.max_body, config.max_mutations)
    db = _db(request)

    def work(user: User) -> bytes:
        return answers.encode(pull(db, user.id, since, limit, limits).to_json())

    encoded = await run_in_threadpool(_signed_in, request, token, db.read, work)
    return answers.json_answer(encoded)


@router.post(
    "/sync",
    tags=["sync"],
    summary="Push local changes; one result per mutation, in order.",
    response_model=None,
    responses={
        200: {"model": doc.PushResponse},
        **doc.errors(400, 401, 403, 413, 422, 426),
    },
    openapi_extra={"parameters": [doc.SCHEMA_PARAMETER], **doc.body(doc.PushRequest)},
)
async def sync_push(request: Request) -> Response:
    _check_schema(request.headers.get(protocol.SCHEMA_HEADER))
    token = _session_token(request)
    config = _config(request)
    declared = protocol.whole_number(request.headers.get("content-length", ""), 18) or 0
    # A large body takes long to arrive: no stranger may hold a connection while it does.
    stranger = declared > SESSION_FIRST_BODY and (
        await run_in_threadpool(_accounts(request).user_for, token) is None
    )
    if stranger:
        raise ApiError(401, "unauthorized", "You are not signed in.")
    body = await read_json(request, config.max_body)
    try:
        push_request = protocol.parse_push_request(body, max_mutations=config.max_mutations)
    except protocol.ProtocolError as err:
        raise ApiError(422, "invalid", str(err)) from None
    _check_schema(push_request.schema_version)
    db = _db(request)
    live = request.app.state.live

    def work(user: User) -> bytes:
        committed = live.committed(user.id, push_request.device_id)
        return push(db, user.id, push_request, committed)

    encoded = await run_in_threadpool(_signed_in, request, token, db.write, work)
    return answers.json_answer(encoded)
