"""The live show: the one way into a show, for every screen, chat command and adapter.

`LiveShow` is what adapters deliver to (it implements `AdapterSink` and `ReplaySink`) and what
the console and chat commands act through: pressing `p` in the console and `!stage @user` in
chat both call `pull_on_stage`. Its public methods are all there is: read-only views of the
show (segments, stage, hands, connections, recent comments), intents that each answer an
`ActionResult` and publish what changed as events (show/actions.py, show/segments.py,
show/undo.py), and listening. A show server will offer the same to remote screens.

Open one with `stagehand.session.open_show`, which opens the database, starts the writer,
installs the chat commands and adds the adapters.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import sqlite3
import uuid
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlite_utils import Database

from stagehand.config import Settings
from stagehand.domain import (
    PLATFORM_UNBAN,
    Author,
    AuthorKey,
    Comment,
    HostAction,
    HostActionKind,
    ModerationKind,
    QuotaUse,
    Segment,
    StageSession,
)
from stagehand.events import (
    ChatPositionReached,
    CommentEdited,
    ConnectionChanged,
    HostActionLogged,
    Notice,
    OwnMessagePosted,
    QuotaSpent,
    ShowEnded,
    StageEnded,
)
from stagehand.logs import redact
from stagehand.metrics import Metrics
from stagehand.naming import As, Namings, named
from stagehand.platform import (
    DONE_ON_PLATFORM,
    Adapter,
    ChatPosition,
    ConnectionState,
    ReplaySink,
)
from stagehand.sanitize import clean
from stagehand.show.actions import HostActions
from stagehand.show.core import CommandHandler
from stagehand.show.featuring import Featuring
from stagehand.show.history import HandledAction
from stagehand.show.platforms import platform_name
from stagehand.show.queue import QueueSettings
from stagehand.show.replaying import Replaying
from stagehand.show.search import search_show
from stagehand.show.segments import SegmentActions
from stagehand.store import queries
from stagehand.store.database import connect, describe_sqlite_error
from stagehand.store.queries import SearchHit, ShowRow
from stagehand.store.recorder import Stored

log = logging.getLogger(__name__)

_Read = TypeVar("_Read")


class LiveShow(HostActions, SegmentActions, Featuring, Replaying):
    """A show on air (or replayed): see the module docstring."""

    # -- views -----------------------------------------------------------------------------

    @property
    def show(self) -> ShowRow:
        return self._show

    @property
    def settings(self) -> Settings:
        return self._settings

    @property
    def queue_settings(self) -> QueueSettings:
        return QueueSettings.of(self._settings)

    @property
    def resumed(self) -> bool:
        """The show was stored before: this session picks it up where it stopped."""
        return self._resumed

    @property
    def db_path(self) -> Path:
        return self._db_path

    def now(self) -> datetime:
        """Show time (a replay's is its transcript's)."""
        return self._clock.now()

    @property
    def segments(self) -> tuple[Segment, ...]:
        return tuple(self._state.segments)

    @property
    def current_segment(self) -> Segment | None:
        return self._state.current_segment

    @property
    def on_stage(self) -> tuple[StageSession, ...]:
        """Who is on stage, in the order they came on."""
        return self._state.on_stage

    def is_on_stage(self, key: AuthorKey) -> bool:
        return self._is_on_stage(key)

    @property
    def hands(self) -> tuple[Author, ...]:
        """Raised hands, oldest first."""
        return tuple(self._state.hands.values())

    def has_hand_up(self, key: AuthorKey) -> bool:
        return key in self._state.hands

    @property
    def connections(self) -> Mapping[str, tuple[ConnectionState, str]]:
        """The last state (and its detail) each platform connection reported."""
        return self._platforms.connections

    @property
    def platforms(self) -> tuple[str, ...]:
        """The platforms the show has adapters for ("replay" for a replayed show)."""
        return self._platforms.names

    def live_platforms(self) -> list[str]:
        """The platforms this show connects to (a replay is not one)."""
        return self._platforms.live()

    @property
    def aired(self) -> bool:
        """Whether the show went on air in this session: a live platform connected (a replay
        plays from the start)."""
        return self._platforms.aired()

    @property
    def kept(self) -> bool:
        """False once `close` took back a session that never went on air (see `close`)."""
        return self._kept

    def failed_platforms(self) -> dict[str, str]:
        """Live platforms whose connection ended failed, with the reason each gave."""
        return self._platforms.failed()

    def find_comment(self, platform: str | None, comment_id: str | None) -> Comment | None:
        """A recent comment by id (on `platform`, or the latest with that id on any)."""
        return self._state.recent.find(platform, comment_id)

    @property
    def recent_comments(self) -> tuple[Comment, ...]:
        """The comments kept in memory, oldest first (a resumed show's stored ones too)."""
        return tuple(self._state.recent)

    def handled(self) -> tuple[HandledAction, ...]:
        """The comments the hosts answered, dismissed or brought on stage, newest first."""
        return self._history.handled()

    def acted_on(self, key: str) -> Comment | None:
        """The comment the host action `key` acted on, if the show remembers it."""
        done = self._history.get(key)
        return done.comment if done is not None else None

    def refusal(self, action: str) -> str | None:
        """None: the show's own console may take every action (`ShowAPI.refusal`)."""
        return None

    def host_action(self, key: str) -> HostAction | None:
        """The host action logged as `key` (who did what, when), if the show remembers it."""
        done = self._history.get(key)
        return done.action if done is not None else None

    @property
    def accepted(self) -> int:
        """Comments taken in this session (redeliveries not counted)."""
        return self._pipeline.accepted

    @property
    def duplicates(self) -> int:
        """Redelivered comments dropped in this session before they reached the store."""
        return self._pipeline.duplicates

    @property
    def stored(self) -> Stored:
        """What the database confirmed it stored in this session."""
        return self._writer.stored

    @property
    def storage_error(self) -> str | None:
        """The last reason writing failed, while it fails (or a change could not be stored)."""
        return self._writer.last_error

    @property
    def storage_failing(self) -> bool:
        """Writing fails now: the writer keeps what is queued and retries until it works."""
        return self._writer.failing

    @property
    def written_back_to(self) -> Path | None:
        """Where the database was written back to as the show closed, its file having been
        deleted or moved while the show ran (None: it never went)."""
        return self._writer.written_back_to

    @property
    def moved_to(self) -> Path | None:
        """Where the database file was moved to while the show ran (rows went on into it)."""
        return self._writer.moved_to

    @property
    def file_lost(self) -> bool:
        """The database file was deleted or moved while the show ran, and could not be
        written back: the show is stored nowhere."""
        writer = self._writer
        return (
            writer.file_gone is not None
            and writer.written_back_to is None
            and writer.moved_to is None
        )

    @property
    def storage_error_at_exit(self) -> str | None:
        """`storage_error` as a command that stops now says it: what to fix, with no promise to
        keep chat (what was not written by now is not stored)."""
        failing_with = self._writer.failing_with
        if failing_with is not None:
            return describe_sqlite_error(self._db_path, failing_with, retrying=False)
        return self._writer.last_error

    @property
    def backlog(self) -> int:
        """Changes waiting for the database writer; producers that can wait (replays) do."""
        return self._writer.backlog

    def participation(self) -> Metrics | None:
        """The participation numbers so far, what was just done included (blocking: it waits
        for the writer and reads the database on a read-only connection of its own; call it
        from a thread). While the database cannot be read, the last ones read (None before
        any), and a notice says why once (show/participation.py)."""
        self.flush(timeout=2.0)
        return self._participation.read(self._show.name, self.now())

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """This show's comments matching `query`, full text (blocking: a read connection of its
        own, closed after; call it from a thread). SearchError: why it could not be done."""
        return search_show(self._db_path, self._show.id, query, limit)

    @property
    def ranking_worker_pid(self) -> int | None:
        """The worker process ranking this show (None: it ranks in this process)."""
        return self._ranker.worker_pid

    @property
    def startup_notices(self) -> tuple[Notice, ...]:
        """What the hosts should read before the show starts (e.g. a missing pseudonym key)."""
        return tuple(self._startup_notices)

    # -- putting it together (stagehand.session) ------------------------------------------------

    def add_adapter(self, adapter: Adapter[ReplaySink]) -> None:
        self._platforms.add(adapter)

    def use_commands(
        self,
        handler: CommandHandler,
        *,
        lifts_ask: Callable[[Comment, datetime], bool] | None = None,
    ) -> None:
        """Hand every accepted comment to `handler` (the chat commands) from now on;
        `lifts_ask` decides, as each `!ask <question>` arrives, whether it is lifted as one."""
        self._commands = handler
        self._pipeline.lifts_ask = lifts_ask

    # -- running and closing ---------------------------------------------------------------

    async def run_adapters(self) -> None:
        """Run every adapter until they finish or the show closes; one failing never stops others."""
        self._loop = asyncio.get_running_loop()
        # The screens listening now were told the resumed queue; it changes from here on.
        self._resumed_queue = []
        for notice in self._startup_notices:
            self._publish(notice)
        self._startup_notices = []
        await self._platforms.run(self)

    async def close(self) -> bool:
        """End open stage appearances, stop adapters, write everything. False if writes failed.

        A live session no platform ever connected to (and that took no comment) is taken back
        from the database: see `kept`.
        """
        self._caught_up()  # the last comments' commands get their tasks before the wait below
        if self._tasks:
            # Let invitations and command answers already in flight finish (briefly).
            await asyncio.wait(list(self._tasks), timeout=2)
        await self._platforms.close()
        self._caught_up()  # the last comments' scores, and the commands they carry
        pending = list(self._tasks)
        for task in pending:
            task.cancel()
        # A cancelled task still hands its comment's changes to the writer (in its callbacks).
        await asyncio.gather(*pending, return_exceptions=True)
        now = self._clock.now()
        # A session no platform connected to is taken back below: the show did not run in it,
        # so no appearance ends at its close (a guest a resumed show found on stage stays as
        # stored, counted until the show was last known to run, as after any stop).
        taking_back = self._taking_back()
        # Every appearance ends with the show, logged as a `stage_end` like any other (the views
        # keep showing who was on stage when the show ended).
        for session in () if taking_back else self._state.on_stage:
            ended = dataclasses.replace(session, ended_at=now)
            guest = session.author
            self._publish(StageEnded(ended))
            self._log_action(
                HostAction(
                    HostActionKind.STAGE_END,
                    now,
                    None,
                    guest.platform,
                    guest.id,
                    outcome="ok: the show ended",
                ),
                author=guest,
                session=ended,
            )
        self._feature_ended(now, "show ended")
        # A replay stopped short is resumed by the same command: screens elsewhere wait for it.
        self._publish(ShowEnded(now, resumable=self._platforms.stopped_short()))
        self._ranker.close()
        self._stored_comments.close()
        ok = await asyncio.to_thread(self._writer.close)
        if taking_back:
            # No platform ever connected: no show happened. Nothing is left to claim one did
            # (`stagehand shows`, the latest show a report picks), and a later run with the
            # same name starts afresh rather than resuming a show that never was.
            self.not_taken_back = await asyncio.to_thread(self._forget_session)
            self._kept = bool(self.not_taken_back)
        for callback in self._closed_callbacks:
            callback()
        self._closed_callbacks = []
        return ok

    def on_closed(self, callback: Callable[[], None]) -> None:
        """Call `callback` once the show is closed and everything written (the session lets
        the show's lock go so)."""
        self._closed_callbacks.append(callback)

    def _taking_back(self) -> bool:
        """This live session never went on air and took no comment: `close` takes it back."""
        return not self.aired and self.accepted == 0

    def _forget_session(self) -> str:
        """Take this session back from the database (`close`): why it could not, else "".

        Never on a connection that creates the file: a database moved away mid-show is not
        made again, empty, where it was."""
        # Moved while the session waited: taken back where it went (its rows are there).
        where = self._writer.moved_to or self._db_path
        try:
            db = connect(where, create=False)
            try:
                queries.forget_unaired_session(db, self._show.id, self._stored_before)
            finally:
                db.conn.close()
        except sqlite3.Error as exc:
            why = str(exc)
            if "unable to open" in why.lower():
                why = f"{where} is missing or moved"
            else:
                why = f"{why} ({where})"
            said = (
                f"show {self._show.name!r} never went on air, but could not be taken back: {why}"
                "; the empty show left in it is not listed, and a run of that name that goes on"
                " air starts it afresh"
            )
            log.info("%s", said)  # the command says it (`not_taken_back`)
            return said
        return ""

    def flush(self, timeout: float | None = 10.0) -> bool:
        """Wait (blocking) until every comment so far is scored and everything published is
        committed; False on timeout. From any thread."""
        if not self._caught_up_from_any_thread(timeout):
            return False
        return self._writer.flush(timeout)

    async def settled(self) -> None:
        """Wait until every comment so far is queued for the writer whole: the platform actions
        their changes wait for (`hold_comment_until`) have finished."""
        while self._holding:
            await asyncio.wait(list(self._holding))

    async def drain(self) -> None:
        """Wait until every command answer and platform action started so far has finished."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    def hold_comment_until(self, task: asyncio.Future[Any]) -> None:
        """The comment being handled is stored with what `task` does, once it is done."""
        self._writer.hold_until(task)
        self._holding.add(task)
        task.add_done_callback(self._holding.discard)

    # -- AdapterSink -----------------------------------------------------------------------

    def comment_received(self, comment: Comment) -> None:
        # Once scored, `_comment_ranked` publishes it with everything it causes.
        self._pipeline.accept(comment, len(self._state.segments))

    def comment_edited(self, platform: str, comment_id: str, text: str, ts: datetime) -> None:
        self._caught_up()
        blocked = self._pipeline.kinds.blocked
        if blocked is not None and blocked.find(text) is not None:
            self._edited_into_blocked(platform, comment_id, text, ts)
            return
        shown = clean(text)
        self._state.recent.edited(platform, comment_id)  # its new words name nobody known
        self._featured_edited(platform, comment_id, shown)
        self._publish(CommentEdited(platform, comment_id, shown, text, ts))

    def comment_deleted(self, platform: str, comment_id: str, ts: datetime) -> None:
        self._caught_up()
        self._comment_deleted(platform, comment_id, ts)

    def _edited_into_blocked(self, platform: str, comment_id: str, text: str, ts: datetime) -> None:
        """An edit put a blocked term into a comment: its new text is never shown on a queue or
        the stream; the comment goes as a deletion takes it (and is never put back), the record
        keeps the edit (as it keeps a held line), and the hosts are told."""
        comment = self.find_comment(platform, comment_id)
        featured = self._state.featured
        on_stream = featured is not None and (featured.comment.platform, featured.comment.id) == (
            platform,
            comment_id,
        )
        self._comment_deleted(platform, comment_id, ts)
        self._publish(CommentEdited(platform, comment_id, clean(text), text, ts))
        where = "off the stream and the queue" if on_stream else "off the queue"
        said = f" edited their comment into a blocked term: {where}"
        text_, names = named(comment.author, said) if comment else named(f"A comment{said}")
        self._publish(Notice(text_, "warning", names=names, automatic=True))

    def hand_changed(self, author: Author, raised: bool) -> None:
        self._caught_up()
        self._set_hand(author, raised)

    def left_stage(self, author: Author, detail: str) -> None:
        """A guest left the platform's stage by themselves: off the panel, their time recorded."""
        self._caught_up()
        session = self._state.stage.get(author.key)
        if session is None:
            return  # an audience member, not a guest
        self._stage_ended(session.author, self._clock.now(), outcome=f"ok: {detail}")
        text, names = named(session.author, f" {detail}: off stage")
        self._publish(Notice(text, "info", names=names, automatic=True))

    def connection_changed(self, platform: str, state: ConnectionState, detail: str = "") -> None:
        detail = self._platforms.connection_changed(platform, state, detail)
        self._publish(ConnectionChanged(platform, state.value, detail))

    def platform_notice(self, platform: str, text: str, level: str = "warning") -> None:
        # Masked as connection details are: a platform's words may quote a request. What is
        # only news (a moderator's /clear there) keeps no host's notice off; a warning does.
        text = f"{platform_name(platform)}: {redact(text)}"
        self._publish(Notice(text, level, automatic=level == "info"))

    def author_banned(
        self,
        author: Author,
        why: str,
        detail: str,
        *,
        by: str = "",
        by_id: str = "",
        key: str = "",
    ) -> None:
        """Banned or timed out on the platform by someone else: off every queue, hand down,
        and logged as a `moderate` host action done there (`by` its moderator, when known and
        not let go of: one who opted out or asked to be forgotten is "a moderator there").
        Not one of the hosts' actions to undo (`u` takes back what the hosts did, and a ban
        heard while they work must not become the one it takes back)."""
        kind = ModerationKind.TIMEOUT if why == ModerationKind.TIMEOUT else ModerationKind.BAN
        self._heard_moderation(author, kind.value, detail, by=by, by_id=by_id, key=key)

    def author_unbanned(
        self, author: Author, detail: str, *, by: str = "", by_id: str = "", key: str = ""
    ) -> None:
        """A ban or timeout lifted on the platform by one of its moderators: logged as a
        `moderate` host action `unban` done there, and said. The comments the ban took off the
        queue stay off (the hosts may have moved on; what they write from now on comes in as
        anyone's); not the hosts' to undo either."""
        self._heard_moderation(author, PLATFORM_UNBAN, detail, by=by, by_id=by_id, key=key)

    def _heard_moderation(
        self, author: Author, what: str, detail: str, *, by: str, by_id: str, key: str
    ) -> None:
        """A moderation the platform's own moderators did (`what`: "ban", "timeout" or
        "unban"), logged once per `key` with its moderator (`by`, `by_id`) and said."""
        self._caught_up()
        if key and key in self._heard_moderations:
            return  # delivered again
        if key:
            self._heard_moderations.add(key)
        # Named as chat shows them (a platform's ban may carry only their login).
        author = self._state.recent.latest_by(author.id, author.platform) or author
        moderator = Author(author.platform, by_id, by) if by and by_id else None
        if moderator is not None and self._let_go(moderator.key):
            moderator = None
            by_whom: tuple[str, Namings] = named(" (by a moderator there)")
        elif moderator is not None:
            by_whom = named(" by ", As(moderator, by))
        else:
            by_whom = named("")
        if what != PLATFORM_UNBAN:
            self._author_removed(author, ModerationKind(what))
        action = HostAction(
            HostActionKind.MODERATE,
            self._clock.now(),
            None,
            author.platform,
            author.id,
            what,
            f"ok: done on {platform_name(author.platform)}{DONE_ON_PLATFORM}",
            key=key or uuid.uuid4().hex,
            actor=f"{author.platform}:{by}" if moderator is not None else "",
        )
        # Named in the log even if they never chatted in this show (unless let go of).
        about = None if self._let_go(author.key) else author
        self._publish(HostActionLogged(action, None, about))
        # Said through `_notice`: whoever of the two was let go of is not named by it.
        opted_out = author.key in self.opted_out and not author.anonymous
        text, names = named(
            "A viewer who opted out" if opted_out else author, f" {detail}", by_whom
        )
        # Heard from the platform, not done by a host here: it keeps no host's notice off.
        self._notice(text, "info", names, automatic=True)

    def quota_spent(self, platform: str, use: QuotaUse) -> None:
        self._publish(QuotaSpent(platform, use))
        if use.warning:
            self._publish(Notice(f"{platform_name(platform)}: {use.warning}", "warning"))

    def chat_position_reached(self, platform: str, reached: ChatPosition) -> None:
        """Stored after everything heard so far (no screen shows it)."""
        self._caught_up()
        self._writer.record(
            ChatPositionReached(
                platform,
                reached.chat_id,
                reached.position,
                reached.last_message,
                reached.last_message_at,
                reached.awaiting_bans,
            )
        )

    async def chat_position(self, platform: str) -> ChatPosition | None:
        """Where an earlier run of this show stopped reading `platform`'s chat (None: nowhere)."""
        show_id = self._show.id
        return await self._read(lambda db: queries.chat_position(db, show_id, platform))

    def own_message_posted(self, platform: str, message_id: str) -> None:
        """Stored (no screen shows it): a run again knows the message's echo as its own."""
        self._writer.record(OwnMessagePosted(platform, message_id))

    async def own_posts(self, platform: str) -> frozenset[str]:
        """What earlier runs of this show posted in `platform`'s chat (ids)."""
        show_id = self._show.id
        return await self._read(lambda db: queries.own_posts(db, show_id, platform))

    async def quota_used(self, platform: str, day: str) -> int:
        """What earlier runs stored as spent of `platform`'s quota on `day` (0 on a new file)."""
        return await self._read(lambda db: queries.quota_spent(db, platform, day))

    async def _read(self, query: Callable[[Database], _Read]) -> _Read:
        """`query` on a read-only connection of its own, in a thread (the writer's stays free)."""

        def read() -> _Read:
            db = connect(self._db_path, read_only=True)
            try:
                return query(db)
            finally:
                db.conn.close()

        return await asyncio.to_thread(read)
