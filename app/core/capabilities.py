"""What this browser can do for Setflow's data, and what to tell the lifter when it falls short.

The adapter (``app/browser/boot.py``) reads the facts (user agent, installed or not, persistent
storage granted or not); everything decided from them lives here, so each engine's advice is
tested without a browser. Safari is the engine that matters most: it may delete the data of a
site that is not on the Home Screen after weeks without a visit, and offers no install prompt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SAFARI = "safari"  # any WebKit browser: every browser on iPhone and iPad, Safari on a Mac
FIREFOX = "firefox"
CHROMIUM = "chromium"  # Chrome, Edge, Samsung Internet, Opera...
OTHER = "other"


def browser_family(user_agent: str) -> str:
    """The engine family behind a user agent string (iOS browsers are all WebKit)."""
    if re.search(r"\b(iPhone|iPad|iPod)\b", user_agent):
        return SAFARI
    if "Firefox/" in user_agent:
        return FIREFOX
    if re.search(r"(Chrome|Chromium|CriOS|Edg)/", user_agent):  # also HeadlessChrome/
        return CHROMIUM
    if "AppleWebKit/" in user_agent and "Safari/" in user_agent:
        return SAFARI
    return OTHER


@dataclass(frozen=True)
class Capabilities:
    family: str
    installed: bool  # opened from the Home Screen / as an installed app
    persisted: bool | None  # persistent storage granted; None while unknown


@dataclass(frozen=True)
class Advice:
    heading: str
    text: str
    steps: tuple[str, ...] = ()


def storage_advice(caps: Capabilities, *, signed_in: bool = False) -> Advice | None:
    """How to keep this device's data safe here, or None when the browser already keeps it."""
    if caps.installed or caps.persisted is not False:
        return None
    backup = (
        "Your data is also kept on your account."
        if signed_in
        else "Until then, sign in to sync it, or use Export data now and then."
    )
    if caps.family == SAFARI:
        return Advice(
            "Add Setflow to your Home Screen",
            "Safari may clear the data of a website you have not opened for a few weeks. "
            f"Added to the Home Screen, Setflow keeps it. {backup}",
            (
                "On iPhone or iPad: tap Share, then Add to Home Screen.",
                "On a Mac: in Safari choose File, then Add to Dock.",
            ),
        )
    if caps.family == CHROMIUM:
        return Advice(
            "Install Setflow",
            "This browser may clear a website's data when the device runs low on space; "
            f"installed, Setflow keeps it. {backup}",
            ("Open the browser menu and choose Install Setflow (or Add to Home screen).",),
        )
    return Advice(
        "Keep a copy of your data",
        "This browser may clear a website's data when the device runs low on space, "
        f"and cannot install Setflow as an app. {backup}",
    )


# What the rest timer can do with Setflow in the background, by notification permission
# (``unsupported``, ``default``, ``denied``, ``granted``; read by app/js/ticker.mjs).
REST_ALERT_NOTES = {
    "unsupported": "This browser cannot alert you while Setflow is in the background: keep it "
    "open to hear the rest timer.",
    "denied": "Notifications are off for Setflow, so the rest alert only comes while Setflow is open.",
    "granted": "When the rest is over you get a notification, even with Setflow in the background "
    "(it can come up to a minute late there).",
    "default": "",
}
# Safari on iPhone and iPad gives notifications only to a web app added to the Home Screen.
SAFARI_REST_ALERT = (
    "Safari alerts you when the rest is over only once Setflow is on your Home Screen: tap "
    "Share, then Add to Home Screen, and open Setflow from there. Until then, keep Setflow open "
    "to hear the rest timer."
)


def rest_alert_note(permission: str, caps: Capabilities | None) -> str:
    """What the rest timer's alert can do here, and how to get it where the browser holds back."""
    if permission == "unsupported" and caps and caps.family == SAFARI and not caps.installed:
        return SAFARI_REST_ALERT
    return REST_ALERT_NOTES.get(permission, "")
