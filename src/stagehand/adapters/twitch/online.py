"""`stagehand doctor`'s online Twitch checks: does Twitch still accept what is stored?

The token file can say "authorized" long after the user disconnected stagehand on Twitch, or
after a scope was dropped; only Twitch knows. These checks ask it the way the adapter will at
`stagehand run`: the app's client credentials (`POST /oauth2/token`), the channel
(`GET /helix/users`), and each account's token (`GET /oauth2/validate`, whose answer lists the
scopes the token really has). An access token that merely ran out (they last about four
hours) is refreshed, and the refreshed token is stored, exactly as the adapter would do.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import aiohttp

from stagehand.adapters.twitch.credentials import (
    APPS,
    AUTH_FIX,
    AccountToken,
    TwitchCredentials,
    app_credential_fix,
    refused_app_credential,
)
from stagehand.adapters.twitch.probe import NETWORK_ERRORS, TwitchProbe
from stagehand.adapters.twitch.scopes import bot_scopes, broadcaster_scopes
from stagehand.config.twitch import TwitchSettings
from stagehand.platform import DoctorCheck
from stagehand.tokens import TokenStore


async def online_checks(
    settings: TwitchSettings, tokens: TokenStore, *, timeout: float = 10.0
) -> list[DoctorCheck]:
    """Ask Twitch about the app, the channel and each stored account. Never raises."""
    creds = TwitchCredentials.load(tokens)
    client_id, secret = creds.app_credentials(settings)
    host = urlsplit(settings.oauth_url).netloc
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as http:
            twitch = TwitchProbe(http, settings, client_id)
            return await _ask(twitch, settings, tokens, creds, secret)
    except NETWORK_ERRORS as exc:
        return [
            DoctorCheck(
                "twitch api",
                False,
                f"cannot reach Twitch at {host} ({type(exc).__name__})",
                "check the network (or the [twitch] endpoints); `stagehand doctor --offline` "
                "checks everything else",
            )
        ]


async def _ask(
    twitch: TwitchProbe,
    settings: TwitchSettings,
    tokens: TokenStore,
    creds: TwitchCredentials,
    secret: str,
) -> list[DoctorCheck]:
    app = await twitch.app_token(secret)
    if app.status != 200 or not app.body.get("access_token"):
        return [_app_refused(settings, app.status, app.message)]
    checks = [DoctorCheck("twitch app", True, "Twitch accepts the client id and secret")]
    channel = await twitch.user(settings.channel, str(app.body["access_token"]))
    if channel.status == 200 and channel.body.get("data"):
        checks.append(DoctorCheck("twitch channel", True, f"{settings.channel} exists on Twitch"))
    elif channel.status == 200:
        checks.append(
            DoctorCheck(
                "twitch channel",
                False,
                f"Twitch has no channel named {settings.channel!r}",
                "set [twitch] channel to your channel's login (the name in its URL)",
            )
        )
    roles = [("twitch bot", creds.bot, bot_scopes(settings))]
    roles.append(("twitch broadcaster", creds.broadcaster, broadcaster_scopes(settings)))
    for name, account, wanted in roles:
        if account is not None:
            checks.append(
                await _account(twitch, tokens, secret, name, account, wanted)  # in order
            )
    return checks


def _app_refused(settings: TwitchSettings, status: int, message: str) -> DoctorCheck:
    """Twitch refused the app's credentials: the fix names where the one it blames came from
    (the config key, the environment variable, or the token store `stagehand auth` filled),
    as `stagehand run` does."""
    blamed = refused_app_credential(message)
    if blamed is not None:
        what = "client secret" if blamed else "client id"
        return DoctorCheck(
            "twitch app",
            False,
            f"Twitch refused the app's {what} ({status} {message})",
            app_credential_fix(settings, blamed),
        )
    configured = bool(settings.client_id) or bool(
        settings.client_secret is not None and settings.client_secret.get_secret_value()
    )
    fix = (
        f"{app_credential_fix(settings, False)}, or {app_credential_fix(settings, True)}"
        if configured
        else f"copy the Client ID again, or press New Secret, at {APPS}; then {AUTH_FIX}"
    )
    return DoctorCheck(
        "twitch app", False, f"Twitch refused the client id and secret ({status} {message})", fix
    )


async def _account(
    twitch: TwitchProbe,
    tokens: TokenStore,
    secret: str,
    name: str,
    account: AccountToken,
    wanted: dict[str, str],
) -> DoctorCheck:
    valid = await twitch.validate(account.access_token)
    refreshed = ""
    if valid.status == 401:
        # Expired or revoked: only a refresh tells them apart.
        renewed = await twitch.token(
            client_id=twitch.client_id,
            client_secret=secret,
            grant_type="refresh_token",
            refresh_token=account.refresh_token,
        )
        access = str(renewed.body.get("access_token") or "")
        if renewed.status != 200 or not access:
            return DoctorCheck(
                name,
                False,
                f"{account.login}: Twitch no longer accepts the token, and refused to refresh it "
                f"({renewed.status} {renewed.message}): stagehand was revoked or disconnected",
                f"{AUTH_FIX} and log in as {account.login}",
            )
        _store_refreshed(tokens, account, renewed.body)
        valid = await twitch.validate(access)
        refreshed = "; its access token had expired and was refreshed"
    if valid.status != 200:
        return DoctorCheck(
            name,
            False,
            f"{account.login}: Twitch answered {valid.status} {valid.message}",
            AUTH_FIX,
        )
    if str(valid.body.get("user_id") or "") != account.user_id:
        return DoctorCheck(
            name, False, f"{account.login}: the stored token belongs to another account", AUTH_FIX
        )
    granted = {str(scope) for scope in valid.body.get("scopes") or ()}
    missing = [scope for scope in wanted if scope not in granted]
    if missing:
        return DoctorCheck(
            name,
            False,
            f"{account.login}: Twitch says the token lacks {', '.join(missing)}",
            f"{AUTH_FIX} (it asks for every scope the config needs)",
        )
    detail = f"{account.login}: Twitch confirms the token and its {len(wanted)} scopes{refreshed}"
    return DoctorCheck(name, True, detail)


def _store_refreshed(tokens: TokenStore, account: AccountToken, body: dict[str, Any]) -> None:
    """Keep the refreshed token: Twitch may have replaced the refresh token too."""
    creds = TwitchCredentials.load(tokens)
    updated = creds.with_refreshed(
        account.user_id,
        str(body["access_token"]),
        str(body.get("refresh_token") or account.refresh_token),
        int(body.get("expires_in") or 0),
        datetime.now(UTC),
    )
    updated.save(tokens)


def run_online_checks(settings: TwitchSettings, tokens: TokenStore) -> list[DoctorCheck]:
    """From synchronous code (the doctor command)."""
    return asyncio.run(online_checks(settings, tokens))
