"""The account's own controls: change the password, see and end sessions, delete the account.

Thin handlers like ``server/api.py``'s; the rules live in ``server/accounts.py``.  Every one
needs the session cookie; the ones that could lock a person out or destroy data also ask for
the current password (throttled like a login).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from server import openapi as doc
from server.api import _accounts, _answer, _user, client_address, signed_out
from server.errors import ApiError
from server.guards import read_json

BODY_LIMIT = 16 * 1024

router = APIRouter(prefix="/api/auth", tags=["accounts"])


def _texts(body: Any, *names: str) -> list[str]:
    if not isinstance(body, dict) or set(body) != set(names):
        raise ApiError(422, "invalid", f"Send an object with exactly: {', '.join(names)}.")
    if not all(isinstance(body[name], str) for name in names):
        raise ApiError(422, "invalid", "Passwords must be text.")
    return [body[name] for name in names]


@router.post(
    "/password",
    summary="Change the password; every other session ends.",
    response_model=None,
    responses={200: {"model": doc.Done}, **doc.errors(400, 401, 403, 413, 422, 429, 503)},
    openapi_extra=doc.body(doc.PasswordChange),
)
async def change_password(request: Request) -> JSONResponse:
    user = await _user(request)
    body = await read_json(request, BODY_LIMIT)
    current, new = _texts(body, "currentPassword", "newPassword")
    await run_in_threadpool(
        _accounts(request).change_password, user, current, new, client_address(request)
    )
    return _answer({"ok": True})


@router.get(
    "/sessions",
    summary="Where this account is signed in, newest first.",
    response_model=None,
    responses={200: {"model": doc.SessionList}, **doc.errors(401)},
)
async def list_sessions(request: Request) -> JSONResponse:
    user = await _user(request)
    found = await run_in_threadpool(_accounts(request).sessions, user)
    return _answer(
        {
            "sessions": [
                {"id": s.id, "device": s.device, "createdAt": s.created_at, "current": s.current}
                for s in found
            ]
        }
    )


@router.delete(
    "/sessions/{session_id}",
    summary="End one session (sign that device out).",
    response_model=None,
    responses={200: {"model": doc.Done}, **doc.errors(401, 403, 404)},
)
async def end_session(request: Request, session_id: str) -> JSONResponse:
    user = await _user(request)
    if not await run_in_threadpool(_accounts(request).end_session, user, session_id):
        raise ApiError(404, "not_found", "That session has already ended.")
    response = _answer({"ok": True})
    if user.session.startswith(session_id):
        signed_out(response, request)
    return response


@router.post(
    "/logout-everywhere",
    summary="End every session of this account, this one included.",
    response_model=None,
    responses={200: {"model": doc.Done}, **doc.errors(401, 403)},
)
async def logout_everywhere(request: Request) -> JSONResponse:
    user = await _user(request)
    await run_in_threadpool(_accounts(request).end_all_sessions, user)
    return signed_out(_answer({"ok": True}), request)


@router.post(
    "/delete",
    summary="Delete the account and everything the server holds for it.",
    response_model=None,
    responses={200: {"model": doc.Done}, **doc.errors(400, 401, 403, 413, 422, 429, 503)},
    openapi_extra=doc.body(doc.AccountDeletion),
)
async def delete_account(request: Request) -> JSONResponse:
    user = await _user(request)
    (password,) = _texts(await read_json(request, BODY_LIMIT), "password")
    await run_in_threadpool(
        _accounts(request).delete_account, user, password, client_address(request)
    )
    return signed_out(_answer({"ok": True}), request)
