"""Every Twitch scope stagehand asks for, and why: the one list auth and doctor both read.

Chat goes over EventSub WebSocket with the bot's *user* token, so `user:bot`/`channel:bot`
(only needed with app tokens) are not asked for. Moderation acts as the broadcaster, who
always moderates their own channel, so the bot needs no moderator status for it.
"""

from __future__ import annotations

from stagehand.config.twitch import TwitchSettings

#: Asked of the bot account (the account that reads and writes chat).
BOT_SCOPES: dict[str, str] = {
    "user:read:chat": "read the channel's chat (EventSub channel.chat.message)",
    "user:write:chat": "post replies and invitations in chat",
}
#: Asked of the bot account only when `invite_via = "whisper"`.
WHISPER_SCOPES: dict[str, str] = {
    "user:manage:whispers": "whisper the guest link to a viewer pulled on stage",
}
#: Asked of the broadcaster (the channel's owner).
BROADCASTER_SCOPES: dict[str, str] = {
    "moderator:manage:chat_messages": "delete a chat message",
    "moderator:manage:banned_users": "time out or ban a chatter",
    "channel:moderate": "hear the bans and timeouts your moderators make on Twitch (EventSub channel.ban)",
}
#: Asked of the broadcaster only when `guest_star = true`.
GUEST_STAR_SCOPES: dict[str, str] = {
    "channel:manage:guest_star": "invite a viewer into a Guest Star (Stream Together) session",
}


def bot_scopes(settings: TwitchSettings) -> dict[str, str]:
    """The bot account's scopes for this config, with the reason for each."""
    scopes = dict(BOT_SCOPES)
    if settings.invite_via == "whisper":
        scopes.update(WHISPER_SCOPES)
    return scopes


def broadcaster_scopes(settings: TwitchSettings) -> dict[str, str]:
    """The broadcaster's scopes for this config, with the reason for each."""
    scopes = dict(BROADCASTER_SCOPES)
    if settings.guest_star:
        scopes.update(GUEST_STAR_SCOPES)
    return scopes
