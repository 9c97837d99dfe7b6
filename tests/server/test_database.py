"""Storage: URLs, migrations to head on both databases, and the version counter under load."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from starlette.testclient import TestClient

from server.app import create_app
from server.database import MIGRATIONS, Database, engine_url, upgrade
from server.tables import metadata
from tests.server.conftest import app_config
from tests.server.helpers import HEADERS, PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def newest_migration() -> str | None:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    return ScriptDirectory.from_config(config).get_current_head()


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
            "attempts",
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
                (newest_migration(),)
            ]
    finally:
        db.close()


def test_in_memory_sqlite_serves_the_api_for_quick_tests() -> None:
    with TestClient(create_app(app_config("sqlite://"))) as client:
        body = {"email": "a@example.org", "password": PASSWORD}
        assert client.post("/api/auth/signup", json=body).status_code == 201
        assert client.get("/api/sync", headers=HEADERS).json()["changes"] == []


def test_sessions_survive_the_upgrade_to_address_throttling(fresh_database_url: str) -> None:
    """A database from before migration 0003: its sessions still sign in, failures are dropped."""
    from alembic import command
    from sqlalchemy import create_engine, text

    from server.accounts import SESSION_COOKIE, token_hash
    from server.database import engine_url

    engine = create_engine(engine_url(fresh_database_url))
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0002")
        conn.execute(
            text(
                "INSERT INTO users (id, email, password_hash, version, created_at)"
                " VALUES (1, 'ada@example.org', 'x', 0, 0)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO sessions (token_hash, user_id, created_at, expires_at)"
                f" VALUES ('{token_hash('old-token')}', 1, 0, 99999999999999)"
            )
        )
        conn.execute(text("INSERT INTO login_failures (email, failed_at) VALUES ('a@b.c', 1)"))
    engine.dispose()
    with TestClient(create_app(app_config(fresh_database_url))) as client:
        client.cookies.set(SESSION_COOKIE, "old-token")
        assert client.get("/api/auth/me").json()["email"] == "ada@example.org"
        sessions = client.get("/api/auth/sessions").json()["sessions"]
        assert [(s["device"], s["current"]) for s in sessions] == [("A browser", True)]


def test_sqlite_syncs_every_commit_to_disk(sqlite_url: str) -> None:
    """An acknowledged push must survive a power cut: synchronous=FULL on every connection."""
    db = Database(sqlite_url)
    try:
        for _ in range(3):
            with db.read() as conn:
                assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    finally:
        db.close()


def test_a_database_of_the_previous_version_upgrades_and_its_rows_get_a_full_window(
    tmp_path: Path,
) -> None:
    """0003 -> 0004 (pruning): existing accounts start with horizon 0, and existing applied
    mutations and tombstones count as first seen at the first pruning pass after the upgrade."""
    from alembic import command
    from alembic.config import Config as AlembicConfig
    from sqlalchemy import create_engine, text

    from server.database import MIGRATIONS, engine_url
    from server.pruning import APPLIED_RETENTION_MS, prune

    url = f"sqlite:///{tmp_path / 'old.sqlite3'}"
    engine = create_engine(engine_url(url))
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0003")
        conn.execute(
            text(
                "INSERT INTO users (id, email, password_hash, version, created_at)"
                " VALUES (1, 'a@example.org', 'x', 1, 0)"
            )
        )
        conn.execute(
            text("INSERT INTO applied_mutations VALUES (1, 'm1', 'exercises', 'r1', 'applied', 1)")
        )
    engine.dispose()
    db = Database(url)  # opening it migrates it to the newest version
    try:
        with db.read() as conn:
            assert conn.exec_driver_sql("SELECT horizon FROM users").all() == [(0,)]
        now = 1_800_000_000_000
        assert prune(db, now).applied == 0  # noted now, not taken as ancient
        assert prune(db, now + APPLIED_RETENTION_MS).applied == 0
        assert prune(db, now + APPLIED_RETENTION_MS + 1).applied == 1
    finally:
        db.close()
