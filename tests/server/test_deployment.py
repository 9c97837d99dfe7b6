"""Deployment: behind a TLS-terminating proxy, and against slow or too many clients."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from devsupport.live_server import LiveServer
from server.app import create_app
from tests.server.conftest import app_config
from tests.server.helpers import PASSWORD

CREDS = {"email": "ada@example.org", "password": PASSWORD}
PUBLIC = "https://lift.example.org"


@pytest.fixture
def proxied(sqlite_url: str) -> Iterator[TestClient]:
    """The app as a TLS proxy reaches it: plain http to its own host name."""
    with TestClient(create_app(app_config(sqlite_url, public_origin=PUBLIC + "/"))) as client:
        yield client


def test_behind_a_tls_proxy_the_public_origin_is_ours(proxied: TestClient) -> None:
    response = proxied.post("/api/auth/signup", json=CREDS, headers={"Origin": PUBLIC})
    assert response.status_code == 201
    cookie = response.headers["set-cookie"].lower()
    assert "; secure" in cookie
    assert response.headers["strict-transport-security"].startswith("max-age=")
    assert proxied.get("/").headers["strict-transport-security"].startswith("max-age=")
    for other in ("http://testserver", "http://lift.example.org", "https://evil.example"):
        refused = proxied.post("/api/auth/login", json=CREDS, headers={"Origin": other})
        assert refused.status_code == 403, other


def test_served_over_tls_every_answer_asks_for_https_from_now_on(sqlite_url: str) -> None:
    """``--certfile``: Secure cookies and HSTS, as behind a TLS proxy."""
    with TestClient(create_app(app_config(sqlite_url, secure_cookies=True))) as client:
        response = client.post("/api/auth/signup", json=CREDS)
        assert "; secure" in response.headers["set-cookie"].lower()
        assert response.headers["strict-transport-security"].startswith("max-age=")
        assert client.get("/").headers["strict-transport-security"].startswith("max-age=")


def test_a_malformed_public_origin_is_refused_at_start(sqlite_url: str) -> None:
    with pytest.raises(ValueError, match="public origin"):
        app_config(sqlite_url, public_origin="lift.example.org")


def raw(port: int, data: bytes, wait: float = 15) -> tuple[bytes, float]:
    """Send ``data`` and read the answer; (answer, seconds it took)."""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        sock.sendall(data)
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
                if b"\r\n\r\n" in answer:
                    break
        except TimeoutError:
            pass
    return answer, time.monotonic() - started


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(
        f"sqlite:///{tmp_path / 'setflow.sqlite3'}",
        env={
            "SETFLOW_BODY_SECONDS": "2",
            "SETFLOW_MAX_CONNECTIONS": "8",
            "FORWARDED_ALLOW_IPS": "127.0.0.1",
            "SETFLOW_PASSWORD_PROFILE": "CHEAPEST",
        },
    ).start()
    yield server
    server.stop()


def test_a_body_shorter_than_its_length_is_a_400_within_seconds(live: LiveServer) -> None:
    request = (
        b"POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
        b'{"email":'
    )
    answer, seconds = raw(live.port, request)
    assert answer.startswith(b"HTTP/1.1 400"), answer[:200]
    assert seconds < 10


def test_connections_over_the_cap_are_turned_away(live: LiveServer) -> None:
    idle = []
    try:
        for _ in range(8):
            sock = socket.create_connection(("127.0.0.1", live.port), timeout=5)
            sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # never finished
            idle.append(sock)
        time.sleep(0.5)
        answer, _ = raw(live.port, b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert answer.startswith(b"HTTP/1.1 503"), answer[:200]
    finally:
        for sock in idle:
            sock.close()


def test_the_throttle_counts_the_address_a_trusted_proxy_forwards(live: LiveServer) -> None:
    import httpx

    with httpx.Client(base_url=live.url) as client:

        def login(forwarded: str) -> int:
            body = {"email": "ada@example.org", "password": "wrong guess"}
            headers = {"X-Forwarded-For": forwarded}
            return client.post("/api/auth/login", json=body, headers=headers).status_code

        assert [login("198.51.100.7") for _ in range(6)] == [401] * 5 + [429]
        assert login("203.0.113.9") == 401  # another person behind the same proxy
