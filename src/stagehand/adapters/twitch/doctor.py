"""`stagehand doctor` lines for Twitch: what is missing, short of a scope, expired or revoked.

The offline checks read the config and the token store only, so they answer instantly and
work before the network or the app registration is right. With `online=True` (doctor's
default) Twitch itself is asked whether it still accepts what is stored (see `online.py`),
and its answer replaces the offline verdict for the app and each account.
"""

from __future__ import annotations

from datetime import UTC, datetime

from stagehand.adapters.twitch.credentials import AUTH_FIX, AccountToken, TwitchCredentials
from stagehand.adapters.twitch.scopes import bot_scopes, broadcaster_scopes
from stagehand.config.twitch import TwitchSettings
from stagehand.platform import DoctorCheck
from stagehand.tokens import TokenStore


def doctor_checks(
    settings: TwitchSettings,
    tokens: TokenStore,
    *,
    now: datetime | None = None,
    online: bool = False,
) -> list[DoctorCheck]:
    """One check per thing the Twitch adapter needs, each with how to fix it."""
    checks = offline_checks(settings, tokens, now=now, online=online)
    names = {check.name: check for check in checks}
    app = names.get("twitch app")
    if not online or not settings.enabled or app is None or not app.ok:
        return checks
    from stagehand.adapters.twitch.online import run_online_checks

    return merge(checks, run_online_checks(settings, tokens))


def merge(offline: list[DoctorCheck], online: list[DoctorCheck]) -> list[DoctorCheck]:
    """Twitch's word replaces an offline "ok" of the same name; an offline FIX stands."""
    answers = {check.name: check for check in online}
    merged = [
        answers.pop(check.name) if check.ok and check.name in answers else check
        for check in offline
    ]
    return merged + [check for check in online if check.name in answers]


def offline_checks(
    settings: TwitchSettings,
    tokens: TokenStore,
    *,
    now: datetime | None = None,
    online: bool = False,
) -> list[DoctorCheck]:
    """What the config and the token file alone can tell."""
    if not settings.enabled:
        return [DoctorCheck("twitch", True, "disabled ([twitch] enabled = false)")]
    now = now or datetime.now(UTC)
    checks = [
        DoctorCheck(
            "twitch channel",
            bool(settings.channel),
            f"reading chat of {settings.channel}" if settings.channel else "no channel set",
            "" if settings.channel else "set [twitch] channel to your channel's login",
        )
    ]
    try:
        creds = TwitchCredentials.load(tokens)
    except RuntimeError as exc:
        return [*checks, DoctorCheck("twitch tokens", False, str(exc), f"delete it and {AUTH_FIX}")]
    client_id, secret = creds.app_credentials(settings)
    checks.append(
        DoctorCheck(
            "twitch app",
            bool(client_id and secret),
            "client id and secret present"
            if client_id and secret
            else "missing "
            + " and ".join(
                n for n, v in (("client id", client_id), ("client secret", secret)) if not v
            ),
            "" if client_id and secret else AUTH_FIX,
        )
    )
    checks.append(
        DoctorCheck(
            "twitch token file",
            tokens.permissions_ok(),
            f"{tokens.path} is readable by you only"
            if tokens.permissions_ok()
            else f"{tokens.path} is readable by others",
            "" if tokens.permissions_ok() else f"chmod 600 {tokens.path}",
        )
    )
    checks.append(_account("twitch bot", creds.bot, bot_scopes(settings), now, online))
    broadcaster = _account(
        "twitch broadcaster", creds.broadcaster, broadcaster_scopes(settings), now, online
    )
    if (
        creds.broadcaster
        and settings.channel
        and creds.broadcaster.login != settings.channel.lower()
    ):
        broadcaster = DoctorCheck(
            "twitch broadcaster",
            False,
            f"authorized as {creds.broadcaster.login}, but the channel is {settings.channel}",
            f"{AUTH_FIX} and log in as {settings.channel}",
        )
    checks.append(broadcaster)
    return checks


def _account(
    name: str, account: AccountToken | None, wanted: dict[str, str], now: datetime, online: bool
) -> DoctorCheck:
    if account is None:
        return DoctorCheck(name, False, "not authorized yet", AUTH_FIX)
    missing = account.missing_scopes(wanted)
    if missing:
        return DoctorCheck(name, False, f"{account.login} lacks {', '.join(missing)}", AUTH_FIX)
    if not account.refresh_token:
        return DoctorCheck(name, False, f"{account.login} has no refresh token", AUTH_FIX)
    if account.expired(now):
        detail = f"{account.login}: access token expired; it is refreshed when stagehand connects"
    else:
        detail = f"{account.login} authorized"
    if not online:
        detail += " (not checked online: Twitch may have revoked it)"
    return DoctorCheck(name, True, detail)
