"""The live show: its state (segment, stage, raised hands) and every host action.

`LiveShow` is what adapters deliver to (it implements `AdapterSink`) and what the console and
chat commands act through: pressing `p` in the console and `!stage @user` in chat both call
`pull_on_stage`. Every action is logged as a host action with its time; listeners (the console's
bridge, tests) hear about everything as `CoreEvent` values.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import sqlite3
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any

from stagehand.clock import ShowClock
from stagehand.config import Settings
from stagehand.domain import (
    Author,
    AuthorKey,
    Comment,
    HostAction,
    HostActionKind,
    ModerationKind,
    RankedComment,
    Segment,
    StageSession,
)
from stagehand.events import (
    AuthorForgotten,
    AuthorRemoved,
    CommentDeleted,
    CommentEdited,
    ConnectionChanged,
    CoreEvent,
    HandsChanged,
    HostActionLogged,
    Listener,
    Notice,
    SegmentChanged,
    StageChanged,
)
from stagehand.logs import redact
from stagehand.platform import ActionResult, Adapter, ConnectionState
from stagehand.ranking.ranker import Ranker
from stagehand.sanitize import clean
from stagehand.show.kinds import CommentKinds
from stagehand.show.pipeline import UNSCORED_KINDS, Pipeline
from stagehand.show.undo import ActionHistory, Done, Undoing
from stagehand.store import open_database
from stagehand.store.database import store_errors
from stagehand.store.ops import (
    StoreDeletion,
    StoreEdit,
    StoreForget,
    StoreHostAction,
    StoreOp,
    StoreReplayPosition,
    StoreSegment,
    StoreShowEnd,
    StoreStageEnd,
    StoreStageStart,
)
from stagehand.store.pseudonymize import pseudonym_key_problem
from stagehand.store.queries import ReplayPositionRow, ShowRow, open_show, resumed_state
from stagehand.store.writer import StoreWriter
from stagehand.transcript_resume import TranscriptPosition

log = logging.getLogger(__name__)

#: Comments kept in memory so host actions can find them by id (older ones are in the database).
RECENT_COMMENTS = 20_000
#: How platforms are named in what the hosts read.
PLATFORM_NAMES = {"twitch": "Twitch", "discord": "Discord"}
#: A resumed show scores its latest stored comments again (storing nothing) so the ranking
#: remembers recent texts, threads and who is flooding, as if it had never stopped.
WARM_UP_COMMENTS = 2_000

#: How a guest who asked to be forgotten while on stage is shown until their appearance ends.
FORGOTTEN_NAME = "a forgotten viewer"

CommandRouter = Callable[[RankedComment], Awaitable[None] | None]


class LiveShow(Undoing):
    def __init__(
        self,
        settings: Settings,
        *,
        db_path: Path,
        show: ShowRow,
        resumed: bool,
        writer: StoreWriter,
        clock: ShowClock | None = None,
    ) -> None:
        self.settings = settings
        self.db_path = db_path
        self.show = show
        self.resumed = resumed
        self.clock = clock or ShowClock()
        self.writer = writer
        self.ranker = Ranker(
            settings.ranking,
            show_description=show.description,
            command_prefix=settings.commands.prefix,
        )
        self.segments: list[Segment] = []
        self.stage: dict[AuthorKey, StageSession] = {}
        self.hands: OrderedDict[AuthorKey, Author] = OrderedDict()
        self.connections: dict[str, tuple[ConnectionState, str]] = {}
        self.adapters: dict[str, Adapter] = {}
        self.command_router: CommandRouter | None = None
        #: Said once the show runs and someone listens (the console, headless output).
        self.startup_notices: list[Notice] = []
        self._recent: OrderedDict[tuple[str, str], Comment] = OrderedDict()
        self.history = ActionHistory()
        self._listeners: list[Listener] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        #: Tasks whose comment's changes wait for them (platform actions such as `!stage`).
        self._holding: set[asyncio.Future[Any]] = set()
        self._reader: sqlite3.Connection | None = None
        #: Where a replay of this show got to in its transcript (None: live, or nothing yet).
        self.replay_position: ReplayPositionRow | None = None
        #: The time of the latest comment or host action stored before this session.
        self.last_stored_at: datetime | None = None
        if resumed:
            self._restore()
        self.pipeline = Pipeline(
            show_id=show.id,
            scorer=self.ranker,
            store=self._store,
            notify=self._notify,
            seen=self._recent.keys(),
            stored=self._is_stored,
            resumed=resumed,
            kinds=CommentKinds(
                prefix=settings.commands.prefix,
                hosts=settings.show.hosts,
                bots=settings.ranking.bots,
            ),
        )

    # -- opening and closing ---------------------------------------------------------------

    @classmethod
    def open(
        cls,
        settings: Settings,
        *,
        db_path: Path | None = None,
        show_name: str | None = None,
        title: str = "",
        description: str = "",
        source: str = "live",
        started_at: datetime | None = None,
        clock: ShowClock | None = None,
    ) -> LiveShow:
        """Open the database and the show (resuming it if it exists). Raises StoreError.

        `started_at` is when the show began (a replay passes its transcript's time); default now.
        """
        path = (db_path or settings.db_path()).expanduser()
        clock = clock or ShowClock()
        # Checked before going live: a damaged file would lose the show's chat, not just one row.
        db = open_database(path, verify=True)
        with contextlib.closing(db.conn), store_errors(path):
            key_problem = pseudonym_key_problem(db.conn)
            show, resumed = open_show(
                db,
                show_name or settings.show.name,
                # A transcript's title is as untrusted as chat: it reaches screens and reports.
                title=clean(title or settings.show.title, max_chars=200),
                description=clean(description or settings.show.description),
                source=source,
                started_at=started_at or clock.now(),
            )
        writer = StoreWriter(path, batch_size=settings.database.batch_size)
        live = cls(settings, db_path=path, show=show, resumed=resumed, writer=writer, clock=clock)
        writer._on_problem = live._storage_problem
        writer._on_recovered = live._storage_recovered
        writer.start()
        if key_problem:
            live.startup_notices.append(
                Notice(
                    f"Viewers who opted out before will not be recognised: {key_problem} "
                    "(restore it from a backup of this machine; see `stagehand doctor`)",
                    "warning",
                )
            )
        return live

    def _restore(self) -> None:
        """Pick a stored show up where it stopped: segments, stage, hands, recent chat."""
        db = open_database(self.db_path)
        with contextlib.closing(db.conn), store_errors(self.db_path):
            state = resumed_state(db, self.show.id, recent=RECENT_COMMENTS)
        for row in state.segments:
            self.segments.append(Segment(row.position, row.title, row.keywords, row.started_at))
        if self.segments:
            self.ranker.set_segment(self.segments[-1])
        for author, started_at, comment_id in state.on_stage:
            self.stage[author.key] = StageSession(author, started_at, None, comment_id)
            self.ranker.set_on_stage(author.key, True)
        for author in state.raised_hands:
            self.hands[author.key] = author
            self.ranker.set_hand(author.key, True)
        for comment, _ in state.recent_comments:
            self._recent[(comment.platform, comment.id)] = comment
        for key, count in state.author_comments:
            self.ranker.recall_author(key, count)
        scored = [c for c, kind in state.recent_comments if kind not in UNSCORED_KINDS]
        for comment in scored[-WARM_UP_COMMENTS:]:
            self.ranker.score(comment)
        self.last_stored_at = state.last_comment_at
        self.replay_position = state.replay_position

    def _is_stored(self, key: tuple[str, str]) -> bool:
        """Whether the database has this comment (a point lookup on its unique key)."""
        if self._reader is None:
            self._reader = sqlite3.connect(str(self.db_path), check_same_thread=False)
        row = self._reader.execute(
            "SELECT 1 FROM comments WHERE show_id = ? AND platform = ? AND message_id = ?",
            (self.show.id, key[0], key[1]),
        ).fetchone()
        return row is not None

    @property
    def recent_comments(self) -> list[Comment]:
        """The comments kept in memory, oldest first (a resumed show's stored ones too)."""
        return list(self._recent.values())

    def bind_loop(self, loop: asyncio.AbstractEventLoop | None = None) -> None:
        self._loop = loop or asyncio.get_running_loop()

    async def close(self) -> bool:
        """End open stage appearances, stop adapters, write everything. False if writes failed."""
        if self._tasks:
            # Let invitations and command answers already in flight finish (briefly).
            await asyncio.wait(list(self._tasks), timeout=2)
        for adapter in list(self.adapters.values()):
            with contextlib.suppress(Exception):
                await adapter.close()
        pending = list(self._tasks)
        for task in pending:
            task.cancel()
        # A cancelled task still hands its comment's changes to the writer (in its callbacks).
        await asyncio.gather(*pending, return_exceptions=True)
        now = self.clock.now()
        for session in list(self.stage.values()):
            self._store(StoreStageEnd(self.show.id, session.author.key, now))
        self._store(StoreShowEnd(self.show.id, now))
        if self._reader is not None:
            self._reader.close()
            self._reader = None
        return await asyncio.to_thread(self.writer.close)

    async def settled(self) -> None:
        """Wait until every comment so far is queued for the writer whole: the platform actions
        their changes wait for (`hold_comment_until`) have finished."""
        while self._holding:
            await asyncio.wait(list(self._holding))

    def hold_comment_until(self, task: asyncio.Future[Any]) -> None:
        """The comment being handled is stored with what `task` does, once it is done."""
        self.writer.hold_until(task)
        self._holding.add(task)
        task.add_done_callback(self._holding.discard)

    # -- listeners -------------------------------------------------------------------------

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def notify(self, event: CoreEvent) -> None:
        """Tell every listener (chat commands report their outcome to the console this way)."""
        self._notify(event)

    def _notify(self, event: CoreEvent) -> None:
        for listener in self._listeners:
            try:
                listener(event)
            except Exception:  # a broken listener must not stop the show
                log.exception("listener failed on %s", type(event).__name__)

    def _notify_threadsafe(self, event: CoreEvent) -> None:
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._notify, event)

    def _store(self, op: StoreOp) -> None:
        self.writer.put(op)

    def _storage_problem(self, message: str) -> None:
        self._notify_threadsafe(Notice(f"Storage problem: {message}", "error"))

    def _storage_recovered(self) -> None:
        self._notify_threadsafe(Notice("Storage works again; nothing was lost.", "info"))

    @property
    def backlog(self) -> int:
        """Changes waiting for the database writer; producers that can wait (replays) do."""
        return self.writer.backlog

    # -- adapters --------------------------------------------------------------------------

    def add_adapter(self, adapter: Adapter) -> None:
        self.adapters[adapter.platform] = adapter

    async def run_adapters(self) -> None:
        """Run every adapter until they finish or the show closes; one failing never stops others."""
        self.bind_loop()
        for notice in self.startup_notices:
            self._notify(notice)
        self.startup_notices = []
        runs = [self._run_adapter(adapter) for adapter in self.adapters.values()]
        await asyncio.gather(*runs)

    async def _run_adapter(self, adapter: Adapter) -> None:
        try:
            await adapter.run(self)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("%s adapter stopped", adapter.platform)
            self.connection_changed(adapter.platform, ConnectionState.FAILED, str(exc))

    def live_platforms(self) -> list[str]:
        """The platforms this show connects to (a replay is not one)."""
        return [name for name in self.adapters if name != "replay"]

    def failed_platforms(self) -> dict[str, str]:
        """Live platforms whose connection ended failed, with the reason each gave."""
        return {
            name: detail or "failed"
            for name in self.live_platforms()
            for state, detail in [self.connections.get(name, (None, ""))]
            if state is ConnectionState.FAILED
        }

    # -- AdapterSink -----------------------------------------------------------------------

    def comment_received(self, comment: Comment) -> None:
        # The comment and everything it causes (its command, a stage appearance) are stored in
        # one transaction: a resumed show that finds the comment stored finds all of it.
        with self.writer.atomic():
            ranked = self.pipeline.accept(comment, self.current_segment_position)
            if ranked is None:
                return
            key = (ranked.comment.platform, ranked.comment.id)
            self._recent[key] = ranked.comment
            if len(self._recent) > RECENT_COMMENTS:
                self._recent.popitem(last=False)
            if self.command_router is not None and self.settings.commands.enabled:
                result = self.command_router(ranked)
                if result is not None:
                    self._spawn(result)

    def comment_edited(self, platform: str, comment_id: str, text: str, ts: datetime) -> None:
        cleaned = clean(text)
        self._store(StoreEdit(self.show.id, platform, comment_id, cleaned, text, ts))
        self._notify(CommentEdited(platform, comment_id, cleaned))

    def comment_deleted(self, platform: str, comment_id: str, ts: datetime) -> None:
        self._store(StoreDeletion(self.show.id, platform, comment_id, ts))
        self._notify(CommentDeleted(platform, comment_id))

    def hand_changed(self, author: Author, raised: bool) -> None:
        if raised and author.key not in self.hands and author.key not in self.stage:
            self.hands[author.key] = author
        elif not raised and author.key in self.hands:
            del self.hands[author.key]
        else:
            return
        self.ranker.set_hand(author.key, raised)
        self._notify(HandsChanged(tuple(self.hands.values())))

    def left_stage(self, author: Author, detail: str) -> None:
        """A guest left the platform's stage by themselves: off the panel, their time recorded."""
        session = self.stage.get(author.key)
        if session is None:
            return  # an audience member, not a guest
        self._stage_ended(session.author, self.clock.now(), outcome=f"ok: {detail}")
        self._notify(Notice(f"{session.author.shown_name} {detail}: off stage", "info"))

    def connection_changed(self, platform: str, state: ConnectionState, detail: str = "") -> None:
        detail = redact(detail)  # a platform's error can quote the request, secrets and all
        self.connections[platform] = (state, detail)
        self._notify(ConnectionChanged(platform, state.value, detail))

    # -- replay ----------------------------------------------------------------------------

    def host_action_replayed(self, action: HostAction) -> None:
        """Apply a transcript's host event as if the hosts had done it then (no platform calls)."""
        comment = self.find_comment(action.platform, action.comment_id)
        kind = action.kind
        if kind is HostActionKind.UNDO:
            self.undo_replayed(action)
        elif kind in (HostActionKind.ANSWER, HostActionKind.DISMISS) and comment is not None:
            self._record_reaction(comment, kind, ts=action.ts, key=action.key)
        elif kind == HostActionKind.STAGE_START:
            author = comment.author if comment else self._author_for(action)
            if author is not None:
                self._stage_started(author, comment, action.ts, outcome="replayed", key=action.key)
        elif kind == HostActionKind.STAGE_END:
            author = self._author_for(action) or (comment.author if comment else None)
            self._stage_ended(author, action.ts, outcome="replayed", key=action.key)
        else:
            self._log_action(
                HostAction(
                    kind,
                    action.ts,
                    comment.id if comment else action.comment_id,
                    comment.platform if comment else action.platform,
                    action.author_id,
                    action.text,
                    action.outcome or "replayed",
                    key=action.key,
                    undoes=action.undoes,
                ),
                comment,
            )
            if kind == HostActionKind.MODERATE and comment and not _failed(action.outcome):
                if action.text == ModerationKind.DELETE:
                    self.comment_deleted(comment.platform, comment.id, action.ts)
                elif action.text in (ModerationKind.BAN, ModerationKind.TIMEOUT):
                    self._author_removed(comment.author, ModerationKind(action.text))

    def replay_reached(self, source: str, position: TranscriptPosition) -> None:
        """A replay has played (and queued) everything up to `position` of its transcript."""
        op = StoreReplayPosition(self.show.id, source, position, self.clock.now())
        self._store(op)

    def _author_for(self, action: HostAction) -> Author | None:
        for key, session in self.stage.items():
            if key.id == action.author_id and action.platform in (None, key.platform):
                return session.author
        for comment in reversed(self._recent.values()):
            if comment.author.id == action.author_id and action.platform in (
                None,
                comment.platform,
            ):
                return comment.author
        return None

    # -- segments and topic ----------------------------------------------------------------

    @property
    def current_segment(self) -> Segment | None:
        return self.segments[-1] if self.segments else None

    @property
    def current_segment_position(self) -> int:
        return len(self.segments)

    def start_segment(
        self, title: str, keywords: Iterable[str] = (), *, ts: datetime | None = None
    ) -> Segment:
        """A new segment is live from now on; the ranking follows its topic at once.

        Starting the segment that is already live (same title) only updates its keywords: a
        replayed show carries both a moderator's `!segment` and the segment it started.
        """
        current = self.current_segment
        if current is not None and _same_title(current.title, title):
            return self.set_topic(current.title, keywords or current.keywords)
        segment = Segment(
            position=len(self.segments) + 1,
            title=clean(title, max_chars=200) or f"Segment {len(self.segments) + 1}",
            keywords=tuple(k for k in (clean(word, max_chars=80) for word in keywords) if k),
            started_at=ts or self.clock.now(),
        )
        self.segments.append(segment)
        self._activate(segment)
        return segment

    def next_segment(self) -> Segment:
        """The hosts move to the next planned segment from the config, or an untitled one.

        Logged as a `segment` host action, so it can be undone.
        """
        before = self.current_segment
        planned = self.settings.show.segments
        index = len(self.segments)
        if index < len(planned):
            segment = self.start_segment(planned[index].title, planned[index].keywords)
        else:
            segment = self.start_segment(f"Segment {index + 1}")
        same = before is not None and before.position == segment.position
        kind = HostActionKind.TOPIC if same else HostActionKind.SEGMENT
        self._log_segment_action(kind, before, segment)
        return segment

    def edit_topic(self, title: str, keywords: Iterable[str]) -> Segment:
        """The hosts edit the live segment's title and keywords (a `topic` host action)."""
        before = self.current_segment
        segment = self.set_topic(title, keywords)
        kind = HostActionKind.TOPIC if before is not None else HostActionKind.SEGMENT
        self._log_segment_action(kind, before, segment)
        return segment

    def _log_segment_action(
        self, kind: HostActionKind, before: Segment | None, after: Segment
    ) -> None:
        text = after.title if kind is HostActionKind.SEGMENT else _topic_text(after)
        self._log_action(
            HostAction(kind, self.clock.now(), text=text, outcome=f"ok: segment {after.position}"),
            before=before,
            after=after,
        )

    def set_topic(self, title: str, keywords: Iterable[str]) -> Segment:
        """Edit the live segment's title and keywords (starts one if none is live)."""
        current = self.current_segment
        if current is None:
            return self.start_segment(title, keywords)
        segment = Segment(
            current.position,
            clean(title, max_chars=200) or current.title,
            tuple(k for k in (clean(word, max_chars=80) for word in keywords) if k),
            current.started_at,
        )
        self.segments[-1] = segment
        self._activate(segment)
        return segment

    def _activate(self, segment: Segment) -> None:
        assert segment.started_at is not None
        self.ranker.set_segment(segment)
        self._store(
            StoreSegment(
                self.show.id, segment.position, segment.title, segment.keywords, segment.started_at
            )
        )
        self._notify(SegmentChanged(segment))

    # -- host actions ----------------------------------------------------------------------

    def find_comment(self, platform: str | None, comment_id: str | None) -> Comment | None:
        if comment_id is None:
            return None
        if platform is not None:
            return self._recent.get((platform, comment_id))
        for (_, message_id), comment in reversed(self._recent.items()):
            if message_id == comment_id:
                return comment
        return None

    def answer(self, comment: Comment, *, ts: datetime | None = None) -> HostAction:
        """The hosts answered this comment on air; comments like it rise."""
        return self._record_reaction(comment, HostActionKind.ANSWER, ts=ts)

    def dismiss(self, comment: Comment, *, ts: datetime | None = None) -> HostAction:
        """Take the comment off the queue; comments like it sink."""
        return self._record_reaction(comment, HostActionKind.DISMISS, ts=ts)

    def _record_reaction(
        self, comment: Comment, kind: HostActionKind, *, ts: datetime | None, key: str = ""
    ) -> HostAction:
        feedback = self.ranker.feedback(comment, positive=kind == HostActionKind.ANSWER)
        return self._log_action(
            HostAction(
                kind,
                ts or self.clock.now(),
                comment.id,
                comment.platform,
                comment.author.id,
                key=key,
            ),
            comment,
            feedback=feedback,
        )

    async def reply(self, comment: Comment, text: str) -> ActionResult:
        """Reply in chat through the comment's platform."""
        text = clean(text, max_chars=500)
        if not text:
            return ActionResult.failed("Nothing to send: the reply is empty")
        result = await self._via_adapter(
            comment.platform, lambda adapter: adapter.reply(comment, text), what="reply"
        )
        action = self._log_action(
            HostAction(
                HostActionKind.REPLY,
                self.clock.now(),
                comment.id,
                comment.platform,
                comment.author.id,
                text,
                _outcome(result),
            ),
            comment,
        )
        return self._announce(dataclasses.replace(result, key=action.key))

    async def send(self, platform: str, text: str) -> ActionResult:
        """Post a message in a platform's chat (used by chat commands)."""
        return await self._via_adapter(platform, lambda adapter: adapter.send(text), what="message")

    async def pull_on_stage(
        self, comment: Comment | None = None, *, author: Author | None = None
    ) -> ActionResult:
        """Invite the comment's author (or `author`) onto the show and put them on the stage panel."""
        who = author or (comment.author if comment else None)
        if who is None:
            return self._refuse("Pick a comment or a person first")
        if who.key in self.stage:
            return self._refuse(f"{who.shown_name} is already on stage")
        result = await self._via_adapter(
            who.platform,
            lambda adapter: adapter.invite_to_stage(who, comment),
            what="stage start",
        )
        if result.ok:
            action = self._stage_started(who, comment, self.clock.now(), outcome=_outcome(result))
        else:
            action = self._log_action(
                HostAction(
                    HostActionKind.STAGE_START,
                    self.clock.now(),
                    comment.id if comment else None,
                    who.platform,
                    who.id,
                    "",
                    _outcome(result),
                ),
                comment,
                author=who,
            )
        return self._announce(dataclasses.replace(result, key=action.key if action else ""))

    async def end_stage(self, author: Author | None = None) -> ActionResult:
        """End `author`'s appearance, or the most recent one when no one is named."""
        if not self.stage:
            return self._refuse("Nobody is on stage")
        session = self.stage.get(author.key) if author else list(self.stage.values())[-1]
        if session is None:
            return self._refuse("They are not on stage")
        result = await self._via_adapter(
            session.author.platform,
            lambda adapter: adapter.end_stage(session.author),
            what="stage end",
        )
        action = self._stage_ended(session.author, self.clock.now(), outcome=_outcome(result))
        return self._announce(dataclasses.replace(result, key=action.key if action else ""))

    def _stage_started(
        self, author: Author, comment: Comment | None, ts: datetime, *, outcome: str, key: str = ""
    ) -> HostAction | None:
        if author.key in self.stage:
            return None
        session = StageSession(author, ts, None, comment.id if comment else None)
        self.stage[author.key] = session
        self.ranker.set_on_stage(author.key, True)
        hand_was_raised = author.key in self.hands
        if hand_was_raised:
            del self.hands[author.key]
            self.ranker.set_hand(author.key, False)
            self._notify(HandsChanged(tuple(self.hands.values())))
        # The appearance shares its key with the host action that started it: stored once.
        key = key or uuid.uuid4().hex
        self._store(
            StoreStageStart(self.show.id, author.key, author.name, session.comment_id, ts, key)
        )
        action = self._log_action(
            HostAction(
                HostActionKind.STAGE_START,
                ts,
                session.comment_id,
                author.platform,
                author.id,
                "",
                outcome,
                key=key,
            ),
            comment,
            author=author,
            hand_was_raised=hand_was_raised,
        )
        self._notify(StageChanged(tuple(self.stage.values())))
        return action

    def _stage_ended(
        self, author: Author | None, ts: datetime, *, outcome: str, key: str = ""
    ) -> HostAction | None:
        if author is None or author.key not in self.stage:
            return None
        session = self.stage.pop(author.key)
        self.ranker.set_on_stage(author.key, False)
        self._store(StoreStageEnd(self.show.id, author.key, ts))
        action = self._log_action(
            HostAction(
                HostActionKind.STAGE_END, ts, None, author.platform, author.id, "", outcome, key
            ),
            self.find_comment(author.platform, session.comment_id),
            author=author,
            session=dataclasses.replace(session, ended_at=ts),
        )
        self._notify(StageChanged(tuple(self.stage.values())))
        return action

    async def moderate(
        self,
        comment: Comment,
        kind: ModerationKind,
        *,
        duration_seconds: int | None = None,
        reason: str = "",
    ) -> ActionResult:
        """Delete the comment, time out or ban its author, through its platform."""
        result = await self._via_adapter(
            comment.platform,
            lambda adapter: adapter.moderate(
                comment, kind, duration_seconds=duration_seconds, reason=reason
            ),
            what=f"moderation ({kind.value})",
        )
        action = self._log_action(
            HostAction(
                HostActionKind.MODERATE,
                self.clock.now(),
                comment.id,
                comment.platform,
                comment.author.id,
                kind.value,
                _outcome(result),
            ),
            comment,
        )
        if result.ok and kind == ModerationKind.DELETE:
            # Not every platform echoes our own deletions back (Twitch does not): record it here.
            self.comment_deleted(comment.platform, comment.id, self.clock.now())
        elif result.ok:
            self._author_removed(comment.author, kind)
        return self._announce(dataclasses.replace(result, key=action.key))

    def _author_removed(self, author: Author, kind: ModerationKind) -> None:
        """A ban or timeout took effect: their hand goes down, every queue drops their comments."""
        self.hand_changed(author, False)
        self._notify(AuthorRemoved(author.key, kind.value))

    def forget(self, author: Author) -> None:
        """The author asked to be forgotten: the store cuts their rows loose (`StoreForget`),
        and everything in memory lets go of them now, so no screen shows them a moment longer."""
        key = author.key
        self._store(StoreForget(key))
        for comment_key in [k for k, c in self._recent.items() if c.author.key == key]:
            del self._recent[comment_key]
        self.hand_changed(author, False)
        session = self.stage.get(key)
        if session is not None:
            # Still on the show (ending it is the hosts' call), but no longer by name.
            anonymous = Author(author.platform, author.id, "", FORGOTTEN_NAME)
            self.stage[key] = dataclasses.replace(session, author=anonymous)
            self._notify(StageChanged(tuple(self.stage.values())))
        self._notify(AuthorForgotten(key))

    def raise_hand(self, author: Author) -> None:
        self.hand_changed(author, True)

    def lower_hand(self, author: Author) -> None:
        self.hand_changed(author, False)

    def _log_action(
        self, action: HostAction, comment: Comment | None = None, **undo_context: Any
    ) -> HostAction:
        """Store and announce a host action, and remember what it takes to undo it."""
        if not action.key:
            action = dataclasses.replace(action, key=uuid.uuid4().hex)
        self._store(StoreHostAction(self.show.id, action))
        author = undo_context.pop("author", None) or (comment.author if comment else None)
        self.history.remember(Done(action, comment, author, **undo_context))
        self._notify(HostActionLogged(action, comment))
        return action

    async def _via_adapter(
        self,
        platform: str,
        call: Callable[[Adapter], Awaitable[ActionResult]],
        *,
        what: str = "action",
    ) -> ActionResult:
        adapter = self.adapters.get(platform)
        if adapter is None:
            name = PLATFORM_NAMES.get(platform, platform)
            return ActionResult.recorded(f"{what} recorded; no {name} connection to act through")
        try:
            result = await call(adapter)
        except Exception as exc:  # an adapter bug must not take the console down
            log.exception("%s action failed", platform)
            # Library errors can carry secrets (URLs with tokens): mask before showing.
            return ActionResult.failed(f"{platform}: {type(exc).__name__}: {redact(str(exc))}")
        # What a platform answered reaches the screen and the database (the action's outcome).
        return dataclasses.replace(result, message=redact(result.message), hint=redact(result.hint))

    def _announce(self, result: ActionResult) -> ActionResult:
        # A hint means something still needs the host (a Guest Star invite that failed while
        # the guest link went out): a warning even when the action itself worked.
        if result.hint:
            level = "warning"
        elif not result.ok:
            level = "failed"
        else:
            level = "ok" if result.acted else "info"
        self._notify(Notice(result.for_host, level))
        return result

    def _refuse(self, message: str) -> ActionResult:
        """Nothing was asked of a platform: stagehand itself says no (and says why)."""
        self._notify(Notice(message, "refused"))
        return ActionResult.failed(message)

    def _spawn(self, awaitable: Awaitable[None]) -> None:
        task = asyncio.ensure_future(awaitable)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)


def _same_title(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(clean(b, max_chars=200).casefold().split())


def _topic_text(segment: Segment) -> str:
    return f"{segment.title} | {', '.join(segment.keywords)}" if segment.keywords else segment.title


def _outcome(result: ActionResult) -> str:
    return ("ok: " if result.ok else "failed: ") + result.for_host


def _failed(outcome: str) -> bool:
    return outcome.startswith(("failed", "refused"))
