"""What a person can do with their own account: change the password, see and end sessions,
sign out everywhere, delete the account with all its server data."""

from __future__ import annotations

from starlette.testclient import TestClient

from server import tables
from tests.server.conftest import MakeClient
from tests.server.helpers import PASSWORD, Device, mutation

NEW_PASSWORD = "a brand new squat rack"
PHONE = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/130.0 Mobile Safari/537.36"
LAPTOP = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


def signed_in(make_client: MakeClient, user_agent: str, *, new: bool = False) -> Device:
    device = Device(make_client())
    device.client.headers["User-Agent"] = user_agent
    answer = device.signup("ada@example.org") if new else device.login("ada@example.org")
    assert answer.status_code in (200, 201), answer.text
    return device


def me(device: Device) -> int:
    return int(device.client.get("/api/auth/me").status_code)


def test_changing_the_password_ends_every_other_session(make_client: MakeClient) -> None:
    phone = signed_in(make_client, PHONE, new=True)
    laptop = signed_in(make_client, LAPTOP)
    answer = phone.client.post(
        "/api/auth/password", json={"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}
    )
    assert answer.status_code == 200, answer.text
    assert me(phone) == 200 and me(laptop) == 401
    stranger = Device(make_client())
    assert stranger.login("ada@example.org").status_code == 401
    assert stranger.login("ada@example.org", NEW_PASSWORD).status_code == 200


def test_a_password_change_needs_the_current_password_and_a_good_new_one(
    make_client: MakeClient,
) -> None:
    phone = signed_in(make_client, PHONE, new=True)
    wrong = phone.client.post(
        "/api/auth/password", json={"currentPassword": "not it at all", "newPassword": NEW_PASSWORD}
    )
    assert wrong.status_code == 422 and wrong.json()["error"] == "wrong_password"
    weak = phone.client.post(
        "/api/auth/password", json={"currentPassword": PASSWORD, "newPassword": "password1"}
    )
    assert weak.status_code == 422 and weak.json()["error"] == "weak_password"
    assert Device(make_client()).login("ada@example.org").status_code == 200
    signed_out = Device(make_client()).client.post(
        "/api/auth/password", json={"currentPassword": PASSWORD, "newPassword": NEW_PASSWORD}
    )
    assert signed_out.status_code == 401


def test_sessions_are_listed_by_device_and_can_be_ended(make_client: MakeClient) -> None:
    phone = signed_in(make_client, PHONE, new=True)
    laptop = signed_in(make_client, LAPTOP)
    listed = phone.client.get("/api/auth/sessions").json()["sessions"]
    assert [(s["device"], s["current"]) for s in listed] == [
        ("Firefox on Linux", False),
        ("Chrome on Android", True),
    ]
    laptop_id = listed[0]["id"]
    assert phone.client.delete(f"/api/auth/sessions/{laptop_id}").status_code == 200
    assert me(laptop) == 401 and me(phone) == 200
    assert phone.client.delete(f"/api/auth/sessions/{laptop_id}").status_code == 404
    # Nobody ends another account's sessions.
    other = Device(make_client())
    other.signup("bob@example.org")
    phone_id = phone.client.get("/api/auth/sessions").json()["sessions"][0]["id"]
    assert other.client.delete(f"/api/auth/sessions/{phone_id}").status_code == 404
    assert other.client.delete("/api/auth/sessions/%25%25%25").status_code == 404
    assert me(phone) == 200


def test_sign_out_everywhere(make_client: MakeClient) -> None:
    phone = signed_in(make_client, PHONE, new=True)
    laptop = signed_in(make_client, LAPTOP)
    answer = laptop.client.post("/api/auth/logout-everywhere")
    assert answer.status_code == 200
    assert me(phone) == 401 and me(laptop) == 401


def test_deleting_the_account_removes_all_its_server_data(make_client: MakeClient) -> None:
    phone = signed_in(make_client, PHONE, new=True)
    phone.push(mutation())
    laptop = signed_in(make_client, LAPTOP)
    bob = Device(make_client())
    bob.signup("bob@example.org")
    bob.push(mutation())
    wrong = phone.client.post("/api/auth/delete", json={"password": "not my password"})
    assert wrong.status_code == 422 and me(phone) == 200
    assert phone.client.post("/api/auth/delete", json={"password": PASSWORD}).status_code == 200
    assert me(phone) == 401 and me(laptop) == 401
    assert Device(make_client()).login("ada@example.org").status_code == 401
    db = phone.client.app.state.db  # type: ignore[attr-defined]
    with db.read() as conn:
        assert [u.email for u in conn.execute(tables.users.select())] == ["bob@example.org"]
        owners = {r.user_id for r in conn.execute(tables.records.select())}
        assert len(owners) == 1 and len(conn.execute(tables.sessions.select()).all()) == 1
    # The email is free again.
    assert Device(make_client()).signup("ada@example.org").status_code == 201


def test_account_controls_need_a_session(client: TestClient) -> None:
    for method, path in [
        ("GET", "/api/auth/sessions"),
        ("POST", "/api/auth/logout-everywhere"),
        ("POST", "/api/auth/delete"),
        ("DELETE", "/api/auth/sessions/0123456789abcdef"),
    ]:
        assert client.request(method, path).status_code == 401
