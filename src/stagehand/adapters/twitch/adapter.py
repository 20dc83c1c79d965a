"""`TwitchAdapter`: Twitch chat into the show, host actions out, on the running event loop.

One twitchio client per connection attempt. twitchio itself reconnects a dropped EventSub
socket and follows `session_reconnect`; this adapter watches the sockets to report the
connection state. The shared `Connection` loop (adapters/connection.py) starts a new session
with backoff when twitchio gives up (or the first connection fails), and stops for good on an
authorization problem, which waiting would not fix.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from twitchio.eventsub import (
    ChannelBanSubscription,
    ChannelUnbanSubscription,
    ChatClearSubscription,
    ChatMessageDeleteSubscription,
    ChatMessageSubscription,
)
from twitchio.exceptions import HTTPException

from stagehand.adapters.connection import Backoff, Connection, ConnectionLost
from stagehand.adapters.own_actions import OwnActions
from stagehand.adapters.sending import SendLimiter
from stagehand.adapters.twitch import actions
from stagehand.adapters.twitch.client import (
    ChatClient,
    reads_chat,
    revive_reader,
    socket_connected,
)
from stagehand.adapters.twitch.credentials import (
    AUTH_FIX,
    TwitchCredentials,
    store_refreshed_token,
)
from stagehand.adapters.twitch.endpoints import point_library_at
from stagehand.adapters.twitch.errors import (
    TwitchAuthError,
    account_fix,
    describe_error,
    mask_twitchio_logs,
)
from stagehand.adapters.twitch.limits import (
    MAX_MESSAGE_CHARS,
    MAX_PARTS,
    cut_short,
    split_message,
)
from stagehand.adapters.twitch.moderation import HeardBan, heard_ban, heard_unban
from stagehand.adapters.twitch.normalize import (
    PLATFORM,
    MalformedChatMessage,
    comment_from_chat_message,
)
from stagehand.adapters.twitch.outbox import OwnMessages, Unfinished, partly_sent, rest_sent
from stagehand.config.twitch import TwitchSettings
from stagehand.domain import Author, Comment, ModerationKind, utcnow
from stagehand.platform import ActionResult, Adapter, AdapterSink, ConnectionState
from stagehand.tokens import TokenStore

log = logging.getLogger(__name__)

#: How often the connection watchdog looks at the sockets (cheap: no I/O).
WATCH_SECONDS = 0.2
#: How long a connected session may go without its chat subscription (twitchio subscribes again
#: one by one after a reconnect) before the adapter starts a new session.
CHAT_GRACE_SECONDS = 3.0
#: What the hosts are told of a moderator's /clear in Twitch's chat (EventSub channel.chat.clear).
CHAT_CLEARED = (
    "a moderator cleared the chat on Twitch (/clear): viewers there no longer see the messages "
    "before it; the show keeps every comment, its queue and its log"
)
#: Longest a message waits for a free slot under the rate limit before the action fails.
MAX_SEND_WAIT_SECONDS = 3.0


@dataclass(frozen=True, slots=True)
class Link:
    """What actions act through: the session's client, and who is who in the channel."""

    client: ChatClient
    ids: actions.ChannelIds


