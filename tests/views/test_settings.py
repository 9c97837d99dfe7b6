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
