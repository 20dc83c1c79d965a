"""`YouTubeAdapter`: YouTube live chat into the show, host actions out, on the running loop.

Chat is read with `liveChatMessages.streamList` (docs/decisions.md says why): one call streams
the chat for about 10 s, then YouTube closes it and the next call resumes from the last
`nextPageToken`, so nothing is read twice and nothing is skipped. A position YouTube refuses
(`pageTokenInvalid`) is dropped: reading goes on from the newest messages, the backlog they
come with read on from the last message read before (backlog.py), and the host hears that some
may have been missed. stagehand's own posts are known by the ids YouTube gave them, and its
bans by whom they banned, kept with the show: their echo is never a host's line or a moderator's
ban, in a run again either. Between calls the quota governor (quota.py) waits as long as it
takes for the day's quota to last the planned show. The shared `Connection` loop
(adapters/connection.py) reconnects after a network drop, a 5xx or a failure of Google's token
endpoint, with backoff, from the same page token; a chat that ended ends the YouTube side
(FINISHED); spent quota or a refused authorization stops it with the fix (FAILED), and the show
goes on on the other platforms.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import json
import logging
import math
import time
from collections import OrderedDict
from dataclasses import dataclass

import aiohttp

from stagehand.adapters.connection import (
    Backoff,
    Connection,
    ConnectionFinished,
    ConnectionRefused,
    CredentialsRefused,
)
from stagehand.adapters.sending import SendLimiter
from stagehand.adapters.youtube import actions
from stagehand.adapters.youtube.backlog import LastRead
from stagehand.adapters.youtube.client import YouTubeClient
from stagehand.adapters.youtube.credentials import TOKEN_KEY as YOUTUBE_TOKEN_KEY
from stagehand.adapters.youtube.errors import (
    PAGE_TOKEN_INVALID,
    NotLiveYet,
    YouTubeApiError,
    YouTubeAuthError,
    chat_over,
    describe_error,
    refused_for_good,
)
from stagehand.adapters.youtube.normalize import (
    PLATFORM,
    ChatEnded,
    ChatInfo,
    MalformedMessage,
    MessageDeleted,
    UserBanned,
    event_from_message,
)
from stagehand.adapters.youtube.quota import QuotaGovernor
from stagehand.config.youtube import YouTubeSettings
from stagehand.domain import Author, Comment, ModerationKind, QuotaUse
from stagehand.naming import named, shifted
from stagehand.platform import ActionResult, Adapter, AdapterSink, ChatPosition, ConnectionState
from stagehand.tokens import TokenStore

log = logging.getLogger(__name__)

#: Message ids remembered to drop redeliveries before they reach the show.
REMEMBERED_IDS = 20_000
#: How often a paused reader looks whether the quota has room again.
PAUSED_CHECK_SECONDS = 30.0
#: What the host is told when YouTube refuses the saved chat position.
POSITION_REFUSED = (
    f"YouTube no longer accepts the saved chat position ({PAGE_TOKEN_INVALID}): reading "
    "resumes from the newest messages; some messages may have been missed"
)


@dataclass(frozen=True, slots=True)
class Link:
    """What actions act through: the client, and the chat being read."""

    client: YouTubeClient
    chat: ChatInfo


class YouTubeAdapter(Adapter):
    platform = PLATFORM

    def __init__(
        self, settings: YouTubeSettings, tokens: TokenStore, *, guest_link: str = ""
    ) -> None:
        self.settings = settings
        self.tokens = tokens
        self.guest_link = guest_link
        self.pace = SendLimiter(settings.messages_per_30s, 30.0)
        self.connection: Connection[Link] = Connection(
            PLATFORM,
            backoff=Backoff.doubling(
                settings.reconnect_initial_seconds, settings.reconnect_max_seconds
            ),
            not_connected="YouTube is not connected",
        )
        self.quota = QuotaGovernor(settings, self._quota_spent)
        #: Where reading resumes: the last whole batch's nextPageToken (kept across attempts).
        self.page_token: str | None = None
        self.chat: ChatInfo | None = None
        self._sink: AdapterSink | None = None
        self._seen: OrderedDict[str, None] = OrderedDict()
        #: The last message read (from the last whole batch, or the last run's position).
        self._last_read: LastRead | None = None
        #: While reading the backlog YouTube sent after refusing the position: the last
        #: message read before it, up to which the backlog is not news.
        self._catching_up: LastRead | None = None
        #: The ids of the messages stagehand posted here (this run's and, read from the show,
        #: earlier runs'): their echo in the chat is stagehand's own.
        self._sent_ids: set[str] = set()
        self._sending: list[str] = []  # texts on their way out (their echo may come first)
        self._bans: dict[str, str] = {}  # author channel id -> ban id, for undoing a ban
        self._banned_here: set[str] = set()  # channel ids stagehand banned: their echo is ours

    # -- the connection -------------------------------------------------------------------

    async def run(self, sink: AdapterSink) -> None:
        self._sink = sink
        self.connection.closing.clear()
        self.quota.start(await sink.quota_used(PLATFORM, self.quota.day))
        async with aiohttp.ClientSession() as http:
            await self.connection.keep(sink, lambda: self._session(http), describe_error)

    async def close(self) -> None:
        self.connection.close()

    def _quota_spent(self, use: QuotaUse) -> None:
        if self._sink is not None:
            self._sink.quota_spent(PLATFORM, use)

    async def _session(self, http: aiohttp.ClientSession) -> None:
        """Find the chat (once), then read it stream after stream until `close` or its end."""
        client = YouTubeClient(self.settings, self.tokens, self.quota, http)
        try:
            if self.chat is None:
                self.chat = await self._find_chat(client)
                await self._read_on_from_last_run(self.chat)
            self.connection.link = Link(client, self.chat)
            await self._read(client, self.chat)
        except YouTubeAuthError as exc:
            raise self._authorization_refused(str(exc)) from None
        except YouTubeApiError as exc:
            final = refused_for_good(exc)
            if final is None:
                raise
            if exc.status in (401, 403) and not exc.quota_exceeded and not exc.chat_over:
                raise self._authorization_refused(str(final)) from None
            raise final from None
        finally:
            self.connection.link = None

    def _authorization_refused(self, why: str) -> CredentialsRefused:
        """Google refused the stored authorization (or there is none): the YouTube side waits
        for `stagehand auth youtube` to store another, then reads on where it stopped."""
        refused = self._stored_authorization()

        def renewed() -> bool:
            now = self._stored_authorization()
            return now is not None and now != refused

        return CredentialsRefused(why, renewed)

    def _stored_authorization(self) -> str | None:
        """The token store's YouTube entry as text (kept in memory only, to compare)."""
        stored = self.tokens.get(YOUTUBE_TOKEN_KEY)
        return json.dumps(stored, sort_keys=True) if stored else None

    async def _find_chat(self, client: YouTubeClient) -> ChatInfo:
        """The live chat to read: the configured video's, or the account's live broadcast's."""
        if self.settings.video_id:
            return await self._video_chat(client, self.settings.video_id)
        broadcasts = await client.active_broadcasts()
        if not broadcasts:
            raise NotLiveYet("no live broadcast on the authorized channel yet")
        broadcast = broadcasts[0]
        snippet = broadcast.get("snippet") or {}
        owner = str(snippet.get("channelId") or "")
        wanted = self.settings.channel_id
        if wanted and owner and owner != wanted:
            raise ConnectionRefused(
                f"the authorized account's live broadcast belongs to channel {owner}, not "
                f"[youtube] channel_id {wanted}: run `stagehand auth youtube` and choose that "
                "channel's account, or set [youtube] video_id to read another channel's chat"
            )
        chat_id = str(snippet.get("liveChatId") or "")
        if not chat_id:
            raise NotLiveYet("the live broadcast has no chat yet")
        return ChatInfo(
            live_chat_id=chat_id,
            video_id=str(broadcast.get("id") or ""),
            owner_channel_id=owner,
            title=str(snippet.get("title") or ""),
            own_channel_id=owner,
        )

    async def _video_chat(self, client: YouTubeClient, video_id: str) -> ChatInfo:
        video = await client.video(video_id)
        if video is None:
            raise ConnectionRefused(
                f"YouTube has no video {video_id!r}: check [youtube] video_id (the id in "
                "youtube.com/watch?v=<id>)"
            )
        details = video.get("liveStreamingDetails") or {}
        chat_id = str(details.get("activeLiveChatId") or "")
        if not chat_id:
            if details.get("actualEndTime"):
                raise ConnectionFinished(f"the live stream of video {video_id} has ended")
            raise NotLiveYet(f"video {video_id} is not live yet")
        snippet = video.get("snippet") or {}
        return ChatInfo(
            live_chat_id=chat_id,
            video_id=video_id,
            owner_channel_id=str(snippet.get("channelId") or ""),
            title=str(snippet.get("title") or ""),
            own_channel_id=await client.my_channel_id(),
        )

    async def _read(self, client: YouTubeClient, chat: ChatInfo) -> None:
        closing = self.connection.closing
        while not closing.is_set():
            if not self.quota.may_read():
                self.connection.report(ConnectionState.CONNECTED, self.quota.paused_message())
                await _wait(closing, PAUSED_CHECK_SECONDS)
                continue
            started = time.monotonic()
            reading = asyncio.ensure_future(self._read_stream(client, chat))
            stopping = asyncio.ensure_future(closing.wait())
            try:
                await asyncio.wait({reading, stopping}, return_when=asyncio.FIRST_COMPLETED)
            finally:
                stopping.cancel()
                if not reading.done():  # closing: stop reading mid-stream
                    reading.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await reading
            if closing.is_set():
                return
            try:
                reading.result()  # a failure of the stream: the connection loop retries
            except YouTubeApiError as exc:
                if not exc.page_token_refused or self.page_token is None:
                    raise
                self._resume_from_newest()
            self.quota.last_read_seconds = max(1.0, time.monotonic() - started)
            delay = self.quota.read_delay()
            if math.isfinite(delay) and delay > 0:
                await _wait(closing, delay)

    async def _read_stream(self, client: YouTubeClient, chat: ChatInfo) -> None:
        """One streamList call, each batch handed on as it arrives."""
        async with contextlib.aclosing(
            client.stream(chat.live_chat_id, self.page_token)
        ) as batches:
            async for batch in batches:
                self.connection.report(ConnectionState.CONNECTED, chat.title)
                self._deliver(batch, chat)

    async def _read_on_from_last_run(self, chat: ChatInfo) -> None:
        """A show run again reads this chat on from where its last run stopped: YouTube's
        backlog holds what that run already heard (bans, deletions), did (the hosts' bans,
        echoed) and posted (replies, echoed from the hosts' own channel), and none of it is
        news now. A position from another broadcast's chat is not used."""
        if self._sink is None or self.page_token is not None:
            return
        self._sent_ids.update(await self._sink.own_posts(PLATFORM))
        saved = await self._sink.chat_position(PLATFORM)
        if saved is not None and saved.chat_id == chat.live_chat_id:
            self.page_token = saved.position
            if saved.last_message and saved.last_message_at:
                self._last_read = LastRead(saved.last_message, saved.last_message_at)
            self._banned_here.update(saved.awaiting_bans)

    def _resume_from_newest(self) -> None:
        """YouTube refused the saved chat position: asking again with it would be refused
        again (and charged), so read on from the newest messages, and say once that what was
        said in between may be missing. The backlog YouTube sends with them is read on from
        the last message read before (`_catching_up`)."""
        self.page_token = None
        self._catching_up = self._last_read
        self.connection.report(ConnectionState.RECONNECTING, POSITION_REFUSED)
        self.connection.notice(POSITION_REFUSED)  # kept where the hosts look back, logged

    def _deliver(self, batch: dict, chat: ChatInfo) -> None:
        """Hand one batch's messages to the show, then remember where the next read starts."""
        items = batch.get("items")
        items = items if isinstance(items, list) else []
        last_read = LastRead.of(items) or self._last_read
        if self._catching_up is not None and items:
            items, caught_up = self._catching_up.unread(items)
            if caught_up:
                self._catching_up = None
        ended = False
        for item in items:
            message_id = item.get("id") if isinstance(item, dict) else None
            message_id = message_id if isinstance(message_id, str) else ""
            if message_id in self._seen:  # delivered again (at least once): passed on already
                continue
            try:
                event = event_from_message(item, chat)
            except MalformedMessage as exc:
                log.warning("Skipped a malformed YouTube chat message (%s)", exc)
                continue
            if message_id:
                self._remember(message_id)
            ended = self._hand_on(event, chat, message_id) or ended
        self._last_read = last_read
        token = batch.get("nextPageToken")
        if isinstance(token, str) and token:
            self.page_token = token
            if self._sink is not None:
                self._sink.chat_position_reached(PLATFORM, self._position(chat, token))
        if ended or batch.get("offlineAt"):
            raise chat_over("liveChatEnded")

    def _position(self, chat: ChatInfo, token: str) -> ChatPosition:
        """Where reading stands: `token`, after the last message read."""
        last = self._last_read
        awaiting = tuple(sorted(self._banned_here))
        if last is None:
            return ChatPosition(chat.live_chat_id, token, awaiting_bans=awaiting)
        return ChatPosition(chat.live_chat_id, token, last.message_id, last.published_at, awaiting)

    def _keep_position(self, chat: ChatInfo) -> None:
        """Store where reading stands now (what it awaits changed), once it stands anywhere."""
        if self._sink is not None and self.page_token is not None:
            self._sink.chat_position_reached(PLATFORM, self._position(chat, self.page_token))

    def _hand_on(self, event: object, chat: ChatInfo, message_id: str) -> bool:
        """Pass on one event, message `message_id`; True when it says the chat ended."""
        sink = self._sink
        if sink is None:
            return False
        if isinstance(event, Comment):
            if not self._own_echo(event, chat):
                sink.comment_received(event)
        elif isinstance(event, MessageDeleted):
            sink.comment_deleted(PLATFORM, event.message_id, event.ts)
        elif isinstance(event, UserBanned):
            if event.author.id in self._banned_here:  # our own ban, coming back: already shown
                self._banned_here.discard(event.author.id)
            else:  # logged once, however often YouTube sends it (the show's key)
                sink.author_banned(
                    event.author, event.kind.value, event.detail, key=_heard_key(message_id)
                )
        elif isinstance(event, ChatEnded):
            return True
        return False

    def _remember(self, message_id: str) -> None:
        self._seen[message_id] = None
        while len(self._seen) > REMEMBERED_IDS:
            self._seen.popitem(last=False)

    def _own_echo(self, comment: Comment, chat: ChatInfo) -> bool:
        """YouTube shows stagehand's own messages in the chat it reads: they are not comments.
        Known by the id the send returned, or (when the echo outruns the answer) by author and
        text; never by name, which a viewer could imitate."""
        return comment.id in self._sent_ids or (
            comment.author.id == chat.own_channel_id and comment.text in self._sending
        )

    # -- host actions ---------------------------------------------------------------------

    def _ready(self) -> Link | ActionResult:
        if self.settings.read_only:
            return ActionResult.failed(
                "YouTube is read-only here ([youtube] read_only = true): act in YouTube Studio"
            )
        link = self.connection.ready()
        return link if link is not None else self.connection.not_connected()

    async def _post(self, text: str) -> ActionResult:
        link = self._ready()
        if isinstance(link, ActionResult):
            return link
        wait = self.pace.delay_for(1)
        if wait > 0:
            return ActionResult.failed(
                f"YouTube send limit: {self.pace.max_messages} messages per 30 s "
                f"([youtube] messages_per_30s); try again in {math.ceil(wait)} s"
            )
        self.pace.take()
        shown = " ".join(text.split())
        self._sending.append(shown)
        try:
            result, message_id = await actions.send(link.client, link.chat.live_chat_id, text)
        finally:
            self._sending.remove(shown)
        if message_id:
            self._sent_ids.add(message_id)
            if self._sink is not None:  # kept with the show: a run again knows its echo too
                self._sink.own_message_posted(PLATFORM, message_id)
        return result

    async def send(self, text: str) -> ActionResult:
        return await self._post(text)

    async def reply(self, comment: Comment, text: str) -> ActionResult:
        if (refused := _not_youtube(comment.platform, "comment")) is not None:
            return refused
        return await self._post(actions.addressed(comment.author, text))

    async def invite_to_stage(self, author: Author, comment: Comment | None) -> ActionResult:
        """YouTube has no private messages: post the public invitation text, never the link."""
        if (refused := _not_youtube(author.platform, "viewer")) is not None:
            return refused
        text = self.settings.stage_invite_text.replace("{name}", author.name.lstrip("@"))
        if self.guest_link and self.guest_link in text:
            return _invitation(
                author,
                ActionResult.failed(
                    "not sent: [youtube] stage_invite_text contains the private guest link, and "
                    "YouTube chat is public",
                    hint="say where to find the link instead (the description, Discord)",
                ),
            )
        result = await self._post(text)
        if not result.ok:
            return _invitation(author, result)
        message, names = named(author, ": invited in YouTube chat (public text; no link posted)")
        hint, hint_names = named(
            "give ", author, " the guest link another way: YouTube has no private messages"
        )
        return ActionResult.done(message, hint, names=names + shifted(hint_names, len(message) + 2))

    async def moderate(
        self,
        comment: Comment,
        kind: ModerationKind,
        *,
        duration_seconds: int | None = None,
        reason: str = "",
    ) -> ActionResult:
        if (refused := _not_youtube(comment.platform, "comment")) is not None:
            return refused
        link = self._ready()
        if isinstance(link, ActionResult):
            return link
        if kind is ModerationKind.DELETE:
            return await actions.delete(link.client, comment.id)
        seconds = None
        if kind is ModerationKind.TIMEOUT:
            seconds = duration_seconds or actions.DEFAULT_TIMEOUT_SECONDS
        result, ban_id = await actions.ban(
            link.client, link.chat.live_chat_id, comment.author, seconds
        )
        if ban_id:
            self._bans[comment.author.id] = ban_id
        if result.ok:
            self._banned_here.add(comment.author.id)
            self._keep_position(link.chat)  # a run again knows the ban's echo as ours too
        return result

    async def unban(
        self, author: Author, kind: ModerationKind = ModerationKind.BAN
    ) -> ActionResult:
        if (refused := _not_youtube(author.platform, "viewer")) is not None:
            return refused
        link = self._ready()
        if isinstance(link, ActionResult):
            return link
        ban_id = self._bans.get(author.id)
        if ban_id is None:
            return ActionResult.failed(
                f"no YouTube ban of {author.shown_name} made in this session to lift",
                hint="lift it in YouTube Studio (Settings -> Community -> Hidden users)",
            )
        result = await actions.unban(link.client, ban_id, kind)
        if result.ok:
            self._bans.pop(author.id, None)
        return result


def _heard_key(message_id: str) -> str:
    """The host-action key of a ban heard in YouTube's chat, made of its message's id (as
    Twitch's are of their notification's): "" (a random one) when the message has none."""
    if not message_id:
        return ""
    return hashlib.sha256(f"youtube:{message_id}".encode()).hexdigest()[:32]


async def _wait(event: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(event.wait(), timeout=seconds)


def _invitation(guest: Author, result: ActionResult) -> ActionResult:
    """An invitation that did not go out, led by whom it was for ("@SynthFan: not invited:
    ..."), naming them there only: YouTube's words of why name nobody, and when the guest
    leaves the log keeps them (an outcome with no names would be un-named whole)."""
    message, names = named(guest, ": not invited: " + result.message)
    return dataclasses.replace(result, message=message, names=names)


def _not_youtube(platform: str, what: str) -> ActionResult | None:
    """Refuses to act on another platform's comment or viewer."""
    if platform == PLATFORM:
        return None
    return ActionResult.failed(f"not a YouTube {what} ({platform})")
