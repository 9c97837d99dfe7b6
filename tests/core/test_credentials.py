"""Email and password text rules: one canonical email, look-alikes and invisible characters refused."""

from __future__ import annotations

import pytest

from app.core.credentials import (
    CredentialsError,
    check_new_password,
    normalise_email,
    normalise_password,
)


@pytest.mark.parametrize(
    "spelling",
    [
        "ada@example.org",
        " Ada@Example.ORG ",
        "ａｄａ@ｅｘａｍｐｌｅ.ｏｒｇ",  # fullwidth
        "ADA@EXAMPLE.ORG",
    ],
)
def test_spellings_of_one_address_are_one_email(spelling: str) -> None:
    assert normalise_email(spelling) == "ada@example.org"


def test_decomposed_and_composed_accents_are_one_email() -> None:
    assert normalise_email("Zoe\u0301@example.org") == normalise_email("zoé@example.org")
    assert normalise_email("STRASSE@example.org") == normalise_email("straße@example.org")


@pytest.mark.parametrize(
    "email",
    [
        "a\u200bda@example.org",  # zero-width space
        "ada@exam\u200dple.org",  # zero-width joiner
        "\u202eada@example.org",  # right-to-left override
        "ada\u00ad@example.org",  # soft hyphen
        "ad\x00a@example.org",
        "ad\ud800a@example.org",
        "ad\u3000a@example.org",  # ideographic space
    ],
)
def test_invisible_characters_are_refused(email: str) -> None:
    with pytest.raises(CredentialsError) as caught:
        normalise_email(email)
    assert caught.value.field == "email"


@pytest.mark.parametrize(
    "email",
    [
        "\u0430da@example.org",  # Cyrillic а among Latin letters
        "ada@ex\u0430mple.org",
        "ada@example.\u03bfrg",  # Greek ο
    ],
)
def test_mixed_script_look_alikes_are_refused(email: str) -> None:
    with pytest.raises(CredentialsError, match="alphabets"):
        normalise_email(email)


@pytest.mark.parametrize(
    "email",
    [
        "\u0430\u0434\u0430@\u043f\u0440\u0438\u043c\u0435\u0440.\u0440\u0444",
        "山田@例え.jp",
        "やまだタロウ@example.jp",
    ],
)
def test_addresses_in_one_script_are_welcome(email: str) -> None:
    assert normalise_email(email) == email


@pytest.mark.parametrize("password", ["short", "pa\ud800ssword", "pass\x00word", "x" * 1025])
def test_unusable_passwords_are_refused(password: str) -> None:
    with pytest.raises(CredentialsError) as caught:
        check_new_password(password)
    assert caught.value.field == "password"


def test_one_password_typed_composed_or_decomposed_is_one_password() -> None:
    """NIST SP 800-63B: a password is Unicode-normalised (NFKC) before it is hashed."""
    composed, decomposed = "caf\u00e9 au lait", "cafe\u0301 au lait"
    assert composed != decomposed
    assert normalise_password(decomposed) == normalise_password(composed) == composed
    assert normalise_password("\uff50\uff41\uff53\uff53 word") == "pass word"  # fullwidth
    assert normalise_password("  two  spaces  ") == "  two  spaces  "  # spaces are kept


def test_a_password_is_measured_in_its_normal_form() -> None:
    with pytest.raises(CredentialsError, match="at least 8"):
        check_new_password("e\u0301" * 4)  # eight code points, four letters
    with pytest.raises(CredentialsError, match="too long"):
        check_new_password("\ufdfa" * 100)  # one character that NFKC writes as eighteen
