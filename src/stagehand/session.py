"""Build the adapters a config enables (for `stagehand run`)."""

from __future__ import annotations

from stagehand.config import Settings
from stagehand.platform import Adapter


class AdapterUnavailable(Exception):
    """An enabled adapter cannot be built; the message says which and why."""


def build_adapters(settings: Settings) -> list[Adapter]:
    from stagehand.tokens import TokenStore

    tokens = TokenStore()
    guest_link = settings.show.guest_link
    adapters: list[Adapter] = []
    if settings.twitch.enabled:
        try:
            from stagehand.adapters.twitch.adapter import TwitchAdapter
        except ImportError as exc:
            raise AdapterUnavailable(f"the Twitch adapter is not available: {exc}") from None
        adapters.append(TwitchAdapter(settings.twitch, tokens, guest_link=guest_link))
    if settings.discord.enabled:
        try:
            from stagehand.adapters.discord.adapter import DiscordAdapter
        except ImportError as exc:
            raise AdapterUnavailable(f"the Discord adapter is not available: {exc}") from None
        from stagehand.commands import slash_command_specs

        adapters.append(
            DiscordAdapter(
                settings.discord,
                tokens,
                guest_link=guest_link,
                slash_commands=slash_command_specs() if settings.commands.enabled else (),
                command_prefix=settings.commands.prefix,
            )
        )
    if not adapters:
        raise AdapterUnavailable(
            "no platform is enabled in the config: set `enabled = true` under [twitch] or "
            "[discord] (see config.example.toml), or try `stagehand demo`"
        )
    return adapters
