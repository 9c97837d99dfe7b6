"""Slow and many clients against a real server process (``server/connections.py``).

A client that sends its request head a byte a second, or a body that stops arriving, must not
hold a connection for long; live streams must not use up the connections ordinary requests need.
"""

from __future__ import annotations

import concurrent.futures
import selectors
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.core.live_policy import EVENTS_PATH
from app.core.protocol import SCHEMA_HEADER
from app.core.schema import SCHEMA_VERSION
from devsupport.live_server import LiveServer
from tests.server.helpers import PASSWORD

SECONDS = 2  # the server's head and body timeouts in these tests (10 by default)
SLOW_CLIENTS = 100


@pytest.fixture
def live(tmp_path: Path) -> Iterator[LiveServer]:
    server = LiveServer(
        f"sqlite:///{tmp_path / 'setflow.sqlite3'}",
        env={
            "SETFLOW_HEAD_SECONDS": str(SECONDS),
            "SETFLOW_BODY_SECONDS": str(SECONDS),
            "SETFLOW_MAX_CONNECTIONS": "8",
            "SETFLOW_PASSWORD_PROFILE": "CHEAPEST",
        },
    ).start()
    yield server
    server.stop()


def trickle(port: int, heads: list[bytes], give_up: float) -> list[float | None]:
    """Open one connection per head and send it a byte a second; for each, the seconds after
    which the server ended it (closed it, or answered and closed), or None if it never did."""
    selector = selectors.DefaultSelector()
    socks: list[socket.socket] = []
    sent = [0] * len(heads)
    ended: list[float | None] = [None] * len(heads)
    started = time.monotonic()
    for i in range(len(heads)):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.setblocking(False)
        socks.append(sock)
        selector.register(sock, selectors.EVENT_READ, i)
    try:
        next_byte = time.monotonic()
        while any(e is None for e in ended) and time.monotonic() - started < give_up:
            if time.monotonic() >= next_byte:
                for i, sock in enumerate(socks):
                    if ended[i] is None and sent[i] < len(heads[i]):
                        try:
                            sock.send(heads[i][sent[i] : sent[i] + 1])
                            sent[i] += 1
                        except OSError:
                            ended[i] = time.monotonic() - started
                next_byte += 1.0
            for key, _ in selector.select(timeout=max(0.0, next_byte - time.monotonic())):
                i = key.data
                try:
                    data = socks[i].recv(65536)
                except OSError:
                    data = b""
                if not data or b"HTTP/1.1 4" in data:
                    ended[i] = time.monotonic() - started
                    selector.unregister(socks[i])
    finally:
        for sock in socks:
            sock.close()
        selector.close()
    return ended


def test_slow_request_heads_are_cut_off_while_others_are_served(tmp_path: Path) -> None:
    """100 clients sending their headers a byte a second, and one that sends nothing, are all
    closed soon after the head timeout; meanwhile an ordinary request is answered."""
    server = LiveServer(
        f"sqlite:///{tmp_path / 'setflow.sqlite3'}",
        env={"SETFLOW_HEAD_SECONDS": str(SECONDS), "SETFLOW_MAX_CONNECTIONS": "200"},
    ).start()
    try:
        heads = [b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 60]
        heads = heads * SLOW_CLIENTS + [b""]
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            slow = pool.submit(trickle, server.port, heads, 30)
            time.sleep(1)  # the slow clients are connected and sending
            assert httpx.get(server.url + "/api/health", timeout=10).status_code == 200
            ended = slow.result()
    finally:
        server.stop()
    assert all(e is not None for e in ended), f"{ended.count(None)} clients still open"
    longest = max(e for e in ended if e is not None)
    print(f"\n{len(heads)} slow clients ended after at most {longest:.1f} s")
    assert longest < SECONDS + 8  # 2 s of timeout, the rest is a loaded machine


def test_a_request_head_that_stops_gets_a_408(live: LiveServer) -> None:
    with socket.create_connection(("127.0.0.1", live.port), timeout=15) as sock:
        sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        started = time.monotonic()
        answer = sock.recv(65536)
        assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
        assert b'"error": "timeout"' in answer and b"nosniff" in answer
        assert sock.recv(65536) == b""  # and closed
    assert time.monotonic() - started < SECONDS + 8


