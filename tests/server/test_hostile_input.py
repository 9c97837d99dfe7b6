"""Input anyone can send without signing in: every malformed value is a 4xx, never a 500."""

from __future__ import annotations

import asyncio
import json
import logging
import os
from pathlib import Path

import pytest
from sqlalchemy import insert
from starlette.requests import Request
from starlette.testclient import TestClient

from server.app import create_app
from server.errors import ApiError
from server.guards import read_json
from server.tables import users
from tests.server.conftest import MakeClient, app_config
from tests.server.helpers import HEADERS, PASSWORD, Device

# Characters ``str.isdigit`` calls digits, and some that ``int()`` even reads as numbers.
NOT_ASCII_DIGITS = ["²", "①", "١", "１", "٣٤", "7²", " 1", "+1", "1_0"]


@pytest.mark.parametrize("value", [v for v in NOT_ASCII_DIGITS if v.strip() == v])
def test_schema_header_takes_only_ascii_digits(device: Device, value: str) -> None:
    # Headers travel as bytes: send the one-byte Latin-1 form where there is one ("²" is 0xB2).
    try:
        raw = value.strip().encode("latin-1")
    except UnicodeEncodeError:
        raw = value.strip().encode()
    response = device.client.get("/api/sync", headers={"X-Setflow-Schema": raw})
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"


@pytest.mark.parametrize("name", ["since", "limit"])
@pytest.mark.parametrize("value", NOT_ASCII_DIGITS)
def test_pull_parameters_take_only_ascii_digits(device: Device, name: str, value: str) -> None:
    response = device.client.get("/api/sync", params={name: value}, headers=HEADERS)
    assert response.status_code == 422
    assert response.json()["error"] == "invalid"


@pytest.mark.parametrize("declared", [b"4\xb2", b"\xb2"])
def test_content_length_takes_only_ascii_digits(declared: bytes) -> None:
    async def receive() -> dict[str, object]:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    scope = {"type": "http", "method": "POST", "headers": [(b"content-length", declared)]}
    with pytest.raises(ApiError) as caught:
        asyncio.run(read_json(Request(scope, receive), 1024))
    assert caught.value.status == 400


def body(chunks: list[bytes], pause: float) -> Request:
    """A request whose body arrives in ``chunks``, ``pause`` seconds apart."""
    parts = list(chunks)

    async def receive() -> dict[str, object]:
        await asyncio.sleep(pause)
        chunk = parts.pop(0)
        return {"type": "http.request", "body": chunk, "more_body": bool(parts)}

    return Request({"type": "http", "method": "POST", "headers": []}, receive)


def test_a_large_body_from_a_slow_phone_is_read_past_the_grace() -> None:
    """8 KB at about 5 KB/s: longer than the grace, well above the minimum rate."""
    chunks = [b'["' + b"a" * 2000] + [b"a" * 2000] * 3 + [b'"]']
    assert asyncio.run(read_json(body(chunks, 0.4), 65536, seconds=0.5)) == ["a" * 8000]


def test_a_body_a_byte_at_a_time_is_a_400() -> None:
    chunks = [b"[", b"1", b"2", b"3", b"]"]
    with pytest.raises(ApiError) as caught:
        asyncio.run(read_json(body(chunks, 0.4), 65536, seconds=0.5))
    assert caught.value.status == 400


@pytest.mark.parametrize(
    "path", ["/app/" + "a" * 300 + ".py", "/" + "b" * 5000, "/app/x%00.py", "/app/%ff.py"]
)
def test_impossible_file_names_are_404(sqlite_client: TestClient, path: str) -> None:
    assert sqlite_client.get(path).status_code == 404


BAD_TEXT = [
    ("\ud800@example.org", PASSWORD),
    ("ada@example.org", "correct horse \udfff battery"),
    ("ada\x00@example.org", PASSWORD),
    ("ada@example.org", "correct horse\x00battery"),
]


