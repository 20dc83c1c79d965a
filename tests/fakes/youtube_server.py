"""A fake YouTube on 127.0.0.1: the Data API v3 live chat methods and Google's OAuth endpoints.

Follows Google's reference pages (developers.google.com/youtube/v3/live/docs and
developers.google.com/youtube/data/reference/rest/v3), not stagehand's code:

- `GET /youtube/v3/liveChat/messages/stream` (liveChatMessages.streamList, REST server streaming):
  a JSON array written one `liveChatMessageListResponse` at a time; the first call without a
  `pageToken` gets only the latest messages (at most 75), every batch carries a
  `nextPageToken` that resumes exactly after it; the server closes each stream after
  `stream_seconds` (about 10 s at YouTube; short in tests);
- `GET /youtube/v3/liveChat/messages` (list), `POST` (insert: 200 characters at most, the
  message comes back in the chat as YouTube echoes it), `DELETE ?id=` (a
  `messageDeletedEvent` follows in the chat);
- `POST /youtube/v3/liveChat/bans` (temporary: 300 s unless said, at most 86,400; or
  permanent; a `userBannedEvent` follows), `DELETE ?id=`;
- `GET /youtube/v3/liveBroadcasts` (`broadcastStatus=active`), `videos`
  (`liveStreamingDetails.activeLiveChatId`), `channels` (`mine=true`);
- errors as Google sends them: `{"error": {"code", "message", "errors": [{"domain", "reason",
  "message"}], "status"}}`: 401 for an unknown or expired token, 403 `quotaExceeded` once the
  day's units are spent, 403 `liveChatEnded` after the chat ended (a `chatEndedEvent` and
  `offlineAt` end the last stream), 403 `liveChatDisabled` once chat is turned off, 403
  `insufficientPermissions` for a read-only token, 400 `pageTokenInvalid` for a page token
  YouTube does not (or no longer) accepts; injected refusals worded as the reference pages word
  them (`READ_REFUSALS`);
- `POST /token` (authorization code with PKCE, refresh token; refusals as Google's OAuth 2.0
  error responses: 400 `invalid_grant`, 401 `invalid_client`; and, on demand, the endpoint's
  own trouble: a 5xx with Google's JSON error, a page that is not JSON, a dropped connection),
  `GET /tokeninfo`, and the consent page `GET /auth`, which "logs in" as `consent_channel` and
  redirects to the `redirect_uri` with a code, as Google's does.

Quota: every answered request costs its method's units from Google's table
(developers.google.com/youtube/v3/determine_quota_cost), except one refused for quota or for an
unknown token; `charged` and `calls` record it all.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal
from urllib.parse import urlencode

from aiohttp import web

from stagehand.adapters.youtube.credentials import SCOPE_FORCE_SSL, YouTubeCredentials
from stagehand.config.youtube import YouTubeSettings
from stagehand.tokens import TokenStore

#: Google's quota table, for the methods the fake serves.
COSTS = {
    "liveChatMessages.list": 5,
    "liveChatMessages.streamList": 5,
    "liveChatMessages.insert": 20,
    "liveChatMessages.delete": 50,
    "liveChatBans.insert": 50,
    "liveChatBans.delete": 50,
    "liveBroadcasts.list": 1,
    "videos.list": 1,
    "channels.list": 1,
}
SCOPE_READONLY = "https://www.googleapis.com/auth/youtube.readonly"
SCOPE_YOUTUBE = "https://www.googleapis.com/auth/youtube"

CLIENT_ID = "123456789012-fake.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-fakesecret0123456789"
VIDEO_ID = "fRiDaYbUiLd"
CHAT_ID = "KicKGFVDZnJpZGF5YnVpbGRjaGFubmVsMDAxEgtmUmlEYVliVWlMZA"
OWNER = {"channelId": "UCfridaybuildchannel0001", "displayName": "@FridayBuild"}
VIEWER = {"channelId": "UCsynthfanviewerchannel1", "displayName": "@SynthFan"}
MODERATOR = {"channelId": "UCmodmartamoderatorchan1", "displayName": "@ModMarta"}
#: The latest messages a first stream (without a pageToken) gets.
RECENT = 75
#: How a request to the token endpoint fails on demand (`fail_next_token`).
TokenTrouble = Literal["json", "page", "drop"]


def iso_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def encode_token(position: int, generation: int = 0) -> str:
    raw = f"pos:{position}" + (f":{generation}" if generation else "")
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _token_parts(token: str) -> tuple[int, int] | None:
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        if not raw.startswith("pos:"):
            return None
        position, _, generation = raw.removeprefix("pos:").partition(":")
        return int(position), int(generation or 0)
    except (ValueError, UnicodeDecodeError):
        return None


def decode_token(token: str) -> int | None:
    """The chat position a page token resumes at (None: not one of the fake's tokens)."""
    parts = _token_parts(token)
    return parts[0] if parts is not None else None


#: How YouTube words the refusals of a chat read (liveChatMessages.list and streamList, from
#: their reference pages; the request errors from the Data API's common errors): reason ->
#: (domain, message). A failure injected with `fail_next` is worded so.
READ_REFUSALS = {
    "forbidden": (
        "youtube.liveChat",
        "You do not have the permissions required to retrieve messages for the specified live "
        "chat.",
    ),
    "liveChatDisabled": (
        "youtube.liveChat",
        "Live chat is not enabled for the specified broadcast.",
    ),
    "liveChatEnded": ("youtube.liveChat", "The specified live chat is no longer live."),
    "liveChatNotFound": (
        "youtube.liveChat",
        "The live chat that you are trying to retrieve cannot be found. Check the value of the "
        "request's liveChatId parameter to ensure that it is correct.",
    ),
    "rateLimitExceeded": (
        "youtube.liveChat",
        "The request was sent too quickly after the previous request.",
    ),
    "pageTokenInvalid": ("youtube.liveChat", "The page token is not valid."),
    "invalidPageToken": ("youtube.parameter", "The request specifies an invalid page token."),
    "missingRequiredParameter": (
        "youtube.parameter",
        "The request is missing a required parameter.",
    ),
    "unexpectedParameter": ("youtube.parameter", "The request specifies an unexpected parameter."),
    "incompatibleParameters": (
        "youtube.parameter",
        "The request specifies two or more parameters that cannot be used in the same request.",
    ),
    "backendError": ("global", "Backend Error"),
}


def google_error(status: int, reason: str, message: str, domain: str = "youtube.liveChat"):
    statuses = {
        400: "INVALID_ARGUMENT",
        401: "UNAUTHENTICATED",
        403: "PERMISSION_DENIED",
        404: "NOT_FOUND",
        500: "INTERNAL",
        503: "UNAVAILABLE",
    }
    body = {
        "error": {
            "code": status,
            "message": message,
            "errors": [{"message": message, "domain": domain, "reason": reason}],
            "status": statuses.get(status, "UNKNOWN"),
        }
    }
    return web.json_response(body, status=status)


@dataclass
class Token:
    access: str
    refresh: str
    channel_id: str
    scopes: list[str]
    expired: bool = False


@dataclass
class Call:
    """One request as the fake saw it, and what it was charged."""

    method: str
    units: int
    status: int
    reason: str = ""
    params: dict[str, str] = field(default_factory=dict)
    body: Any = None


class FakeYouTube:
    def __init__(
        self, *, stream_seconds: float = 10.0, daily_quota: int = 10_000, recent: int = RECENT
    ) -> None:
        self.stream_seconds = stream_seconds
        self.daily_quota = daily_quota
        self.recent = recent
        self.charged = 0
        self.calls: list[Call] = []
        self.log: list[dict[str, Any]] = []
        self.tokens: dict[str, Token] = {}
        self.codes: dict[str, tuple[Token, str, str]] = {}  # code -> token, challenge, redirect
        self.bans: dict[str, dict[str, Any]] = {}
        self.live = True
        self.ended = False
        #: The channel turned chat off for the live stream (YouTube Studio): every live chat
        #: call answers 403 liveChatDisabled.
        self.chat_disabled = False
        self.consent_channel = OWNER["channelId"]
        #: Streams currently open (tests wait for readers).
        self.open_streams = 0
        self.streams_started = 0
        #: Injected trouble: (method) -> [(status, reason)], and streams to cut short.
        self._failures: dict[str, list[tuple[int, str]]] = {}
        self._token_failures: list[tuple[int, str, TokenTrouble]] = []
        #: Every request to the token endpoint: (grant_type, the status answered; 0: dropped).
        self.token_requests: list[tuple[str, int]] = []
        #: Page tokens of an older generation are refused (`expire_page_tokens`).
        self._page_generation = 0
        self._cut_after: list[tuple[int, bool]] = []  # (batches, mid-element)
        self.redeliver_on_resume = False
        #: Seconds before a message posted through the API shows in the chat (YouTube's own
        #: delay: the insert answers first, the chat shows it a moment later).
        self.echo_delay = 0.0
        self._new_message = asyncio.Event()
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.base = ""

    # -- running ----------------------------------------------------------------------------

    async def start(self) -> FakeYouTube:
        app = web.Application()
        api = "/youtube/v3/"
        app.router.add_get(api + "liveChat/messages/stream", self._stream)
        app.router.add_get(api + "liveChat/messages", self._list)
        app.router.add_post(api + "liveChat/messages", self._insert)
        app.router.add_delete(api + "liveChat/messages", self._delete)
        app.router.add_post(api + "liveChat/bans", self._ban)
        app.router.add_delete(api + "liveChat/bans", self._unban)
        app.router.add_get(api + "liveBroadcasts", self._broadcasts)
        app.router.add_get(api + "videos", self._videos)
        app.router.add_get(api + "channels", self._channels)
        app.router.add_post("/token", self._token)
        app.router.add_get("/tokeninfo", self._tokeninfo)
        app.router.add_get("/auth", self._consent)
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.base = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return self.base + "/youtube/v3/"

    @property
    def oauth_url(self) -> str:
        return self.base + "/"

    @property
    def auth_url(self) -> str:
        return self.base + "/auth"

    # -- what tests do ----------------------------------------------------------------------

    def issue_token(
        self, channel_id: str = OWNER["channelId"], scopes: list[str] | None = None
    ) -> Token:
        n = next(self._ids)
        token = Token(
            f"ya29.fake-{n}-{secrets.token_hex(6)}",
            f"1//fake-refresh-{n}-{secrets.token_hex(6)}",
            channel_id,
            list(scopes or [SCOPE_FORCE_SSL]),
        )
        self.tokens[token.access] = token
        return token

    def expire(self, access: str) -> None:
        self.tokens[access].expired = True

    def revoke(self, channel_id: str) -> None:
        for access in [a for a, t in self.tokens.items() if t.channel_id == channel_id]:
            del self.tokens[access]

    def fail_next(self, method: str, status: int, reason: str, times: int = 1) -> None:
        """The next `times` calls of `method` (e.g. "liveChatMessages.streamList") answer
        `status` with Google's error `reason` (charged like any answered call)."""
        self._failures.setdefault(method, []).extend([(status, reason)] * times)

    def fail_next_token(
        self,
        status: int = 503,
        error: str = "internal_failure",
        *,
        answer: TokenTrouble = "json",
        times: int = 1,
    ) -> None:
        """The next `times` requests to the token endpoint fail: `status` with Google's JSON
        error (`error`, "Backend Error"), or a `"page"` that is not JSON (a proxy's 502), or
        `"drop"`: the connection closes before any answer."""
        self._token_failures.extend([(status, error, answer)] * times)

    def expire_page_tokens(self) -> None:
        """YouTube stops accepting every page token handed out so far (400 pageTokenInvalid), as
        it may after a long gap; tokens in batches from now on are accepted."""
        self._page_generation += 1

    def cut_next_stream(self, after_batches: int = 1, *, mid_element: bool = False) -> None:
        """Drop the connection of the next stream after `after_batches` batches (with half of
        the following batch written first when `mid_element`), as a network drop would."""
        self._cut_after.append((after_batches, mid_element))

    def use_up_quota(self, leave: int = 0) -> None:
        self.charged = max(self.charged, self.daily_quota - leave)

    def say(
        self,
        text: str,
        author: dict[str, str] | None = None,
        *,
        owner: bool = False,
        moderator: bool = False,
        member: bool = False,
        message_id: str | None = None,
    ) -> dict[str, Any]:
        """A viewer's text message arrives in the chat."""
        snippet = {
            "type": "textMessageEvent",
            "displayMessage": text,
            "textMessageDetails": {"messageText": text},
        }
        return self._post(snippet, author or VIEWER, owner, moderator, member, message_id)

    def super_chat(
        self,
        text: str,
        micros: int,
        currency: str = "USD",
        shown: str = "",
        author: dict[str, str] | None = None,
    ) -> dict[str, Any]:
        who = author or VIEWER
        shown = shown or f"${micros / 1_000_000:.2f}"
        snippet = {
            "type": "superChatEvent",
            "displayMessage": f'{shown} from {who["displayName"]}: "{text}"',
            "superChatDetails": {
                "amountMicros": str(micros),
                "currency": currency,
                "amountDisplayString": shown,
                "userComment": text,
                "tier": 2,
            },
        }
        return self._post(snippet, who, False, False, False, None)

    def super_sticker(
        self, alt_text: str, micros: int, currency: str = "EUR", shown: str = ""
    ) -> dict[str, Any]:
        shown = shown or f"€{micros / 1_000_000:.2f}"
        snippet = {
            "type": "superStickerEvent",
            "displayMessage": f"Super Sticker {shown} from {VIEWER['displayName']}",
            "superStickerDetails": {
                "superStickerMetadata": {
                    "stickerId": "fake_sticker_1",
                    "altText": alt_text,
                    "language": "en",
                },
                "amountMicros": str(micros),
                "currency": currency,
                "amountDisplayString": shown,
                "tier": 1,
            },
        }
        return self._post(snippet, VIEWER, False, False, False, None)

    def poll_event(self) -> dict[str, Any]:
        """Something that is not a comment (a poll opened by the channel)."""
        snippet = {"type": "pollEvent", "displayMessage": "", "pollDetails": {"metadata": {}}}
        return self._post(snippet, OWNER, True, False, False, None)

    def delete_event(self, message_id: str) -> dict[str, Any]:
        """A moderator deleted a message in YouTube itself."""
        snippet = {
            "type": "messageDeletedEvent",
            "displayMessage": "",
            "messageDeletedDetails": {"deletedMessageId": message_id},
        }
        return self._post(snippet, MODERATOR, False, True, False, None)

    def ban_event(
        self, who: dict[str, str], seconds: int | None = None, *, delay: float = 0.0
    ) -> dict[str, Any]:
        """A moderator banned (or with `seconds`, timed out) `who` in YouTube itself."""
        details: dict[str, Any] = {
            "bannedUserDetails": {
                "channelId": who["channelId"],
                "channelUrl": f"http://www.youtube.com/channel/{who['channelId']}",
                "displayName": who["displayName"],
                "profileImageUrl": "https://yt3.ggpht.example/p.jpg",
            },
            "banType": "temporary" if seconds else "permanent",
        }
        if seconds:
            details["banDurationSeconds"] = str(seconds)
        snippet = {"type": "userBannedEvent", "displayMessage": "", "userBannedDetails": details}
        return self._post(snippet, MODERATOR, False, True, False, None, delay=delay)

    def end_chat(self) -> None:
        """The broadcast goes offline: a chatEndedEvent, then every call is liveChatEnded."""
        snippet = {"type": "chatEndedEvent", "displayMessage": "", "hasDisplayContent": False}
        self._post(snippet, OWNER, True, False, False, None)
        self.ended = True
        self.live = False
        self._new_message.set()

    def posted(self) -> list[Call]:
        return [c for c in self.calls if c.method == "liveChatMessages.insert" and c.status == 200]

    def calls_of(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, predicate, timeout: float = 5.0) -> None:
        async with asyncio.timeout(timeout):
            while not predicate():
                await asyncio.sleep(0.01)

    # -- the chat log -----------------------------------------------------------------------

    def _post(
        self,
        snippet: dict[str, Any],
        who: dict[str, str],
        owner: bool,
        moderator: bool,
        member: bool,
        message_id: str | None,
        *,
        delay: float = 0.0,
    ) -> dict[str, Any]:
        n = next(self._ids)
        message = {
            "kind": "youtube#liveChatMessage",
            "etag": f"etag-{n}",
            "id": message_id or f"LCC.fake{n:06d}{secrets.token_hex(4)}",
            "snippet": {
                "liveChatId": CHAT_ID,
                "authorChannelId": who["channelId"],
                "publishedAt": iso_now(),
                "hasDisplayContent": bool(snippet.get("displayMessage")),
                **snippet,
            },
            "authorDetails": {
                "channelId": who["channelId"],
                "channelUrl": f"http://www.youtube.com/channel/{who['channelId']}",
                "displayName": who["displayName"],
                "profileImageUrl": "https://yt3.ggpht.example/p.jpg",
                "isVerified": False,
                "isChatOwner": owner or who["channelId"] == OWNER["channelId"],
                "isChatSponsor": member,
                "isChatModerator": moderator,
            },
        }
        if delay > 0:
            asyncio.get_running_loop().call_later(delay, self._shown, message)
        else:
            self._shown(message)
        return message

    def _shown(self, message: dict[str, Any]) -> None:
        """`message` is in the chat from now on: streams read it."""
        self.log.append(message)
        self._new_message.set()

    # -- the API's common checks ------------------------------------------------------------

    def _authorized(self, request: web.Request) -> Token | None:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return None
        token = self.tokens.get(header.removeprefix("Bearer "))
        return None if token is None or token.expired else token

    def _begin(
        self, request: web.Request, method: str, *, write: bool = False, body: Any = None
    ) -> tuple[Token | None, web.Response | None]:
        """Authorize and charge a call: the token, or the error answer to send."""
        params = dict(request.query)
        token = self._authorized(request)

        def refuse(status: int, reason: str, message: str, domain: str = "youtube.liveChat"):
            units = 0 if status == 401 or reason == "quotaExceeded" else COSTS[method]
            self.charged += units
            self.calls.append(Call(method, units, status, reason, params, body))
            return None, google_error(status, reason, message, domain)

        def refuse_as_youtube(status: int, reason: str):
            domain, message = READ_REFUSALS.get(reason, ("global", f"Injected failure: {reason}"))
            return refuse(status, reason, message, domain)

        if token is None:
            return refuse(
                401,
                "authError",
                "Request had invalid authentication credentials.",
                domain="global",
            )
        if self.charged + COSTS[method] > self.daily_quota:
            return refuse(
                403,
                "quotaExceeded",
                "The request cannot be completed because you have exceeded your quota.",
                domain="youtube.quota",
            )
        failures = self._failures.get(method)
        if failures:
            return refuse_as_youtube(*failures.pop(0))
        if write and not ({SCOPE_FORCE_SSL, SCOPE_YOUTUBE} & set(token.scopes)):
            return refuse(
                403,
                "insufficientPermissions",
                "Request had insufficient authentication scopes.",
                domain="global",
            )
        if method.startswith("liveChat") and params.get("liveChatId", CHAT_ID) != CHAT_ID:
            return refuse(
                404,
                "liveChatNotFound",
                "The live chat that you are trying to retrieve cannot be found.",
            )
        if method.startswith("liveChat") and self.ended:
            return refuse_as_youtube(403, "liveChatEnded")
        if method.startswith("liveChat") and self.chat_disabled:
            return refuse_as_youtube(403, "liveChatDisabled")
        self.charged += COSTS[method]
        self.calls.append(Call(method, COSTS[method], 200, "", params, body))
        return token, None

    def _batch(self, start: int, end: int) -> dict[str, Any]:
        items = self.log[start:end]
        batch: dict[str, Any] = {
            "kind": "youtube#liveChatMessageListResponse",
            "etag": f"etag-batch-{end}",
            "nextPageToken": encode_token(end, self._page_generation),
            "pageInfo": {"totalResults": len(items), "resultsPerPage": len(items)},
            "items": items,
        }
        if self.ended and end >= len(self.log):
            batch["offlineAt"] = iso_now()
        return batch

    def _start_position(self, token: str | None) -> int | web.Response:
        if token is None:
            return max(0, len(self.log) - self.recent)
        parts = _token_parts(token)
        if parts is None or parts[0] > len(self.log) or parts[1] != self._page_generation:
            # Charged like any answered call (`_begin` just recorded it): record the refusal.
            call = self.calls[-1]
            call.status, call.reason = 400, "pageTokenInvalid"
            return google_error(400, "pageTokenInvalid", "The page token is not valid.")
        position = parts[0]
        if self.redeliver_on_resume and position > 0:
            return position - 1  # at least once: the last message again
        return position

    # -- liveChatMessages -------------------------------------------------------------------

    async def _stream(self, request: web.Request) -> web.StreamResponse:
        self._required(request, "liveChatId", "part")
        _, refused = self._begin(request, "liveChatMessages.streamList")
        if refused is not None:
            return refused
        position = self._start_position(request.query.get("pageToken"))
        if isinstance(position, web.Response):
            return position
        cut = self._cut_after.pop(0) if self._cut_after else None
        response = web.StreamResponse(
            status=200, headers={"Content-Type": "application/json; charset=UTF-8"}
        )
        await response.prepare(request)
        self.open_streams += 1
        self.streams_started += 1
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.stream_seconds
        sent = 0
        try:
            await response.write(b"[")
            while True:
                self._new_message.clear()
                end = len(self.log)
                element = json.dumps(self._batch(position, end)).encode()
                if cut is not None and sent == cut[0]:
                    if cut[1]:
                        await response.write(b"," + element[: len(element) // 2])
                    await asyncio.sleep(0.05)
                    assert request.transport is not None
                    request.transport.close()  # the network drops mid-stream
                    return response
                await response.write((b"," if sent else b"") + element + b"\n")
                sent += 1
                position = end
                if self.ended:
                    break
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                try:
                    await asyncio.wait_for(self._new_message.wait(), remaining)
                except TimeoutError:
                    break
            await response.write(b"]")
            await response.write_eof()
        finally:
            self.open_streams -= 1
        return response

    async def _list(self, request: web.Request) -> web.Response:
        self._required(request, "liveChatId", "part")
        _, refused = self._begin(request, "liveChatMessages.list")
        if refused is not None:
            return refused
        position = self._start_position(request.query.get("pageToken"))
        if isinstance(position, web.Response):
            return position
        batch = self._batch(position, len(self.log))
        batch["pollingIntervalMillis"] = 5000
        return web.json_response(batch)

    async def _insert(self, request: web.Request) -> web.Response:
        body = await request.json()
        token, refused = self._begin(request, "liveChatMessages.insert", write=True, body=body)
        if refused is not None:
            return refused
        assert token is not None
        snippet = body.get("snippet") or {}
        text = (snippet.get("textMessageDetails") or {}).get("messageText") or ""
        if request.query.get("part") != "snippet" or snippet.get("type") != "textMessageEvent":
            return google_error(400, "invalidValue", "part must be snippet; type textMessageEvent")
        if snippet.get("liveChatId") != CHAT_ID:
            return google_error(404, "liveChatNotFound", "The live chat cannot be found.")
        if not text or len(text) > 200:
            return google_error(400, "messageTextInvalid", "The message text is not valid.")
        who = {"channelId": token.channel_id, "displayName": self._name_of(token.channel_id)}
        message = self._post(
            {
                "type": "textMessageEvent",
                "displayMessage": text,
                "textMessageDetails": {"messageText": text},
            },
            who,
            False,
            False,
            False,
            None,
            delay=self.echo_delay,
        )
        return web.json_response(message)

    async def _delete(self, request: web.Request) -> web.Response:
        self._required(request, "id")
        _, refused = self._begin(request, "liveChatMessages.delete", write=True)
        if refused is not None:
            return refused
        message_id = request.query["id"]
        if not any(m["id"] == message_id for m in self.log):
            return google_error(404, "liveChatMessageNotFound", "The message cannot be found.")
        self.delete_event(message_id)
        return web.Response(status=204)

    # -- liveChatBans -----------------------------------------------------------------------

    async def _ban(self, request: web.Request) -> web.Response:
        body = await request.json()
        _, refused = self._begin(request, "liveChatBans.insert", write=True, body=body)
        if refused is not None:
            return refused
        snippet = dict(body.get("snippet") or {})
        channel = (snippet.get("bannedUserDetails") or {}).get("channelId")
        if snippet.get("liveChatId") != CHAT_ID or not channel:
            return google_error(
                400, "invalidValue", "liveChatId and the banned channel are required."
            )
        if snippet.get("type") not in ("temporary", "permanent"):
            return google_error(400, "invalidValue", "type must be temporary or permanent.")
        seconds = None
        if snippet["type"] == "temporary":
            seconds = int(snippet.get("banDurationSeconds") or 300)
            if not 1 <= seconds <= 86_400:
                return google_error(400, "invalidValue", "banDurationSeconds is out of range.")
            snippet["banDurationSeconds"] = str(seconds)
        ban_id = f"ban-{next(self._ids)}"
        ban = {"kind": "youtube#liveChatBan", "etag": "etag-ban", "id": ban_id, "snippet": snippet}
        self.bans[ban_id] = ban
        who = {"channelId": channel, "displayName": self._name_of(channel)}
        self.ban_event(who, seconds, delay=self.echo_delay)
        return web.json_response(ban)

    async def _unban(self, request: web.Request) -> web.Response:
        self._required(request, "id")
        _, refused = self._begin(request, "liveChatBans.delete", write=True)
        if refused is not None:
            return refused
        if self.bans.pop(request.query["id"], None) is None:
            return google_error(404, "liveChatBanNotFound", "The ban cannot be found.")
        return web.Response(status=204)

    # -- finding the chat -------------------------------------------------------------------

    async def _broadcasts(self, request: web.Request) -> web.Response:
        token, refused = self._begin(request, "liveBroadcasts.list")
        if refused is not None:
            return refused
        assert token is not None
        items = []
        if self.live and token.channel_id == OWNER["channelId"]:
            items.append(
                {
                    "kind": "youtube#liveBroadcast",
                    "etag": "etag-broadcast",
                    "id": VIDEO_ID,
                    "snippet": {
                        "publishedAt": iso_now(),
                        "channelId": OWNER["channelId"],
                        "title": "Friday Night Build #37",
                        "liveChatId": CHAT_ID,
                        "actualStartTime": iso_now(),
                    },
                }
            )
        return web.json_response(
            {"kind": "youtube#liveBroadcastListResponse", "etag": "e", "items": items}
        )

    async def _videos(self, request: web.Request) -> web.Response:
        _, refused = self._begin(request, "videos.list")
        if refused is not None:
            return refused
        items = []
        if request.query.get("id") == VIDEO_ID:
            details: dict[str, Any] = {"actualStartTime": iso_now(), "concurrentViewers": "42"}
            if self.live:
                details["activeLiveChatId"] = CHAT_ID
            else:
                details["actualEndTime"] = iso_now()
            items.append(
                {
                    "kind": "youtube#video",
                    "id": VIDEO_ID,
                    "snippet": {"channelId": OWNER["channelId"], "title": "Friday Night Build #37"},
                    "liveStreamingDetails": details,
                }
            )
        return web.json_response({"kind": "youtube#videoListResponse", "items": items})

    async def _channels(self, request: web.Request) -> web.Response:
        token, refused = self._begin(request, "channels.list")
        if refused is not None:
            return refused
        assert token is not None
        return web.json_response(
            {"kind": "youtube#channelListResponse", "items": [{"id": token.channel_id}]}
        )

    # -- OAuth ------------------------------------------------------------------------------

    async def _consent(self, request: web.Request) -> web.Response:
        query = request.query
        if query.get("client_id") != CLIENT_ID or query.get("response_type") != "code":
            return web.Response(status=400, text="Error 400: invalid_request")
        if query.get("code_challenge_method") != "S256" or not query.get("code_challenge"):
            return web.Response(status=400, text="Error 400: PKCE required")
        scopes = query.get("scope", "").split()
        token = self.issue_token(self.consent_channel, scopes)
        del self.tokens[token.access]  # not valid until exchanged
        code = f"4/fake-code-{secrets.token_hex(6)}"
        self.codes[code] = (token, query["code_challenge"], query.get("redirect_uri", ""))
        target = (
            query.get("redirect_uri", "")
            + "?"
            + urlencode({"code": code, "state": query.get("state", ""), "scope": " ".join(scopes)})
        )
        raise web.HTTPFound(target)

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        grant = str(form.get("grant_type") or "")
        if self._token_failures:
            status, error, answer = self._token_failures.pop(0)
            if answer == "drop":
                self.token_requests.append((grant, 0))
                assert request.transport is not None
                request.transport.close()  # the network drops before Google answers
                return web.Response(status=500)
            self.token_requests.append((grant, status))
            if answer == "page":
                return web.Response(
                    status=status,
                    text="<html><body><h1>502 Bad Gateway</h1></body></html>",
                    content_type="text/html",
                )
            return web.json_response(
                {"error": error, "error_description": "Backend Error"}, status=status
            )
        response = await self._answer_token(form)
        self.token_requests.append((grant, response.status))
        return response

    async def _answer_token(self, form: Any) -> web.Response:
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return web.json_response(
                {"error": "invalid_client", "error_description": "Unauthorized"}, status=401
            )
        grant = form.get("grant_type")
        if grant == "authorization_code":
            entry = self.codes.pop(str(form.get("code")), None)
            verifier = str(form.get("code_verifier") or "")
            challenge = (
                base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
                .decode()
                .rstrip("=")
            )
            if entry is None or entry[1] != challenge or entry[2] != form.get("redirect_uri"):
                return web.json_response(
                    {"error": "invalid_grant", "error_description": "Bad Request"}, status=400
                )
            token = entry[0]
            self.tokens[token.access] = token
            return web.json_response(
                {
                    "access_token": token.access,
                    "expires_in": 3599,
                    "refresh_token": token.refresh,
                    "scope": " ".join(token.scopes),
                    "token_type": "Bearer",
                }
            )
        if grant == "refresh_token":
            old = next(
                (t for t in self.tokens.values() if t.refresh == form.get("refresh_token")), None
            )
            if old is None:
                return web.json_response(
                    {
                        "error": "invalid_grant",
                        "error_description": "Token has been expired or revoked.",
                    },
                    status=400,
                )
            fresh = self.issue_token(old.channel_id, old.scopes)
            fresh.refresh = old.refresh
            old.expired = True
            return web.json_response(
                {
                    "access_token": fresh.access,
                    "expires_in": 3599,
                    "scope": " ".join(fresh.scopes),
                    "token_type": "Bearer",
                }
            )
        return web.json_response({"error": "unsupported_grant_type"}, status=400)

    async def _tokeninfo(self, request: web.Request) -> web.Response:
        token = self.tokens.get(request.query.get("access_token", ""))
        if token is None or token.expired:
            return web.json_response({"error": "invalid_token"}, status=400)
        return web.json_response(
            {"aud": CLIENT_ID, "scope": " ".join(token.scopes), "expires_in": "3500"}
        )

    # -- helpers ----------------------------------------------------------------------------

    def _required(self, request: web.Request, *names: str) -> None:
        missing = [name for name in names if not request.query.get(name)]
        if missing:
            raise web.HTTPBadRequest(
                text=json.dumps(
                    {
                        "error": {
                            "code": 400,
                            "message": f"Required parameter: {missing[0]}",
                            "errors": [
                                {"reason": "required", "domain": "global", "message": "Required"}
                            ],
                        }
                    }
                ),
                content_type="application/json",
            )

    def _name_of(self, channel_id: str) -> str:
        for who in (OWNER, VIEWER, MODERATOR):
            if who["channelId"] == channel_id:
                return who["displayName"]
        return "@someone"


def settings_for(fake: FakeYouTube, **changes: Any) -> YouTubeSettings:
    values: dict[str, Any] = {
        "enabled": True,
        "api_url": fake.api_url,
        "oauth_url": fake.oauth_url,
        "auth_url": fake.auth_url,
        "reconnect_initial_seconds": 0.05,
        "reconnect_max_seconds": 0.2,
        # Short enough that the plan's floor (ten minutes ahead) reads back to back.
        "show_hours": 0.1,
        **changes,
    }
    return YouTubeSettings(**values)


def store_credentials(
    fake: FakeYouTube,
    path: Path,
    *,
    channel_id: str = OWNER["channelId"],
    scopes: list[str] | None = None,
) -> tuple[TokenStore, Token]:
    token = fake.issue_token(channel_id, scopes)
    store = TokenStore(path)
    YouTubeCredentials(
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        access_token=token.access,
        refresh_token=token.refresh,
        expires_at=None,
        scopes=tuple(token.scopes),
    ).save(store)
    return store, token
