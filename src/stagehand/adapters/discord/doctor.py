"""`stagehand doctor` for Discord: is everything in place for the bot to join the show?

Offline checks read the settings and the token store (whose file permissions the general
doctor checks once for every platform). Online checks ask Discord's REST API
(the configured `api_url`) what a user would otherwise find out mid-show: whether the token is
accepted, the Message Content intent enabled, the bot in the server with the permissions it
needs, and the configured channels there.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from pydantic import SecretStr

from stagehand.adapters.discord import permissions
from stagehand.adapters.discord.credentials import bot_token, looks_like_bot_token
from stagehand.config.discord import DiscordSettings
from stagehand.platform import DoctorCheck
from stagehand.tokens import TokenStore

PORTAL = "https://discord.com/developers/applications"
MESSAGE_CONTENT_FLAGS = (1 << 18) | (1 << 19)  # GATEWAY_MESSAGE_CONTENT and its _LIMITED form
TEXT_TYPES = {0, 5}  # text and announcement channels
STAGE_TYPE = 13


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
        checks += await _online_checks(settings, token, timeout)
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


async def _online_checks(settings: DiscordSettings, token: SecretStr, timeout: float) -> list:
    api = settings.api_url.rstrip("/")
    headers = {"Authorization": f"Bot {token.get_secret_value()}", "User-Agent": "stagehand"}
    client_timeout = aiohttp.ClientTimeout(total=timeout)
    try:
        async with aiohttp.ClientSession(headers=headers, timeout=client_timeout) as http:
            return await _ask_discord(http, api, settings)
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        return [
            DoctorCheck(
                "discord api",
                False,
                f"cannot reach {api} ({type(exc).__name__})",
                "check the network, or [discord] api_url",
            )
        ]


async def _get(http: aiohttp.ClientSession, url: str) -> tuple[int, Any]:
    async with http.get(url) as response:
        try:
            return response.status, await response.json(content_type=None)
        except ValueError:
            return response.status, None


async def _ask_discord(
    http: aiohttp.ClientSession, api: str, settings: DiscordSettings
) -> list[DoctorCheck]:
    checks = []
    status, me = await _get(http, f"{api}/users/@me")
    if status != 200:
        fix = f"{PORTAL} -> your app -> Bot -> Reset Token, then `stagehand auth discord`"
        return [
            DoctorCheck("discord login", False, f"Discord refused the token (HTTP {status})", fix)
        ]
    checks.append(DoctorCheck("discord login", True, f"logged in as {me['username']}"))

    status, app = await _get(http, f"{api}/oauth2/applications/@me")
    app_id = app.get("id", me["id"]) if status == 200 else me["id"]
    portal = f"{PORTAL}/{app_id}/bot"
    if status == 200 and int(app.get("flags") or 0) & MESSAGE_CONTENT_FLAGS:
        checks.append(DoctorCheck("message content intent", True, "enabled"))
    else:
        checks.append(
            DoctorCheck(
                "message content intent",
                False,
                "not enabled: the bot would see empty messages (Discord closes with 4014)",
                f"enable Message Content Intent under Privileged Gateway Intents at {portal}",
            )
        )

    gid = settings.guild_id
    invite = permissions.invite_url(app_id, gid)
    status, guild = await _get(http, f"{api}/guilds/{gid}")
    if status != 200:
        fix = f"invite the bot: {invite}"
        checks.append(DoctorCheck("discord server", False, f"the bot is not in server {gid}", fix))
        return checks
    checks.append(DoctorCheck("discord server", True, f"the bot is in {guild['name']}"))

    status, member = await _get(http, f"{api}/guilds/{gid}/members/{me['id']}")
    roles = {role["id"]: int(role["permissions"]) for role in guild.get("roles", [])}
    granted = roles.get(str(gid), 0)
    for role_id in member.get("roles", []) if status == 200 else []:
        granted |= roles.get(role_id, 0)
    lacking = permissions.missing(granted)
    if lacking:
        checks.append(
            DoctorCheck(
                "discord permissions",
                False,
                "the bot's roles lack: " + ", ".join(lacking),
                f"give the bot's role those permissions, or re-invite it: {invite}",
            )
        )
    else:
        checks.append(DoctorCheck("discord permissions", True, "the bot's roles allow everything"))

    status, channels = await _get(http, f"{api}/guilds/{gid}/channels")
    found = {int(c["id"]): c for c in channels} if status == 200 else {}
    wanted = [(cid, TEXT_TYPES, "text channel") for cid in settings.channel_ids]
    if settings.stage_channel_id is not None:
        wanted.append((settings.stage_channel_id, {STAGE_TYPE}, "Stage channel"))
    for cid, types, kind in wanted:
        channel = found.get(cid)
        if channel is None or channel.get("type") not in types:
            checks.append(
                DoctorCheck(
                    f"discord {kind}",
                    False,
                    f"{cid} is not a {kind} the bot can see in {guild['name']}",
                    "copy the channel's id (Developer Mode -> right-click -> Copy Channel ID)",
                )
            )
        else:
            checks.append(DoctorCheck(f"discord {kind}", True, f"#{channel['name']}"))
    return checks
