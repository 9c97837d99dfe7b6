"""Whether a new password is too easy to guess (NIST SP 800-63B, section 3.1.1.2).

NIST asks for no composition rules ("one digit, one capital"), only that a password is refused
when it is a known breached or common one, a dictionary word, repetitive or sequential
("aaaaaaaa", "12345678"), or made of the service's or the person's own name.  zxcvbn ships a
ranked list of 30,000 passwords from breach corpora and English words, names and keyboard
patterns, and estimates how many guesses an attacker would need; fewer than a million is too
few.  The list comes with the package (no network request).
"""

from __future__ import annotations

import unicodedata

from zxcvbn import zxcvbn  # type: ignore[import-untyped]
from zxcvbn.frequency_lists import FREQUENCY_LISTS  # type: ignore[import-untyped]

# zxcvbn's cost grows quickly with length; the first 72 characters tell what there is to tell.
CHECKED_LENGTH = 72
MIN_GUESSES_LOG10 = 6
_COMMON = frozenset(FREQUENCY_LISTS["passwords"])
SERVICE_WORDS = ("setflow", "workout", "lifting")


def weakness(password: str, email: str) -> str | None:
    """Why ``password`` is too easy to guess, in a person's words; None when it is fine."""
    folded = unicodedata.normalize("NFKC", password).casefold()
    if folded in _COMMON or folded.strip() in _COMMON:
        return "That password is one of the most common ones. Choose another."
    local, _, domain = email.partition("@")
    context = [email, local, *domain.split("."), *SERVICE_WORDS]
    result = zxcvbn(password[:CHECKED_LENGTH], user_inputs=context)
    if result["guesses_log10"] < MIN_GUESSES_LOG10:
        return "That password is too easy to guess. A few unrelated words make a strong one."
    return None
