"""The real server app, in-process, for the sync simulation: on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from devsupport.postgres import PostgresCluster, PostgresError
from server.app import create_app
from server.config import Config

# A small body limit, so that two long notes make a push too big for the server (its advertised
# maxPushBytes is half of it) while any one record still fits.
SIM_MAX_BODY = 16 * 1024


def make_app(database: str, max_body: int = SIM_MAX_BODY) -> FastAPI:
    # The cheapest argon2 profile: the simulation signs up a user per example.
    return create_app(Config(database=database, password_profile="CHEAPEST", max_body=max_body))


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server_app(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[FastAPI]:
    """One app per backend for the module; every example signs up its own user in it."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("sim") / "setflow.sqlite3"
        yield make_app(f"sqlite:///{path}")
        return
    try:
        cluster = PostgresCluster().start()
    except PostgresError as err:
        pytest.fail(f"PostgreSQL is required for the simulation and could not start: {err}")
    try:
        yield make_app(cluster.create_database())
    finally:
        cluster.stop()


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        callspec = getattr(item, "callspec", None)
        in_sim = "tests/sim/" in str(item.fspath).replace("\\", "/")
        if in_sim and callspec is not None and callspec.params.get("server_app") == "postgresql":
            item.add_marker(pytest.mark.postgres)
