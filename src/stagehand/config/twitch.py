"""The `[twitch]` config section (imports only pydantic: config.py loads it without twitchio)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, field_validator

from stagehand.config.section import Section


class TwitchSettings(Section):
    enabled: bool = False
    """Connect to Twitch when `stagehand run` starts."""

    channel: str = ""
    """The broadcaster's login (the channel whose chat is read), e.g. "mychannel"."""

    client_id: str = ""
    """The Twitch application's client id (dev.twitch.tv/console)."""

    client_secret: SecretStr | None = None
    """The application's client secret.
    Prefer STAGEHAND_TWITCH_CLIENT_SECRET or `stagehand auth twitch` (which stores it)."""

    messages_per_30s: int = Field(default=20, ge=1, le=100)
    """Most chat messages the bot sends per 30 seconds.
    Twitch allows 20, or 100 when the bot is a moderator or the broadcaster."""

    invite_via: Literal["whisper", "public_chat"] = "whisper"
    """How a viewer pulled on stage gets the guest link: "whisper" (private; the bot account
    needs a verified phone number) or "public_chat" (a reply in chat: anyone in chat can read
    the link and join your private room, so only for links that admit nobody unasked).
    If a whisper is refused, the console says why and asks you to send the link yourself."""

    invite_message: str = "@{name} you're invited on stage! Join here: {link}"
    """The invitation text; {name} is the viewer's display name, {link} the show's guest link."""

    guest_star: bool = False
    """Also send a Twitch Guest Star ("Stream Together") invite.
    A beta API: needs a running session and the broadcaster's channel:manage:guest_star."""

    redirect_uri: str = "http://localhost:4343/oauth/callback"
    """The OAuth redirect URL registered for the app; `stagehand auth twitch` listens there once."""

    reconnect_initial_seconds: float = Field(default=1.0, gt=0, le=60)
    """First wait before reconnecting after a failed connection; doubles on each failure."""

    reconnect_max_seconds: float = Field(default=60.0, gt=0, le=3600)
    """Longest wait between reconnection attempts."""

    helix_url: str = Field(default="https://api.twitch.tv/helix/")
    """Helix API base URL (point at a local server in tests)."""

    oauth_url: str = Field(default="https://id.twitch.tv/oauth2/")
    """OAuth base URL (ends in /oauth2/)."""

    eventsub_url: str = Field(default="wss://eventsub.wss.twitch.tv/ws")
    """EventSub WebSocket URL."""

    @field_validator("invite_via", mode="before")
    @classmethod
    def _no_silent_public_link(cls, value: object) -> object:
        # "chat" was the default once: a config copied then must not keep posting the private
        # link publicly without anyone having chosen it.
        if value == "chat":
            raise ValueError(
                '"chat" is no longer accepted: the guest link is whispered by default now. To '
                'post it in public chat anyway (anyone in chat can then join), write "public_chat"'
            )
        return value

    @field_validator("helix_url")
    @classmethod
    def _helix_slash(cls, value: str) -> str:
        # twitchio joins base and path as f"{base}{path}": without the slash the paths run together.
        return value.rstrip("/") + "/"

    @field_validator("oauth_url")
    @classmethod
    def _oauth_shape(cls, value: str) -> str:
        trimmed = value.rstrip("/")
        if not trimmed.endswith("/oauth2"):
            raise ValueError("must end in /oauth2/, e.g. https://id.twitch.tv/oauth2/")
        return trimmed + "/"

    @field_validator("eventsub_url")
    @classmethod
    def _eventsub_shape(cls, value: str) -> str:
        if not value.startswith(("ws://", "wss://")) or "?" in value:
            raise ValueError("must be a ws:// or wss:// URL without a query string")
        return value
