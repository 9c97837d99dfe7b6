"""JSON answers, encoded by the code that makes them rather than on the way out.

A push encodes its answer inside its transaction: if the answer cannot be encoded, the push
rolls back, so a 500 really means nothing changed.  Encoded exactly as Starlette's
``JSONResponse`` would (UTF-8, no NaN), then sent as bytes.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import Response

NO_STORE = {"Cache-Control": "no-store"}


def encode(content: Any) -> bytes:
    """``content`` as the bytes of a JSON answer; raises ``ValueError`` for what JSON cannot say
    (NaN, infinities), which the schema never lets in.

    The schema refuses lone surrogates too, but a database written before it did may still hold
    one: UTF-8 cannot carry it, so such an answer is sent with ASCII escapes (``\ud83d``), which
    is still valid JSON, rather than failing for every device of the account forever.
    """
    text = json.dumps(
        content, ensure_ascii=False, allow_nan=False, indent=None, separators=(",", ":")
    )
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(content, allow_nan=False, separators=(",", ":")).encode("ascii")


def json_answer(body: bytes, status: int = 200) -> Response:
    return Response(body, status_code=status, media_type="application/json", headers=NO_STORE)