@pytest.mark.parametrize(("email", "password"), BAD_TEXT)
@pytest.mark.parametrize("path", ["/api/auth/signup", "/api/auth/login"])
def test_unencodable_credentials_are_422(
    client: TestClient, path: str, email: str, password: str
) -> None:
    # json.dumps escapes a lone surrogate as \\ud800, exactly as a browser's JSON.stringify does.
    body = json.dumps({"email": email, "password": password})
    response = client.post(path, content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    assert "set-cookie" not in response.headers


def test_a_500_is_one_log_line_with_a_request_id(
    sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(app_config(sqlite_url))

    def broken(_token: object) -> None:
        raise RuntimeError("a bug with a long traceback")

    app.state.accounts.user_for = broken
    caplog.set_level(logging.DEBUG)
    # raise_server_exceptions: the exception must not escape the app (where the server would log
    # its whole traceback again).
    with TestClient(app) as client:
        response = client.get("/api/auth/me")
    assert response.status_code == 500
    request_id = response.headers["x-request-id"]
    assert len(request_id) >= 8
    assert request_id in response.json()["message"]
    lines = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(lines) == 1
    (line,) = lines
    assert request_id in line.getMessage() and "RuntimeError" in line.getMessage()
    assert line.exc_info is None and line.exc_text is None
    assert "\n" not in line.getMessage()


def test_database_errors_leave_no_personal_data_in_the_log(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(app_config(database_url))
    secret = "secret-person@example.org"

    def broken(_token: object) -> None:
        with app.state.db.write() as conn:
            conn.execute(insert(users).values(email=secret, password_hash=None, version=0))

    app.state.accounts.user_for = broken
    caplog.set_level(logging.DEBUG)
    with TestClient(app) as client:
        response = client.get("/api/auth/me")
    assert response.status_code == 500
    assert "IntegrityError" in caplog.text or "NotNull" in caplog.text
    assert secret not in caplog.text
    assert app.state.db.engine.hide_parameters


def test_api_answers_carry_the_security_headers(device: Device) -> None:
    for response in (
        device.client.get("/api/sync", headers=HEADERS),
        device.client.get("/api/auth/me"),
        device.client.get("/api/health"),
        device.client.get("/api/nothing"),
        device.client.post("/api/auth/login", json={"email": "x", "password": "y"}),
    ):
        assert response.headers["cache-control"] == "no-store", response.url
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
    page = device.client.get("/")
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "strict-transport-security" not in page.headers  # plain http: no HSTS


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("POST", "/api/auth/me", "GET"),
        ("DELETE", "/api/sync", "GET, POST"),
        ("PUT", "/api/health", "GET"),
        ("GET", "/api/auth/login", "POST"),
        ("PATCH", "/api/auth/signup", "POST"),
    ],
)
def test_undeclared_methods_are_405(
    sqlite_client: TestClient, method: str, path: str, allowed: str
) -> None:
    response = sqlite_client.request(method, path)
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"
    assert set(response.headers["allow"].split(", ")) >= set(allowed.split(", "))


# --- symlinks under the public folders --------------------------------------------------------


@pytest.fixture
def deployed(tmp_path: Path) -> Path:
    """A copy of the public files with links planted in them."""
    root = tmp_path / "site"
    (root / "app").mkdir(parents=True)
    (root / "server").mkdir()
    (root / "index.html").write_text("<!doctype html><title>Setflow</title>")
    (root / "app" / "main.py").write_text("print('app')\n")
    (root / "server" / "secret.py").write_text("SECRET = 'server code'\n")
    outside = tmp_path / "outside.py"
    outside.write_text("OUTSIDE = 'not ours'\n")
    os.symlink(root / "server" / "secret.py", root / "app" / "inner.py")
    os.symlink(outside, root / "app" / "outer.py")
    os.symlink(tmp_path, root / "app" / "everything")
    return root


def test_links_out_of_the_public_folders_are_not_served(sqlite_url: str, deployed: Path) -> None:
    with TestClient(create_app(app_config(sqlite_url, static_root=deployed))) as client:
        assert client.get("/app/main.py").text == "print('app')\n"
        for path in ("/app/inner.py", "/app/outer.py", "/app/everything/outside.py"):
            response = client.get(path)
            assert response.status_code == 404, path
            assert "server code" not in response.text and "not ours" not in response.text
        assets = client.get("/sw-assets.js").text
    assert "/app/modules.json" in assets
    assert "inner.py" not in assets and "outer.py" not in assets and "everything" not in assets


def test_nul_in_an_email_is_422_on_every_database(make_client: MakeClient) -> None:
    client = make_client()
    response = client.post(
        "/api/auth/signup", json={"email": "a\x00b@example.org", "password": PASSWORD}
    )
    assert response.status_code == 422
