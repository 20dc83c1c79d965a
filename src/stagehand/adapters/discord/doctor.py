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
    settings: DiscordSettings, tokens: TokenStore, *, online: bool = True, timeout: float = 10.0
) -> list[DoctorCheck]:
    """Every Discord check, in the order a user would fix them. Call from synchronous code."""
    return asyncio.run(doctor_checks_async(settings, tokens, online=online, timeout=timeout))


async def doctor_checks_async(
    settings: DiscordSettings, tokens: TokenStore, *, online: bool = True, timeout: float = 10.0
) -> list[DoctorCheck]:
    if not settings.enabled:
        return [DoctorCheck("discord", True, "not enabled ([discord] enabled = false)")]
    checks = offline_checks(settings, tokens)
    token, _ = bot_token(settings, tokens)
    if online and token is not None and all(c.ok for c in checks):
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
    if settings.stage_channel_id is None:
        checks.append(
            DoctorCheck(
                "discord stage",
                True,
                "no Stage channel set: guests get the [show] guest_link by direct message",
            )
        )
    return checks