def test_a_body_trickled_to_a_route_that_does_not_read_it_is_cut_off(live: LiveServer) -> None:
    """The answer (405) comes at once; the connection must not stay open for the body."""
    head = (
        b"POST /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", live.port), timeout=5) as sock:
        sock.sendall(head)
        answer = sock.recv(65536)
        assert answer.startswith(b"HTTP/1.1 405"), answer[:200]
        ended = trickle_after(sock, give_up=30)
    assert ended is not None, "the connection was still open after 30 s"
    assert ended < SECONDS + 8


def test_a_body_still_arriving_after_the_answer_gets_only_a_short_grace(live: LiveServer) -> None:
    """A sign-in declared 5 MB long is refused at once (413); sending the rest at a steady
    2 KB/s (fast enough for the rate rule) must not keep the connection for hours."""
    head = (
        b"POST /api/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: 5000000\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", live.port), timeout=5) as sock:
        sock.sendall(head)
        answer = sock.recv(65536)
        assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        ended = trickle_after(sock, give_up=30, chunk=b" " * 2000)
    assert ended is not None, "the connection was still open after 30 s"
    assert ended < SECONDS + 8


def test_a_stranger_cannot_hold_a_connection_with_a_large_push(live: LiveServer) -> None:
    """A push declared 1 MB long, with no valid session, is refused before its body is read
    (at the minimum rate, that body could take half an hour to arrive)."""
    head = (
        f"POST /api/sync HTTP/1.1\r\nHost: 127.0.0.1\r\n{SCHEMA_HEADER}: {SCHEMA_VERSION}\r\n"
        "Cookie: setflow_session=made-up\r\nContent-Type: application/json\r\n"
        "Content-Length: 1000000\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", live.port), timeout=15) as sock:
        sock.sendall(head.encode())
        answer = sock.recv(65536)
    assert answer.startswith(b"HTTP/1.1 401"), answer[:200]


def trickle_after(sock: socket.socket, give_up: float, chunk: bytes = b" ") -> float | None:
    """Send ``chunk`` every second on an open connection: seconds until the server closed it."""
    sock.setblocking(False)
    started = time.monotonic()
    while time.monotonic() - started < give_up:
        try:
            sock.sendall(chunk)
        except OSError:
            return time.monotonic() - started
        deadline = time.monotonic() + 1
        while (left := deadline - time.monotonic()) > 0:
            ready = selectors.DefaultSelector()
            ready.register(sock, selectors.EVENT_READ)
            events = ready.select(timeout=left)
            ready.close()
            if events:
                try:
                    if sock.recv(65536) == b"":
                        return time.monotonic() - started
                except OSError:
                    return time.monotonic() - started
    return None


def open_stream(port: int, cookie: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=15)
    sock.sendall(
        f"GET {EVENTS_PATH}?schema={SCHEMA_VERSION} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Accept: text/event-stream\r\nCookie: {cookie}\r\n\r\n".encode()
    )
    return sock


def test_live_streams_do_not_use_up_the_connection_cap(live: LiveServer) -> None:
    """With a cap of 8 connections, 20 devices hold live streams and requests are still served;
    ordinary connections over the cap are still turned away."""
    with httpx.Client(base_url=live.url, timeout=15) as client:
        body = {"email": "ada@example.org", "password": PASSWORD}
        assert client.post("/api/auth/signup", json=body).status_code == 201
        cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
    streams = [open_stream(live.port, cookie) for _ in range(20)]
    idle: list[socket.socket] = []
    try:
        for sock in streams:
            answer = b""
            while b"event: hello" not in answer and b"\r\n\r\n{" not in answer:
                chunk = sock.recv(65536)
                assert chunk, answer
                answer += chunk
            assert answer.startswith(b"HTTP/1.1 200"), answer[:300]
        assert httpx.get(live.url + "/api/health", timeout=10).status_code == 200
        for _ in range(8):
            sock = socket.create_connection(("127.0.0.1", live.port), timeout=5)
            sock.sendall(b"GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\n")  # not finished
            idle.append(sock)
        time.sleep(0.5)
        busy = httpx.get(live.url + "/api/health", timeout=10)
        assert busy.status_code == 503
        assert busy.json()["error"] == "busy"
        assert busy.headers["retry-after"]
        assert busy.headers["x-content-type-options"] == "nosniff"
    finally:
        for sock in streams + idle:
            sock.close()
