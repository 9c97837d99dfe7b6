"""Signup, login, logout, the session cookie and login throttling."""

from __future__ import annotations

import unicodedata

import pytest
from starlette.testclient import TestClient

from app.core.account import account_id
from server import accounts
from server.accounts import SESSION_COOKIE
from server.throttle import Limits
from tests.server.conftest import MakeClient
from tests.server.helpers import PASSWORD, Device


def cookie_header(response: object) -> str:
    headers = response.headers  # type: ignore[attr-defined]
    (value,) = [v for v in headers.get_list("set-cookie") if v.startswith(SESSION_COOKIE + "=")]
    return str(value)


def test_signup_signs_in_with_a_safe_cookie(client: TestClient) -> None:
    response = client.post(
        "/api/auth/signup", json={"email": " Ada@Example.org ", "password": PASSWORD}
    )
    assert response.status_code == 201
    ada = {"email": "ada@example.org", "accountId": account_id("ada@example.org")}
    assert response.json() == ada
    cookie = cookie_header(response).lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "path=/" in cookie
    assert "max-age=2592000" in cookie and "secure" not in cookie
    assert client.get("/api/auth/me").json() == ada


def test_cookie_is_secure_when_served_over_https(make_client: MakeClient) -> None:
    client = make_client(secure_cookies=True)
    response = client.post(
        "/api/auth/signup", json={"email": "a@example.org", "password": PASSWORD}
    )
    assert "; secure" in cookie_header(response).lower()


def test_only_the_token_hash_is_stored(client: TestClient) -> None:
    response = client.post(
        "/api/auth/signup", json={"email": "a@example.org", "password": PASSWORD}
    )
    token = response.cookies[SESSION_COOKIE]
    db = client.app.state.db  # type: ignore[attr-defined]
    with db.read() as conn:
        (stored,) = conn.execute(accounts.sessions.select()).all()
    assert stored.token_hash == accounts.token_hash(token) != token


def test_password_is_hashed_with_argon2id(client: TestClient) -> None:
    client.post("/api/auth/signup", json={"email": "a@example.org", "password": PASSWORD})
    db = client.app.state.db  # type: ignore[attr-defined]
    with db.read() as conn:
        (user,) = conn.execute(accounts.users.select()).all()
    assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash


def test_production_hasher_uses_recommended_parameters() -> None:
    hasher = accounts.make_hasher("RFC_9106_LOW_MEMORY")
    assert (hasher.time_cost, hasher.memory_cost, hasher.parallelism) == (3, 65536, 4)
    with pytest.raises(ValueError):
        accounts.make_hasher("nope")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"email": "not-an-email", "password": PASSWORD}, 422),
        ({"email": "a@example.org", "password": "short"}, 422),
        ({"email": "a@example.org"}, 422),
        ({"email": 5, "password": PASSWORD}, 422),
        (["a@example.org", PASSWORD], 422),
    ],
)
def test_signup_refuses_bad_input(sqlite_client: TestClient, body: object, status: int) -> None:
    response = sqlite_client.post("/api/auth/signup", json=body)
    assert response.status_code == status
    assert set(response.json()) == {"error", "message"}
    assert SESSION_COOKIE not in response.cookies


