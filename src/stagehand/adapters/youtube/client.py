"""stagehand's own small YouTube Data API client: aiohttp, OAuth tokens from the token store,
and every call counted by the quota governor.

Why not google-api-python-client: it is synchronous (httplib2; every call would block the event
loop or need a thread), it cannot read streamList's streamed answer, and it would pull in a
dozen packages for six endpoints (docs/decisions.md). Each call here is one aiohttp request;
the access token is refreshed (and written back to the token file, off the loop) when it is
about to run out or Google answers 401.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncGenerator
from typing import Any

import aiohttp

from stagehand.adapters.youtube.credentials import AUTH_FIX, YouTubeCredentials
from stagehand.adapters.youtube.endpoints import Endpoints
from stagehand.adapters.youtube.errors import YouTubeApiError, YouTubeAuthError
from stagehand.adapters.youtube.oauth import GoogleOAuth, OAuthRefused
from stagehand.adapters.youtube.quota import READ, QuotaGovernor
from stagehand.adapters.youtube.stream import JsonArrayStream
from stagehand.config.youtube import YouTubeSettings
from stagehand.logs import register_secret
from stagehand.tokens import TokenStore

log = logging.getLogger(__name__)

#: The parts of a liveChatMessage stagehand reads.
MESSAGE_PARTS = "id,snippet,authorDetails"
#: Most messages per streamed batch (YouTube's range is 200-2000).
MAX_RESULTS = "2000"
#: A stream that says nothing for this long is dead (YouTube closes its own after ~10 s and
#: its deadline is 30 s).
STREAM_SILENCE_SECONDS = 45.0
#: Any other call.
CALL_TIMEOUT = aiohttp.ClientTimeout(total=20)


class NotEnoughQuota(Exception):
    """Today's quota has no room for this call; the message says so."""


