"""Which engine a user agent is, and the advice each engine's lifter sees about their data."""

from __future__ import annotations

import pytest

from app.core.capabilities import (
    CHROMIUM,
    FIREFOX,
    OTHER,
    SAFARI,
    Capabilities,
    browser_family,
    storage_advice,
)

AGENTS = {
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1": SAFARI,
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0 Mobile/15E148 Safari/604.1": SAFARI,
    "Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/131.0 Mobile/15E148 Safari/605.1.15": SAFARI,
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15": SAFARI,
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/60.5 Safari/605.1.15": SAFARI,
    "Mozilla/5.0 (X11; Linux x86_64; rv:153.0) Gecko/20100101 Firefox/153.0": FIREFOX,
    "Mozilla/5.0 (Android 14; Mobile; rv:131.0) Gecko/131.0 Firefox/131.0": FIREFOX,
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36": CHROMIUM,
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0": CHROMIUM,
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36": CHROMIUM,
    "curl/8.5.0": OTHER,
}


@pytest.mark.parametrize(("agent", "family"), AGENTS.items())
def test_browser_family(agent: str, family: str) -> None:
    assert browser_family(agent) == family


def test_safari_not_installed_says_how_to_add_to_the_home_screen_and_why() -> None:
    advice = storage_advice(Capabilities(SAFARI, installed=False, persisted=False))
    assert advice is not None
    assert advice.heading == "Add Setflow to your Home Screen"
    assert "may clear the data of a website you have not opened for a few weeks" in advice.text
    assert "Export data" in advice.text
    assert "tap Share, then Add to Home Screen" in advice.steps[0]


def test_signed_in_lifters_are_told_their_account_holds_a_copy() -> None:
    advice = storage_advice(Capabilities(SAFARI, installed=False, persisted=False), signed_in=True)
    assert advice is not None
    assert "also kept on your account" in advice.text
    assert "Export data" not in advice.text


@pytest.mark.parametrize("family", [SAFARI, FIREFOX, CHROMIUM, OTHER])
def test_no_advice_once_installed_or_storage_is_persistent(family: str) -> None:
    assert storage_advice(Capabilities(family, installed=True, persisted=False)) is None
    assert storage_advice(Capabilities(family, installed=False, persisted=True)) is None
    assert storage_advice(Capabilities(family, installed=False, persisted=None)) is None


def test_firefox_cannot_install_so_it_is_told_to_keep_a_copy() -> None:
    advice = storage_advice(Capabilities(FIREFOX, installed=False, persisted=False))
    assert advice is not None
    assert advice.heading == "Keep a copy of your data"
    assert "cannot install Setflow" in advice.text
    assert advice.steps == ()


def test_chromium_is_told_to_install() -> None:
    advice = storage_advice(Capabilities(CHROMIUM, installed=False, persisted=False))
    assert advice is not None
    assert advice.heading == "Install Setflow"
    assert "Install Setflow" in advice.steps[0]
