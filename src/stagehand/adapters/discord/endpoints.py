"""Point discord.py at the configured Discord endpoints (Discord's by default, a fake in tests).

discord.py 2.7 has no constructor option for its URLs; it reads two class attributes each time
a request or socket is made: `http.Route.BASE` (REST) and
`gateway.DiscordWebSocket.DEFAULT_GATEWAY` (a `yarl.URL`; a plain `Client` never asks
`/gateway/bot` for another). They are process-wide, so one process talks to one Discord.
"""

from __future__ import annotations

import discord
import yarl

from stagehand.config.discord import DiscordSettings


def point_library_at(settings: DiscordSettings) -> None:
    """Aim discord.py at `settings`' endpoints (process-wide)."""
    discord.http.Route.BASE = settings.api_url.rstrip("/")
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.gateway_url)
