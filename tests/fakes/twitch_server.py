"""A fake Twitch on 127.0.0.1: OAuth, Helix and the EventSub WebSocket, as twitchio 3.3.2 uses them.

One aiohttp server on a random port serves `/oauth2/...` (id.twitch.tv), `/helix/...`
(api.twitch.tv) and `/ws` (eventsub.wss.twitch.tv). It checks what Twitch checks (client id,
token, the token's user and scopes, message length) and records every request, so tests
assert on the wire: path, query, headers and JSON body.

Chat notifications are built from the real `channel.chat.message` capture in
`<repo>/../shared/data/platform-payloads/` plus the keys Twitch has sent since shared chat
launched (`source_*`, null outside a shared chat), which the 2024 capture predates and
twitchio 3.3.2 requires (models/eventsub_.py:1492 reads `payload["source_broadcaster_user_id"]`).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from aiohttp import WSCloseCode, web

from stagehand.adapters.twitch.credentials import AccountToken, TwitchCredentials
from stagehand.config.twitch import TwitchSettings
from stagehand.domain import Author, Comment
from stagehand.platform import ConnectionState
from stagehand.tokens import TokenStore

REPO_ROOT = Path(__file__).resolve().parents[2]
CAPTURE = (
    REPO_ROOT.parent
    / "shared/data/platform-payloads/twitch-eventsub-channel.chat.message.websocket-capture.json"
)

JSON_BODY = web.RequestKey("json_body", object)

CLIENT_ID = "fakeclientid0123456789"
CLIENT_SECRET = "fakeclientsecret0123456789"

# The capture's broadcaster (TwitchDev) and chatter (nerixyz); the bot is ours.
BROADCASTER = {"id": "141981764", "login": "twitchdev", "display_name": "TwitchDev"}
CHATTER = {"id": "129546453", "login": "nerixyz", "display_name": "nerixyz"}
BOT = {"id": "900000001", "login": "stagehandbot", "display_name": "StagehandBot"}


BOT_SCOPES = ["user:read:chat", "user:write:chat", "user:manage:whispers"]
BROADCASTER_SCOPES = [
    "channel:moderate",
    "moderator:manage:chat_messages",
    "moderator:manage:banned_users",
    "channel:manage:guest_star",
]


def load_capture() -> dict[str, Any]:
    """The real notification payload ({"subscription", "event"}); FileNotFoundError if absent."""
    return json.loads(CAPTURE.read_text(encoding="utf-8"))


def now_rfc3339() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f000Z")


# -- chat events: the capture and its variations ------------------------------------------


def chat_event(
    *,
    message_id: str | None = None,
    text: str | None = None,
    fragments: list[dict[str, Any]] | None = None,
    chatter: dict[str, str] | None = None,
    badges: list[tuple[str, str]] | None = None,
    reply_to: dict[str, str] | None = None,
    message_type: str | None = None,
    cheer_bits: int | None = None,
) -> dict[str, Any]:
    """The captured event, with what a test changes. `reply_to` is the parent {id, body, user};
    `cheer_bits`: a Bits cheer (the event's `cheer` object, as Twitch sends it with the
    cheermote in the text)."""
    event = copy.deepcopy(load_capture()["event"])
    for key in (
        "source_broadcaster_user_id",
        "source_broadcaster_user_login",
        "source_broadcaster_user_name",
        "source_message_id",
        "source_badges",
        "is_source_only",
    ):
        event.setdefault(key, None)
    if message_id is not None:
        event["message_id"] = message_id
    if text is not None:
        event["message"] = {"text": text, "fragments": fragments or [text_fragment(text)]}
    elif fragments is not None:
        event["message"] = {"text": "".join(f["text"] for f in fragments), "fragments": fragments}
    if chatter is not None:
        event["chatter_user_id"] = chatter["id"]
        event["chatter_user_login"] = chatter["login"]
        event["chatter_user_name"] = chatter["display_name"]
    if badges is not None:
        event["badges"] = [{"set_id": s, "id": i, "info": ""} for s, i in badges]
    if message_type is not None:
        event["message_type"] = message_type
    if cheer_bits is not None:
        event["cheer"] = {"bits": cheer_bits}
    if reply_to is not None:
        parent = reply_to["user"]
        event["reply"] = {
            "parent_message_id": reply_to["id"],
            "parent_message_body": reply_to.get("body", ""),
            "parent_user_id": parent["id"],
            "parent_user_name": parent["display_name"],
            "parent_user_login": parent["login"],
            "thread_message_id": reply_to["id"],
            "thread_user_id": parent["id"],
            "thread_user_name": parent["display_name"],
            "thread_user_login": parent["login"],
        }
    return event


def _moderation_keys(moderator: dict[str, str], user: dict[str, str]) -> dict[str, str]:
    """Who was (un)banned, in whose channel, by whom: the keys channel.ban and channel.unban
    share in the EventSub reference."""
    return {
        "user_id": user["id"],
        "user_login": user["login"],
        "user_name": user["display_name"],
        "broadcaster_user_id": BROADCASTER["id"],
        "broadcaster_user_login": BROADCASTER["login"],
        "broadcaster_user_name": BROADCASTER["display_name"],
        "moderator_user_id": moderator["id"],
        "moderator_user_login": moderator["login"],
        "moderator_user_name": moderator["display_name"],
    }


def text_fragment(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text, "cheermote": None, "emote": None, "mention": None}


def cheermote_fragment(prefix: str, bits: int) -> dict[str, Any]:
    cheermote = {"prefix": prefix.lower(), "bits": bits, "tier": 100 if bits >= 100 else 1}
    return {
        "type": "cheermote",
        "text": f"{prefix}{bits}",
        "cheermote": cheermote,
        "emote": None,
        "mention": None,
    }


def emote_fragment(name: str, emote_id: str) -> dict[str, Any]:
    emote = {"id": emote_id, "emote_set_id": "0", "owner_id": "0", "format": ["static"]}
    return {"type": "emote", "text": name, "cheermote": None, "emote": emote, "mention": None}


def mention_fragment(user: dict[str, str]) -> dict[str, Any]:
    mention = {
        "user_id": user["id"],
        "user_name": user["display_name"],
        "user_login": user["login"],
    }
    return {
        "type": "mention",
        "text": f"@{user['display_name']}",
        "cheermote": None,
        "emote": None,
        "mention": mention,
    }


# -- state ----------------------------------------------------------------------------------


#: Which requests a failure set up with `FakeTwitch.fail_next(..., when=...)` applies to.
RequestTest = Callable[[web.Request], bool]


@dataclass
class RecordedRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any

    @property
    def token(self) -> str:
        auth = self.headers.get("Authorization", "")
        return auth.removeprefix("Bearer ").removeprefix("OAuth ")


@dataclass
class Token:
    access: str
    refresh: str
    user_id: str | None  # None: an app token
    scopes: list[str]
    expires_in: int = 14_400
    expired: bool = False  # the access token ran out; its refresh token still works


@dataclass
class Session:
    id: str
    ws: web.WebSocketResponse | None = None
    subscriptions: list[dict[str, Any]] = field(default_factory=list)


class FakeTwitch:
    """`await fake.start()`, then point the adapter at `helix_url`, `oauth_url`, `eventsub_url`."""

    def __init__(self, *, keepalive_seconds: float = 1.0) -> None:
        self.keepalive_seconds = keepalive_seconds
        self.keepalive_paused = False
        self.welcome_delay = 0.0  # seconds between accepting a socket and welcoming it
        #: Twitch closes a socket with 4003 "connection unused" when nothing was subscribed on
        #: it within 10 s of its welcome (EventSub WebSocket reference, close codes).
        self.unused_close_seconds = 10.0
        self.requests: list[RecordedRequest] = []
        self.users: dict[str, dict[str, str]] = {u["id"]: u for u in (BROADCASTER, CHATTER, BOT)}
        self.tokens: dict[str, Token] = {}
        self.codes: dict[str, Token] = {}
        self.authorize_as: str | None = None
        self.guest_star_session: str | None = None
        #: Bans and timeouts in force: user id -> the ban object Helix returned.
        self.bans: dict[str, dict[str, Any]] = {}
        # Whispers: who blocks whispers from strangers, whose phone is unverified, who whispered
        # whom today (Twitch allows 40 distinct recipients a day).
        self.whisper_blockers: set[str] = set()
        self.unverified_phones: set[str] = set()
        self.whispered: dict[str, set[str]] = {}
        self.whisper_recipients_per_day = 40
        self.sessions: dict[str, Session] = {}
        self.subscribed = asyncio.Condition()
        self.subscription_count = 0
        self.ws_connections = 0
        #: Twitch shows the bot's own messages in chat like anyone's: they come back as
        #: channel.chat.message notifications with the bot as chatter. Off to test without.
        self.echo_sent_messages = True
        #: The echo is a separate delivery: it may reach the client before the answer to the
        #: POST that sent it. True: always deliver it first.
        self.echo_before_answer = False
        self.echoed: list[dict[str, Any]] = []
        self.delivered: dict[str, dict[str, Any]] = {}  # message id -> chat event, for replies
        #: The last notification frame of each kind sent on each session, to deliver again as
        #: Twitch does (at least once: the same frame, the same metadata message id).
        self.last_notification: dict[tuple[str, str], dict[str, Any]] = {}
        self._failures: dict[tuple[str, str], list[tuple[int, str, RequestTest | None]]] = {}
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self.port = 0

    # -- lifecycle

    async def start(self) -> FakeTwitch:
        app = web.Application(middlewares=[self._record])
        app.router.add_route("*", "/oauth2/{name}", self._oauth)
        app.router.add_route("*", "/helix/{path:.*}", self._helix)
        app.router.add_get("/ws", self._eventsub)
        self._runner = web.AppRunner(app, access_log=None)  # its lines would carry secrets
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def stop(self) -> None:
        for session in list(self.sessions.values()):
            if session.ws is not None and not session.ws.closed:
                await session.ws.close()
        for task in list(self._tasks):
            task.cancel()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def helix_url(self) -> str:
        return f"{self.base_url}/helix/"

    @property
    def oauth_url(self) -> str:
        return f"{self.base_url}/oauth2/"

    @property
    def eventsub_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/ws"

    # -- setting the scene

    def issue_token(
        self, user_id: str | None, scopes: list[str], *, expires_in: int = 14_400
    ) -> Token:
        n = next(self._ids)
        who = user_id or "app"
        token = Token(
            f"access-{who}-{n}-{secrets.token_hex(4)}",
            f"refresh-{who}-{n}-{secrets.token_hex(4)}",
            user_id,
            list(scopes),
            expires_in,
        )
        self.tokens[token.access] = token
        return token

    def revoke(self, user_id: str) -> None:
        """The user disconnected the app (Twitch Settings -> Connections): every access and
        refresh token of theirs stops working, as after `POST /oauth2/revoke`."""
        for access in [a for a, t in self.tokens.items() if t.user_id == user_id]:
            del self.tokens[access]
        for code in [c for c, t in self.codes.items() if t.user_id == user_id]:
            del self.codes[code]

    def expire(self, access: str) -> None:
        """The access token ran out (they last about four hours); its refresh token still works."""
        self.tokens[access].expired = True

    def live_token(self, access: str) -> Token | None:
        """The token behind an access token, if Twitch would still accept it."""
        token = self.tokens.get(access)
        return None if token is None or token.expired else token

    def fail_next(
        self,
        method: str,
        path: str,
        status: int,
        message: str,
        *,
        when: RequestTest | None = None,
    ) -> None:
        """The next `method path` (e.g. "POST", "chat/messages", "oauth2/token") answers `status`
        with `message`; with `when`, the next one `when` is true of (one account's token, one
        grant type).

        `{request}` in the message is replaced by the request as sent: method, path, query and
        Authorization header. Twitch's own errors never quote secrets, but proxies, gateways and
        error pages do, and a platform error worded that way is the worst case for a leak.
        """
        self._failures.setdefault((method, path), []).append((status, message, when))

    def _failure(self, request: web.Request, path: str) -> web.Response | None:
        failures = self._failures.get((request.method, path)) or []
        due = next((f for f in failures if f[2] is None or f[2](request)), None)
        if due is None:
            return None
        failures.remove(due)
        status, message, _ = due
        sent = (
            f"{request.method} {request.path_qs} "
            f"Authorization: {request.headers.get('Authorization', '')}"
        )
        return self._error(status, message.replace("{request}", sent))

    def requests_to(self, method: str, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.method == method and r.path == path]

    # -- HTTP

    @web.middleware
    async def _record(self, request: web.Request, handler: Any) -> web.StreamResponse:
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw.decode("utf-8", "replace")
        path = request.path.removeprefix("/helix/").removeprefix("/")
        self.requests.append(
            RecordedRequest(request.method, path, dict(request.query), dict(request.headers), body)
        )
        request[JSON_BODY] = body
        return await handler(request)

    @staticmethod
    def _error(status: int, message: str) -> web.Response:
        reasons = {
            400: "Bad Request",
            401: "Unauthorized",
            403: "Forbidden",
            404: "Not Found",
            409: "Conflict",
            429: "Too Many Requests",
            500: "Internal Server Error",
            502: "Bad Gateway",
            503: "Service Unavailable",
        }
        body = {"error": reasons.get(status, "Error"), "status": status, "message": message}
        return web.json_response(body, status=status)

    @staticmethod
    def _oauth_error(status: int, message: str) -> web.Response:
        """id.twitch.tv's refusals: `{"status", "message"}`, no "error" key, unlike Helix's
        (a wrong secret: `{"status":403,"message":"invalid client secret"}`; an unknown client
        id: 400 "invalid client"; as reported in PhantomBot/PhantomBot#2860,
        Ephellon/Twitch-Tools#21, twitchdev/issues#943)."""
        return web.json_response({"status": status, "message": message}, status=status)

    async def _oauth(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        query = request.query
        if failure := self._failure(request, f"oauth2/{name}"):
            return failure
        if name == "validate":
            auth = request.headers.get("Authorization", "")
            token = self.live_token(auth.removeprefix("OAuth ").removeprefix("Bearer "))
            if token is None:  # unknown, expired or revoked
                return self._oauth_error(401, "invalid access token")
            body: dict[str, Any] = {
                "client_id": CLIENT_ID,
                "scopes": token.scopes,
                "expires_in": token.expires_in,
            }
            if token.user_id:
                body |= {"login": self.users[token.user_id]["login"], "user_id": token.user_id}
            return web.json_response(body)
        if name == "authorize":
            if self.authorize_as is None:
                return self._oauth_error(400, "nobody is logged in to the fake Twitch")
            scopes = query.get("scope", "").replace("+", " ").split()
            code = secrets.token_hex(8)
            self.codes[code] = self.issue_token(self.authorize_as, scopes)
            target = (
                query["redirect_uri"]
                + "?"
                + urlencode(
                    {"code": code, "scope": " ".join(scopes), "state": query.get("state", "")}
                )
            )
            raise web.HTTPFound(target)
        if name != "token" or request.method != "POST":
            return self._oauth_error(404, "not found")
        if query.get("client_id") != CLIENT_ID:
            return self._oauth_error(400, "invalid client")
        grant = query.get("grant_type")
        if query.get("client_secret") != CLIENT_SECRET:
            return self._oauth_error(403, "invalid client secret")
        if grant == "client_credentials":
            token = self.issue_token(None, [])
            return web.json_response(
                {
                    "access_token": token.access,
                    "expires_in": token.expires_in,
                    "token_type": "bearer",
                }
            )
        if grant == "refresh_token":
            old = next(
                (t for t in self.tokens.values() if t.refresh == query.get("refresh_token")), None
            )
            if old is None:
                return self._oauth_error(400, "Invalid refresh token")
            del self.tokens[old.access]
            token = self.issue_token(old.user_id, old.scopes)
        elif grant == "authorization_code":
            token = self.codes.pop(query.get("code", ""), None)
            if token is None:
                return self._oauth_error(400, "Invalid authorization code")
        else:
            return self._oauth_error(400, "unsupported grant type")
        return web.json_response(
            {
                "access_token": token.access,
                "refresh_token": token.refresh,
                "expires_in": token.expires_in,
                "scope": token.scopes,
                "token_type": "bearer",
            }
        )

    def _caller(self, request: web.Request) -> Token | web.Response:
        if request.headers.get("Client-Id") != CLIENT_ID:
            return self._error(401, "Client ID and OAuth token do not match")
        auth = request.headers.get("Authorization", "")
        token = self.live_token(auth.removeprefix("Bearer "))
        if not auth.startswith("Bearer ") or token is None:
            return self._error(401, "Invalid OAuth token")
        return token

    def _needs(self, token: Token, user_id: str | None, scope: str) -> web.Response | None:
        if token.user_id is None or token.user_id != user_id:
            return self._error(
                401, "The ID in the query must match the user ID in the access token."
            )
        if scope not in token.scopes:
            return self._error(401, f"Missing scope: {scope}")
        return None

    async def _helix(self, request: web.Request) -> web.StreamResponse:
        path = request.match_info["path"].rstrip("/")
        if failure := self._failure(request, path):
            return failure
        token = self._caller(request)
        if isinstance(token, web.Response):
            return token
        query, body = request.query, request[JSON_BODY] or {}
        route = (request.method, path)
        if route == ("GET", "users"):
            ids, logins = query.getall("id", []), query.getall("login", [])
            found = [u for u in self.users.values() if u["id"] in ids or u["login"] in logins]
            return web.json_response({"data": [self._user_json(u) for u in found]})
        if route == ("POST", "eventsub/subscriptions"):
            return await self._subscribe(token, body)
        if route == ("POST", "chat/messages"):
            if problem := self._needs(token, str(body.get("sender_id")), "user:write:chat"):
                return problem
            message = str(body.get("message", ""))
            if len(message) > 500 or not message.strip():
                return self._error(400, "The message field must be 1 to 500 characters")
            sent = {"message_id": str(uuid.uuid4()), "is_sent": True, "drop_reason": None}
            echo = self._echo(str(body["sender_id"]), message, sent["message_id"], body)
            if echo is not None and self.echo_before_answer:
                await echo
            return web.json_response({"data": [sent]})
        if route == ("DELETE", "moderation/chat"):
            need = "moderator:manage:chat_messages"
            if problem := self._needs(token, query.get("moderator_id"), need):
                return problem
            if message_id := query.get("message_id"):
                event = self.delivered.get(str(message_id), {})
                user = {
                    "id": str(event.get("chatter_user_id", "")),
                    "login": str(event.get("chatter_user_login", "")),
                    "display_name": str(event.get("chatter_user_name", "")),
                }
                await self.delete_on_twitch(str(message_id), user)
            return web.Response(status=204)
        if route == ("POST", "moderation/bans"):
            need = "moderator:manage:banned_users"
            if problem := self._needs(token, query.get("moderator_id"), need):
                return problem
            data = body.get("data") or {}
            ban = {
                "broadcaster_id": query["broadcaster_id"],
                "moderator_id": query["moderator_id"],
                "user_id": str(data.get("user_id")),
                "created_at": now_rfc3339(),
                "end_time": now_rfc3339() if data.get("duration") else None,
            }
            self.bans[ban["user_id"]] = ban
            # Twitch notifies channel.ban of every ban and timeout, the API's included.
            user = self.users.get(
                ban["user_id"], {"id": ban["user_id"], "login": "", "display_name": ""}
            )
            await self.ban_on_twitch(
                self.users[ban["moderator_id"]],
                user,
                duration=data.get("duration"),
                reason=str(data.get("reason") or ""),
                helix=False,
            )
            return web.json_response({"data": [ban]})
        if route == ("DELETE", "moderation/bans"):
            # Helix: removes a ban or a timeout; 400 when the user is neither banned nor timed out.
            need = "moderator:manage:banned_users"
            if problem := self._needs(token, query.get("moderator_id"), need):
                return problem
            user_id = str(query.get("user_id"))
            if self.bans.pop(user_id, None) is None:
                return self._error(400, "The user specified in the user_id field is not banned.")
            # Twitch notifies channel.unban of the API's unbans too.
            user = self.users.get(user_id, {"id": user_id, "login": "", "display_name": ""})
            await self.unban_on_twitch(self.users[query["moderator_id"]], user, helix=False)
            return web.Response(status=204)
        if route == ("POST", "whispers"):
            return self._whisper(token, query, body)
        if route == ("GET", "guest_star/session"):
            if problem := self._needs(
                token, query.get("moderator_id"), "channel:manage:guest_star"
            ):
                return problem
            sessions = (
                [{"id": self.guest_star_session, "guests": []}] if self.guest_star_session else []
            )
            return web.json_response({"data": sessions})
        if route == ("POST", "guest_star/invites"):
            if problem := self._needs(
                token, query.get("moderator_id"), "channel:manage:guest_star"
            ):
                return problem
            if query.get("session_id") != self.guest_star_session:
                return self._error(400, "Session not found")
            return web.Response(status=204)
        return self._error(404, f"the fake has no {request.method} {path}")

    def _echo(
        self, sender_id: str, text: str, message_id: str, body: dict[str, Any]
    ) -> asyncio.Future[None] | None:
        """Send the message back to chat subscribers, from the sender, after the response
        (unless `echo_before_answer`); returns the delivery."""
        if not self.echo_sent_messages or sender_id not in self.users:
            return None
        parent = self.delivered.get(str(body.get("reply_parent_message_id") or ""))
        reply_to = None
        if parent is not None:
            reply_to = {
                "id": parent["message_id"],
                "body": parent["message"]["text"],
                "user": {
                    "id": parent["chatter_user_id"],
                    "login": parent["chatter_user_login"],
                    "display_name": parent["chatter_user_name"],
                },
            }
        event = chat_event(
            message_id=message_id,
            text=text,
            chatter=self.users[sender_id],
            badges=[],
            reply_to=reply_to,
            message_type="text",
        )
        if reply_to is None:
            event["reply"] = None

        async def deliver() -> None:
            if not self.echo_before_answer:
                await asyncio.sleep(0)  # after the HTTP response, as Twitch does
            if self._live_chat_sessions():
                await self.send_chat(event)
                self.echoed.append(event)

        task = asyncio.ensure_future(deliver())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def _whisper(self, token: Token, query: Any, body: dict[str, Any]) -> web.Response:
        """Send Whisper, with the checks and messages of Twitch's reference, in its order."""
        sender, to = query.get("from_user_id"), query.get("to_user_id")
        if problem := self._needs(token, sender, "user:manage:whispers"):
            return problem
        if sender in self.unverified_phones:
            return self._error(
                401,
                "The user in the from_user_id query parameter must have a verified phone number.",
            )
        if sender == to:
            return self._error(
                400, "The ID in the from_user_id and to_user_id query parameters must be different."
            )
        if not str(body.get("message", "")):
            return self._error(400, "The message field must not contain an empty string.")
        if to not in self.users:
            return self._error(404, "The ID in to_user_id was not found.")
        if to in self.whisper_blockers:
            return self._error(
                400,
                "The user that you're sending the whisper to doesn't allow whisper messages "
                "(see the Block Whispers from Strangers setting in your Security and Privacy "
                "settings).",
            )
        recipients = self.whispered.setdefault(str(sender), set())
        if to not in recipients and len(recipients) >= self.whisper_recipients_per_day:
            return self._error(
                429, "The sending user exceeded the number of whisper requests that they may make."
            )
        recipients.add(str(to))
        return web.Response(status=204)

    @staticmethod
    def _user_json(user: dict[str, str]) -> dict[str, Any]:
        return {
            **user,
            "type": "",
            "broadcaster_type": "",
            "description": "",
            "profile_image_url": "https://example.invalid/p.png",
            "offline_image_url": "",
            "created_at": "2016-01-01T00:00:00Z",
        }

    async def _subscribe(self, token: Token, body: dict[str, Any]) -> web.Response:
        transport = body.get("transport") or {}
        condition = body.get("condition") or {}
        session = self.sessions.get(transport.get("session_id", ""))
        if transport.get("method") != "websocket" or session is None or session.ws is None:
            return self._error(
                400, "websocket transport session does not exist or has already disconnected"
            )
        if body.get("type") in ("channel.ban", "channel.unban"):
            # EventSub reference: channel.ban and channel.unban need channel:moderate, granted by
            # the broadcaster (the condition names only them); a WebSocket subscription uses
            # their user token. (channel.chat.clear, like chat, needs user:read:chat from the
            # condition's user_id: the branch below.)
            broadcaster = condition.get("broadcaster_user_id")
            if token.user_id != broadcaster or "channel:moderate" not in token.scopes:
                return self._error(403, "subscription missing proper authorization")
        elif problem := self._needs(token, condition.get("user_id"), "user:read:chat"):
            return problem
        if any(
            s["condition"] == condition and s["type"] == body.get("type")
            for s in session.subscriptions
        ):
            return self._error(409, "subscription already exists")
        sub = {
            "id": str(uuid.uuid4()),
            "status": "enabled",
            "type": body["type"],
            "version": body["version"],
            "condition": condition,
            "transport": {"method": "websocket", "session_id": session.id},
            "created_at": now_rfc3339(),
            "cost": 0,
        }
        session.subscriptions.append(sub)
        async with self.subscribed:
            self.subscription_count += 1
            self.subscribed.notify_all()
        return web.json_response(
            {"data": [sub], "total": 1, "total_cost": 0, "max_total_cost": 10}, status=202
        )

    async def wait_for_subscriptions(self, count: int, timeout: float = 10.0) -> None:
        """Wait until `count` subscriptions were created in all (counting re-subscriptions)."""
        async with asyncio.timeout(timeout), self.subscribed:
            await self.subscribed.wait_for(lambda: self.subscription_count >= count)

    # -- EventSub WebSocket

    async def wait_for_chat(self, timeout: float = 10.0) -> None:
        """Wait until a live session is subscribed to channel.chat.message (`send_chat` works)."""
        async with asyncio.timeout(timeout):
            while not self._live_chat_sessions():
                await asyncio.sleep(0.02)

    async def _eventsub(self, request: web.Request) -> web.StreamResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        self.ws_connections += 1
        moved_from = request.query.get("reconnect")
        if moved_from in self.sessions:
            # Following a session_reconnect: same session, subscriptions carried over.
            session = self.sessions[moved_from]
        else:
            session = Session(id=f"fake-session-{next(self._ids)}-{secrets.token_hex(6)}")
            self.sessions[session.id] = session
        session.ws = ws
        await asyncio.sleep(self.welcome_delay)
        await ws.send_json(self._frame("session_welcome", {"session": self._session_json(session)}))
        keepalive = asyncio.create_task(self._keepalive(ws))
        unused = asyncio.create_task(self._close_if_unused(session, ws))
        self._tasks.update((keepalive, unused))
        try:
            async for _ in ws:  # the client sends nothing but pongs (aiohttp answers pings)
                pass
        finally:
            for task in (keepalive, unused):
                task.cancel()
                self._tasks.discard(task)
            if session.ws is ws:  # a plain disconnect: Twitch drops the session's subscriptions
                session.ws = None
                session.subscriptions.clear()
        return ws

    def _session_json(self, session: Session, reconnect_url: str | None = None) -> dict[str, Any]:
        return {
            "id": session.id,
            "status": "reconnecting" if reconnect_url else "connected",
            "connected_at": now_rfc3339(),
            "keepalive_timeout_seconds": None if reconnect_url else 10,
            "reconnect_url": reconnect_url,
            "recovery_url": None,
        }

    @staticmethod
    def _frame(kind: str, payload: dict[str, Any], **metadata: str) -> dict[str, Any]:
        meta = {
            "message_id": str(uuid.uuid4()),
            "message_type": kind,
            "message_timestamp": now_rfc3339(),
            **metadata,
        }
        return {"metadata": meta, "payload": payload}

    async def _close_if_unused(self, session: Session, ws: web.WebSocketResponse) -> None:
        await asyncio.sleep(self.unused_close_seconds)
        if session.ws is ws and not ws.closed and not session.subscriptions:
            with contextlib.suppress(ConnectionError, RuntimeError):
                await ws.close(code=4003, message=b"connection unused")

    async def _keepalive(self, ws: web.WebSocketResponse) -> None:
        with contextlib.suppress(ConnectionError, RuntimeError):
            while not ws.closed:
                await asyncio.sleep(self.keepalive_seconds)
                if not self.keepalive_paused and not ws.closed:
                    await ws.send_json(self._frame("session_keepalive", {}))

    def _live_chat_sessions(self) -> list[Session]:
        return [
            s
            for s in self.sessions.values()
            if s.ws is not None
            and not s.ws.closed
            and any(sub["type"] == "channel.chat.message" for sub in s.subscriptions)
        ]

    async def send_chat(self, event: dict[str, Any], *, metadata_id: str | None = None) -> str:
        """Deliver a channel.chat.message notification to every subscribed session."""
        sessions = self._live_chat_sessions()
        if not sessions:
            raise AssertionError("no live session is subscribed to channel.chat.message")
        for session in sessions:
            sub = next(s for s in session.subscriptions if s["type"] == "channel.chat.message")
            frame = self._frame(
                "notification",
                {"subscription": sub, "event": event},
                subscription_type="channel.chat.message",
                subscription_version="1",
            )
            if metadata_id:
                frame["metadata"]["message_id"] = metadata_id
            assert session.ws is not None
            await session.ws.send_json(frame)
        self.delivered[str(event.get("message_id"))] = event
        return str(event.get("message_id"))

    async def _notify(self, kind: str, event: dict[str, Any]) -> int:
        """Deliver a `kind` notification to every live session subscribed to it; how many."""
        sent = 0
        for session in list(self.sessions.values()):
            if session.ws is None or session.ws.closed:
                continue
            for sub in session.subscriptions:
                if sub["type"] != kind:
                    continue
                frame = self._frame(
                    "notification",
                    {"subscription": sub, "event": event},
                    subscription_type=kind,
                    subscription_version=sub["version"],
                )
                await session.ws.send_json(frame)
                self.last_notification[(session.id, kind)] = frame
                sent += 1
        return sent

    def last_notification_of(self, kind: str) -> str | None:
        """The metadata message id of the last `kind` notification sent (None: none yet)."""
        frames = [f for (_, k), f in self.last_notification.items() if k == kind]
        return frames[-1]["metadata"]["message_id"] if frames else None

    async def redeliver(self, kind: str) -> int:
        """Send the last `kind` notification again, as Twitch redelivers one it is not sure
        arrived: the very frame (same metadata `message_id`, same event). How many were sent."""
        sent = 0
        for session in list(self.sessions.values()):
            frame = self.last_notification.get((session.id, kind))
            if frame is None or session.ws is None or session.ws.closed:
                continue
            await session.ws.send_json(frame)
            sent += 1
        return sent

    async def ban_on_twitch(
        self,
        moderator: dict[str, str],
        user: dict[str, str],
        *,
        duration: int | None = None,
        reason: str = "",
        helix: bool = True,
    ) -> int:
        """A moderator's /ban (or /timeout with `duration` seconds) in Twitch's own chat: what
        EventSub sends (channel.ban, and channel.chat.clear_user_messages: their messages are
        cleared), with the keys of the EventSub reference. Returns the notifications sent."""
        banned_at = datetime.now(UTC)
        if helix:
            self.bans[user["id"]] = {"user_id": user["id"], "moderator_id": moderator["id"]}
        ban = {
            **_moderation_keys(moderator, user),
            "reason": reason,
            "banned_at": banned_at.strftime("%Y-%m-%dT%H:%M:%S.%f000Z"),
            "ends_at": (banned_at + timedelta(seconds=duration)).strftime(
                "%Y-%m-%dT%H:%M:%S.%f000Z"
            )
            if duration
            else None,
            "is_permanent": not duration,
        }
        cleared = {
            "broadcaster_user_id": BROADCASTER["id"],
            "broadcaster_user_login": BROADCASTER["login"],
            "broadcaster_user_name": BROADCASTER["display_name"],
            "target_user_id": user["id"],
            "target_user_login": user["login"],
            "target_user_name": user["display_name"],
        }
        return await self._notify("channel.ban", ban) + await self._notify(
            "channel.chat.clear_user_messages", cleared
        )

    async def unban_on_twitch(
        self, moderator: dict[str, str], user: dict[str, str], *, helix: bool = True
    ) -> int:
        """A moderator's /unban (or /untimeout) in Twitch's own chat: channel.unban, with the
        keys of the EventSub reference. Returns the notifications sent."""
        if helix:
            self.bans.pop(user["id"], None)
        return await self._notify("channel.unban", _moderation_keys(moderator, user))

    async def clear_on_twitch(self) -> int:
        """A moderator's /clear in Twitch's own chat: channel.chat.clear (the broadcaster only,
        per the EventSub reference). Returns the notifications sent."""
        return await self._notify(
            "channel.chat.clear",
            {
                "broadcaster_user_id": BROADCASTER["id"],
                "broadcaster_user_login": BROADCASTER["login"],
                "broadcaster_user_name": BROADCASTER["display_name"],
            },
        )

    async def delete_on_twitch(self, message_id: str, user: dict[str, str]) -> int:
        """A moderator deleted one message in Twitch's own chat (channel.chat.message_delete)."""
        return await self._notify(
            "channel.chat.message_delete",
            {
                "broadcaster_user_id": BROADCASTER["id"],
                "broadcaster_user_login": BROADCASTER["login"],
                "broadcaster_user_name": BROADCASTER["display_name"],
                "target_user_id": user["id"],
                "target_user_login": user["login"],
                "target_user_name": user["display_name"],
                "message_id": message_id,
            },
        )

    async def send_raw(self, data: str | bytes) -> None:
        """Send a frame as is (malformed-frame tests) to every live session."""
        for session in self.sessions.values():
            if session.ws is not None and not session.ws.closed:
                if isinstance(data, bytes):
                    await session.ws.send_bytes(data)
                else:
                    await session.ws.send_str(data)

    async def send_reconnect(self) -> None:
        """Ask every live session to move to a new connection (`session_reconnect`)."""
        for session in list(self.sessions.values()):
            if session.ws is not None and not session.ws.closed:
                url = f"{self.eventsub_url}?reconnect={session.id}"
                frame = self._frame(
                    "session_reconnect", {"session": self._session_json(session, url)}
                )
                await session.ws.send_json(frame)

    async def drop_connections(self) -> None:
        """Close every EventSub socket from the server side, as a network blip would."""
        for session in list(self.sessions.values()):
            if session.ws is not None and not session.ws.closed:
                await session.ws.close(code=WSCloseCode.GOING_AWAY, message=b"dropped")


# -- the adapter's side: a sink that records, and settings/tokens pointing at a fake ------


@dataclass
class RecordingSink:
    """An `AdapterSink` that keeps what it hears, so tests can wait for it."""

    comments: list[Comment] = field(default_factory=list)
    states: list[tuple[ConnectionState, str]] = field(default_factory=list)

    def comment_received(self, comment: Comment) -> None:
        self.comments.append(comment)

    def comment_edited(self, platform: str, comment_id: str, text: str, ts: datetime) -> None:
        pass

    def comment_deleted(self, platform: str, comment_id: str, ts: datetime) -> None:
        pass

    def hand_changed(self, author: Author, raised: bool) -> None:
        pass

    def left_stage(self, author: Author, detail: str) -> None:
        pass  # Twitch has no stage the adapter watches

    def connection_changed(self, platform: str, state: ConnectionState, detail: str = "") -> None:
        assert platform == "twitch"
        self.states.append((state, detail))

    @property
    def state(self) -> ConnectionState | None:
        return self.states[-1][0] if self.states else None

    async def wait_for(self, predicate, timeout: float = 5.0) -> None:
        async with asyncio.timeout(timeout):
            while not predicate():
                await asyncio.sleep(0.02)

    async def wait_for_comments(self, count: int, timeout: float = 5.0) -> list[Comment]:
        await self.wait_for(lambda: len(self.comments) >= count, timeout)
        return self.comments


def settings_for(fake: FakeTwitch, **changes: object) -> TwitchSettings:
    return TwitchSettings(
        enabled=True,
        channel=BROADCASTER["login"],
        helix_url=fake.helix_url,
        oauth_url=fake.oauth_url,
        eventsub_url=fake.eventsub_url,
        reconnect_initial_seconds=0.05,
        reconnect_max_seconds=0.2,
        **changes,
    )


def store_credentials(
    fake: FakeTwitch, path: Path, *, bot_expires_in: int = 14_400
) -> tuple[TokenStore, Token, Token]:
    bot = fake.issue_token(BOT["id"], BOT_SCOPES, expires_in=bot_expires_in)
    owner = fake.issue_token(BROADCASTER["id"], BROADCASTER_SCOPES)
    store = TokenStore(path)
    TwitchCredentials(
        CLIENT_ID,
        CLIENT_SECRET,
        bot=AccountToken(BOT["id"], BOT["login"], bot.access, bot.refresh, tuple(bot.scopes)),
        broadcaster=AccountToken(
            BROADCASTER["id"],
            BROADCASTER["login"],
            owner.access,
            owner.refresh,
            tuple(owner.scopes),
        ),
    ).save(store)
    return store, bot, owner
