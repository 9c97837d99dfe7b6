"""The OpenAPI document matches the server: schemathesis sends generated requests, signed out
and signed in, and every answer must be no 5xx, a status the document declares, and a body that
fits its declared schema.  Bounded: a fixed number of examples per operation."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from starlette.testclient import TestClient

from server.accounts import SESSION_COOKIE
from server.app import create_app
from tests.server.conftest import app_config
from tests.server.helpers import PASSWORD

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 25

_dir = Path(tempfile.mkdtemp(prefix="setflow-fuzz-"))
APP = create_app(app_config(f"sqlite:///{_dir / 'fuzz.sqlite3'}", signups_per_hour=100000))
schema = schemathesis.openapi.from_asgi("/api/openapi.json", APP)


@pytest.fixture(scope="module")
def session() -> Iterator[str]:
    with TestClient(APP) as client:
        client.post("/api/auth/signup", json={"email": "fuzz@example.org", "password": PASSWORD})
        yield client.cookies[SESSION_COOKIE]


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_signed_out(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_signed_in(case: schemathesis.Case, session: str) -> None:
    if case.path.endswith(("/logout", "/logout-everywhere", "/delete")):
        return  # would end the session the rest of the run uses
    case.call_and_validate(checks=CHECKS, cookies={SESSION_COOKIE: session})
