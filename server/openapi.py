"""Shapes for the OpenAPI document only.  Requests are parsed by ``app/core/protocol.py`` (the
browser runs that same module and must not need pydantic); these models merely describe it.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import models_json_schema

from app.core.protocol import SCHEMA_HEADER

REF = "#/components/schemas/{model}"


class Error(BaseModel):
    error: str = Field(examples=["unauthorized"])
    message: str = Field(examples=["You are not signed in."])


STRICT = ConfigDict(extra="forbid")  # additionalProperties: false, as the parsers refuse them


class Credentials(BaseModel):
    model_config = STRICT
    email: str = Field(
        max_length=254, json_schema_extra={"format": "email"}, examples=["ada@example.org"]
    )
    password: str = Field(min_length=8, examples=["correct horse battery"])


class Account(BaseModel):
    email: str
    accountId: str


class LoggedOut(BaseModel):
    ok: bool


class Done(BaseModel):
    ok: bool


class PasswordChange(BaseModel):
    model_config = STRICT
    currentPassword: str
    newPassword: str = Field(min_length=8, max_length=1024)


class AccountDeletion(BaseModel):
    model_config = STRICT
    password: str


class SessionInfo(BaseModel):
    id: str = Field(pattern="^[0-9a-f]{16}$")
    device: str = Field(examples=["Firefox on Android"])
    createdAt: int
    current: bool


class SessionList(BaseModel):
    sessions: list[SessionInfo]


class Record(BaseModel):
    """A whole record: the envelope, ``table``, and the table's own fields."""

    model_config = ConfigDict(extra="allow")
    id: str
    table: str
    createdAt: int
    updatedAt: int
    deviceId: str
    deleted: bool
    version: int


class Mutation(BaseModel):
    model_config = STRICT
    mutationId: str
    table: str
    id: str
    kind: Literal["put", "delete", "restore", "recover"]
    baseVersion: int
    fields: dict[str, Any] = {}
    clientTime: int = 0


class PushRequest(BaseModel):
    model_config = STRICT
    schemaVersion: int = Field(ge=0)
    deviceId: str
    mutations: list[Mutation]


class MutationResult(BaseModel):
    mutationId: str
    status: Literal["applied", "merged", "conflict", "duplicate"]
    version: int
    record: Record | None


class PushResponse(BaseModel):
    schemaVersion: int
    results: list[MutationResult]
    conflicts: list[Record] = Field(
        default=[], description="The whole conflict records this push made, as a pull brings them."
    )
    epoch: str | None = Field(
        default=None, description="The database that answered, as in a pull answer."
    )


class PushLimits(BaseModel):
    maxPushBytes: int = Field(description="Largest push body to send: the limit minus headroom.")
    maxPushMutations: int


class PullResponse(BaseModel):
    schemaVersion: int
    changes: list[Record]
    cursor: int
    hasMore: bool
    epoch: str = Field(description="The server database's identity; it changes on a restore.")
    accountVersion: int | None = Field(
        default=None,
        description="The account's latest version; below `since`, the server lost changes."
        " Every answer of this server carries it; servers before it did not.",
    )
    limits: PushLimits
    horizon: int = Field(
        description="The oldest cursor served incrementally: deletes at or below it may have"
        " been pruned, so a device that pulled with a lower, non-zero cursor pulls everything."
    )


def body(model: type[BaseModel]) -> dict[str, Any]:
    """``openapi_extra`` naming ``model`` as the JSON request body."""
    ref = {"$ref": REF.format(model=model.__name__)}
    return {"requestBody": {"required": True, "content": {"application/json": {"schema": ref}}}}


SCHEMA_PARAMETER = {
    "name": SCHEMA_HEADER,
    "in": "header",
    "required": True,
    # ASCII digits only, at most nine of them: anything else is a 400.
    "schema": {"type": "integer", "minimum": 0, "maximum": 999_999_999},
    "description": "The client's schema version; 426 when the server cannot serve it.",
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    return {status: {"model": Error} for status in statuses}


def install(app: FastAPI) -> None:
    """Add the request models (used by no handler signature) to the document's components."""
    make = app.openapi

    def openapi() -> dict[str, Any]:
        document = make()
        _, defs = models_json_schema(
            [
                (m, "validation")
                for m in (Credentials, PushRequest, PasswordChange, AccountDeletion)
            ],
            ref_template=REF,
        )
        document.setdefault("components", {}).setdefault("schemas", {}).update(defs["$defs"])
        return document

    app.openapi = openapi  # type: ignore[method-assign]
