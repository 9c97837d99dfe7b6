"""``python -m server``: serve Setflow (the app and its sync API) with uvicorn."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

import uvicorn

from server.app import create_app
from server.config import DEFAULT_DATABASE, Config


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m server", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on")
    parser.add_argument(
        "--database",
        default=os.environ.get("DATABASE_URL", DEFAULT_DATABASE),
        help="sqlite:///path/file.sqlite3 (default) or postgresql://user@host/db; env DATABASE_URL",
    )
    parser.add_argument("--certfile", help="TLS certificate (PEM), to serve HTTPS to a phone")
    parser.add_argument("--keyfile", help="TLS private key (PEM) for --certfile")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    if bool(args.certfile) != bool(args.keyfile):
        raise SystemExit("--certfile and --keyfile go together.")
    config = Config.from_env(database=args.database, secure_cookies=bool(args.certfile))
    uvicorn.run(
        create_app(config),
        host=args.host,
        port=args.port,
        ssl_certfile=args.certfile,
        ssl_keyfile=args.keyfile,
        log_level="info",
        access_log=False,  # a line per sync request costs more than the request itself
        proxy_headers=False,
    )


if __name__ == "__main__":
    main()
