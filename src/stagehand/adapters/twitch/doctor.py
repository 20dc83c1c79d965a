"""`stagehand doctor` lines for Twitch: what is missing, short of a scope, expired or revoked.

The offline checks read the config and the token store only, so they answer instantly and
work before the network or the app registration is right. With `online=True` (doctor's
default) Twitch itself is asked whether it still accepts what is stored (see `online.py`),
and its answer replaces the offline verdict for the app and each account.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from stagehand.adapters.twitch.credentials import AUTH_FIX, AccountToken, TwitchCredentials
from stagehand.adapters.twitch.scopes import bot_scopes, broadcaster_scopes
from stagehand.config.twitch import TwitchSettings
from stagehand.platform import DoctorCheck
from stagehand.tokens import TokenStore

CHANNEL = "twitch channel"
BROADCASTER = "twitch broadcaster"
#: The lines about each account's token, which Twitch's answer confirms or refutes online.
ACCOUNTS = ("twitch bot", BROADCASTER)


def _now() -> datetime:
    return datetime.now(UTC)


def doctor_checks(
    settings: TwitchSettings,
    tokens: TokenStore,
    *,
    guest_link: str = "",
    now: datetime | None = None,
    online: bool = False,
) -> list[DoctorCheck]:
    """One check per thing the Twitch adapter needs, each with how to fix it. `guest_link` is
    the show's `[show] guest_link`, as the adapter is given it."""
    checks = offline_checks(settings, tokens, guest_link=guest_link, now=now, online=online)
    names = {check.name: check for check in checks}
    app = names.get("twitch app")
    if not online or not settings.enabled or app is None or not app.ok:
        return checks
    from stagehand.adapters.twitch.online import run_online_checks

    answers = run_online_checks(settings, tokens)
    if any(check.name == CHANNEL and not check.ok for check in answers):
        checks, answers = _no_such_channel(checks, answers, settings, tokens, now=now)
    asked = {check.name for check in answers}
    if not asked.issuperset(ACCOUNTS):
        # Twitch was not asked about every account (it refused the app first, or could not be
        # reached): an "ok" the token file alone gave says so, as with --offline.
        unchecked = offline_checks(settings, tokens, guest_link=guest_link, now=now)
        said = {check.name: check for check in unchecked if check.name in ACCOUNTS}
        checks = [
            said[check.name]
            if check.ok and check.name in said and check.name not in asked
            else check
            for check in checks
        ]
    return merge(checks, answers)


def merge(offline: list[DoctorCheck], online: list[DoctorCheck]) -> list[DoctorCheck]:
    """Twitch's word replaces an offline "ok" of the same name; an offline FIX stands (and
    Twitch's answer of that name is dropped: one line per check)."""
    answers = {check.name: check for check in online}
    merged = [
        answers.pop(check.name) if check.ok and check.name in answers else check
        for check in offline
    ]
    named = {check.name for check in offline}
    return merged + [check for check in answers.values() if check.name not in named]


def _no_such_channel(
    offline: list[DoctorCheck],
    online: list[DoctorCheck],
    settings: TwitchSettings,
    tokens: TokenStore,
    *,
    now: datetime | None,
) -> tuple[list[DoctorCheck], list[DoctorCheck]]:
    """Twitch has no channel of that name (a typo): the broadcaster is not told to log in as
    an account that does not exist; the channel line names the account that is authorized."""
    broadcaster = TwitchCredentials.load(tokens).broadcaster
    if broadcaster is None:
        return offline, online
    wanted = broadcaster_scopes(settings)
    checks = [
        # What the token itself is worth (Twitch's answer about it replaces an ok).
        _account(BROADCASTER, broadcaster, wanted, now or _now(), True)
        if check.name == BROADCASTER and _mismatched(settings, broadcaster)
        else check
        for check in offline
    ]
    hint = f'; the broadcaster authorized is {broadcaster.login} (channel = "{broadcaster.login}"?)'
    answers = [
        replace(check, fix=check.fix + hint) if check.name == CHANNEL and not check.ok else check
        for check in online
    ]
    return checks, answers


def offline_checks(
    settings: TwitchSettings,
    tokens: TokenStore,
    *,
    guest_link: str = "",
    now: datetime | None = None,
    online: bool = False,
) -> list[DoctorCheck]:
    """What the config and the token file alone can tell."""
    if not settings.enabled:
        return [DoctorCheck("twitch", True, "disabled ([twitch] enabled = false)")]
    now = now or _now()
    checks = [
        DoctorCheck(
            CHANNEL,
            bool(settings.channel),
            f"reading chat of {settings.channel}" if settings.channel else "no channel set",
            "" if settings.channel else "set [twitch] channel to your channel's login",
        )
    ]
    try:
        creds = TwitchCredentials.load(tokens)
    except RuntimeError as exc:
        return [
            *checks,
            DoctorCheck("twitch tokens", False, str(exc), f"delete it and {AUTH_FIX}"),
            stage_check(settings, guest_link),
        ]
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
    if tokens.path.exists():  # none yet: the bot and broadcaster lines say to make it
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
        BROADCASTER, creds.broadcaster, broadcaster_scopes(settings), now, online
    )
    if creds.broadcaster and _mismatched(settings, creds.broadcaster):
        broadcaster = DoctorCheck(
            BROADCASTER,
            False,
            f"authorized as {creds.broadcaster.login}, but the channel is {settings.channel}",
            f"{AUTH_FIX} and log in as {settings.channel}",
        )
    checks.append(broadcaster)
    checks.append(stage_check(settings, guest_link))
    return checks


def _mismatched(settings: TwitchSettings, broadcaster: AccountToken) -> bool:
    return bool(settings.channel) and broadcaster.login != settings.channel.lower()


def stage_check(settings: TwitchSettings, guest_link: str) -> DoctorCheck:
    """Whether pulling a viewer on stage (`p`) can reach them, as the adapter's
    `invite_to_stage` does it: the guest link by whisper or in public chat, and/or a Guest
    Star invite; with neither, the host would find out on air."""
    if not guest_link.strip():
        if settings.guest_star:
            return DoctorCheck(
                "twitch stage",
                True,
                "guests get a Guest Star invite only ([show] guest_link is empty)",
            )
        return DoctorCheck(
            "twitch stage",
            False,
            "no [show] guest_link: pulling a viewer on stage has nothing to send them",
            "set [show] guest_link to the link guests join by (StreamYard, VDO.Ninja, ...), "
            "or [twitch] guest_star = true",
        )
    how = (
        "in a reply in public chat"
        if settings.invite_via == "public_chat"
        else "by whisper (the bot account needs a verified phone number)"
    )
    star = " and a Guest Star invite" if settings.guest_star else ""
    return DoctorCheck("twitch stage", True, f"guests get the [show] guest_link {how}{star}")


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