class YouTubeClient:
    """One show's YouTube client: an aiohttp session, the account's tokens, the governor."""

    def __init__(
        self,
        settings: YouTubeSettings,
        tokens: TokenStore,
        quota: QuotaGovernor,
        http: aiohttp.ClientSession,
    ) -> None:
        self.settings = settings
        self.tokens = tokens
        self.quota = quota
        self.http = http
        self.urls = Endpoints.from_settings(settings)
        self.creds = YouTubeCredentials.load(tokens)
        client_id, secret = self.creds.app_credentials(settings)
        if not client_id or not secret:
            raise YouTubeAuthError(
                "no YouTube OAuth client id or secret: set [youtube] client_id and "
                f"STAGEHAND_YOUTUBE_CLIENT_SECRET, or {AUTH_FIX}"
            )
        if not self.creds.refresh_token and not self.creds.access_token:
            raise YouTubeAuthError(f"YouTube has not authorized stagehand yet: {AUTH_FIX}")
        for secret_value in (secret, self.creds.access_token, self.creds.refresh_token):
            register_secret(secret_value)
        self.oauth = GoogleOAuth(http, settings, client_id, secret)
        self._refreshing = asyncio.Lock()

    # -- tokens -----------------------------------------------------------------------------

    async def access_token(self, *, force: bool = False) -> str:
        """A valid access token, refreshed (and stored) first when it is about to run out.

        A refusal raises `YouTubeAuthError` (only a new authorization helps); the token
        endpoint's own trouble raises `OAuthUnavailable`, and a network error its own: both are
        worth another try later, with the same refresh token."""
        async with self._refreshing:
            if force or self.creds.needs_refresh():
                try:
                    answer = await self.oauth.refresh(self.creds.refresh_token)
                except OAuthRefused as exc:
                    raise YouTubeAuthError(str(exc)) from None
                self.creds = self.creds.refreshed(
                    answer.access_token, answer.expires_in, answer.refresh_token
                )
                stored = YouTubeCredentials.load(self.tokens)
                keep = stored.refreshed(
                    answer.access_token, answer.expires_in, answer.refresh_token
                )
                await asyncio.to_thread(keep.save, self.tokens)
            return self.creds.access_token

    async def _headers(self, *, force: bool = False) -> dict[str, str]:
        token = await self.access_token(force=force)
        return {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    # -- one call ---------------------------------------------------------------------------

    async def call(
        self,
        method: str,
        verb: str,
        url: str,
        *,
        params: dict[str, str],
        body: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        """One Data API call, counted; a 401 refreshes the token and tries once more."""
        if not self.quota.may_spend(method):
            raise NotEnoughQuota(
                f"not enough YouTube quota left today ({self.quota.left} units) for {method}"
            )
        for attempt in (1, 2):
            headers = await self._headers(force=attempt == 2)
            async with self.http.request(
                verb, url, params=params, json=body, headers=headers, timeout=CALL_TIMEOUT
            ) as response:
                answer = await _json(response)
                status = response.status
            error = YouTubeApiError.from_body(status, answer) if status >= 400 else None
            self._charge(method, error)
            if error is None:
                return answer
            if error.status == 401 and attempt == 1:
                continue
            raise error
        raise AssertionError("unreachable")  # pragma: no cover

    def _charge(self, method: str, error: YouTubeApiError | None) -> None:
        """Count the call as Google does: every answered request costs its method's units,
        except one refused for quota (nothing was left to charge) or for an unknown token."""
        if error is None:
            self.quota.charge(method)
        elif error.quota_exceeded or error.status == 401:
            self.quota.charge(method, outcome=error.reason or str(error.status), units=0)
        else:
            self.quota.charge(method, outcome=error.reason or str(error.status))

    # -- reading ----------------------------------------------------------------------------

    async def stream(
        self, live_chat_id: str, page_token: str | None
    ) -> AsyncGenerator[dict[str, Any], None]:
        """One streamList call: each batch (a liveChatMessageListResponse) as it arrives,
        until YouTube closes the stream (after about 10 s)."""
        params = {"liveChatId": live_chat_id, "part": MESSAGE_PARTS, "maxResults": MAX_RESULTS}
        if page_token:
            params["pageToken"] = page_token
        timeout = aiohttp.ClientTimeout(
            total=None, sock_connect=20, sock_read=STREAM_SILENCE_SECONDS
        )
        for attempt in (1, 2):
            headers = await self._headers(force=attempt == 2)
            async with self.http.get(
                self.urls.messages_stream, params=params, headers=headers, timeout=timeout
            ) as response:
                if response.status != 200:
                    error = YouTubeApiError.from_body(response.status, await _json(response))
                    self._charge(READ, error)
                    if error.status == 401 and attempt == 1:
                        continue
                    raise error
                self._charge(READ, None)
                decoder = JsonArrayStream()
                async for chunk in response.content.iter_any():
                    for batch in decoder.feed(chunk):
                        if "error" in batch:  # an error after the stream began
                            raise YouTubeApiError.from_body(500, batch)
                        yield batch
                return

    # -- finding the chat -------------------------------------------------------------------

    async def active_broadcasts(self) -> list[dict[str, Any]]:
        answer = await self.call(
            "liveBroadcasts.list",
            "GET",
            self.urls.broadcasts,
            params={"part": "id,snippet", "broadcastStatus": "active", "broadcastType": "all"},
        )
        return _items(answer)

    async def video(self, video_id: str) -> dict[str, Any] | None:
        answer = await self.call(
            "videos.list",
            "GET",
            self.urls.videos,
            params={"part": "snippet,liveStreamingDetails", "id": video_id},
        )
        items = _items(answer)
        return items[0] if items else None

    async def my_channel_id(self) -> str:
        answer = await self.call(
            "channels.list", "GET", self.urls.channels, params={"part": "id", "mine": "true"}
        )
        items = _items(answer)
        return str(items[0].get("id") or "") if items else ""

    # -- acting -----------------------------------------------------------------------------

    async def insert_message(self, live_chat_id: str, text: str) -> dict[str, Any]:
        return await self.call(
            "liveChatMessages.insert",
            "POST",
            self.urls.messages,
            params={"part": "snippet"},
            body={
                "snippet": {
                    "liveChatId": live_chat_id,
                    "type": "textMessageEvent",
                    "textMessageDetails": {"messageText": text},
                }
            },
        )

    async def delete_message(self, message_id: str) -> None:
        await self.call(
            "liveChatMessages.delete", "DELETE", self.urls.messages, params={"id": message_id}
        )

    async def insert_ban(
        self, live_chat_id: str, channel_id: str, seconds: int | None
    ) -> dict[str, Any]:
        snippet: dict[str, Any] = {
            "liveChatId": live_chat_id,
            "type": "temporary" if seconds else "permanent",
            "bannedUserDetails": {"channelId": channel_id},
        }
        if seconds:
            snippet["banDurationSeconds"] = str(seconds)  # a uint64: a string in JSON
        return await self.call(
            "liveChatBans.insert",
            "POST",
            self.urls.bans,
            params={"part": "snippet"},
            body={"snippet": snippet},
        )

    async def delete_ban(self, ban_id: str) -> None:
        await self.call("liveChatBans.delete", "DELETE", self.urls.bans, params={"id": ban_id})


async def _json(response: aiohttp.ClientResponse) -> dict[str, Any]:
    try:
        body = await response.json(content_type=None)
    except (ValueError, aiohttp.ContentTypeError):
        return {}
    return body if isinstance(body, dict) else {}


def _items(answer: dict[str, Any]) -> list[dict[str, Any]]:
    items = answer.get("items")
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []
