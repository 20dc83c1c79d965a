"""The permissions the bot needs, each with its reason, and the invite URL that grants them.

docs/discord.md lists the same table; `stagehand doctor` checks the bot's roles against it.
Bit values: https://discord.com/developers/docs/topics/permissions#permissions-bitwise-permission-flags
"""

from __future__ import annotations

from urllib.parse import urlencode

ADMINISTRATOR = 1 << 3

#: (bit, name as the Discord client shows it, what stagehand uses it for)
NEEDED: tuple[tuple[int, str, str], ...] = (
    (1 << 10, "View Channels", "see the show's channels, threads and the Stage"),
    (1 << 11, "Send Messages", "reply to comments and send the show's messages"),
    (1 << 38, "Send Messages in Threads", "reply to comments posted in threads"),
    (1 << 16, "Read Message History", "reply to a message (Discord requires it for replies)"),
    (1 << 13, "Manage Messages", "delete a comment (moderation)"),
    (1 << 40, "Timeout Members", "time out a member (moderation)"),
    (1 << 2, "Ban Members", "ban a member (moderation), and hear the bans made in Discord"),
    (1 << 22, "Mute Members", "invite a Stage listener to speak and move them back"),
)

PERMISSIONS = sum(bit for bit, _, _ in NEEDED)
SCOPES = ("bot", "applications.commands")


def invite_url(application_id: int | str, guild_id: int | None = None) -> str:
    """The OAuth2 URL that adds the bot to a server with exactly these permissions."""
    query: dict[str, str] = {
        "client_id": str(application_id),
        "scope": " ".join(SCOPES),
        "permissions": str(PERMISSIONS),
    }
    if guild_id is not None:
        query |= {"guild_id": str(guild_id), "disable_guild_select": "true"}
    return "https://discord.com/oauth2/authorize?" + urlencode(query)


def missing(granted: int) -> list[str]:
    """Names of the needed permissions `granted` lacks (none for an administrator)."""
    if granted & ADMINISTRATOR:
        return []
    return [name for bit, name, _ in NEEDED if not granted & bit]