class TwitchAdapter(Adapter):
    platform = PLATFORM

    def __init__(
        self, settings: TwitchSettings, tokens: TokenStore, *, guest_link: str = ""
    ) -> None:
        self.settings = settings
        self.tokens = tokens
        self.guest_link = guest_link
        self.limiter = SendLimiter(settings.messages_per_30s, 30.0)
        self.connection: Connection[Link] = Connection(
            PLATFORM,
            backoff=Backoff.doubling(
                settings.reconnect_initial_seconds, settings.reconnect_max_seconds
            ),
            not_connected="Twitch is not connected",
        )
        self._sink: AdapterSink | None = None
        self._bot_id = ""
        self._bot_is_broadcaster = False  # the "same account" setup: the bot chats as the host
        self.own_messages = OwnMessages()
        self.own_bans = OwnActions()
        self.own_unbans = OwnActions()
        self._unfinished = Unfinished()
        #: Accounts whose token Twitch refused this session (user id -> login, and the refresh
        #: token stored then): what they do fails until they authorize again (`stagehand auth
        #: twitch` beside the running show stores a new one, which `_ready` picks up).
        self._refused: dict[str, tuple[str, str]] = {}
        #: What this run already said it does not hear (`_subscribe_moderation`), once a run.
        self._said: set[str] = set()

    # -- the connection -------------------------------------------------------------------

    async def run(self, sink: AdapterSink) -> None:
        self._sink = sink
        self._said = set()
        self.connection.closing.clear()
        point_library_at(self.settings)
        mask_twitchio_logs(())
        await self.connection.keep(sink, self._run_session, describe_error)

    async def close(self) -> None:
        self.connection.close()

    async def _run_session(self) -> None:
        """One twitchio client, logged in and subscribed, until `close` or twitchio gives up."""
        creds = TwitchCredentials.load(self.tokens)
        client_id, secret = creds.app_credentials(self.settings)
        _require(client_id, "no Twitch client id: set [twitch] client_id or " + AUTH_FIX)
        _require(secret, "no Twitch client secret: " + AUTH_FIX)
        _require(self.settings.channel, "no Twitch channel: set [twitch] channel")
        bot = creds.bot
        if bot is None:
            raise TwitchAuthError("the bot account has not authorized stagehand: " + AUTH_FIX)
        self._bot_id = str(bot.user_id)
        self._refused = {}
        mask_twitchio_logs(
            [secret, *(t for a in creds.accounts() for t in (a.access_token, a.refresh_token))]
        )
        client = ChatClient(
            client_id=client_id,
            client_secret=secret,
            settings=self.settings,
            bot_id=bot.user_id,
            accounts=creds.accounts(),
            on_chat_message=self._chat_message,
            on_token=self._store_token,
            on_refused=self._token_refused,
            on_ban=self._ban,
            on_unban=self._unban,
            on_message_delete=self._message_deleted,
            on_chat_clear=self._chat_cleared,
        )
        try:
            await client.login()
            broadcaster_id = await self._broadcaster_id(client)
            # Moderation acts as the broadcaster, whose token only the broadcaster can give.
            owners = {a.user_id for a in creds.accounts()}
            self._bot_is_broadcaster = bot.user_id == broadcaster_id
            ids = actions.ChannelIds(
                broadcaster_id=broadcaster_id,
                bot_id=bot.user_id,
                moderator_id=broadcaster_id if broadcaster_id in owners else None,
            )
            self.connection.link = Link(client, ids)
            await self._subscribe(client, broadcaster_id, bot.user_id)
            await self._subscribe_moderation(client, ids)
            await self._watch(client)
        finally:
            self.connection.link = None
            await client.close()
            await client.close_all_sockets()

    async def _broadcaster_id(self, client: ChatClient) -> str:
        users = await client.fetch_users(logins=[self.settings.channel])
        if not users:
            # A typo: say where to fix it, and (as doctor does) whose channel was authorized.
            owner = TwitchCredentials.load(self.tokens).broadcaster
            authorized = f"; the broadcaster authorized is {owner.login}" if owner else ""
            raise TwitchAuthError(
                f"Twitch has no channel named {self.settings.channel!r}: set "
                f"{self.settings.key('channel')} to your channel's login (the name in its "
                f"URL){authorized}"
            )
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

    async def _subscribe_moderation(self, client: ChatClient, ids: actions.ChannelIds) -> None:
        """Hear what Twitch's own moderators do: message deletions and /clear (the bot's token,
        as chat), and bans, timeouts and their lifting (`channel.ban`, `channel.unban`: the
        broadcaster's token, `channel:moderate`). Chat goes on without them: a refusal is said
        once a run (in the log, and on every screen: the host would not otherwise learn that
        bans made on Twitch go unheard)."""
        again_as = f"{AUTH_FIX} again as {self.settings.channel}"
        chat = {"broadcaster_user_id": ids.broadcaster_id, "user_id": ids.bot_id}
        wanted: list[tuple[tuple[Any, ...], str, str, str, str]] = [
            (
                (ChatMessageDeleteSubscription(**chat), ChatClearSubscription(**chat)),
                ids.bot_id,
                "messages deleted on Twitch",
                f"the bot needs user:read:chat; {AUTH_FIX} again",
                f"the bot's token lacks user:read:chat; {AUTH_FIX} again",
            )
        ]
        if ids.moderator_id is not None:
            wanted.append(
                (
                    (
                        ChannelBanSubscription(broadcaster_user_id=ids.broadcaster_id),
                        ChannelUnbanSubscription(broadcaster_user_id=ids.broadcaster_id),
                    ),
                    ids.moderator_id,
                    "bans and timeouts made on Twitch",
                    f"the broadcaster needs channel:moderate; {AUTH_FIX} again",
                    f"the broadcaster's token lacks channel:moderate; {again_as}",
                )
            )
        elif self._once("unauthorized"):
            log.warning(
                "Bans and timeouts made on Twitch are not heard: the broadcaster has not "
                "authorized stagehand (%s)",
                AUTH_FIX,
            )
        for subscriptions, token_for, what, fix, on_screen in wanted:
            try:
                for subscription in subscriptions:
                    await client.subscribe_websocket(subscription, token_for=token_for)
            except HTTPException as exc:
                if exc.status not in (400, 401, 403):
                    raise
                if not self._once(what):
                    continue  # said at the first connection this run: not at each reconnect
                log.warning(
                    "%s are not heard (chat goes on): %s; %s",
                    what[:1].upper() + what[1:],
                    describe_error(exc),
                    fix,
                )
                if self._sink is not None:
                    self._sink.platform_notice(PLATFORM, f"{what} are not heard: {on_screen}")

    def _once(self, what: str) -> bool:
        """Whether `what` is said for the first time this run (and so is said now)."""
        first = what not in self._said
        self._said.add(what)
        return first

    def _ban(self, payload: Any) -> None:
        """A ban or timeout in Twitch's own chat: the show takes the viewer off its queue and
        logs it, unless stagehand made it (Twitch announces those too)."""
        ban = self._heard(payload, heard_ban, "ban", self.own_bans)
        if ban is not None and self._sink is not None:
            self._sink.author_banned(
                ban.author, ban.kind.value, ban.detail, by=ban.by, by_id=ban.by_id, key=ban.key
            )

    def _unban(self, payload: Any) -> None:
        """A ban or timeout lifted in Twitch's own chat (/unban, /untimeout, or the moderator
        view): logged, unless stagehand lifted it (an undo, which Twitch announces too)."""
        unban = self._heard(payload, heard_unban, "unban", self.own_unbans)
        if unban is not None and self._sink is not None:
            self._sink.author_unbanned(
                unban.author, unban.detail, by=unban.by, by_id=unban.by_id, key=unban.key
            )

    def _heard(
        self, payload: Any, read: Callable[[Any], HeardBan], what: str, own: OwnActions
    ) -> HeardBan | None:
        """What a `channel.ban` or `channel.unban` notification (`what`) says, read by `read`;
        None when it is malformed (said in the log) or announces stagehand's own action (`own`
        knows those: the show logged them when it made them)."""
        try:
            heard = read(payload)
            moderator_id = str(payload.moderator.id)
        except (AttributeError, TypeError, ValueError) as exc:
            log.warning("Skipped a malformed Twitch %s notification (%s)", what, exc)
            return None
        link = self.connection.link
        ours = link.ids.moderator_id if link is not None else None
        if moderator_id == ours and own.is_echo(heard.author.id, heard.key):
            return None
        return heard

    def _chat_cleared(self, payload: Any) -> None:
        """A moderator's /clear in Twitch's own chat: said to the hosts; the show keeps every
        comment (Twitch only stops showing them to viewers)."""
        if self._sink is not None:
            self._sink.platform_notice(PLATFORM, CHAT_CLEARED, "info")

    def _message_deleted(self, payload: Any) -> None:
        """A message deleted in Twitch's own chat (or by stagehand, which the show knows)."""
        message_id = str(getattr(payload, "message_id", "") or "")
        if message_id and self._sink is not None:
            self._sink.comment_deleted(PLATFORM, message_id, utcnow())

    async def _watch(self, client: ChatClient) -> None:
        """Report the state until `close`; raise `ConnectionLost` when twitchio gives up."""
        closing = self.connection.closing
        chat_missing_since: float | None = None
        while not closing.is_set():
            sockets = client.sockets.open_sockets()
            if not sockets:
                raise ConnectionLost("the EventSub connection closed")
            if not any(socket_connected(s) for s in sockets) or reads_chat(sockets):
                chat_missing_since = None
            elif chat_missing_since is None:
                chat_missing_since = time.monotonic()
            elif time.monotonic() - chat_missing_since > CHAT_GRACE_SECONDS:
                raise ConnectionLost("chat was not subscribed again after a reconnect")
            for socket in sockets:
                if (error := revive_reader(socket)) is not None:
                    log.warning(
                        "Skipped a malformed EventSub frame (%s); reading goes on",
                        type(error).__name__,
                    )
            if any(socket_connected(s) for s in sockets):
                self.connection.report(*self._connected())
            else:
                self.connection.report(ConnectionState.RECONNECTING, "EventSub connection dropped")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(closing.wait(), timeout=WATCH_SECONDS)

    def _connected(self) -> tuple[ConnectionState, str]:
        """CONNECTED, or LIMITED while an account's token is refused: chat is still read, but
        what is done as that account fails; the detail says what, and the fix."""
        if not self._refused:
            return ConnectionState.CONNECTED, ""
        link = self.connection.link
        moderator = link.ids.moderator_id if link is not None else None
        cannot = []
        if self._bot_id in self._refused:
            cannot.append("replies and guest links cannot be sent")
        if moderator is not None and moderator in self._refused:
            cannot.append("moderation cannot act")
        names = [login for login, _ in self._refused.values()]
        logins = " and ".join(names)
        fixes = "; ".join(account_fix(login) for login in names)
        return (
            ConnectionState.LIMITED,
            f"Twitch no longer accepts {logins}'s token (stagehand was disconnected, or the "
            f"password changed): {', '.join(cannot) or 'actions fail'}, chat is still read; "
            f"{fixes}",
        )

    def _token_refused(self, user_id: str, login: str) -> None:
        """Twitch refused to refresh an account's token: mid-show, say so at once (not only
        in the answer to the next action), and keep reading chat."""
        stored = {a.user_id: a for a in TwitchCredentials.load(self.tokens).accounts()}
        account = stored.get(user_id)
        self._refused[user_id] = (login, account.refresh_token if account else "")
        if self.connection.link is not None and self.connection.state in (
            ConnectionState.CONNECTED,
            ConnectionState.LIMITED,
        ):
            self.connection.report(*self._connected())

    async def _ready(self) -> Link | None:
        """What an action acts through (None while not connected). An account whose token was
        refused and has authorized again since (`stagehand auth twitch` beside the running
        show) gets its new token now, so the action works without a restart."""
        link = self.connection.ready()
        if link is None or not self._refused:
            return link
        stored = {a.user_id: a for a in TwitchCredentials.load(self.tokens).accounts()}
        for user_id, (login, refused) in list(self._refused.items()):
            account = stored.get(user_id)
            if account is None or account.refresh_token == refused:
                continue  # not authorized again yet
            mask_twitchio_logs([account.access_token, account.refresh_token])
            try:
                await link.client.add_token(account.access_token, account.refresh_token)
            except Exception as exc:  # refused too, or Twitch did not answer: try again later
                # (never the text: twitchio's token errors quote the token)
                log.warning("twitch: %s's new token is not usable (%s)", login, type(exc).__name__)
                continue
            del self._refused[user_id]
        self.connection.report(*self._connected())
        return link

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
        own answers are not viewers' comments. A separate bot account says only what stagehand
        sends, so all of it is skipped, by user id as twitchio's own `Bot` does
        (`event_message`), never by name, which a viewer could imitate with a display name.
        When the bot chats as the broadcaster, the host's own lines (`!segment`, `!stage`) come
        from that account too: only the messages stagehand sent are echoes (`OwnMessages`)."""
        chatter = getattr(message, "chatter", None)
        if not self._bot_id or str(getattr(chatter, "id", "")) != self._bot_id:
            return False
        if not self._bot_is_broadcaster:
            return True
        return self.own_messages.is_echo(
            str(getattr(message, "id", "")), str(getattr(message, "text", ""))
        )

    def _store_token(self, user_id: str, access: str, refresh: str, expires_in: int | None) -> None:
        mask_twitchio_logs([access, refresh])
        store_refreshed_token(self.tokens, user_id, access, refresh, expires_in)

    # -- host actions ---------------------------------------------------------------------

    async def send(self, text: str) -> ActionResult:
        return await self._send_parts(text, reply_to=None)

    async def reply(self, comment: Comment, text: str) -> ActionResult:
        if (refused := _not_twitch(comment.platform, "comment")) is not None:
            return refused
        return await self._send_parts(text, reply_to=comment.id)

    async def _send_parts(self, text: str, reply_to: str | None) -> ActionResult:
        """Send `text` in as many parts as it takes. When a part fails after others went out,
        say which did, and let the same text sent again post only the rest."""
        if (link := await self._ready()) is None:
            return self.connection.not_connected()
        parts = split_message(text)
        if not parts:
            return ActionResult.failed("nothing to send: the message is empty")
        first = self._unfinished.first_unsent(parts, reply_to)
        wait = self.limiter.delay_for(len(parts) - first)
        if wait > MAX_SEND_WAIT_SECONDS:
            return ActionResult.failed(
                f"Twitch rate limit: {self.limiter.max_messages} messages per 30 s; "
                f"try again in {wait:.0f} s"
            )
        for index in range(first, len(parts)):
            await self.limiter.acquire()
            result = await self._post_part(link, parts[index], reply_to)
            if not result.ok:
                if index == 0:
                    return result  # nothing went out: sending it again is safe
                self._unfinished.stopped_at(parts, reply_to, index)
                return partly_sent(index, len(parts), result)
        self._unfinished.finished(parts, reply_to)
        if first > 0:
            return rest_sent(first + 1, len(parts))
        if cut_short(text):
            return ActionResult.done(
                f"sent to Twitch chat in {len(parts)} parts",
                hint=f"cut to {MAX_PARTS} messages of {MAX_MESSAGE_CHARS} characters on Twitch "
                "(the most stagehand sends at once): the end did not go out",
            )
        if len(parts) > 1:
            return ActionResult.done(f"sent to Twitch chat in {len(parts)} parts")
        return result

    async def _post_part(self, link: Link, part: str, reply_to: str | None) -> ActionResult:
        with self.own_messages.sending(part):
            result, message_id = await actions.post_chat(link.client, link.ids, part, reply_to)
        self.own_messages.sent(message_id)
        return result

    async def invite_to_stage(self, author: Author, comment: Comment | None) -> ActionResult:
        """Send the guest link (a whisper unless public chat was chosen) and/or a Guest Star invite.

        The guest is on stage as soon as one invitation reached them; what failed besides goes
        to the host as a hint (console only), never into the chat answer.
        """
        if (refused := _not_twitch(author.platform, "viewer")) is not None:
            return refused
        if (link := await self._ready()) is None:
            return self.connection.not_connected()
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
                results.append(await actions.whisper(link.client, link.ids, author, text))
        if self.settings.guest_star:
            results.append(await actions.guest_star_invite(link.client, link.ids, author.id))
        return actions.combine(author, results)

    async def moderate(
        self,
        comment: Comment,
        kind: ModerationKind,
        *,
        duration_seconds: int | None = None,
        reason: str = "",
    ) -> ActionResult:
        if (refused := _not_twitch(comment.platform, "comment")) is not None:
            return refused
        if (link := await self._ready()) is None:
            return self.connection.not_connected()
        banning = kind is not ModerationKind.DELETE
        if banning:
            self.own_bans.making(comment.author.id)  # Twitch announces it back: not twice
        result = await actions.moderate(
            link.client,
            link.ids,
            kind=kind,
            message_id=comment.id,
            user_id=comment.author.id,
            duration_seconds=duration_seconds,
            reason=reason,
        )
        if banning and not result.ok:
            self.own_bans.failed(comment.author.id)
        return result

    async def unban(
        self, author: Author, kind: ModerationKind = ModerationKind.BAN
    ) -> ActionResult:
        if (refused := _not_twitch(author.platform, "viewer")) is not None:
            return refused
        if (link := await self._ready()) is None:
            return self.connection.not_connected()
        self.own_unbans.making(author.id)  # Twitch announces it back: not logged as theirs
        result = await actions.unban(link.client, link.ids, user_id=author.id, kind=kind)
        if not result.ok:
            self.own_unbans.failed(author.id)
        return result


def _require(value: object, problem: str) -> None:
    if not value:
        raise TwitchAuthError(problem)


def _not_twitch(platform: str, what: str) -> ActionResult | None:
    """Refuses to act on another platform's comment or viewer."""
    if platform == PLATFORM:
        return None
    return ActionResult.failed(f"not a Twitch {what} ({platform})")
