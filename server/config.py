"""Server settings, read from command-line options with environment defaults."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from app.core.protocol import PUSH_BATCH_MAX

ROOT = Path(__file__).resolve().parent.parent

DEFAULT_DATABASE = "sqlite:///data/setflow.sqlite3"
DEFAULT_MAX_BODY = 5 * 1024 * 1024
# Mutations one push may carry (the protocol's ceiling).
DEFAULT_MAX_MUTATIONS = PUSH_BATCH_MAX
# argon2id parameters, by name from ``argon2.profiles``: RFC 9106's recommendation for servers
# without gigabytes to spare.  Tests pass "CHEAPEST"; production never should.
DEFAULT_PASSWORD_PROFILE = "RFC_9106_LOW_MEMORY"
# Live streams: a heartbeat often enough that proxies keep the connection and a device notices a
# dead one within about two of them.
DEFAULT_HEARTBEAT = 15.0
DEFAULT_SIGNUPS_PER_HOUR = 10
# A request body must arrive at this many bytes a second on average, after a grace of
# ``body_seconds`` (the rule of Apache's mod_reqtimeout).
MIN_BODY_RATE = 500


@dataclass(frozen=True)
class Config:
    database: str = DEFAULT_DATABASE
    # The folder the public files are served from (the checkout, unless a test deploys a copy).
    static_root: Path = ROOT
    max_body: int = DEFAULT_MAX_BODY
    # Set when served over HTTPS: session cookies then carry the Secure flag.
    secure_cookies: bool = False
    # Behind a TLS-terminating proxy: the origin people use ("https://lift.example.org").  The
    # origin check compares with it, and an https origin turns on Secure cookies and HSTS.
    public_origin: str | None = None
    # Seconds a request head may take to arrive (server/connections.py).
    head_seconds: float = 10.0
    # Seconds a request body may take to arrive, plus one for every MIN_BODY_RATE bytes (a body
    # shorter than its Content-Length ends in a 400 after this, instead of holding the
    # connection forever; server/connections.py).
    body_seconds: float = 10.0
    max_mutations: int = DEFAULT_MAX_MUTATIONS
    password_profile: str = DEFAULT_PASSWORD_PROFILE
    # Seconds between heartbeats on live streams (tests shorten it).
    heartbeat: float = DEFAULT_HEARTBEAT
    # SQLite's durability: FULL (an acknowledged push is on disk); NORMAL only to measure it.
    sqlite_synchronous: str = "FULL"
    # New accounts one client address may make in an hour (a test machine makes many).
    signups_per_hour: int = DEFAULT_SIGNUPS_PER_HOUR

    @classmethod
    def from_env(cls, environ: Mapping[str, str] = os.environ, **overrides: object) -> Config:
        values: dict[str, object] = {
            "database": environ.get("DATABASE_URL", DEFAULT_DATABASE),
            "static_root": Path(environ.get("SETFLOW_STATIC_ROOT", str(ROOT))),
            "max_body": int(environ.get("SETFLOW_MAX_BODY", DEFAULT_MAX_BODY)),
            "password_profile": environ.get("SETFLOW_PASSWORD_PROFILE", DEFAULT_PASSWORD_PROFILE),
            "heartbeat": float(environ.get("SETFLOW_HEARTBEAT", DEFAULT_HEARTBEAT)),
            "secure_cookies": environ.get("SETFLOW_SECURE_COOKIES") == "1",
            "public_origin": environ.get("SETFLOW_PUBLIC_ORIGIN") or None,
            "head_seconds": float(environ.get("SETFLOW_HEAD_SECONDS", "10")),
            "body_seconds": float(environ.get("SETFLOW_BODY_SECONDS", "10")),
            "sqlite_synchronous": environ.get("SETFLOW_SQLITE_SYNCHRONOUS", "FULL").upper(),
            "signups_per_hour": int(
                environ.get("SETFLOW_SIGNUPS_PER_HOUR", DEFAULT_SIGNUPS_PER_HOUR)
            ),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    def __post_init__(self) -> None:
        if self.public_origin is not None:
            origin = self.public_origin.rstrip("/").lower()
            if not origin.startswith(("http://", "https://")) or "/" in origin.split("://")[1]:
                raise ValueError("The public origin looks like https://lift.example.org")
            object.__setattr__(self, "public_origin", origin)
            if origin.startswith("https://"):
                object.__setattr__(self, "secure_cookies", True)