def test_signup_refuses_invalid_json(sqlite_client: TestClient) -> None:
    response = sqlite_client.post(
        "/api/auth/signup", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400 and response.json()["error"] == "bad_request"


def test_signup_with_a_taken_email_is_409(make_client: MakeClient) -> None:
    assert Device(make_client()).signup("a@example.org").status_code == 201
    response = Device(make_client()).signup("A@example.org")
    assert response.status_code == 409 and response.json()["error"] == "email_taken"


def test_login_logout_and_me(make_client: MakeClient) -> None:
    Device(make_client()).signup("a@example.org")
    other = make_client()
    assert other.get("/api/auth/me").status_code == 401
    response = Device(other).login("A@example.org")
    assert response.status_code == 200 and response.json()["email"] == "a@example.org"
    assert "httponly" in cookie_header(response).lower()
    assert other.get("/api/auth/me").json()["accountId"] == account_id("a@example.org")
    token = other.cookies[SESSION_COOKIE]
    response = other.post("/api/auth/logout")
    assert response.status_code == 200 and response.json() == {"ok": True}
    assert (
        'setflow_session=""' in cookie_header(response)
        or "max-age=0" in cookie_header(response).lower()
    )
    assert other.get("/api/auth/me").status_code == 401
    # The session is gone from the server, not just from the browser.
    other.cookies.set(SESSION_COOKIE, token)
    me = other.get("/api/auth/me")
    assert me.status_code == 401 and me.json()["error"] == "unauthorized"


def test_wrong_credentials_get_one_generic_answer(make_client: MakeClient) -> None:
    Device(make_client()).signup("a@example.org")
    device = Device(make_client())
    wrong_password = device.login("a@example.org", "wrong password")
    no_account = device.login("nobody@example.org", PASSWORD)
    assert wrong_password.status_code == no_account.status_code == 401
    assert wrong_password.json() == no_account.json()
    assert wrong_password.json()["message"] == "Wrong email or password."
    assert SESSION_COOKIE not in device.client.cookies


def test_repeated_failed_logins_are_throttled(make_client: MakeClient) -> None:
    Device(make_client()).signup("a@example.org")
    device = Device(make_client())
    for _ in range(Limits().per_account_address):
        assert device.login("a@example.org", "wrong password").status_code == 401
    # Now even the right password waits, from this address: the throttle counts guesses.
    throttled = device.login("a@example.org")
    assert throttled.status_code == 429
    assert throttled.json()["error"] == "too_many_attempts"
    assert 0 < int(throttled.headers["Retry-After"]) <= 15 * 60
    # Other accounts are unaffected.
    assert device.login("b@example.org").status_code == 401


def test_throttle_is_shared_by_server_processes(make_client: MakeClient) -> None:
    """Failures are counted in the database, so two apps on one database agree."""
    Device(make_client()).signup("a@example.org")
    first, second = Device(make_client()), Device(make_client(max_body=1_000_000))
    assert first.client.app is not second.client.app
    for i in range(Limits().per_account_address):
        assert (first if i % 2 else second).login("a@example.org", "nope nope").status_code == 401
    assert first.login("a@example.org").status_code == 429
    assert second.login("a@example.org").status_code == 429


def test_successful_login_clears_earlier_failures(make_client: MakeClient) -> None:
    Device(make_client()).signup("a@example.org")
    device = Device(make_client())
    for _ in range(Limits().per_account_address - 1):
        device.login("a@example.org", "wrong password")
    assert device.login("a@example.org").status_code == 200
    assert device.login("a@example.org", "wrong password").status_code == 401
    assert device.login("a@example.org").status_code == 200


def test_expired_session_is_refused(client: TestClient) -> None:
    Device(client).signup("a@example.org")
    db = client.app.state.db  # type: ignore[attr-defined]
    with db.write() as conn:
        conn.execute(accounts.sessions.update().values(expires_at=0))
    assert client.get("/api/auth/me").status_code == 401


@pytest.mark.parametrize(
    "spelling",
    ["ａｄａ@example.org", "ADA@example.org", "ada@example.org\u200b", "\u0430da@example.org"],
)
def test_a_look_alike_email_makes_no_second_account(make_client: MakeClient, spelling: str) -> None:
    owner = Device(make_client())
    assert owner.signup("ada@example.org").status_code == 201
    response = Device(make_client()).signup(spelling)
    assert response.status_code in (409, 422)
    db = owner.client.app.state.db  # type: ignore[attr-defined]
    with db.read() as conn:
        assert len(conn.execute(accounts.users.select()).all()) == 1


def test_an_account_made_before_normalisation_still_signs_in(make_client: MakeClient) -> None:
    """Older servers stored the email only lower-cased; its owner signs in as before."""
    first = Device(make_client())
    assert first.signup("strasse@example.org").status_code == 201
    db = first.client.app.state.db  # type: ignore[attr-defined]
    with db.write() as conn:  # what an older server stored for "Straße@example.org"
        conn.execute(accounts.users.update().values(email="straße@example.org"))
    response = Device(make_client()).login("Straße@example.org")
    assert response.status_code == 200 and response.json()["email"] == "strasse@example.org"
    with db.read() as conn:
        assert conn.execute(accounts.users.select()).one().email == "strasse@example.org"
    assert Device(make_client()).login("STRASSE@example.org").status_code == 200


def test_the_account_id_is_stable_and_names_only_that_account(client: TestClient) -> None:
    """The id a device names its local data by: the same at every sign-in, another per person."""
    ada = client.post("/api/auth/signup", json={"email": "ada@example.org", "password": PASSWORD})
    client.post("/api/auth/logout")
    bob = client.post("/api/auth/signup", json={"email": "bob@example.org", "password": PASSWORD})
    client.post("/api/auth/logout")
    again = client.post("/api/auth/login", json={"email": "Ada@example.org", "password": PASSWORD})
    assert ada.json()["accountId"] == again.json()["accountId"] != bob.json()["accountId"]


CREME = "Crème brûlée au four, 1987"  # as most keyboards type it: composed (NFC)
CREME_DECOMPOSED = unicodedata.normalize("NFD", CREME)  # as some devices send it


def test_a_password_is_the_same_typed_composed_or_decomposed(make_client: MakeClient) -> None:
    """NIST SP 800-63B: "é" typed on one device as one character and on another as "e" plus
    an accent is one password."""
    assert CREME != CREME_DECOMPOSED
    owner = Device(make_client())
    assert owner.signup("ada@example.org", CREME_DECOMPOSED).status_code == 201
    assert Device(make_client()).login("ada@example.org", CREME).status_code == 200
    assert Device(make_client()).login("ada@example.org", CREME_DECOMPOSED).status_code == 200
    assert Device(make_client()).login("ada@example.org", CREME + "!").status_code == 401


def test_a_hash_of_the_password_as_typed_still_signs_in_and_is_upgraded(
    make_client: MakeClient,
) -> None:
    """Older servers hashed the password as it was sent: its owner signs in as before, and the
    stored hash becomes one of the normal form."""
    owner = Device(make_client())
    assert owner.signup("ada@example.org", CREME).status_code == 201
    db = owner.client.app.state.db  # type: ignore[attr-defined]
    hasher = accounts.make_hasher("CHEAPEST")
    with db.write() as conn:  # what an older server stored when the device sent it decomposed
        conn.execute(accounts.users.update().values(password_hash=hasher.hash(CREME_DECOMPOSED)))
    assert Device(make_client()).login("ada@example.org", CREME + "!").status_code == 401
    assert Device(make_client()).login("ada@example.org", CREME_DECOMPOSED).status_code == 200
    with db.read() as conn:
        stored = conn.execute(accounts.users.select()).one().password_hash
    assert hasher.verify(stored, CREME)
    assert Device(make_client()).login("ada@example.org", CREME).status_code == 200
