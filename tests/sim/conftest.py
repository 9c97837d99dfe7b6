"""The real server app, in-process, for the sync simulation."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI

from server.app import create_app
from server.config import Config


def make_app(database: str) -> FastAPI:
    # The cheapest argon2 profile: the simulation signs up a user per example.
    return create_app(Config(database=database, password_profile="CHEAPEST"))


@pytest.fixture(scope="module")
def sqlite_app(tmp_path_factory: pytest.TempPathFactory) -> FastAPI:
    path: Path = tmp_path_factory.mktemp("sim") / "setflow.sqlite3"
    return make_app(f"sqlite:///{path}")
