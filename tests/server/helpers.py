"""A small client for the server tests: accounts and sync calls, as a device would make them."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.testclient import TestClient

from app.core.protocol import SCHEMA_HEADER
from app.core.schema import SCHEMA_VERSION

HEADERS = {SCHEMA_HEADER: str(SCHEMA_VERSION)}
PASSWORD = "correct horse battery"


def new_id() -> str:
    return str(uuid.uuid4())


def mutation(
    record_id: str | None = None,
    *,
    table: str = "exercises",
    kind: str = "put",
    base: int = 0,
    fields: dict[str, Any] | None = None,
    mutation_id: str | None = None,
) -> dict[str, Any]:
    if fields is None:
        fields = {"name": "Squat", "muscleGroup": "Legs"} if kind == "put" and base == 0 else {}
    return {
        "mutationId": mutation_id or new_id(),
        "table": table,
        "id": record_id or new_id(),
        "kind": kind,
        "baseVersion": base,
        "fields": fields,
        "clientTime": 1_700_000_000_000,
    }


class Device:
    """One signed-in browser: its own cookie jar and deviceId."""

    def __init__(self, client: TestClient, device_id: str | None = None) -> None:
        self.client = client
        self.device_id = device_id or "device-" + new_id()[:8]

    def signup(self, email: str, password: str = PASSWORD) -> Any:
        return self.client.post("/api/auth/signup", json={"email": email, "password": password})

    def login(self, email: str, password: str = PASSWORD) -> Any:
        return self.client.post("/api/auth/login", json={"email": email, "password": password})

    def push_raw(self, mutations: list[dict[str, Any]]) -> Any:
        body = {"schemaVersion": SCHEMA_VERSION, "deviceId": self.device_id, "mutations": mutations}
        return self.client.post("/api/sync", json=body, headers=HEADERS)

    def push(self, *mutations: dict[str, Any]) -> list[dict[str, Any]]:
        response = self.push_raw(list(mutations))
        assert response.status_code == 200, response.text
        results: list[dict[str, Any]] = response.json()["results"]
        return results

    def pull_page(self, since: int = 0, limit: int | None = None) -> dict[str, Any]:
        params: dict[str, Any] = {"since": since}
        if limit is not None:
            params["limit"] = limit
        response = self.client.get("/api/sync", params=params, headers=HEADERS)
        assert response.status_code == 200, response.text
        page: dict[str, Any] = response.json()
        return page

    def pull_all(self, since: int = 0) -> dict[tuple[str, str], dict[str, Any]]:
        """Every record changed after ``since``, by (table, id), following ``hasMore``."""
        records: dict[tuple[str, str], dict[str, Any]] = {}
        while True:
            page = self.pull_page(since)
            for change in page["changes"]:
                records[(change["table"], change["id"])] = change
            since = page["cursor"]
            if not page["hasMore"]:
                return records
