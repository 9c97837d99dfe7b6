"""``python -m server backup PATH``: a consistent copy of the live SQLite database."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from starlette.testclient import TestClient

from server.app import create_app
from tests.server.conftest import app_config
from tests.server.helpers import Device, mutation

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "server", *args], cwd=ROOT, capture_output=True, text=True
    )


def test_a_backup_of_a_live_database_holds_every_acknowledged_push(
    sqlite_url: str, tmp_path: Path
) -> None:
    with TestClient(create_app(app_config(sqlite_url))) as client:
        device = Device(client)
        device.signup("ada@example.org")
        device.push(*[mutation() for _ in range(20)])
        copy = tmp_path / "backups" / "setflow-copy.sqlite3"
        done = run("backup", str(copy), "--database", sqlite_url)
        assert done.returncode == 0, done.stderr
        assert "Backed up" in done.stdout
        device.push(mutation())  # the server keeps serving
    with sqlite3.connect(copy) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("SELECT count(*) FROM records").fetchone() == (20,)
        assert conn.execute("SELECT email FROM users").fetchall() == [("ada@example.org",)]
    # The copy is a database the server opens as it is.
    with TestClient(create_app(app_config(f"sqlite:///{copy}"))) as client:
        assert Device(client).login("ada@example.org").status_code == 200


def test_a_backup_never_overwrites_and_postgresql_is_pointed_to_pg_dump(
    sqlite_url: str, tmp_path: Path
) -> None:
    with TestClient(create_app(app_config(sqlite_url))):
        pass
    existing = tmp_path / "existing.sqlite3"
    existing.write_text("keep me")
    refused = run("backup", str(existing), "--database", sqlite_url)
    assert refused.returncode != 0 and "already exists" in refused.stderr
    assert existing.read_text() == "keep me"
    pg = run("backup", str(tmp_path / "x"), "--database", "postgresql://u@localhost/db")
    assert pg.returncode != 0 and "pg_dump" in pg.stderr
