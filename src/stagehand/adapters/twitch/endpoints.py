"""Point twitchio at the configured Twitch endpoints (Twitch's by default, a fake in tests).

twitchio 3.3.2 has no constructor option for its URLs; it reads three module/class
attributes each time a request or socket is made: `http.Route.BASE` (Helix),
`http.Route.ID_BASE` (OAuth, to which it appends "oauth2/..."), and
`eventsub.websockets.WSS` (EventSub; it appends "?keepalive_timeout_seconds=10").
They are process-wide, so one process talks to one Twitch.
"""

from __future__ import annotations

from twitchio.eventsub import websockets
from twitchio.http import Route

from stagehand.config.twitch import TwitchSettings


def id_base(oauth_url: str) -> str:
    """ "https://id.twitch.tv/oauth2/" -> "https://id.twitch.tv/" (twitchio adds "oauth2/")."""
    return oauth_url.rstrip("/").removesuffix("oauth2")


def point_library_at(settings: TwitchSettings) -> None:
    """Aim twitchio at `settings`' endpoints (process-wide)."""
    Route.BASE = settings.helix_url
    Route.ID_BASE = id_base(settings.oauth_url)
    websockets.WSS = settings.eventsub_url
