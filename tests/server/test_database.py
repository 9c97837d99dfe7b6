"""Storage: URLs, migrations to head on both databases, and the version counter under load."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from starlette.testclient import TestClient

from server.app import create_app
from server.database import Database, engine_url, upgrade
from server.tables import metadata
from tests.server.conftest import app_config
from tests.server.helpers import HEADERS, PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def test_postgresql_urls_use_psycopg_3() -> None:
    assert engine_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert engine_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert engine_url("sqlite:///data/x.sqlite3") == "sqlite:///data/x.sqlite3"
    with pytest.raises(ValueError, match="Unsupported database"):
        engine_url("mysql://u@h/db")


def test_sqlite_parent_folder_is_created(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'new' / 'folder' / 'setflow.sqlite3'}")
    try:
        assert db.dialect == "sqlite"
        assert (tmp_path / "new" / "folder" / "setflow.sqlite3").is_file()
    finally:
        db.close()


def test_migrations_build_exactly_the_tables_the_code_uses(fresh_database_url: str) -> None:
    db = Database(fresh_database_url)
    try:
        with db.engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
            assert diff == []
            names = set(inspect(conn).get_table_names())
        assert {
            "users",
            "sessions",
            "records",
            "applied_mutations",
            "login_failures",
            "server_identity",
        } <= names
        upgrade(db.engine)  # again: a no-op at head
    finally:
        db.close()


def test_several_processes_may_migrate_at_once(fresh_database_url: str) -> None:
    """Servers starting together on one database take turns migrating (no duplicate tables)."""
    script = "import sys; from server.database import Database; Database(sys.argv[1]).engine"
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", script, fresh_database_url],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=60)[0].decode() for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0], outputs
    db = Database(fresh_database_url)
    try:
        with db.read() as conn:
            assert conn.exec_driver_sql("SELECT version_num FROM alembic_version").all() == [
                ("0002",)
            ]
    finally:
        db.close()


def test_in_memory_sqlite_serves_the_api_for_quick_tests() -> None:
    with TestClient(create_app(app_config("sqlite://"))) as client:
        body = {"email": "a@example.org", "password": PASSWORD}
        assert client.post("/api/auth/signup", json=body).status_code == 201
        assert client.get("/api/sync", headers=HEADERS).json()["changes"] == []
