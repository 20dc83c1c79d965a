"""The `[discord]` config section (imports only pydantic: config.py loads it without discord.py)."""

from __future__ import annotations

from pydantic import SecretStr

from stagehand.config.section import Section


class DiscordSettings(Section):
    enabled: bool = False
    """Connect to Discord when `stagehand run` starts."""

    token: SecretStr | None = None
    """The bot token. Prefer STAGEHAND_DISCORD_TOKEN or the token store (`stagehand auth discord`)."""

    guild_id: int | None = None
    """The server (guild) whose channels are read."""

    channel_ids: list[int] = []
    """Text channels to read (their threads too). Empty: every text channel the bot can see."""

    stage_channel_id: int | None = None
    """The Stage channel used to bring viewers on stage."""

    api_url: str = "https://discord.com/api/v10"
    """REST API base URL (point at a local server in tests)."""

    gateway_url: str = "wss://gateway.discord.gg/"
    """Gateway WebSocket URL."""

    host_role_ids: list[int] = []
    """Guild roles whose members are the show's hosts (they may steer the show from chat).
    The server owner always counts as a host."""

    moderator_role_ids: list[int] = []
    """Extra guild roles that count as moderators. Members who can manage messages, time out,
    kick or ban (administrators included) are moderators anyway."""

    slash_commands: bool = True
    """Register the audience commands (/ask, /hand, ...) as slash commands in the guild."""
