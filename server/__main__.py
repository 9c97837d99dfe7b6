"""``python -m server``: serve Setflow (the app and its sync API) with uvicorn.

``python -m server restore-mark [--database URL]``: run after restoring the database from a
backup (with the server stopped or not): gives the database a new epoch, so every device
re-sends what the restore lost (see docs/sync-protocol.md, "Recovery after a server restore").

``python -m server backup PATH [--database URL]``: a consistent copy of a live SQLite database
(SQLite's online backup API); for PostgreSQL it says to use ``pg_dump``.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import uvicorn

from server import backup, identity
from server.app import create_app
from server.config import DEFAULT_DATABASE, Config
from server.database import Database


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on")
    parser.add_argument(
        "--database",
        default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE),
        help="sqlite:///path/file.sqlite3 (default) or postgresql://user@host/db; env DATABASE_URL",
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("SETFLOW_WORKERS", "1")),
        help="server processes sharing the port and the database (default 1); env SETFLOW_WORKERS",
    )
    parser.add_argument(
        "--public-origin",
        default=os.environ.get("SETFLOW_PUBLIC_ORIGIN"),
        help="behind a TLS proxy: the origin people use, e.g. https://lift.example.org "
        "(Secure cookies and HSTS when https); env SETFLOW_PUBLIC_ORIGIN",
    )
    parser.add_argument(
        "--forwarded-allow-ips",
        default=os.environ.get("FORWARDED_ALLOW_IPS"),
        help="addresses of the reverse proxies whose X-Forwarded-For/-Proto are trusted "
        "(comma-separated); unset: none are",
    )
    parser.add_argument(
        "--max-connections",
        type=int,
        default=int(os.environ.get("SETFLOW_MAX_CONNECTIONS", "200")),
        help="connections served at once, live streams not counted; more are answered 503 "
        "(default 200); env SETFLOW_MAX_CONNECTIONS",
    )
    parser.add_argument("--certfile", help="TLS certificate (PEM), to serve HTTPS to a phone")
    parser.add_argument("--keyfile", help="TLS private key (PEM) for --certfile")
    return parser.parse_args(argv)


def restore_mark(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m server restore-mark",
        description="Mark the database as restored from a backup: devices will re-send what "
        "it lost.",
    )
    parser.add_argument(
        "--database",
        default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE),
        help="the database that was restored; env DATABASE_URL",
    )
    args = parser.parse_args(argv)
    db = Database(args.database)
    try:
        print(f"New epoch {identity.mark_restored(db)}: devices will re-send what was lost.")
    finally:
        db.close()


def backup_command(argv: Sequence[str]) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m server backup",
        description="Copy the database, consistently, while the server keeps running.",
    )
    parser.add_argument("path", type=Path, help="the new file to write the copy to")
    parser.add_argument(
        "--database",
        default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE),
        help="the database to copy; env DATABASE_URL",
    )
    args = parser.parse_args(argv)
    try:
        size = backup.backup(args.database, args.path)
    except backup.BackupError as err:
        raise SystemExit(str(err)) from None
    print(f"Backed up to {args.path} ({size:,} bytes).")


def main(argv: Sequence[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["restore-mark"]:
        restore_mark(argv[1:])
        return
    if argv[:1] == ["backup"]:
        backup_command(argv[1:])
        return
    args = parse_args(argv)
    if bool(args.certfile) != bool(args.keyfile):
        raise SystemExit("--certfile and --keyfile go together.")
    if args.workers < 1:
        raise SystemExit("--workers must be at least 1.")
    if args.workers == 1:
        config = Config.from_env(
            database=args.database,
            secure_cookies=bool(args.certfile) or None,
            public_origin=args.public_origin,
        )
        app: Any = create_app(config)
    else:
        # Each worker process builds its own app from the environment (uvicorn imports it).
        os.environ["DATABASE_URL"] = args.database
        os.environ["SETFLOW_SECURE_COOKIES"] = "1" if args.certfile else ""
        if args.public_origin:
            os.environ["SETFLOW_PUBLIC_ORIGIN"] = args.public_origin
        app = "server.app:create_app"
    uvicorn.run(
        app,
        factory=args.workers > 1,
        workers=args.workers,
        host=args.host,
        port=args.port,
        ssl_certfile=args.certfile,
        ssl_keyfile=args.keyfile,
        log_level="info",
        access_log=False,  # a line per sync request costs more than the request itself
        # The client address (which the login throttle counts) and scheme come from
        # X-Forwarded-For/-Proto only when the peer is one of the trusted proxies.
        proxy_headers=bool(args.forwarded_allow_ips),
        forwarded_allow_ips=args.forwarded_allow_ips,
        # Deadlines for slow clients, and the cap without live streams (server/connections.py).
        http="server.connections:GuardedHttp",
        ws="none",
        limit_concurrency=args.max_connections,
        timeout_keep_alive=5,
        # Live streams are closed as the server stops (server/events.py); this bounds the rest.
        timeout_graceful_shutdown=5,
    )


if __name__ == "__main__":
    main()
