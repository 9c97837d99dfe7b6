"""Storage: URLs, migrations to head on both databases, and the version counter under load."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config as AlembicConfig
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import bindparam, event, insert, inspect, select, update
from sqlalchemy.exc import IntegrityError
from starlette.testclient import TestClient

from devsupport.postgres import PostgresCluster
from server import database
from server.app import create_app
from server.database import MIGRATIONS, Database, engine_url, upgrade
from server.prepared import Prepared, together
from server.tables import metadata, users
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


# --- SQLite group commit: writes waiting in line share one COMMIT ---------------------------


def _add_user(conn: Any, email: str) -> None:
    conn.execute(insert(users).values(email=email, password_hash="x", version=0, created_at=0))


def _emails(db: Database) -> set[str]:
    with db.read() as conn:
        return set(conn.execute(select(users.c.email)).scalars())


def _while_next_writer_waits(db: Database, second: Callable[[], None]) -> list[str]:
    """Write "first@" and, inside that write, start ``second`` in another thread and wait until
    it stands in line; returns what a fresh read saw the moment the first write returned.
    (The caller lifts the group's age limit: a loaded machine may take longer to get there.)"""
    assert db.dialect == "sqlite"  # opens the database
    group = db._sqlite_writer
    assert group is not None
    errors: list[BaseException] = []

    def run_second() -> None:
        try:
            second()
        except BaseException as err:
            errors.append(err)

    other = threading.Thread(target=run_second)
    with db.write() as conn:
        _add_user(conn, "first@example.org")
        other.start()
        deadline = time.monotonic() + 30
        while group.waiting == 0:
            assert time.monotonic() < deadline, "the second write never stood in line"
            time.sleep(0.001)
    seen = sorted(_emails(db))
    other.join(30)
    if errors:
        raise errors[0]
    return seen


def test_writes_waiting_in_line_commit_once_and_return_only_once_durable(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "GROUP_SECONDS", 600.0)
    db = Database(sqlite_url)
    try:
        commits: list[int] = []

        def committed(conn: Any) -> None:
            if conn.get_execution_options().get("setflow_write"):  # not the reads' ends
                commits.append(1)

        event.listen(db.engine, "commit", committed)

        def second() -> None:
            with db.write() as conn:
                _add_user(conn, "second@example.org")

        seen = _while_next_writer_waits(db, second)
        # The first write returned only after the commit that also holds the second one.
        assert seen == ["first@example.org", "second@example.org"]
        assert len(commits) == 1
        # Each write on its own still commits at once.
        with db.write() as conn:
            _add_user(conn, "third@example.org")
        assert len(commits) == 2
        assert "third@example.org" in _emails(db)
    finally:
        db.close()


def test_a_write_that_fails_in_a_group_changes_nothing_and_fails_alone(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(database, "GROUP_SECONDS", 600.0)
    db = Database(sqlite_url)
    try:

        def second() -> None:
            with db.write() as conn:
                _add_user(conn, "second@example.org")
                raise ValueError("refused")

        with pytest.raises(ValueError, match="refused"):
            _while_next_writer_waits(db, second)
        assert _emails(db) == {"first@example.org"}
    finally:
        db.close()


def test_concurrent_writers_each_see_the_ones_before_them(sqlite_url: str) -> None:
    """Counter increments from many threads at once: none lost, whatever the grouping."""
    db = Database(sqlite_url)
    try:
        with db.write() as conn:
            _add_user(conn, "counter@example.org")

        def bump() -> None:
            for _ in range(25):
                with db.write() as conn:
                    conn.execute(update(users).values(version=users.c.version + 1))

        threads = [threading.Thread(target=bump) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        with db.read() as conn:
            assert conn.execute(select(users.c.version)).scalar_one() == 200
    finally:
        db.close()


# --- statements sent together (one round trip on PostgreSQL) -------------------------------

_EMAIL_OF = Prepared(select(users.c.email).where(users.c.email == bindparam("email")))
_ADD = Prepared(
    insert(users).values(
        email=bindparam("email"), password_hash="x", version=bindparam("version"), created_at=0
    )
)


def test_statements_sent_together_run_in_order_in_the_transaction(database_url: str) -> None:
    db = Database(database_url)
    try:
        with db.write() as conn:
            with together(conn):
                before = _EMAIL_OF.send(conn, {"email": "a@example.org"})
                _ADD.execute(conn, {"email": "a@example.org", "version": 0})
                _ADD.execute_many(conn, [{"email": f"{n}@example.org", "version": 0} for n in "bc"])
                after = _EMAIL_OF.send(conn, {"email": "a@example.org"})
            assert before.rows() == []
            assert after.rows() == [("a@example.org",)]
        assert _emails(db) == {"a@example.org", "b@example.org", "c@example.org"}
    finally:
        db.close()


def test_a_failure_among_statements_sent_together_keeps_nothing_and_hides_the_values(
    database_url: str,
) -> None:
    """A duplicate email (a unique key) in the middle of a batch: SQLAlchemy's error, without
    the values sent, and nothing of the transaction kept; the connection serves on."""
    db = Database(database_url)
    try:
        with db.write() as conn:
            _add_user(conn, "taken@example.org")
        with pytest.raises(IntegrityError) as failed, db.write() as conn, together(conn):
            _ADD.execute(conn, {"email": "new@example.org", "version": 0})
            _ADD.execute(conn, {"email": "taken@example.org", "version": 0})
            _EMAIL_OF.send(conn, {"email": "new@example.org"})
        assert "parameters" not in str(failed.value)
        assert _emails(db) == {"taken@example.org"}
        with db.write() as conn:
            with together(conn):
                _ADD.execute(conn, {"email": "later@example.org", "version": 0})
                found = _EMAIL_OF.send(conn, {"email": "later@example.org"})
            assert found.rows() == [("later@example.org",)]
        assert _emails(db) == {"taken@example.org", "later@example.org"}
    finally:
        db.close()


def test_postgresql_keeps_its_connections_open_for_as_many_requests_as_run_at_once(
    pg_cluster: PostgresCluster,
) -> None:
    """A connection the pool closes after one request costs PostgreSQL a new backend process
    for the next one (and the work it prepared): 30 requests at once, twice over, open 30
    connections, not 30 and then most of them again."""
    url = pg_cluster.create_database()
    db = Database(url)
    at_once = 30  # more than SQLAlchemy's default pool holds at all (15)

    def sessions() -> int:
        with psycopg.connect(url, autocommit=True) as conn:
            found = conn.execute(
                "SELECT sessions FROM pg_stat_database WHERE datname = current_database()"
            ).fetchone()
        assert found is not None
        return int(found[0])

    def requests() -> None:
        everyone_in = threading.Barrier(at_once, timeout=60)

        def request() -> None:
            with db.read() as conn:
                conn.execute(select(users.c.id)).all()
                everyone_in.wait()  # all connections are checked out at once

        threads = [threading.Thread(target=request) for _ in range(at_once)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)

    try:
        assert db.dialect == "postgresql"  # opens and migrates it
        requests()
        before = sessions()
        requests()
        # (our own sessions() connection counts as one)
        assert sessions() - before == 1
    finally:
        db.close()


def test_a_process_starting_while_another_sets_up_the_same_sqlite_file_waits_its_turn(
    tmp_path: Path,
) -> None:
    """Two server processes started at once on one new SQLite file (``--workers 2``): while one
    turns on WAL, SQLite may answer the other's ``PRAGMA journal_mode`` "database is locked" at
    once, without waiting (seen in CI: the second process exited). It is asked again instead."""
    import sqlite3

    refused = []

    class Busy(sqlite3.Connection):
        def cursor(self, *args: Any, **kwargs: Any) -> Any:
            real = super().cursor(*args, **kwargs)
            connection = self

            class Cursor:
                def execute(self, sql: str, *args: Any) -> Any:
                    if sql.startswith("PRAGMA journal_mode=") and len(refused) < 3:
                        refused.append(sql)
                        raise sqlite3.OperationalError("database is locked")
                    return real.execute(sql, *args)

                def __getattr__(self, name: str) -> Any:
                    return getattr(real, name)

            assert connection is not None
            return Cursor()

    engine = database.make_engine(f"sqlite:///{tmp_path / 'setflow.sqlite3'}")
    engine.pool._creator = lambda: sqlite3.connect(  # type: ignore[attr-defined]
        str(tmp_path / "setflow.sqlite3"), check_same_thread=False, factory=Busy
    )
    with engine.connect() as conn:
        mode = conn.exec_driver_sql("PRAGMA journal_mode").scalar()
    assert len(refused) == 3
    assert mode == "wal"
