"""`stagehand doctor` for Discord: is everything in place for the bot to join the show?

Offline checks read the settings and the token store (whose file permissions the general
doctor checks once for every platform). With `online=True` (doctor's default) Discord itself is
asked what a user would otherwise find out mid-show (see `online.py`).
"""

from __future__ import annotations

import asyncio

from stagehand.adapters.discord.credentials import PORTAL, bot_token, looks_like_bot_token
from stagehand.adapters.discord.online import online_checks
from stagehand.config.discord import DiscordSettings
from stagehand.platform import DoctorCheck
from stagehand.tokens import TokenStore


def doctor_checks(
    settings: DiscordSettings,
    tokens: TokenStore,
    *,
    guest_link: str = "",
    online: bool = True,
    timeout: float = 10.0,
) -> list[DoctorCheck]:
    """Every Discord check, in the order a user would fix them. Call from synchronous code.
    `guest_link` is the show's `[show] guest_link`, as the adapter is given it."""
    return asyncio.run(
        doctor_checks_async(settings, tokens, guest_link=guest_link, online=online, timeout=timeout)
    )


async def doctor_checks_async(
    settings: DiscordSettings,
    tokens: TokenStore,
    *,
    guest_link: str = "",
    online: bool = True,
    timeout: float = 10.0,
) -> list[DoctorCheck]:
    if not settings.enabled:
        return [DoctorCheck("discord", True, "not enabled ([discord] enabled = false)")]
    checks = offline_checks(settings, tokens)
    token, _ = bot_token(settings, tokens)
    ready = all(c.ok for c in checks)
    checks.append(stage_check(settings, guest_link))  # Discord is asked whatever it says
    if online and ready and token is not None:
        checks += await online_checks(settings, token, timeout=timeout)
    return checks


def offline_checks(settings: DiscordSettings, tokens: TokenStore) -> list[DoctorCheck]:
    checks = []
    token, source = bot_token(settings, tokens)
    if token is None:
        checks.append(
            DoctorCheck(
                "discord token",
                False,
                "no bot token in the config, the environment or the token store",
                "run `stagehand auth discord` or set STAGEHAND_DISCORD_TOKEN",
            )
        )
    elif not looks_like_bot_token(token):
        checks.append(
            DoctorCheck(
                "discord token",
                False,
                f"the token from the {source} does not look like a bot token",
                f"copy it from {PORTAL} -> your app -> Bot -> Reset Token (not the client secret)",
            )
        )
    else:
        checks.append(DoctorCheck("discord token", True, f"found in the {source}"))
    if settings.guild_id is None:
        checks.append(
            DoctorCheck(
                "discord server",
                False,
                "[discord] guild_id is not set",
                "Discord: User Settings -> Advanced -> Developer Mode; right-click the server "
                "-> Copy Server ID; put it in [discord] guild_id",
            )
        )
    return checks


def stage_check(settings: DiscordSettings, guest_link: str) -> DoctorCheck:
    """Whether pulling a viewer on stage (`p`) can reach anyone, as `actions.invite_to_stage`
    does it: a Stage audience member is invited to speak, anyone else gets the guest link by
    direct message, and with neither there is nothing to invite them with."""
    has_link = bool(guest_link.strip())
    if settings.stage_channel_id is None and not has_link:
        return DoctorCheck(
            "discord stage",
            False,
            "no Stage channel and no [show] guest_link: pulling a viewer on stage cannot "
            "invite anyone",
            "set [show] guest_link to the link guests join by (StreamYard, VDO.Ninja, ...), "
            "or [discord] stage_channel_id to your Stage channel's id",
        )
    if settings.stage_channel_id is None:
        return DoctorCheck(
            "discord stage",
            True,
            "no Stage channel set: guests get the [show] guest_link by direct message",
        )
    others = (
        "others get the [show] guest_link by direct message"
        if has_link
        else "others cannot be invited ([show] guest_link is empty)"
    )
    return DoctorCheck(
        "discord stage",
        True,
        f"viewers in the audience of Stage channel {settings.stage_channel_id} are invited "
        f"to speak; {others}",
    )
