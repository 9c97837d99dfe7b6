"""Settings: this device, its storage, export/import, the account and sync, and conflicts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from app.core.account import guest_offer
from app.core.capabilities import Advice, storage_advice
from app.views import importing, preferences
from app.views.conflicts import render_one
from app.views.html import esc, notice, number
from app.views.state import Account, Data, Screen


def _bytes(value: Any) -> str:
    if not isinstance(value, (int, float)):
        return "unknown"
    size = float(value)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{number(round(size, 1))} {unit}"
        size /= 1024
    return "unknown"  # pragma: no cover


def _guest_offer(account: Account) -> str:
    if not account.guest_records:
        return ""
    return (
        '<div class="notice ok" id="guest-offer" role="group" aria-label="Data made before signing in">'
        f"<p>{esc(guest_offer(account.guest_records))} Add it to {esc(account.email or '')}'s "
        "data (it will sync), or keep it apart as guest data on this device?</p>"
        '<div class="row"><button type="button" data-action="bring-guest-data">Add to my data</button>'
        '<button type="button" class="secondary" data-action="keep-guest-data">Keep apart</button>'
        "</div></div>"
    )


def _account(account: Account) -> str:
    last = esc(account.last_synced_at or "Never")
    facts = (
        f'<dl class="facts"><dt>Sync status</dt><dd id="settings-sync-status">{esc(account.status)}</dd>'
        f'<dt>Last synced</dt><dd id="last-synced">{last}</dd>'
        f'<dt>Not yet synced</dt><dd><span id="pending-count">{account.pending}</span> '
        f"change{'s' if account.pending != 1 else ''}</dd></dl>"
    )
    busy = " disabled" if account.busy else ""
    if account.email:
        waiting = (
            f" {account.pending:,} change{'s' if account.pending != 1 else ''} not uploaded yet "
            "will wait here and upload when you sign in again."
            if account.pending
            else ""
        )
        return (
            f'<p>Signed in as <strong id="account-email">{esc(account.email)}</strong>.</p>{facts}'
            f"{_guest_offer(account)}"
            f'<div class="row"><button type="button" data-action="sync-now"{busy}>Sync now</button>'
            '<button type="button" class="secondary" data-action="sign-out">Sign out</button></div>'
            '<p class="muted" id="sign-out-note">Signing out keeps your data on this device, apart '
            f"from anyone else's, and stops syncing.{waiting}</p>"
            f"{_account_controls(account)}"
        )
    return (
        '<p class="muted">Sign in to keep your devices in sync. Everything works without an account; '
        "what you make before signing in stays on this device until you choose to add it to an "
        "account.</p>"
        '<form data-form="account">'
        '<label for="account-email-input">Email</label>'
        '<input id="account-email-input" name="email" type="email" autocomplete="username" required>'
        '<label for="account-password">Password</label>'
        '<input id="account-password" name="password" type="password" autocomplete="current-password" minlength="8" required>'
        f'<div class="row"><button type="submit" name="intent" value="signup"{busy}>Create account</button>'
        f'<button type="submit" name="intent" value="login" class="secondary"{busy}>Sign in</button></div>'
        f"</form>{facts}"
    )


def _when(ms: Any) -> str:
    if not isinstance(ms, (int, float)):
        return ""
    return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%d %b %Y")


def _sessions(account: Account) -> str:
    if account.sessions is None:
        return (
            '<button type="button" class="secondary" data-action="load-sessions">'
            "Show where you are signed in</button>"
        )
    items = "".join(
        f'<li><div class="grow">{esc(str(s.get("device", "A browser")))}'
        f'<br><span class="muted">Signed in {esc(_when(s.get("createdAt")))}</span></div>'
        + (
            '<span class="muted">This device</span>'
            if s.get("current")
            else f'<button type="button" class="secondary" data-action="end-session" '
            f'data-id="{esc(str(s.get("id", "")))}">Sign out</button>'
        )
        + "</li>"
        for s in account.sessions
    )
    return f'<ul class="list" aria-label="Signed in on">{items}</ul>'


def _username(account: Account) -> str:
    """The account's email beside a password field, out of sight: password managers file the
    password under this login instead of guessing."""
    return (
        '<input name="username" type="email" autocomplete="username" '
        f'value="{esc(account.email or "")}" hidden readonly>'
    )


def _account_controls(account: Account) -> str:
    """Password, sessions and deleting the account: what a person controls of their account."""
    return (
        '<details><summary>Change password</summary><form data-form="change-password">'
        f"{_username(account)}"
        '<label for="current-password">Current password</label>'
        '<input id="current-password" name="current" type="password" autocomplete="current-password" required>'
        '<label for="new-password">New password</label>'
        '<input id="new-password" name="new" type="password" autocomplete="new-password" minlength="8" required>'
        '<p class="muted">Your other devices will be signed out. This one stays signed in.</p>'
        '<button type="submit">Change password</button></form></details>'
        f"<details{' open' if account.sessions is not None else ''}>"
        "<summary>Devices signed in</summary>"
        f"{_sessions(account)}"
        '<button type="button" class="secondary" data-action="sign-out-everywhere">'
        "Sign out everywhere</button>"
        '<p class="muted">Signs out every device, this one too. Data on your devices stays.</p>'
        "</details>"
        "<details><summary>Delete account</summary>"
        "<p>This deletes your account and all your workouts from the server. "
        "It cannot be undone. Export your data first if you want to keep a copy.</p>"
        '<button type="button" class="secondary" data-action="export">Export data first</button>'
        f'<form data-form="delete-account">{_username(account)}'
        '<label for="delete-password">Your password</label>'
        '<input id="delete-password" name="password" type="password" autocomplete="current-password" required>'
        '<p class="muted">Your data on this device is kept; only the server copy is deleted.</p>'
        '<button type="submit" class="danger">Delete my account</button></form></details>'
    )


def _advice(advice: Advice | None) -> str:
    if advice is None:
        return ""
    steps = "".join(f"<li>{esc(step)}</li>" for step in advice.steps)
    return (
        '<div class="card" role="region" aria-labelledby="advice-title">'
        f'<h3 id="advice-title">{esc(advice.heading)}</h3><p>{esc(advice.text)}</p>'
        + (f'<ol aria-label="How to">{steps}</ol>' if steps else "")
        + "</div>"
    )


def render(screen: Screen, data: Data, account: Account) -> str:
    storage = screen.storage
    persisted = storage.get("persisted")
    persisted_text = "Yes" if persisted else ("No" if persisted is False else "Checking…")
    caps = screen.capabilities
    advice = _advice(storage_advice(caps, signed_in=bool(account.email)) if caps else None)
    conflicts = "".join(render_one(c, data, screen.device_id) for c in data.conflicts)
    conflict_section = (
        f'<ul class="list" aria-label="Conflicts">{conflicts}</ul>'
        if conflicts
        else '<p class="muted">No conflicts. Edits made on other devices merged cleanly.</p>'
    )
    return (
        '<section class="paired" aria-labelledby="settings-title"><h2 id="settings-title">Settings</h2>'
        f"{notice(screen.message, screen.message_ok)}{preferences.render(data)}"
        '<div class="card"><h3>This device</h3><dl class="facts">'
        f'<dt>Storage used</dt><dd id="storage-used">{_bytes(storage.get("usage"))}</dd>'
        f'<dt>Safe from clearing</dt><dd id="storage-persisted">{persisted_text}</dd>'
        "</dl><details><summary>Code for help with syncing</summary>"
        '<p class="muted">If you ask for help with syncing, give this code: it names this device. '
        f'<span id="device-id">{esc(screen.device_id)}</span></p></details></div>'
        f"{advice}"
        '<div class="card"><h3>Your data</h3>'
        '<p class="muted">Export everything to a file, and import it on another device. '
        "Import also reads CSV exports from Strong, Hevy and FitNotes.</p>"
        '<div class="row"><button type="button" data-action="export">Export data</button>'
        '<button type="button" class="secondary" data-action="export-csv" data-id="strong">'
        "Export as Strong CSV</button>"
        '<button type="button" class="secondary" data-action="export-csv" data-id="hevy">'
        "Export as Hevy CSV</button></div>"
        '<label for="import-file">Import data</label>'
        '<input id="import-file" type="file" accept="application/json,.json,text/csv,.csv" '
        f'data-action="import">{importing.card(screen, data)}</div>'
        f'<div class="card"><h3>Account and sync</h3>{_account(account)}</div>'
        f'<div class="card"><h3 id="conflicts-title">Conflicts</h3>{conflict_section}</div>'
        "</section>"
    )
