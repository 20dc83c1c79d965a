"""The `[twitch]` config section (imports only pydantic: config.py loads it without twitchio)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr


class TwitchSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    enabled: bool = False
    """Connect to Twitch when `stagehand run` starts."""

    channel: str = ""
    """The broadcaster's login (the channel whose chat is read), e.g. "mychannel"."""

    client_id: str = ""
    """The Twitch application's client id (dev.twitch.tv/console)."""

    client_secret: SecretStr | None = None
    """The application's client secret. Prefer STAGEHAND_TWITCH_CLIENT_SECRET or `stagehand auth twitch`."""

    helix_url: str = Field(default="https://api.twitch.tv/helix/")
    """Helix API base URL (point at a local server in tests)."""

    oauth_url: str = Field(default="https://id.twitch.tv/oauth2/")
    """OAuth base URL."""

    eventsub_url: str = Field(default="wss://eventsub.wss.twitch.tv/ws")
    """EventSub WebSocket URL."""
