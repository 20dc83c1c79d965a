"""`stagehand doctor`'s online Discord checks: what Discord itself says about the set-up.

The settings can look right while Discord disagrees: a reset token, the Message Content intent
switched off, the bot not (or no longer) in the server, a role without a permission, a channel
id from another server. These checks ask Discord's REST API (the configured `api_url`) with the
bot's token, the way the adapter will at `stagehand run`: `GET /users/@me`,
`/oauth2/applications/@me`, `/guilds/{id}`, the bot's member, and the guild's channels.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from pydantic import SecretStr

from stagehand.adapters.discord import permissions
from stagehand.adapters.discord.credentials import PORTAL
from stagehand.config.discord import DiscordSettings
from stagehand.platform import DoctorCheck

MESSAGE_CONTENT_FLAGS = (1 << 18) | (1 << 19)  # GATEWAY_MESSAGE_CONTENT and its _LIMITED form
TEXT_TYPES = {0, 5}  # text and announcement channels
STAGE_TYPE = 13


async def online_checks(
    settings: DiscordSettings, token: SecretStr, *, timeout: float = 10.0
) -> list[DoctorCheck]:
    """Ask Discord about the token, the intent, the server, the permissions and the channels."""
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
