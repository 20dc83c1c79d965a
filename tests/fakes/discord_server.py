"""A fake Discord on 127.0.0.1: the gateway and the REST calls stagehand's adapter makes.

It speaks what discord.py 2.7.1 really sends and expects (read from its source and checked by
running it): op 10 HELLO, op 11 ACK for every heartbeat, op 2 IDENTIFY answered with READY and
GUILD_CREATE, op 6 RESUME answered by replaying the events the client missed and RESUMED,
op 7 RECONNECT, op 9 INVALID_SESSION for an unknown session, close code 4014 when a privileged
intent is asked for and not enabled. REST answers carry `Content-Type: application/json` exactly
(discord.py compares the header with ==). Every request and every gateway frame the client sent
is recorded for assertions; failures (403, 404, ...) can be queued per route.

The guild uses the ids of the real payloads in ../shared/data/platform-payloads: the docs example's
channel is the show's chat and its author (Mason) is a member; the serenity capture's channel is a
second text channel and its author (zeyla) is a moderator.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import json
import math
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import WSMsgType, web

DISCORD_EPOCH_MS = 1420070400000
PAYLOADS_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "platform-payloads"
DOCS_EXAMPLE = "discord-message.docs-example.json"
SERENITY_CAPTURE = "discord-message_create_1.serenity-capture.json"

# Ids: the two channels and two authors come from the real payloads.
GUILD_ID = "197038439483310086"
SHOW_CHANNEL_ID = "290926798999357250"  # docs example's channel_id
OTHER_CHANNEL_ID = "244567637332328449"  # serenity capture's channel_id
THREAD_ID = "1100000000000000011"
STAGE_CHANNEL_ID = "1100000000000000013"
UNWATCHED_CHANNEL_ID = "1100000000000000014"
APP_ID = "1100000000000000100"
BOT_ID = APP_ID
OWNER_ID = "1100000000000000200"
ADMIN_ID = "1100000000000000201"
MASON_ID = "53908099506183680"  # docs example's author
ZEYLA_ID = "114941315417899012"  # serenity capture's author
LISTENER_ID = "1100000000000000202"  # in the Stage audience, hand down
HOST_ROLE_ID = "1100000000000000301"
MOD_ROLE_ID = "1100000000000000302"
ADMIN_ROLE_ID = "1100000000000000303"
BOT_ROLE_ID = "1100000000000000304"

# Permission bits (https://discord.com/developers/docs/topics/permissions).
BAN_MEMBERS = 1 << 2
ADMINISTRATOR = 1 << 3
VIEW_AUDIT_LOG = 1 << 7
MANAGE_MESSAGES = 1 << 13
MODERATE_MEMBERS = 1 << 40
EVERYONE_PERMISSIONS = (1 << 10) | (1 << 11) | (1 << 16) | (1 << 20) | (1 << 21) | (1 << 32)
MESSAGE_CONTENT_INTENT = 1 << 15
GUILD_MODERATION_INTENT = 1 << 2  # GUILD_BAN_ADD, GUILD_BAN_REMOVE, audit log entries
# What docs/discord.md tells users to grant the bot (the invite URL's permissions integer).
BOT_PERMISSIONS = 1374393805828


def load_payload(name: str) -> dict[str, Any]:
    """A real payload from the shared data folder (callers skip when it is absent)."""
    return json.loads((PAYLOADS_DIR / name).read_text(encoding="utf-8"))


def payloads_available() -> bool:
    return (PAYLOADS_DIR / DOCS_EXAMPLE).is_file() and (PAYLOADS_DIR / SERENITY_CAPTURE).is_file()


def iso(dt: datetime | None = None) -> str:
    return (dt or datetime.now(UTC)).isoformat()


def user_payload(uid: str, username: str, global_name: str | None, *, bot: bool = False) -> dict:
    user = {
        "id": uid,
        "username": username,
        "global_name": global_name,
        "discriminator": "0",
        "avatar": None,
        "public_flags": 0,
    }
    if bot:
        user["bot"] = True
    return user


def member_payload(user: dict, roles: list[str], *, nick: str | None = None) -> dict:
    return {
        "user": user,
        "nick": nick,
        "avatar": None,
        "roles": roles,
        "joined_at": "2024-01-01T00:00:00+00:00",
        "premium_since": None,
        "deaf": False,
        "mute": False,
        "flags": 0,
        "pending": False,
        "communication_disabled_until": None,
    }


def role_payload(rid: str, name: str, permissions: int, position: int) -> dict:
    return {
        "id": rid,
        "name": name,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": position,
        "permissions": str(permissions),
        "managed": False,
        "mentionable": True,
        "flags": 0,
    }


def text_channel(cid: str, name: str, position: int) -> dict:
    return {
        "id": cid,
        "type": 0,
        "guild_id": GUILD_ID,
        "name": name,
        "position": position,
        "permission_overwrites": [],
        "parent_id": None,
        "topic": None,
        "nsfw": False,
        "rate_limit_per_user": 0,
        "last_message_id": None,
        "flags": 0,
    }


@dataclass
class Recorded:
    """One REST request as the client sent it."""

    method: str
    path: str
    json: Any
    headers: dict[str, str]
    query: dict[str, str]


@dataclass
class Failure:
    method: str
    pattern: re.Pattern[str]
    status: int
    code: int
    message: str
    times: int
    #: A 429's wait (seconds), answered as Discord does: `retry_after` in the JSON body,
    #: `Retry-After` and the `X-RateLimit-*` headers, and Discord's edge in `Via`.
    retry_after: float | None = None


@dataclass
class Session:
    id: str
    seq: int = 0
    sent: list[dict] = field(default_factory=list)
    socket: web.WebSocketResponse | None = None
    #: The gateway intents the client identified with.
    intents: int = 0


class FakeDiscord:
    """The fake server. `async with FakeDiscord() as fake:` then point discord.py at its URLs."""

    def __init__(self, *, message_content_enabled: bool = True) -> None:
        self.message_content_enabled = message_content_enabled
        self.identify_close_code: int | None = None  # e.g. 4004: authentication failed
        self.requests: list[Recorded] = []
        self.frames: list[dict] = []  # every gateway frame the client sent, in order
        self.close_codes_sent: list[int] = []
        self.sessions: dict[str, Session] = {}
        self.current: Session | None = None
        self.members: dict[str, dict] = {}
        self.voice_states: dict[str, dict] = {}
        self.commands: list[dict] = []
        self._failures: list[Failure] = []
        self._background: set[asyncio.Task] = set()
        self.channels_dm: dict[str, dict] = {}
        self.bans: set[str] = set()  # user ids banned from the guild
        self._ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self._changed = asyncio.Condition()
        self.port = 0
        self._build_guild()

    # --- lifecycle -------------------------------------------------------------------------

    async def __aenter__(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/resume-gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def __aexit__(self, *exc: object) -> None:
        for session in self.sessions.values():
            if session.socket is not None and not session.socket.closed:
                await session.socket.close(code=1001)
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    # --- the guild ------------------------------------------------------------------------

    def _build_guild(self) -> None:
        self.bot_user = user_payload(BOT_ID, "stagehand-bot", "Stagehand", bot=True)
        people = {
            BOT_ID: (self.bot_user, [BOT_ROLE_ID], None),
            OWNER_ID: (user_payload(OWNER_ID, "ownerlogin", "The Owner"), [], None),
            ADMIN_ID: (user_payload(ADMIN_ID, "adminlogin", "Admin Ada"), [ADMIN_ROLE_ID], None),
            MASON_ID: (user_payload(MASON_ID, "Mason", "Mason G"), [], "Mase"),
            ZEYLA_ID: (user_payload(ZEYLA_ID, "zeyla", None), [MOD_ROLE_ID], None),
            LISTENER_ID: (user_payload(LISTENER_ID, "listener", "Lis Tener"), [], None),
        }
        for uid, (user, roles, nick) in people.items():
            self.members[uid] = member_payload(user, roles, nick=nick)
        self.roles = [
            role_payload(GUILD_ID, "@everyone", EVERYONE_PERMISSIONS, 0),
            role_payload(HOST_ROLE_ID, "Show Host", EVERYONE_PERMISSIONS, 1),
            role_payload(MOD_ROLE_ID, "Moderator", MANAGE_MESSAGES | MODERATE_MEMBERS, 2),
            role_payload(ADMIN_ROLE_ID, "Admin", ADMINISTRATOR, 3),
            role_payload(BOT_ROLE_ID, "Stagehand", BOT_PERMISSIONS, 4),
        ]
        stage = text_channel(STAGE_CHANNEL_ID, "Live Stage", 3)
        stage.update(type=13, bitrate=64000, user_limit=10000, rtc_region=None)
        self.channels = [
            text_channel(SHOW_CHANNEL_ID, "show-chat", 0),
            text_channel(OTHER_CHANNEL_ID, "general", 1),
            text_channel(UNWATCHED_CHANNEL_ID, "staff-only", 2),
            stage,
        ]
        self.threads = [
            {
                "id": THREAD_ID,
                "type": 11,
                "guild_id": GUILD_ID,
                "parent_id": SHOW_CHANNEL_ID,
                "owner_id": MASON_ID,
                "name": "Q&A",
                "last_message_id": None,
                "message_count": 0,
                "member_count": 1,
                "rate_limit_per_user": 0,
                "flags": 0,
                "thread_metadata": {
                    "archived": False,
                    "auto_archive_duration": 1440,
                    "archive_timestamp": "2024-01-01T00:00:00+00:00",
                    "locked": False,
                },
            }
        ]
        self.set_voice_state(LISTENER_ID, STAGE_CHANNEL_ID, hand_raised=False)

    def set_voice_state(
        self, uid: str, channel_id: str | None, *, hand_raised: bool, suppress: bool = True
    ) -> dict:
        """Put a member in a voice channel (None: out of voice) and return the state."""
        state = {
            "guild_id": GUILD_ID,
            "channel_id": channel_id,
            "user_id": uid,
            "member": self.members[uid],
            "session_id": f"voice-{uid}",
            "deaf": False,
            "mute": False,
            "self_deaf": False,
            "self_mute": False,
            "self_video": False,
            "self_stream": False,
            "suppress": suppress,
            "request_to_speak_timestamp": iso() if hand_raised else None,
        }
        if channel_id is None:
            self.voice_states.pop(uid, None)
        else:
            self.voice_states[uid] = state
        return state

    async def voice_update(
        self,
        uid: str,
        channel_id: str | None,
        *,
        hand_raised: bool = False,
        suppress: bool = True,
    ) -> None:
        """A member joins, moves or leaves voice (None): Discord dispatches VOICE_STATE_UPDATE
        with their whole state, `channel_id` null on leaving (suppress false, no request)."""
        if channel_id is None:
            hand_raised, suppress = False, False
        state = self.set_voice_state(uid, channel_id, hand_raised=hand_raised, suppress=suppress)
        await self.dispatch("VOICE_STATE_UPDATE", state)

    def guild_payload(self) -> dict:
        states = [
            {k: v for k, v in s.items() if k not in ("guild_id", "member")}
            for s in self.voice_states.values()
        ]
        return {
            "id": GUILD_ID,
            "name": "Stagehand Test Server",
            "icon": None,
            "owner_id": OWNER_ID,
            "roles": self.roles,
            "emojis": [],
            "stickers": [],
            "features": [],
            "channels": self.channels,
            "threads": self.threads,
            "members": list(self.members.values()),
            "voice_states": states,
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "member_count": len(self.members),
            "large": False,
            "unavailable": False,
            "joined_at": "2024-01-01T00:00:00+00:00",
            "mfa_level": 0,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "premium_tier": 0,
            "system_channel_id": None,
            "rules_channel_id": None,
            "preferred_locale": "en-US",
        }

    def application_payload(self) -> dict:
        return {
            "id": APP_ID,
            "name": "Stagehand",
            "icon": None,
            "description": "",
            "bot_public": False,
            "bot_require_code_grant": False,
            "owner": user_payload(OWNER_ID, "ownerlogin", "The Owner"),
            "team": None,
            "verify_key": "0" * 64,
            "flags": (1 << 19) if self.message_content_enabled else 0,
            "summary": "",
            "rpc_origins": [],
        }

    # --- messages ---------------------------------------------------------------------------

    def snowflake(self) -> str:
        return str(((int(time.time() * 1000) - DISCORD_EPOCH_MS) << 22) | next(self._ids))

    def message(
        self,
        base: dict | None = None,
        *,
        author_id: str = MASON_ID,
        channel_id: str | None = None,
        **changes: Any,
    ) -> dict:
        """A MESSAGE_CREATE `d`: `base` (a real payload) adapted to today's gateway schema.

        Gateway messages in a guild carry `guild_id` and the author's partial `member` (no `user`);
        users carry `global_name` since the 2023 username change.
        """
        data = copy.deepcopy(base) if base is not None else {}
        member = self.members[author_id]
        data.setdefault("id", self.snowflake())
        data.setdefault("content", "")
        data.setdefault("timestamp", iso())
        for key, default in (
            ("tts", False),
            ("mention_everyone", False),
            ("mentions", []),
            ("mention_roles", []),
            ("attachments", []),
            ("embeds", []),
            ("pinned", False),
            ("type", 0),
            ("edited_timestamp", None),
            ("flags", 0),
            ("components", []),
        ):
            data.setdefault(key, default)
        data["author"] = {**member["user"], **data.get("author", {})}
        data["author"].setdefault("global_name", None)
        data["channel_id"] = channel_id or data.get("channel_id") or SHOW_CHANNEL_ID
        data["guild_id"] = GUILD_ID
        data["member"] = {k: v for k, v in member.items() if k != "user"}
        data.update(changes)
        return data

    def mention(self, uid: str) -> dict:
        """A `mentions[]` entry: the user plus their partial member."""
        member = self.members[uid]
        return {**member["user"], "member": {k: v for k, v in member.items() if k != "user"}}

    def interaction(
        self,
        name: str,
        text: str | None = None,
        *,
        author_id: str = MASON_ID,
        channel_id: str = SHOW_CHANNEL_ID,
    ) -> dict:
        """An INTERACTION_CREATE `d` for a registered slash command, as Discord sends it."""
        command = next(c for c in self.commands if c["name"] == name)
        options = [{"name": "text", "type": 3, "value": text}] if text is not None else []
        channel = next(c for c in self.channels + self.threads if c["id"] == channel_id)
        member = self.members[author_id]
        return {
            "id": self.snowflake(),
            "application_id": APP_ID,
            "type": 2,
            "token": f"interaction-token-{self.snowflake()}",
            "version": 1,
            "data": {
                "id": command["id"],
                "name": name,
                "type": 1,
                "guild_id": GUILD_ID,
                "options": options,
            },
            "guild_id": GUILD_ID,
            "channel_id": channel_id,
            "channel": channel,
            "member": {**member, "permissions": str(EVERYONE_PERMISSIONS)},
            "app_permissions": str(EVERYONE_PERMISSIONS),
            "locale": "en-US",
            "guild_locale": "en-US",
            "entitlements": [],
            "authorizing_integration_owners": {"0": GUILD_ID},
            "context": 0,
            "attachment_size_limit": 8388608,
        }

    # --- gateway ----------------------------------------------------------------------------

    async def dispatch(self, event: str, data: Any) -> int:
        """Send a dispatch on the current session; missed ones are replayed on RESUME."""
        session = self.current
        assert session is not None, "no gateway session yet"
        session.seq += 1
        frame = {"op": 0, "s": session.seq, "t": event, "d": data}
        session.sent.append(frame)
        if session.socket is not None and not session.socket.closed:
            await session.socket.send_str(json.dumps(frame))
        return session.seq

    async def send_raw(self, text: str) -> None:
        """Send a frame as is (for malformed input)."""
        session = self.current
        assert session is not None and session.socket is not None
        await session.socket.send_str(text)

    async def drop_socket(self) -> None:
        """Cut the gateway connection the way a network failure does (no close frame)."""
        session = self.current
        assert session is not None and session.socket is not None
        socket, session.socket = session.socket, None
        transport = socket._req.transport if socket._req is not None else None  # type: ignore[attr-defined]
        if transport is not None:
            transport.close()

    async def request_reconnect(self) -> None:
        """op 7: Discord asks the client to reconnect and resume."""
        session = self.current
        assert session is not None and session.socket is not None
        await session.socket.send_str(json.dumps({"op": 7, "d": None}))

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_str(json.dumps({"op": 10, "d": {"heartbeat_interval": 41250}}))
        async for msg in ws:
            if msg.type != WSMsgType.TEXT:
                continue
            frame = json.loads(msg.data)
            self.frames.append(frame)
            await self._notify()
            op = frame.get("op")
            if op == 1:
                await ws.send_str(json.dumps({"op": 11}))
            elif op == 2:
                await self._identify(ws, frame["d"])
            elif op == 6:
                await self._resume(ws, frame["d"])
        return ws

    async def _identify(self, ws: web.WebSocketResponse, data: dict) -> None:
        if data.get("intents", 0) & MESSAGE_CONTENT_INTENT and not self.message_content_enabled:
            self.close_codes_sent.append(4014)
            await ws.close(code=4014, message=b"Disallowed intent(s).")
            return
        if self.identify_close_code is not None:
            self.close_codes_sent.append(self.identify_close_code)
            await ws.close(code=self.identify_close_code, message=b"Refused by the test.")
            return
        session = Session(id=f"session-{len(self.sessions) + 1}", intents=data.get("intents", 0))
        session.socket = ws
        self.sessions[session.id] = session
        self.current = session
        await self.dispatch(
            "READY",
            {
                "v": 10,
                "user": self.bot_user,
                "guilds": [{"id": GUILD_ID, "unavailable": True}],
                "session_id": session.id,
                "resume_gateway_url": f"ws://127.0.0.1:{self.port}/resume-gateway",
                "application": {"id": APP_ID, "flags": self.application_payload()["flags"]},
                "private_channels": [],
                "relationships": [],
            },
        )
        await self.dispatch("GUILD_CREATE", self.guild_payload())

    async def _resume(self, ws: web.WebSocketResponse, data: dict) -> None:
        session = self.sessions.get(data.get("session_id") or "")
        if session is None:
            await ws.send_str(json.dumps({"op": 9, "d": False}))
            return
        session.socket = ws
        self.current = session
        last = data.get("seq") or 0
        for frame in session.sent:
            if frame["s"] > last:
                await ws.send_str(json.dumps(frame))
        await self.dispatch("RESUMED", {})

    def sent_ops(self, op: int) -> list[dict]:
        return [f for f in self.frames if f.get("op") == op]

    # --- waiting ----------------------------------------------------------------------------

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, predicate: Any, timeout: float = 5.0) -> Any:
        """Wait until `predicate()` returns something truthy (a frame or request arrived)."""

        async def until() -> Any:
            async with self._changed:
                while not (found := predicate()):
                    await self._changed.wait()
                return found

        return await asyncio.wait_for(until(), timeout)

    async def wait_for_op(self, op: int, count: int = 1, timeout: float = 5.0) -> list[dict]:
        def enough() -> list[dict] | None:
            ops = self.sent_ops(op)
            return ops if len(ops) >= count else None

        return await self.wait_for(enough, timeout)

    async def wait_for_request(
        self, method: str, path_regex: str, timeout: float = 5.0
    ) -> Recorded:
        pattern = re.compile(path_regex)
        return await self.wait_for(
            lambda: next(
                (r for r in self.requests if r.method == method and pattern.fullmatch(r.path)),
                None,
            ),
            timeout,
        )

    def requests_to(self, method: str, path_regex: str) -> list[Recorded]:
        pattern = re.compile(path_regex)
        return [r for r in self.requests if r.method == method and pattern.fullmatch(r.path)]

    # --- REST -------------------------------------------------------------------------------

    def fail(
        self, method: str, path_regex: str, status: int, code: int, message: str, times: int = 1
    ) -> None:
        """Answer the next `times` matching requests with a Discord error body."""
        self._failures.append(Failure(method, re.compile(path_regex), status, code, message, times))

    def rate_limit(self, method: str, path_regex: str, retry_after: float, times: int = 1) -> None:
        """Answer the next `times` matching requests with Discord's 429 (a per-route limit)."""
        self._failures.append(
            Failure(
                method, re.compile(path_regex), 429, 0, "You are being rate limited.", times,
                retry_after,
            )
        )  # fmt: skip

    def forbid(self, method: str, path_regex: str, times: int = 1) -> None:
        self.fail(method, path_regex, 403, 50013, "Missing Permissions", times)

    async def _rest(self, request: web.Request) -> web.Response:
        path = "/" + request.match_info["tail"]
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            if request.headers.get("Content-Type") == "application/json":
                body = json.loads(raw)
        self.requests.append(
            Recorded(request.method, path, body, dict(request.headers), dict(request.query))
        )
        await self._notify()
        for failure in self._failures:
            wanted = failure.method == request.method and failure.pattern.fullmatch(path)
            if failure.times > 0 and wanted:
                failure.times -= 1
                if failure.retry_after is not None:
                    return _rate_limited(failure.retry_after)
                return _json({"message": failure.message, "code": failure.code}, failure.status)
        # Interaction callbacks and webhooks are authorized by the token in their path.
        by_path = path.startswith(("/interactions/", "/webhooks/"))
        if not by_path and not request.headers.get("Authorization", "").startswith("Bot "):
            return _json({"message": "401: Unauthorized", "code": 0}, 401)
        return await self._route(request.method, path, body)

    async def _route(self, method: str, path: str, body: Any) -> web.Response:
        parts = path.strip("/").split("/")
        match method, parts:
            case "GET", ["users", "@me"]:
                return _json(self.bot_user)
            case "GET", ["oauth2", "applications", "@me"]:
                return _json(self.application_payload())
            case "GET", ["guilds", gid, "channels"]:
                return _json(self.channels) if gid == GUILD_ID else _unknown("Guild", 10004)
            case "GET", ["guilds", gid]:
                return _json(self.guild_payload()) if gid == GUILD_ID else _unknown("Guild", 10004)
            case "GET", ["channels", cid]:
                found = [c for c in self.channels + self.threads if c["id"] == cid]
                return _json(found[0]) if found else _unknown("Channel", 10003)
            case "POST", ["channels", cid, "messages"]:
                return await self._post_message(cid, body or {})
            case "DELETE", ["channels", _cid, "messages", _mid]:
                return web.Response(status=204)
            case "POST", ["users", "@me", "channels"]:
                recipient = self.members.get(str(body["recipient_id"]))
                if recipient is None:
                    return _unknown("User", 10013)
                dm = {"id": self.snowflake(), "type": 1, "last_message_id": None}
                dm["recipients"] = [recipient["user"]]
                self.channels_dm[dm["id"]] = dm
                return _json(dm)
            case "GET", ["guilds", _gid, "members", uid]:
                member = self.members.get(uid)
                return _json(member) if member else _unknown("Member", 10007)
            case "PATCH", ["guilds", _gid, "members", uid]:
                member = self.members.get(uid)
                if member is None:
                    return _unknown("Member", 10007)
                member.update({k: v for k, v in body.items() if k in member})
                return _json(member)
            case "PATCH", ["guilds", _gid, "voice-states", uid]:
                state = self.voice_states.get(uid)
                if state is None:
                    return _unknown("Voice State", 10065)
                # Discord tells every client about the change (accepted at once, in this fake).
                state.update(suppress=bool(body.get("suppress")), request_to_speak_timestamp=None)
                self._soon("VOICE_STATE_UPDATE", dict(state))
                return web.Response(status=204)
            case "PUT", ["guilds", _gid, "bans", uid]:
                self.bans.add(uid)
                if self._hears_bans():  # Discord announces the API's bans too
                    self._soon("GUILD_BAN_ADD", self._ban_payload(uid))
                return web.Response(status=204)
            case "DELETE", ["guilds", _gid, "bans", uid]:
                # Discord: 204, or 404 "Unknown Ban" (10026) when the user is not banned.
                if uid not in self.bans:
                    return _unknown("Ban", 10026)
                self.bans.discard(uid)
                if self._hears_bans():  # Discord announces the API's unbans too
                    self._soon("GUILD_BAN_REMOVE", self._ban_payload(uid))
                return web.Response(status=204)
            case "PUT", ["applications", _app, "guilds", _gid, "commands"]:
                self.commands = [
                    {**c, "id": self.snowflake(), "application_id": APP_ID, "version": "1"}
                    for c in body
                ]
                return _json(self.commands)
            case "POST", ["interactions", iid, _token, "callback"]:
                callback = {
                    "interaction": {"id": iid, "type": 2},
                    "resource": {"type": body["type"]},
                }
                return _json(callback)
            case "POST", ["webhooks", _app, _token]:
                return _json(self._message_object(SHOW_CHANNEL_ID, body or {}))
        return _json({"message": "404: Not Found", "code": 0}, 404)

    def _message_object(self, channel_id: str, body: dict) -> dict:
        data = {
            "id": self.snowflake(),
            "channel_id": channel_id,
            "author": self.bot_user,
            "content": body.get("content", ""),
            "timestamp": iso(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": [],
            "pinned": False,
            "type": 19 if body.get("message_reference") else 0,
            "flags": 0,
            "components": [],
        }
        if body.get("message_reference"):
            data["message_reference"] = body["message_reference"]
        return data

    async def _post_message(self, channel_id: str, body: dict) -> web.Response:
        data = self._message_object(channel_id, body)
        if channel_id not in self.channels_dm:
            # Discord echoes the bot's own message on the gateway: the adapter must ignore it.
            echoed = {**data, "guild_id": GUILD_ID}
            echoed["member"] = {k: v for k, v in self.members[BOT_ID].items() if k != "user"}
            self._soon("MESSAGE_CREATE", echoed)
        return _json(data)

    # --- moderation done in Discord itself -----------------------------------------------

    def bot_permissions(self) -> int:
        """What the bot's roles grant in the guild (@everyone's included)."""
        granted = 0
        wanted = {GUILD_ID, *self.members[BOT_ID]["roles"]}
        for role in self.roles:
            if role["id"] in wanted:
                granted |= int(role["permissions"])
        return granted

    def _hears_bans(self) -> bool:
        """Discord sends GUILD_BAN_ADD to a client that asked for GUILD_MODERATION and whose bot
        may ban members or view the audit log (gateway events reference, Guild Ban Add)."""
        session = self.current
        granted = self.bot_permissions()
        return (
            session is not None
            and bool(session.intents & GUILD_MODERATION_INTENT)
            and bool(granted & (ADMINISTRATOR | BAN_MEMBERS | VIEW_AUDIT_LOG))
        )

    def _ban_payload(self, uid: str) -> dict:
        """GUILD_BAN_ADD's `d`: the guild, and the banned user (no member: they are gone)."""
        member = self.members.get(uid)
        user = member["user"] if member else user_payload(uid, f"user{uid}", None)
        return {"guild_id": GUILD_ID, "user": user}

    async def ban_in_discord(self, uid: str) -> int:
        """A moderator bans `uid` in Discord itself (the member list, or /ban): what the gateway
        dispatches to this bot; how many dispatches (0: the bot is not told)."""
        self.bans.add(uid)
        if not self._hears_bans():
            return 0
        await self.dispatch("GUILD_BAN_ADD", self._ban_payload(uid))
        return 1

    async def unban_in_discord(self, uid: str) -> int:
        """A moderator lifts `uid`'s ban in Discord itself (Server Settings -> Bans):
        GUILD_BAN_REMOVE ({guild_id, user}), as GUILD_BAN_ADD is sent; how many dispatches."""
        self.bans.discard(uid)
        if not self._hears_bans():
            return 0
        await self.dispatch("GUILD_BAN_REMOVE", self._ban_payload(uid))
        return 1

    async def delete_in_discord(self, message_id: str, channel_id: str = SHOW_CHANNEL_ID) -> int:
        """A moderator deletes a message in Discord itself: MESSAGE_DELETE (id, channel_id,
        guild_id), sent with Guild Messages."""
        await self.dispatch(
            "MESSAGE_DELETE", {"id": message_id, "channel_id": channel_id, "guild_id": GUILD_ID}
        )
        return 1

    def _soon(self, event: str, data: dict) -> None:
        """Dispatch right after the REST answer, as Discord does."""
        if self.current is not None:
            task = asyncio.get_running_loop().create_task(self.dispatch(event, data))
            self._background.add(task)
            task.add_done_callback(self._background.discard)


def _rate_limited(retry_after: float) -> web.Response:
    """Discord's answer to a request over a route's limit (docs: Rate Limits): the wait in the
    JSON body and headers, through Discord's edge (discord.py trusts a 429 only with `Via`)."""
    return web.Response(
        status=429,
        body=json.dumps(
            {"message": "You are being rate limited.", "retry_after": retry_after, "global": False}
        ).encode(),
        headers={
            "Content-Type": "application/json",  # exactly: discord.py parses nothing else
            "Via": "1.1 google",
            "Retry-After": str(math.ceil(retry_after)),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset-After": str(retry_after),
            "X-RateLimit-Bucket": "fake-bucket",
            "X-RateLimit-Scope": "user",
        },
    )


def _json(data: Any, status: int = 200) -> web.Response:
    # Exactly "application/json": aiohttp's json_response would add "; charset=utf-8".
    return web.Response(
        status=status, body=json.dumps(data).encode(), headers={"Content-Type": "application/json"}
    )


def _unknown(what: str, code: int) -> web.Response:
    return _json({"message": f"Unknown {what}", "code": code}, 404)


# --- the harness: a sink that records what the adapter delivers, and a running adapter ------


class RecordingSink:
    """An `AdapterSink` that keeps every call, for assertions (the test's side of the contract)."""

    def __init__(self) -> None:
        self.comments: list[Any] = []
        self.edits: list[tuple[str, str, str, datetime]] = []
        self.deletions: list[tuple[str, str, datetime]] = []
        self.hands: list[tuple[Any, bool]] = []
        self.left: list[tuple[Any, str]] = []
        self.states: list[tuple[str, str, str]] = []
        self.bans: list[tuple[Any, str, str]] = []
        self.notices: list[str] = []

    def comment_received(self, comment: Any) -> None:
        self.comments.append(comment)

    def comment_edited(self, platform: str, comment_id: str, text: str, ts: datetime) -> None:
        self.edits.append((platform, comment_id, text, ts))

    def comment_deleted(self, platform: str, comment_id: str, ts: datetime) -> None:
        self.deletions.append((platform, comment_id, ts))

    def hand_changed(self, author: Any, raised: bool) -> None:
        self.hands.append((author, raised))

    def left_stage(self, author: Any, detail: str) -> None:
        self.left.append((author, detail))

    def author_banned(self, author: Any, why: str, detail: str, **heard: str) -> None:
        self.bans.append((author, why, detail))

    def author_unbanned(self, author: Any, detail: str, **heard: str) -> None:
        self.bans.append((author, "unban", detail))

    def platform_notice(self, platform: str, text: str, level: str = "warning") -> None:
        self.notices.append(text)

    def connection_changed(self, platform: str, state: Any, detail: str = "") -> None:
        self.states.append((platform, str(state), detail))

    @property
    def last_state(self) -> str:
        return self.states[-1][1] if self.states else ""

    async def wait_until(self, predicate: Any, timeout: float = 5.0) -> Any:
        """Poll until `predicate()` is truthy; the adapter delivers on the same loop."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not (found := predicate()):
            if asyncio.get_running_loop().time() > deadline:
                raise TimeoutError(f"gave up waiting; states so far: {self.states}")
            await asyncio.sleep(0.01)
        return found


GUEST_LINK = "https://vdo.ninja/?room=stagehand-test"


def adapter_settings(fake: FakeDiscord, **overrides: Any) -> Any:
    """`[discord]` settings aimed at the fake: the show's channel, the Stage, a token."""
    from stagehand.config.discord import DiscordSettings

    values: dict[str, Any] = {
        "enabled": True,
        "token": "MTEwMDAw.fake.bot-token",
        "guild_id": int(GUILD_ID),
        "channel_ids": [int(SHOW_CHANNEL_ID), int(OTHER_CHANNEL_ID)],
        "stage_channel_id": int(STAGE_CHANNEL_ID),
        "api_url": fake.api_url,
        "gateway_url": fake.gateway_url,
    }
    values.update(overrides)
    return DiscordSettings(**values)


@contextlib.asynccontextmanager
async def live_show_on(fake: FakeDiscord, folder: Path) -> AsyncIterator[tuple[Any, Any]]:
    """A live show (its chat commands on) whose one adapter is the real DiscordAdapter against
    the fake, connected: `(live, watched)` until the block ends (`live_shows.running`)."""
    from fakes.live_shows import running, until
    from stagehand.adapters.discord.adapter import DiscordAdapter
    from stagehand.config import Settings
    from stagehand.platform import ConnectionState
    from stagehand.session import open_show
    from stagehand.tokens import TokenStore

    adapter = DiscordAdapter(
        adapter_settings(fake),
        TokenStore(folder / "tokens.json"),
        guild_ready_timeout=0.05,
        retry_delays=(0.05,),
    )
    live = open_show(Settings(), db_path=folder / "show.db", show_name="friday", adapters=[adapter])
    async with running(live) as watched:
        await until(
            lambda: live.connections.get("discord", (None,))[0] is ConnectionState.CONNECTED
        )
        yield live, watched


@contextlib.asynccontextmanager
async def running_adapter(
    fake: FakeDiscord,
    sink: RecordingSink,
    token_file: Path,
    *,
    guest_link: str = GUEST_LINK,
    slash_commands: Any = (),
    connected: bool = True,
    **overrides: Any,
) -> AsyncIterator[Any]:
    """The real DiscordAdapter running against the fake until the block ends."""
    from stagehand.adapters.discord.adapter import DiscordAdapter
    from stagehand.tokens import TokenStore

    adapter = DiscordAdapter(
        adapter_settings(fake, **overrides),
        TokenStore(token_file),
        guest_link=guest_link,
        slash_commands=slash_commands,
        guild_ready_timeout=0.05,
        retry_delays=(0.05,),
    )
    task = asyncio.create_task(adapter.run(sink))
    try:
        if connected:
            await sink.wait_until(lambda: sink.last_state == "connected")
        yield adapter
    finally:
        await adapter.close()
        await asyncio.wait_for(task, 5)
