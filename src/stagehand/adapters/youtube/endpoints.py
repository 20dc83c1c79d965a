"""The YouTube endpoints stagehand calls, built from the settings (Google's, or a fake in tests).

Unlike twitchio and discord.py, which read process-wide class attributes, stagehand's own
HTTP client takes its URLs per instance, so nothing process-wide is repointed here: two shows in
one process may talk to two different servers.
"""

from __future__ import annotations

from dataclasses import dataclass

from stagehand.config.youtube import YouTubeSettings


@dataclass(frozen=True, slots=True)
class Endpoints:
    api: str
    """The Data API base, ending in /youtube/v3/."""

    @classmethod
    def from_settings(cls, settings: YouTubeSettings) -> Endpoints:
        return cls(settings.api_url)

    @property
    def messages(self) -> str:
        """liveChatMessages.list, insert, delete."""
        return self.api + "liveChat/messages"

    @property
    def messages_stream(self) -> str:
        """liveChatMessages.streamList (REST server streaming)."""
        return self.api + "liveChat/messages/stream"

    @property
    def bans(self) -> str:
        """liveChatBans.insert, delete."""
        return self.api + "liveChat/bans"

    @property
    def broadcasts(self) -> str:
        return self.api + "liveBroadcasts"

    @property
    def videos(self) -> str:
        return self.api + "videos"

    @property
    def channels(self) -> str:
        return self.api + "channels"
