"""Where the bot token comes from: the config or environment first, then the token store."""

from __future__ import annotations

from pydantic import SecretStr

from stagehand.config.discord import DiscordSettings
from stagehand.logs import register_secret
from stagehand.tokens import TokenStore

TOKEN_KEY = "discord"
#: Where a bot's token, intents and invite are managed.
PORTAL = "https://discord.com/developers/applications"


def bot_token(settings: DiscordSettings, tokens: TokenStore) -> tuple[SecretStr | None, str]:
    """The token and where it was found ("" when nowhere).

    `settings.token` carries both `[discord] token` and STAGEHAND_DISCORD_TOKEN (config.py reads
    the environment); `stagehand auth discord` stores {"token": ...} under "discord". The token
    as used (trimmed) is masked in logs and messages from now on.
    """
    found: tuple[SecretStr | None, str] = (None, "")
    if settings.token is not None and settings.token.get_secret_value().strip():
        found = SecretStr(settings.token.get_secret_value().strip()), "config or environment"
    else:
        stored = tokens.get(TOKEN_KEY)
        if isinstance(stored, dict):
            stored = stored.get("token")
        if isinstance(stored, str) and stored.strip():
            found = SecretStr(stored.strip()), f"token store ({tokens.path})"
    if found[0] is not None:
        register_secret(found[0].get_secret_value())
    return found


def looks_like_bot_token(token: SecretStr) -> bool:
    """Bot tokens are three dot-separated base64 parts; an OAuth secret or client id is not."""
    parts = token.get_secret_value().removeprefix("Bot ").split(".")
    return len(parts) == 3 and all(parts)


def store_bot_token(tokens: TokenStore, token: str) -> None:
    tokens.set(TOKEN_KEY, {"token": token.strip().removeprefix("Bot ").strip()})
