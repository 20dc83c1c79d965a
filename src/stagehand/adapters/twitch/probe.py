"""Small questions to Twitch, asked before anything else depends on the answer.

`stagehand auth twitch` checks the app's client id and secret and the channel before it sends
anyone to a browser; `stagehand doctor` checks whether stored tokens still work. Plain
aiohttp, not twitchio: twitchio's error texts quote request URLs carrying the client secret
and refresh token, and its OAuth client retries in the background.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import aiohttp

from stagehand.config.twitch import TwitchSettings

#: What a failure to reach Twitch at all is (no network, DNS, refused, timed out).
NETWORK_ERRORS = (aiohttp.ClientError, TimeoutError, OSError)


@dataclass(frozen=True, slots=True)
class ProbeAnswer:
    status: int
    body: dict[str, Any]

    @property
    def message(self) -> str:
        return str(self.body.get("message") or self.body.get("error") or "")[:200]


class TwitchProbe:
    """The few requests doctor and auth make, against the configured endpoints."""

    def __init__(self, http: aiohttp.ClientSession, settings: TwitchSettings, client_id: str):
        self.http = http
        self.oauth = settings.oauth_url
        self.helix = settings.helix_url
        self.client_id = client_id

    async def _answer(self, response: aiohttp.ClientResponse) -> ProbeAnswer:
        try:
            body = await response.json(content_type=None)
        except ValueError:
            body = {}
        return ProbeAnswer(response.status, body if isinstance(body, dict) else {})

    async def token(self, **form: str) -> ProbeAnswer:
        # Twitch takes these as query parameters (twitchio sends them the same way).
        async with self.http.post(self.oauth + "token", params=form) as response:
            return await self._answer(response)

    async def app_token(self, secret: str) -> ProbeAnswer:
        """Client credentials: Twitch's answer to "are this client id and secret right?"."""
        return await self.token(
            client_id=self.client_id, client_secret=secret, grant_type="client_credentials"
        )

    async def validate(self, access: str) -> ProbeAnswer:
        headers = {"Authorization": f"OAuth {access}"}
        async with self.http.get(self.oauth + "validate", headers=headers) as response:
            return await self._answer(response)

    async def user(self, login: str, app_token: str) -> ProbeAnswer:
        headers = {"Authorization": f"Bearer {app_token}", "Client-Id": self.client_id}
        params = {"login": login}
        async with self.http.get(self.helix + "users", headers=headers, params=params) as response:
            return await self._answer(response)
