"""Server test fixtures: the app on SQLite and on a real, throwaway PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from starlette.testclient import TestClient

from devsupport.postgres import PostgresCluster, PostgresError
from server.app import create_app
from server.config import Config
from server.database import Database
from server.tables import metadata
from tests.server.helpers import Device

BACKENDS = ["sqlite", "postgresql"]

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if HERE not in Path(str(item.fspath)).parents:
            continue
        callspec = getattr(item, "callspec", None)
        if callspec is not None and callspec.params.get("backend") == "postgresql":
            item.add_marker(pytest.mark.postgres)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PostgresCluster]:
    """One PostgreSQL cluster for the whole run."""
    try:
        cluster = PostgresCluster().start()
    except PostgresError as err:
        pytest.fail(f"PostgreSQL is required for these tests and could not start: {err}")
    yield cluster
    cluster.stop()


@pytest.fixture(scope="session")
def pg_database(pg_cluster: PostgresCluster) -> str:
    """One migrated database for the run; ``database_url`` empties it before each test."""
    url = pg_cluster.create_database()
    db = Database(url)
    assert db.dialect == "postgresql"  # opening it migrates it
    db.close()
    return url


def _emptied(url: str) -> str:
    # The database's identity (its epoch) is not data: it stays, as it would on a real server.
    names = ", ".join(t.name for t in metadata.sorted_tables if t.name != "server_identity")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
    return url


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty, migrated database of this test's backend."""
    if backend == "postgresql":
        return _emptied(request.getfixturevalue("pg_database"))
    return f"sqlite:///{tmp_path / 'setflow.sqlite3'}"


@pytest.fixture
def fresh_database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A database nothing has touched yet, not even a migration."""
    if backend == "postgresql":
        cluster: PostgresCluster = request.getfixturevalue("pg_cluster")
        return cluster.create_database()
    return f"sqlite:///{tmp_path / 'setflow.sqlite3'}"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'setflow.sqlite3'}"


def app_config(database: str, **overrides: object) -> Config:
    # Cheapest argon2 parameters: the tests check behaviour, not the hash's strength.
    return Config(database=database, password_profile="CHEAPEST", **overrides)  # type: ignore[arg-type]


MakeClient = Callable[..., TestClient]


@pytest.fixture
def make_client(database_url: str) -> Iterator[MakeClient]:
    """Clients of one app on this test's database; each client has its own cookie jar."""
    clients: list[TestClient] = []
    apps: dict[tuple[tuple[str, object], ...], object] = {}

    def make(**overrides: object) -> TestClient:
        key = tuple(sorted(overrides.items()))
        if key not in apps:
            apps[key] = create_app(app_config(database_url, **overrides))
        client = TestClient(apps[key])  # type: ignore[arg-type]
        client.__enter__()
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: MakeClient) -> TestClient:
    return make_client()


@pytest.fixture
def device(make_client: MakeClient) -> Device:
    """A device signed in as ada@example.org."""
    dev = Device(make_client(), "phone")
    assert dev.signup("ada@example.org").status_code == 201
    return dev


@pytest.fixture
def sqlite_client(sqlite_url: str) -> Iterator[TestClient]:
    """A client on SQLite only, for behaviour that does not depend on the database."""
    with TestClient(create_app(app_config(sqlite_url))) as client:
        yield client
