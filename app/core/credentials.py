"""What an email address and a password may be: one home for the Unicode rules of accounts.

An email is compared in one canonical form, so that look-alike spellings cannot make a second
account: Unicode NFKC (fullwidth letters become ASCII, decomposed accents are composed), then
case-folded.  Invisible characters (zero-width spaces, direction marks, controls) are refused
rather than dropped, and so is a part of the address that mixes scripts (a Cyrillic "а" among
Latin letters): those exist to deceive.

A password is any text of MIN_PASSWORD to MAX_PASSWORD characters (NIST SP 800-63B: no
composition rules); only what cannot be stored or hashed is refused here (a lone surrogate, a
NUL).  It is checked and hashed in its NFKC form (NIST SP 800-63B, 5.1.1.2), so "é" typed as
one character on one device and as "e" plus an accent on another is one password.  The check against common and breached passwords needs a list the browser does not carry,
so it lives on the server (``server/passwords.py``).
"""

from __future__ import annotations

import re
import unicodedata

MIN_PASSWORD = 8
MAX_PASSWORD = 1024  # hashing a megabyte of "password" is a denial of service, not a password
MAX_EMAIL = 254

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]+$")
# Scripts that are written together in one word.
_SCRIPT_FAMILIES = {"HIRAGANA": "CJK", "KATAKANA": "CJK", "HANGUL": "CJK", "IDEOGRAPHIC": "CJK"}


class CredentialsError(ValueError):
    """An email or password that cannot be used; the text says why, for a person."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return False
    return True


def _script(char: str) -> str | None:
    """The script of a letter (by its Unicode name), None for digits, marks and punctuation."""
    if not unicodedata.category(char).startswith("L"):
        return None
    name = unicodedata.name(char, "")
    word = name.split(" ", 1)[0]
    return _SCRIPT_FAMILIES.get(word, word) or None


def _mixes_scripts(part: str) -> bool:
    scripts = {s for s in map(_script, part) if s is not None}
    return len(scripts) > 1


def legacy_email(raw: str) -> str:
    """How emails were stored before this module: trimmed and lower-cased only."""
    return raw.strip().lower()


def normalise_email(raw: str) -> str:
    """The canonical form of an email address, or CredentialsError saying what is wrong."""
    bad = CredentialsError("email", "That does not look like an email address.")
    if not _encodable(raw):
        raise bad
    email = unicodedata.normalize("NFKC", raw.strip()).casefold()
    # Controls, format characters (zero-width, direction marks), unassigned, private, spaces.
    if any(unicodedata.category(c)[0] in "CZ" for c in email):
        raise CredentialsError("email", "That email address holds invisible characters.")
    if len(email) > MAX_EMAIL or not _EMAIL.match(email):
        raise bad
    local, _, domain = email.rpartition("@")
    if any(_mixes_scripts(part) for part in (local, *domain.split("."))):
        raise CredentialsError("email", "That email address mixes letters of different alphabets.")
    return email


def normalise_password(password: str) -> str:
    """The form a password is measured and hashed in (check it with check_password_text)."""
    return unicodedata.normalize("NFKC", password)


def check_password_text(password: str) -> None:
    """Refuse a password that cannot be stored or hashed (its least length is checked when it
    is chosen: check_new_password)."""
    if not _encodable(password) or "\x00" in password:
        raise CredentialsError("password", "That password holds characters that cannot be used.")
    # NFKC may lengthen a character eighteen times: measured both ways.
    if len(password) > MAX_PASSWORD or len(normalise_password(password)) > MAX_PASSWORD:
        raise CredentialsError("password", "That password is too long.")


def check_new_password(password: str) -> None:
    """The rules for choosing a password (sign-up, change), beyond the common-password list."""
    check_password_text(password)
    if len(normalise_password(password)) < MIN_PASSWORD:
        raise CredentialsError(
            "password", f"Choose a password of at least {MIN_PASSWORD} characters."
        )
