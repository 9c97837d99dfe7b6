"""The app around the API: origin guard, error shape, OpenAPI, and the files still served."""

from __future__ import annotations

import pytest
from starlette.testclient import TestClient

from tests.server.helpers import HEADERS, PASSWORD

CREDS = {"email": "ada@example.org", "password": PASSWORD}


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "http://testserver.evil.example"},
        {"Origin": "https://testserver"},  # another scheme is another origin
        {"Origin": "http://testserver:8080"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "http://testserver", "Sec-Fetch-Site": "cross-site"},
    ],
)
@pytest.mark.parametrize("path", ["/api/auth/signup", "/api/auth/login", "/api/sync"])
def test_cross_origin_writes_are_refused(
    sqlite_client: TestClient, headers: dict[str, str], path: str
) -> None:
    response = sqlite_client.post(path, json=CREDS, headers={**HEADERS, **headers})
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    assert "set-cookie" not in response.headers


def test_cross_origin_refusal_covers_logout(sqlite_client: TestClient) -> None:
    sqlite_client.post("/api/auth/signup", json=CREDS)
    response = sqlite_client.post("/api/auth/logout", headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    assert sqlite_client.get("/api/auth/me").status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Origin": "http://testserver"},
        {"Origin": "HTTP://TestServer:80"},
        {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"},
        {"Sec-Fetch-Site": "none"},
    ],
)
def test_same_origin_writes_pass(sqlite_client: TestClient, headers: dict[str, str]) -> None:
    response = sqlite_client.post("/api/auth/signup", json=CREDS, headers=headers)
    assert response.status_code == 201


def test_cross_origin_reads_are_not_blocked_by_the_guard(sqlite_client: TestClient) -> None:
    # Reads change nothing; the browser's same-origin policy keeps their answers private.
    response = sqlite_client.get("/api/health", headers={"Origin": "https://evil.example"})
    assert response.status_code == 200


def test_unknown_api_paths_are_json_404(sqlite_client: TestClient) -> None:
    for method in ("get", "post", "delete"):
        response = sqlite_client.request(method, "/api/nothing/here")
        assert response.status_code == 404
        assert response.json() == {"error": "not_found", "message": "No such API endpoint."}


def test_health_files_and_asset_list_still_served(sqlite_client: TestClient) -> None:
    assert sqlite_client.get("/api/health").json() == {"status": "ok"}
    page = sqlite_client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "SETFLOW_ASSETS" in sqlite_client.get("/sw-assets.js").text
    assert sqlite_client.get("/server/app.py").status_code == 404
    assert sqlite_client.get("/data/setflow.sqlite3").status_code == 404


def test_api_answers_are_not_cached(sqlite_client: TestClient) -> None:
    response = sqlite_client.post("/api/auth/signup", json=CREDS)
    assert response.headers["cache-control"] == "no-store"
    assert sqlite_client.get("/api/sync", headers=HEADERS).headers["cache-control"] == "no-store"


def test_openapi_document_describes_the_api(sqlite_client: TestClient) -> None:
    document = sqlite_client.get("/api/openapi.json").json()
    paths = document["paths"]
    for path in ("/api/sync", "/api/auth/signup", "/api/auth/login", "/api/auth/logout"):
        assert path in paths
    assert "/api/auth/me" in paths
    assert set(paths["/api/sync"]) == {"get", "post"}
    push = paths["/api/sync"]["post"]
    body_ref = push["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schemas = document["components"]["schemas"]
    assert body_ref == "#/components/schemas/PushRequest" and "PushRequest" in schemas
    assert "mutations" in schemas["PushRequest"]["properties"]
    assert "hasMore" in schemas["PullResponse"]["properties"]
    assert {"401", "422", "426"} <= set(push["responses"])
    pull_params = {p["name"] for p in paths["/api/sync"]["get"]["parameters"]}
    assert {"since", "limit", "X-Setflow-Schema"} <= pull_params
    signup = paths["/api/auth/signup"]["post"]
    assert signup["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/Credentials"
    )
    assert "409" in signup["responses"]
    # Every $ref resolves.
    refs: list[str] = []

    def collect(node: object) -> None:
        if isinstance(node, dict):
            refs.extend(v for k, v in node.items() if k == "$ref")
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(document)
    assert refs and all(r.removeprefix("#/components/schemas/") in schemas for r in refs)


def test_openapi_declares_what_the_parsers_take_exactly(sqlite_client: TestClient) -> None:
    document = sqlite_client.get("/api/openapi.json").json()
    schemas = document["components"]["schemas"]
    for name in ("Credentials", "PushRequest", "Mutation", "PasswordChange", "AccountDeletion"):
        assert schemas[name]["additionalProperties"] is False, name
    assert schemas["Credentials"]["properties"]["email"]["format"] == "email"
    assert schemas["PushRequest"]["properties"]["schemaVersion"]["minimum"] == 0
    (header,) = [
        p for p in document["paths"]["/api/sync"]["get"]["parameters"] if p["in"] == "header"
    ]
    assert header["schema"] == {"type": "integer", "minimum": 0, "maximum": 999_999_999}
    assert header["required"] is True
