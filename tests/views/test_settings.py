"""The Settings screen: what a person signed in sees of their account's controls."""

from __future__ import annotations

import re

from app.views import settings
from app.views.state import Account, Data, Screen


def form(html: str, name: str) -> str:
    found = re.search(rf'<form data-form="{name}">(.*?)</form>', html, re.S)
    assert found, f"no {name} form"
    return found.group(1)


def test_password_forms_name_the_account_for_password_managers() -> None:
    """A password field with no username beside it leaves a password manager guessing which
    saved login to offer or update: each form says the account's email, out of sight."""
    html = settings.render(Screen(), Data(), Account(email='lifter+"a"@example.com'))
    for name in ("change-password", "delete-account"):
        fields = form(html, name)
        (username,) = re.findall(r"<input[^>]*autocomplete=\"username\"[^>]*>", fields)
        assert 'value="lifter+&quot;a&quot;@example.com"' in username
        assert " hidden" in username and " readonly" in username


def test_signed_out_settings_offer_sign_in_with_one_username_field() -> None:
    html = settings.render(Screen(), Data(), Account())
    assert 'data-form="change-password"' not in html
    assert len(re.findall(r'autocomplete="username"', form(html, "account"))) == 1


def visible(html: str) -> str:
    """The words a person reads, tags gone."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def test_changes_not_yet_synced_are_counted_in_plain_words() -> None:
    """A lifter reads "Not yet synced: 38 changes", not "Waiting to upload 38"."""
    text = visible(settings.render(Screen(), Data(), Account(pending=38)))
    assert "Not yet synced 38 changes" in text
    assert "upload" not in text.lower()
    assert "Not yet synced 1 change " in visible(
        settings.render(Screen(), Data(), Account(pending=1))
    )
    html = settings.render(Screen(), Data(), Account(email="a@example.com", pending=2_500))
    assert re.search(
        r'<span id="pending-count">2500</span> changes', html
    )  # read by the browser tests


def test_the_device_code_is_kept_behind_a_plain_label() -> None:
    """The device's permanent id is for getting help with syncing, not a fact a lifter reads
    at every visit: it is behind "Code for help with syncing", closed."""
    device_id = "7cb481fe-8a3d-4c1e-9f00-2b6d5e4a1c33"
    html = settings.render(Screen(device_id=device_id), Data(), Account())
    assert "Device code" not in visible(html)
    found = re.search(
        r"<details><summary>Code for help with syncing</summary>(.*?)</details>", html, re.S
    )
    assert found, html  # closed: no "open"
    assert f'<span id="device-id">{device_id}</span>' in found.group(1)
