"""The `[youtube]` config section (imports only pydantic: config loads it without aiohttp)."""

from __future__ import annotations

import re

from pydantic import Field, SecretStr, field_validator, model_validator

from stagehand.config.section import Section

#: YouTube channel ids: "UC" and 22 URL-safe base64 characters.
CHANNEL_ID = re.compile(r"UC[0-9A-Za-z_-]{22}")
#: YouTube video ids: 11 URL-safe base64 characters.
VIDEO_ID = re.compile(r"[0-9A-Za-z_-]{11}")


class YouTubeSettings(Section):
    enabled: bool = False
    """Read and answer the YouTube live chat when `stagehand run` starts."""

    client_id: str = ""
    """The OAuth client id of your Google Cloud project (an OAuth client of type "Desktop app").
    May also come from `stagehand auth youtube`, which stores it."""

    client_secret: SecretStr | None = None
    """The OAuth client's secret. Prefer STAGEHAND_YOUTUBE_CLIENT_SECRET or
    `stagehand auth youtube` (which stores it in the token file)."""

    channel_id: str = ""
    """Your channel's id ("UC..."), to make sure the authorized account's live broadcast is the
    one read (empty: whatever broadcast the authorized account has live)."""

    video_id: str = ""
    """Read the chat of this live video instead of looking for the authorized account's live
    broadcast: for a bot or moderator account that does not own the stream."""

    read_only: bool = False
    """Ask only for youtube.readonly: chat is read, but nothing is sent, deleted or banned."""

    daily_quota: int = Field(default=10_000, ge=100, le=100_000_000)
    """Your Google Cloud project's daily YouTube Data API quota in units (10,000 unless Google
    granted more). It resets at midnight Pacific time."""

    show_hours: float = Field(default=3.0, gt=0, le=24)
    """How long the show is planned to run: reading is paced so the quota lasts that long."""

    reserve_units: int = Field(default=500, ge=0, le=100_000)
    """Units kept for replies (20 each) and moderation (50 each): reading stops before it would
    spend them."""

    stage_invite_text: str = (
        "@{name} you're invited on stage! The hosts will tell you how to join "
        "(the link is in the stream description)."
    )
    """What is posted in the public chat when a YouTube viewer is pulled on stage; {name} is
    their name. YouTube has no private messages: never put a private guest link here."""

    messages_per_30s: int = Field(default=10, ge=1, le=100)
    """Most chat messages stagehand sends per 30 seconds (each costs 20 units)."""

    redirect_uri: str = "http://127.0.0.1:4345/"
    """Where `stagehand auth youtube` listens once for Google's answer (a loopback address:
    Google's installed-app flow needs no redirect registered for it)."""

    reconnect_initial_seconds: float = Field(default=1.0, gt=0, le=60)
    """First wait before reading again after a failure; doubles on each failure."""

    reconnect_max_seconds: float = Field(default=60.0, gt=0, le=3600)
    """Longest wait between reconnection attempts."""

    api_url: str = "https://youtube.googleapis.com/youtube/v3/"
    """YouTube Data API base URL (point at a local server in tests)."""

    oauth_url: str = "https://oauth2.googleapis.com/"
    """Google's OAuth token endpoint base (token, tokeninfo)."""

    auth_url: str = "https://accounts.google.com/o/oauth2/v2/auth"
    """Google's consent page, where `stagehand auth youtube` sends the browser."""

    @field_validator("api_url", "oauth_url")
    @classmethod
    def _trailing_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/") + "/"

    @field_validator("channel_id")
    @classmethod
    def _channel_shape(cls, value: str) -> str:
        value = value.strip()
        if value and not CHANNEL_ID.fullmatch(value):
            raise ValueError(
                'a channel id is "UC" and 22 more characters (YouTube Studio -> Settings -> '
                "Channel -> Advanced settings shows it)"
            )
        return value

    @field_validator("video_id")
    @classmethod
    def _video_shape(cls, value: str) -> str:
        value = value.strip()
        if "v=" in value:  # a pasted watch URL: keep its id
            value = value.split("v=", 1)[1].split("&", 1)[0]
        elif "/live/" in value:
            value = value.rsplit("/live/", 1)[1].split("?", 1)[0]
        if value and not VIDEO_ID.fullmatch(value):
            raise ValueError("a video id is 11 characters, as in youtube.com/watch?v=<id>")
        return value

    @field_validator("stage_invite_text")
    @classmethod
    def _no_private_link(cls, value: str) -> str:
        # YouTube chat is public: a {link} here would post the private guest room to everyone.
        if "{link}" in value:
            raise ValueError(
                "{link} is not allowed: YouTube chat is public and has no private messages, so "
                "the guest link would reach everyone; say where to find it instead"
            )
        return value

    @model_validator(mode="after")
    def _reserve_fits(self) -> YouTubeSettings:
        if self.reserve_units >= self.daily_quota:
            raise ValueError("reserve_units must be less than daily_quota")
        return self
