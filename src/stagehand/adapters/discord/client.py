"""The discord.py client: what the gateway says, filtered to the show and handed to the sink.

Only the configured guild counts, and in it only the configured channels, their threads and the
Stage channel's text chat. Bots (this one included: Discord echoes its own replies) and system
notices are not comments.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from collections.abc import Callable, Sequence
from typing import Any

import discord
from discord.gateway import DiscordWebSocket

from stagehand.adapters.discord import normalize, slash
from stagehand.adapters.discord.online import STAGE_TYPE, TEXT_TYPES
from stagehand.adapters.own_actions import OwnActions
from stagehand.config.discord import DiscordSettings
from stagehand.domain import Author, ModerationKind, utcnow
from stagehand.platform import AdapterSink, CommandSpec, ConnectionState

log = logging.getLogger(__name__)

PLATFORM = normalize.PLATFORM
REMEMBERED_MESSAGES = 20_000

#: How to get a channel's id right (as `stagehand doctor` says it).
COPY_THE_ID = "copy the channel's id (Developer Mode -> right-click -> Copy Channel ID)"

#: How the client tells the adapter's connection what state it is in.
ReportState = Callable[[ConnectionState, str], None]


def build_intents() -> discord.Intents:
    """Exactly what stagehand reads, nothing more (docs/discord.md says why each one).

    guilds: channels, threads and roles; guild_messages: messages, edits and deletions in the
    guild; message_content (privileged): the text itself; voice_states: the Stage audience and
    raised hands; moderation: bans made and lifted in the server (GUILD_BAN_ADD and _REMOVE,
    which Discord sends only to a bot that may ban). No Server Members intent: messages carry
    their author's member and roles.
    """
    intents = discord.Intents.none()
    intents.guilds = True
    intents.guild_messages = True
    intents.message_content = True
    intents.voice_states = True
    intents.moderation = True
    return intents


def hears_bans(guild: discord.Guild) -> bool:
    """Whether Discord tells the bot of the bans made in `guild`: it sends GUILD_BAN_ADD only to
    a bot with Ban Members (or View Audit Log) there."""
    me = guild.me
    if me is None:  # not told yet: nothing to say
        return True
    perms = me.guild_permissions
    return perms.ban_members or perms.view_audit_log


#: What the hosts are told, once a run, when the bot cannot hear the bans made in the server.
BANS_NOT_HEARD = (
    "bans made in {guild} are not heard (chat is still read): the bot's role lacks Ban Members; "
    "grant it in Server Settings -> Roles (docs/discord.md)"
)


def guard_parsers(client: discord.Client) -> None:
    """Skip a malformed gateway event instead of dying on it.

    discord.py 2.7.1 lets an exception from an event parser (a MESSAGE_CREATE without
    `channel_id`, say) escape `Client.start`, which ends the connection. Each parser is wrapped
    so a bad event costs one log line. Parsers live in `ConnectionState.parsers` (checked
    against 2.7.1; the malformed-dispatch test fails if that changes).
    """
    parsers: dict[str, Callable[[Any], None]] = client._connection.parsers

    def guarded(event: str, parse: Callable[[Any], None]) -> Callable[[Any], None]:
        def parse_or_skip(data: Any) -> None:
            try:
                parse(data)
            except Exception as exc:
                log.warning("discord: skipped a malformed %s event (%s)", event, type(exc).__name__)
                log.debug("discord: malformed %s event", event, exc_info=True)

        return parse_or_skip

    for event, parse in list(parsers.items()):
        parsers[event] = guarded(event, parse)


def skip_undecodable_frames() -> None:
    """Skip a gateway frame that is not JSON instead of losing the session on it.

    discord.py 2.7.1 decodes each frame in `DiscordWebSocket.received_message` and lets the
    decode error escape `Client.start`: the adapter would then log in afresh (IDENTIFY, not
    RESUME) and whatever was said in between would be lost. The frame costs one log line now
    and the session reads on (its sequence is untouched, so nothing after it is missed).
    Installed once on the class, as `point_library_at` sets the library's URLs (checked
    against 2.7.1; the undecodable-frame test fails if that changes).
    """
    original = DiscordWebSocket.received_message
    if getattr(original, "_stagehand_skips_undecodable", False):
        return

    async def received_message(self: DiscordWebSocket, msg: Any, /) -> None:
        try:
            await original(self, msg)
        except json.JSONDecodeError as exc:  # orjson's error is one too
            log.warning("discord: skipped a gateway frame that is not JSON (%s)", exc)

    received_message._stagehand_skips_undecodable = True  # type: ignore[attr-defined]
    DiscordWebSocket.received_message = received_message  # type: ignore[method-assign]


#: The longest rate-limit wait an action sits out before failing (discord.py allows no less).
MAX_RATE_LIMIT_WAIT_SECONDS = 30.0


class StagehandClient(discord.Client):
    """One connection's worth of client; the adapter makes a new one for each attempt.

    Events go to `sink`; connection states to `report` (the adapter's `Connection`).
    """

    def __init__(
        self,
        settings: DiscordSettings,
        sink: AdapterSink,
        *,
        report: ReportState,
        warn: Callable[[str], None] = lambda text: None,
        specs: Sequence[CommandSpec] = (),
        command_prefix: str = "!",
        guild_ready_timeout: float = 2.0,
        on_command: slash.Invoked | None = None,
        own_bans: OwnActions | None = None,
        own_unbans: OwnActions | None = None,
    ) -> None:
        super().__init__(
            intents=build_intents(),
            guild_ready_timeout=guild_ready_timeout,
            chunk_guilds_at_startup=False,
            max_messages=None,  # raw events carry everything; no message cache to grow
            enable_debug_events=False,
            # A host's action waits out at most this much of a rate limit (discord.py's floor);
            # a longer one fails at once, saying when to try again (errors.explain).
            max_ratelimit_timeout=MAX_RATE_LIMIT_WAIT_SECONDS,
        )
        self.settings = settings
        self.sink = sink
        self.report = report
        #: Says a problem of the config the hosts should read (a channel the bot cannot see).
        self.warn = warn
        self.command_prefix = command_prefix
        self.specs = list(specs) if settings.slash_commands else []
        self.on_command = on_command
        self.channel_of: OrderedDict[str, int] = OrderedDict()
        self.hands: dict[int, Author] = {}
        self.problem = ""
        #: The bans stagehand is making, and lifting (the adapter's, across its sessions).
        self.own_bans = own_bans if own_bans is not None else OwnActions()
        self.own_unbans = own_unbans if own_unbans is not None else OwnActions()
        guard_parsers(self)
        skip_undecodable_frames()

    # --- helpers ----------------------------------------------------------------------------

    @property
    def guild(self) -> discord.Guild | None:
        gid = self.settings.guild_id
        return self.get_guild(gid) if gid is not None else None

    def map_roles(self, user: discord.Member | discord.User) -> frozenset[str]:
        return normalize.roles_of(
            user,
            host_role_ids=self.settings.host_role_ids,
            moderator_role_ids=self.settings.moderator_role_ids,
        )

    def watches(self, guild_id: int | None, channel: object) -> bool:
        """True for the show's guild and, in it, the configured channels and their threads."""
        if guild_id is None or guild_id != self.settings.guild_id:
            return False
        channel_id = getattr(channel, "id", None)
        if channel_id is not None and channel_id == self.settings.stage_channel_id:
            return True  # the Stage's own text chat: where the audience talks
        wanted = self.settings.channel_ids
        if not wanted:
            return True
        parent_id = getattr(channel, "parent_id", None)
        if isinstance(channel, discord.Thread) and parent_id in wanted:
            return True
        return channel_id in wanted

    def is_comment(self, message: discord.Message) -> bool:
        if message.author.bot or message.type not in normalize.TYPED_MESSAGE_TYPES:
            return False
        guild_id = message.guild.id if message.guild is not None else None
        return self.watches(guild_id, message.channel)

    def remember(self, comment_id: str, channel_id: int) -> None:
        """Where a comment was posted, so replies and deletions can find it later."""
        self.channel_of[comment_id] = channel_id
        while len(self.channel_of) > REMEMBERED_MESSAGES:
            self.channel_of.popitem(last=False)

    # --- start-up ---------------------------------------------------------------------------

    async def setup_hook(self) -> None:
        if not self.specs or self.settings.guild_id is None or self.on_command is None:
            return
        self.tree = slash.build_tree(self, self.specs, self.settings.guild_id, self.on_command)
        self.problem = await slash.register(self.tree, self.settings.guild_id)

    async def on_ready(self) -> None:
        guild = self.guild
        if guild is None:
            self.report(
                ConnectionState.FAILED,
                f"the bot is not in the server {self.settings.guild_id}: invite it with the URL "
                "in docs/discord.md, or fix [discord] guild_id",
            )
            return
        detail = f"{guild.name} as {self.user}"
        self.report(
            ConnectionState.CONNECTED, f"{detail}; {self.problem}" if self.problem else detail
        )
        for problem in self.unseen_channels(guild):
            self.warn(problem)
        if not hears_bans(guild):
            self.warn(BANS_NOT_HEARD.format(guild=guild.name))
        self._sync_hands(guild)

    def unseen_channels(self, guild: discord.Guild) -> list[str]:
        """The configured channels the bot cannot see in the server, or of the wrong kind, as
        `stagehand doctor` finds them: their chat would be dropped without a word (a typo in an
        id), or a viewer could not be brought on stage."""
        problems = []
        readable = 0
        for cid in self.settings.channel_ids:
            channel = guild.get_channel(cid)
            if channel is not None and channel.type.value in TEXT_TYPES:
                readable += 1
                continue
            problems.append(
                f"{self.settings.key('channel_ids')} has {cid}, which is not a text channel "
                f"the bot can see in {guild.name}: its chat is not read"
            )
        stage_id = self.settings.stage_channel_id
        stage = guild.get_channel(stage_id) if stage_id is not None else None
        if stage_id is not None and (stage is None or stage.type.value != STAGE_TYPE):
            problems.append(
                f"{self.settings.key('stage_channel_id')} is {stage_id}, which is not a Stage "
                f"channel the bot can see in {guild.name}: viewers cannot be brought on stage"
            )
        if self.settings.channel_ids and not readable:
            problems.append(f"no chat is read from {guild.name}: none of the channels can be")
        return [f"{problem}; {COPY_THE_ID}" for problem in problems]

    async def on_guild_join(self, guild: discord.Guild) -> None:
        if guild.id == self.settings.guild_id:
            await self.on_ready()

    async def on_resumed(self) -> None:
        self.report(ConnectionState.CONNECTED, "resumed")

    async def on_disconnect(self) -> None:
        if not self.is_closed():
            self.report(ConnectionState.RECONNECTING, "gateway connection lost; resuming")

    # --- chat -------------------------------------------------------------------------------

    async def on_message(self, message: discord.Message) -> None:
        if not self.is_comment(message):
            return
        comment = normalize.comment_from_message(message, self.map_roles, self.command_prefix)
        if not comment.text.strip() and not comment.attachments:
            return  # a poll or an embed alone: nothing a host could read out
        self.remember(comment.id, message.channel.id)
        self.sink.comment_received(comment)

    async def on_raw_message_edit(self, payload: discord.RawMessageUpdateEvent) -> None:
        message = payload.message
        # Discord also sends updates when a link preview appears; only a new text is an edit.
        if message.edited_at is None or "content" not in payload.data:
            return
        if not self.is_comment(message):
            return
        text = normalize.message_text(message, self.command_prefix)
        self.sink.comment_edited(PLATFORM, str(message.id), text, message.edited_at)

    async def on_raw_message_delete(self, payload: discord.RawMessageDeleteEvent) -> None:
        channel = self._channel(payload.channel_id)
        if self.watches(payload.guild_id, channel):
            self.sink.comment_deleted(PLATFORM, str(payload.message_id), utcnow())

    async def on_raw_bulk_message_delete(self, payload: discord.RawBulkMessageDeleteEvent) -> None:
        channel = self._channel(payload.channel_id)
        if self.watches(payload.guild_id, channel):
            now = utcnow()
            for message_id in sorted(payload.message_ids):
                self.sink.comment_deleted(PLATFORM, str(message_id), now)

    # --- moderation done in Discord itself --------------------------------------------------

    async def on_member_ban(
        self, guild: discord.Guild, user: discord.Member | discord.User
    ) -> None:
        """A member banned in the server, by one of its moderators or by stagehand (whose own
        bans Discord announces too: the show logged those when it made them). Discord does not
        say who banned them."""
        if guild.id != self.settings.guild_id or self.own_bans.is_echo(str(user.id)):
            return
        author = normalize.author_of(user, self.map_roles)
        self.sink.author_banned(author, ModerationKind.BAN.value, "was banned on Discord")

    async def on_member_unban(self, guild: discord.Guild, user: discord.User) -> None:
        """A ban lifted in the server (GUILD_BAN_REMOVE), by its moderators or by stagehand's
        undo (announced too, and known)."""
        if guild.id != self.settings.guild_id or self.own_unbans.is_echo(str(user.id)):
            return
        author = normalize.author_of(user, self.map_roles)
        self.sink.author_unbanned(author, "was unbanned on Discord")

    def _channel(self, channel_id: int) -> object:
        guild = self.guild
        found = guild.get_channel_or_thread(channel_id) if guild is not None else None
        return found if found is not None else discord.Object(channel_id)

    # --- the Stage's raised hands -----------------------------------------------------------

    async def on_voice_state_update(
        self, member: discord.Member, before: discord.VoiceState, after: discord.VoiceState
    ) -> None:
        if member.guild.id != self.settings.guild_id or member.bot:
            return
        # `after` is discord.py's cached state, already changed by any later event parsed before
        # this handler ran: compare the queue with the state as it is now, not with `before`.
        raised = self._hand_up(member.voice)
        if raised != (member.id in self.hands):
            self._set_hand(member, raised)
        if self._in_stage(before) and not self._in_stage(member.voice):
            # Whoever is on the show's stage panel comes off it (the show knows who is).
            self.sink.left_stage(
                normalize.author_of(member, self.map_roles), "left the Stage channel"
            )

    def _in_stage(self, state: discord.VoiceState | None) -> bool:
        stage_id = self.settings.stage_channel_id
        return (
            stage_id is not None
            and state is not None
            and state.channel is not None
            and state.channel.id == stage_id
        )

    def _hand_up(self, state: discord.VoiceState | None) -> bool:
        stage_id = self.settings.stage_channel_id
        return (
            state is not None
            and state.channel is not None
            and state.channel.id == stage_id
            and state.suppress  # a speaker's hand is down: they are on stage already
            and state.requested_to_speak_at is not None
        )

    def _set_hand(self, member: discord.Member, raised: bool) -> None:
        author = normalize.author_of(member, self.map_roles)
        if raised:
            self.hands[member.id] = author
        else:
            author = self.hands.pop(member.id, author)
        self.sink.hand_changed(author, raised)

    def _sync_hands(self, guild: discord.Guild) -> None:
        """After a fresh login: hands raised while stagehand was away join the queue."""
        stage = guild.get_channel(self.settings.stage_channel_id or 0)
        waiting = stage.requesting_to_speak if isinstance(stage, discord.StageChannel) else []
        now_up = {member.id: member for member in waiting if not member.bot}
        for member_id in list(self.hands):
            if member_id not in now_up:
                self.sink.hand_changed(self.hands.pop(member_id), False)
        for member_id, member in now_up.items():
            if member_id not in self.hands:
                self._set_hand(member, True)
