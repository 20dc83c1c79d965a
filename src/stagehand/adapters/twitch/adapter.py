"""`TwitchAdapter`: Twitch chat into the show, host actions out, on the running event loop.

One twitchio client per connection attempt. twitchio itself reconnects a dropped EventSub
socket and follows `session_reconnect`; this adapter watches the sockets to report the
connection state, restarts the whole session with backoff when twitchio gives up (or the
first connection fails), and stops for good on an authorization problem, which waiting
would not fix.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime
from typing import Any

from twitchio.eventsub import ChatMessageSubscription
from twitchio.exceptions import HTTPException

from stagehand.adapters.twitch import actions
from stagehand.adapters.twitch.client import ChatClient, revive_reader, socket_connected
from stagehand.adapters.twitch.credentials import TwitchCredentials
from stagehand.adapters.twitch.endpoints import point_twitchio_at
from stagehand.adapters.twitch.errors import (
    AUTH_FIX,
    TwitchAuthError,
    describe_error,
    mask_twitchio_logs,
)
from stagehand.adapters.twitch.limits import SendLimiter, split_message
from stagehand.adapters.twitch.normalize import (
    PLATFORM,
    MalformedChatMessage,
    comment_from_chat_message,
)
from stagehand.config.twitch import TwitchSettings
from stagehand.domain import Author, Comment, ModerationKind
from stagehand.platform import ActionResult, Adapter, AdapterSink, ConnectionState
from stagehand.tokens import TokenStore

log = logging.getLogger(__name__)

#: How often the connection watchdog looks at the sockets (cheap: no I/O).
WATCH_SECONDS = 0.2
#: Longest a message waits for a free slot under the rate limit before the action fails.
MAX_SEND_WAIT_SECONDS = 3.0


class _SessionLost(Exception):
    """twitchio closed every EventSub socket for good: start a new session."""


class TwitchAdapter(Adapter):
    platform = PLATFORM

    def __init__(
        self, settings: TwitchSettings, tokens: TokenStore, *, guest_link: str = ""
    ) -> None:
        self.settings = settings
        self.tokens = tokens
        self.guest_link = guest_link
        self.limiter = SendLimiter(settings.messages_per_30s, 30.0)
        self._sink: AdapterSink | None = None
        self._client: ChatClient | None = None
        self._ids: actions.ChannelIds | None = None
        self._closing = asyncio.Event()
        self._bot_id = ""
        self._state: ConnectionState | None = None
        self._detail = ""

    # -- the connection -------------------------------------------------------------------

    async def run(self, sink: AdapterSink) -> None:
        self._sink = sink
        self._closing.clear()
        point_twitchio_at(self.settings)
        mask_twitchio_logs(())
        delay = self.settings.reconnect_initial_seconds
        self._set_state(ConnectionState.CONNECTING)
        while not self._closing.is_set():
            try:
                await self._run_session()
            except TwitchAuthError as exc:
                self._set_state(ConnectionState.FAILED, str(exc))
                return
            except _SessionLost as exc:
                detail = str(exc)
            except Exception as exc:  # any failure: say why, wait, try again
                detail = describe_error(exc)
                log.warning("Twitch connection failed: %s", detail)
            else:
                break
            if self._closing.is_set():
                break
            if self._state is ConnectionState.CONNECTED:
                delay = self.settings.reconnect_initial_seconds
            self._set_state(
                ConnectionState.RECONNECTING, f"{detail}; retrying in {delay:.3g} s", force=True
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), timeout=delay)
            delay = min(delay * 2, self.settings.reconnect_max_seconds)
        self._set_state(ConnectionState.DISCONNECTED)

    async def close(self) -> None:
        self._closing.set()

    def _set_state(self, state: ConnectionState, detail: str = "", *, force: bool = False) -> None:
        if (state, detail) == (self._state, self._detail) and not force:
            return
        self._state, self._detail = state, detail
        if self._sink is not None:
            self._sink.connection_changed(PLATFORM, state, detail)

    async def _run_session(self) -> None:
        creds = TwitchCredentials.load(self.tokens)
        client_id, secret = creds.app_credentials(self.settings)
        _require(client_id, "no Twitch client id: set [twitch] client_id or " + AUTH_FIX)
        _require(secret, "no Twitch client secret: " + AUTH_FIX)
        _require(self.settings.channel, "no Twitch channel: set [twitch] channel")
        bot = creds.bot
        _require(bot, "the bot account has not authorized stagehand: " + AUTH_FIX)
        assert bot is not None
        self._bot_id = str(bot.user_id)
        mask_twitchio_logs(
            [secret, *(t for a in creds.accounts() for t in (a.access_token, a.refresh_token))]
        )
        client = ChatClient(
            client_id=client_id,
            client_secret=secret,
            bot_id=bot.user_id,
            user_tokens=[(a.access_token, a.refresh_token) for a in creds.accounts()],
            on_chat_message=self._chat_message,
            on_token=self._store_token,
        )
        self._client = client
        try:
            await client.login()
            broadcaster_id = await self._broadcaster_id(client)
            # Moderation acts as the broadcaster, whose token only the broadcaster can give.
            owners = {a.user_id for a in creds.accounts()}
            self._ids = actions.ChannelIds(
                broadcaster_id=broadcaster_id,
                bot_id=bot.user_id,
                moderator_id=broadcaster_id if broadcaster_id in owners else None,
            )
            await self._subscribe(client, broadcaster_id, bot.user_id)
            await self._watch(client)
        finally:
            self._client = None
            await client.close()
            await client.close_all_sockets()

    async def _broadcaster_id(self, client: ChatClient) -> str:
        users = await client.fetch_users(logins=[self.settings.channel])
        if not users:
            raise TwitchAuthError(f"Twitch has no channel named {self.settings.channel!r}")
        return str(users[0].id)

    async def _subscribe(self, client: ChatClient, broadcaster_id: str, bot_id: str) -> None:
        subscription = ChatMessageSubscription(broadcaster_user_id=broadcaster_id, user_id=bot_id)
        try:
            await client.subscribe_websocket(subscription, token_for=bot_id)
        except HTTPException as exc:
            if exc.status in (400, 401, 403):
                raise TwitchAuthError(
                    f"cannot read chat: {describe_error(exc)} (the bot needs user:read:chat; "
                    f"{AUTH_FIX})"
                ) from None
            raise

    async def _watch(self, client: ChatClient) -> None:
        """Report the state until `close`; raise `_SessionLost` when twitchio gives up."""
        while not self._closing.is_set():
            sockets = client.sockets.open_sockets()
            if not sockets:
                raise _SessionLost("the EventSub connection closed")
            for socket in sockets:
                if (error := revive_reader(socket)) is not None:
                    log.warning(
                        "Skipped a malformed EventSub frame (%s); reading goes on",
                        type(error).__name__,
                    )
            if any(socket_connected(s) for s in sockets):
                self._set_state(ConnectionState.CONNECTED)
            else:
                self._set_state(ConnectionState.RECONNECTING, "EventSub connection dropped")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), timeout=WATCH_SECONDS)

    def _chat_message(self, message: Any) -> None:
        if self._from_bot(message):
            return
        try:
            comment = comment_from_chat_message(message)
        except (MalformedChatMessage, AttributeError, TypeError, ValueError) as exc:
            log.warning("Skipped a malformed Twitch chat message (%s)", exc)
            return
        if self._sink is not None:
            self._sink.comment_received(comment)

    def _from_bot(self, message: Any) -> bool:
        """Twitch echoes what the bot sends back as chat (chatter = the bot's user id): the bot's
        own answers are not viewers' comments. Skipped by id, as twitchio's own `Bot` does
        (`event_message`), never by name, which a viewer could imitate with a display name."""
        chatter = getattr(message, "chatter", None)
        return bool(self._bot_id) and str(getattr(chatter, "id", "")) == self._bot_id

    def _store_token(self, user_id: str, access: str, refresh: str, expires_in: int | None) -> None:
        """Persist a token twitchio refreshed, so the next start does not need to."""
        creds = TwitchCredentials.load(self.tokens)
        current = [a for a in creds.accounts() if a.user_id == user_id]
        if not current or (current[0].access_token == access and expires_in is None):
            return
        mask_twitchio_logs([access, refresh])
        updated = creds.with_refreshed(user_id, access, refresh, expires_in or 0, datetime.now(UTC))
        if expires_in is None:  # refreshed, lifetime unknown until twitchio's event says it
            updated = _forget_expiry(updated, user_id)
        updated.save(self.tokens)

    # -- host actions ---------------------------------------------------------------------

    def _ready(self) -> tuple[ChatClient, actions.ChannelIds] | ActionResult:
        if self._client is None or self._ids is None:
            return ActionResult.failed("Twitch is not connected")
        return self._client, self._ids

    async def send(self, text: str) -> ActionResult:
        return await self._send_parts(text, reply_to=None)

    async def reply(self, comment: Comment, text: str) -> ActionResult:
        if comment.platform != PLATFORM:
            return ActionResult.failed(f"not a Twitch comment ({comment.platform})")
        return await self._send_parts(text, reply_to=comment.id)

    async def _send_parts(self, text: str, reply_to: str | None) -> ActionResult:
        ready = self._ready()
        if isinstance(ready, ActionResult):
            return ready
        client, ids = ready
        parts = split_message(text)
        if not parts:
            return ActionResult.failed("nothing to send: the message is empty")
        wait = self.limiter.delay_for(len(parts))
        if wait > MAX_SEND_WAIT_SECONDS:
            return ActionResult.failed(
                f"Twitch rate limit: {self.limiter.max_messages} messages per 30 s; "
                f"try again in {wait:.0f} s"
            )
        for part in parts:
            await self.limiter.acquire()
            result = await actions.post_chat(client, ids, part, reply_to)
            if not result.ok:
                return result
        if len(parts) > 1:
            return ActionResult.done(f"sent to Twitch chat in {len(parts)} parts")
        return result

    async def invite_to_stage(self, author: Author, comment: Comment | None) -> ActionResult:
        """Send the guest link (a whisper unless public chat was chosen) and/or a Guest Star invite.

        The guest is on stage as soon as one invitation reached them; what failed besides goes
        to the host as a hint (console only), never into the chat answer.
        """
        if author.platform != PLATFORM:
            return ActionResult.failed(f"not a Twitch viewer ({author.platform})")
        ready = self._ready()
        if isinstance(ready, ActionResult):
            return ready
        client, ids = ready
        if not self.guest_link and not self.settings.guest_star:
            return ActionResult.failed(
                "no guest link to send: set [show] guest_link (or [twitch] guest_star = true)"
            )
        results: list[ActionResult] = []
        if self.guest_link:
            text = self.settings.invite_message.replace("{name}", author.shown_name).replace(
                "{link}", self.guest_link
            )
            if self.settings.invite_via == "public_chat":
                reply_to = comment.id if comment and comment.platform == PLATFORM else None
                results.append(await self._send_parts(text, reply_to=reply_to))
            else:
                results.append(await actions.whisper(client, ids, author, text))
        if self.settings.guest_star:
            results.append(await actions.guest_star_invite(client, ids, author.id))
        return actions.combine(author, results)

    async def moderate(
        self,
        comment: Comment,
        kind: ModerationKind,
        *,
        duration_seconds: int | None = None,
        reason: str = "",
    ) -> ActionResult:
        if comment.platform != PLATFORM:
            return ActionResult.failed(f"not a Twitch comment ({comment.platform})")
        ready = self._ready()
        if isinstance(ready, ActionResult):
            return ready
        client, ids = ready
        return await actions.moderate(
            client,
            ids,
            kind=kind,
            message_id=comment.id,
            user_id=comment.author.id,
            duration_seconds=duration_seconds,
            reason=reason,
        )

    async def unban(
        self, author: Author, kind: ModerationKind = ModerationKind.BAN
    ) -> ActionResult:
        if author.platform != PLATFORM:
            return ActionResult.failed(f"not a Twitch viewer ({author.platform})")
        ready = self._ready()
        if isinstance(ready, ActionResult):
            return ready
        client, ids = ready
        return await actions.unban(client, ids, user_id=author.id, kind=kind)


def _require(value: object, problem: str) -> None:
    if not value:
        raise TwitchAuthError(problem)


def _forget_expiry(creds: TwitchCredentials, user_id: str) -> TwitchCredentials:
    from dataclasses import replace

    def clear(account: Any) -> Any:
        if account is None or account.user_id != user_id:
            return account
        return replace(account, expires_at=None)

    return replace(creds, bot=clear(creds.bot), broadcaster=clear(creds.broadcaster))
