"""What every part of the live show shares: its state, its parts, and the one way it publishes.

`ShowCore` is the base of `LiveShow` (show/live.py) and of the parts it is made of (host actions,
segments, undo, replays: each a module of its own). Every change is published once, as one
event, in order, on the event loop: the store's writer is the first listener (it records the
events it keeps), then the screens. A change made inside `writer.atomic()` (a comment and what
it causes) is committed in one transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import hashlib
import logging
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextvars import ContextVar
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any

from stagehand.clock import ShowClock
from stagehand.config import Settings
from stagehand.domain import (
    FORGOTTEN_NAME,
    OPTED_OUT_NAME,
    Author,
    AuthorKey,
    Comment,
    HostAction,
    RankedComment,
    ReplayPosition,
    host_account,
)
from stagehand.events import CommentRanked, CoreEvent, HostActionLogged, Listener, Notice
from stagehand.naming import Naming, Namings, shifted, unnamed
from stagehand.platform import ActionResult
from stagehand.pseudonyms import OptedOutViewers
from stagehand.ranking.link import open_ranking
from stagehand.show.history import ActionHistory, Done
from stagehand.show.kinds import CommentKinds
from stagehand.show.opted_out import HeldByPseudonym, anonymized, with_text_of
from stagehand.show.participation import Participation
from stagehand.show.pipeline import Pipeline
from stagehand.show.platforms import Platforms
from stagehand.show.queue import QueueSettings
from stagehand.show.resume import restore
from stagehand.show.state import ShowState
from stagehand.store.lookup import StoredComments
from stagehand.store.queries import ShowRow
from stagehand.store.resume_reads import ResumedState
from stagehand.store.writer import StoreWriter

log = logging.getLogger(__name__)

#: Who is acting in the current task: a show server token's name (`LiveShow.acting_as`). Host
#: actions and the notices they publish are logged as theirs; empty for the console on the
#: show's own machine, chat commands and replays. A context variable, so every request the show
#: server handles at once (each its own task) keeps its own.
ACTING: ContextVar[str] = ContextVar("stagehand_acting", default="")
#: What the host actions logged in the current task are keyed by, when not at random: a chat
#: command's message (`acting_as(..., keyed_by=...)`), so the same command played again (a
#: replayed export) makes the same keys and its recorded host events are not applied twice.
KEYED_BY: ContextVar[_KeyedBy | None] = ContextVar("stagehand_keyed_by", default=None)
#: Why the stream may not show a forgotten viewer's earlier comments (`removed_authors`).
ASKED_TO_BE_FORGOTTEN = "asked to be forgotten"
#: How a chat command's `keyed_by` begins (commands/router.py): `command:<platform>:<id>`.
COMMAND_KEYS = "command:"


@dataclasses.dataclass(slots=True)
class _KeyedBy:
    """What the keys are made from, and how many were made from it so far."""

    what: str
    made: int = 0
    #: Who the host actions logged for it were about (a chat command's record names them).
    about: list[AuthorKey] = dataclasses.field(default_factory=list)

    def next_key(self) -> str:
        self.made += 1
        return hashlib.sha256(f"{self.what}#{self.made - 1}".encode()).hexdigest()[:32]


#: What handles each accepted comment's chat command (`stagehand.commands`); an awaitable when
#: it waits for the network (its answer, a platform action).
CommandHandler = Callable[[RankedComment], Awaitable[None] | None]


class ShowCore:
    """The show's state and parts; `_publish`, `_log_action` and friends for the parts above."""

    def __init__(
        self,
        settings: Settings,
        *,
        db_path: Path,
        show: ShowRow,
        writer: StoreWriter,
        clock: ShowClock | None = None,
        resumed: ResumedState | None = None,
        startup_notices: Iterable[Notice] = (),
        opted_out: OptedOutViewers | None = None,
        stored_before: ShowRow | None = None,
    ) -> None:
        self._settings = settings
        #: `[show] hosts` as accounts: an opted-out host's commands still steer (opted_out.py).
        self._host_accounts = frozenset(
            account for entry in settings.show.hosts if (account := host_account(entry))
        )
        #: Who opted out (`!optout`, in this show or an earlier one): every screen gets their
        #: comments with no name and no text (`show/opted_out.py`), as the database keeps them.
        self.opted_out = opted_out if opted_out is not None else OptedOutViewers()
        self._db_path = db_path
        #: The header's numbers (`LiveShow.participation`), on a read-only connection.
        self._participation = Participation(db_path, self._publish_threadsafe)
        self._show = show
        self._resumed = resumed is not None
        #: The show as stored before this session (None: this session created it): how it is
        #: put back if this session never goes on air.
        self._stored_before = stored_before
        #: Whether the show is kept when it closes: a session no platform connected to is not.
        self._kept = True
        #: Why a session that never went on air could not be taken back at close ("": it was,
        #: or did not need to be): the command says it where it would say the show was stored.
        self.not_taken_back = ""
        self._clock = clock or ShowClock()
        self._writer = writer
        #: Called once the show is closed and written (`on_closed`).
        self._closed_callbacks: list[Callable[[], None]] = []
        #: Said once the show runs and someone listens (the console, headless output).
        self._startup_notices = list(startup_notices)
        self._opened = False
        #: The ranker, in a worker process or in this one (`[ranking] worker`, ranking/link.py).
        self._ranker = open_ranking(
            settings.ranking,
            show_description=show.description,
            command_prefix=settings.commands.prefix,
            on_fallback=self._ranking_fell_back,
        )
        #: Inside `_comment_ranked`: what it publishes belongs to the comment, in its place.
        self._completing = False
        # `[show] hosts` accounts ("twitch:cohost"): their lines are the hosts', and questions
        # naming them or replying to them are for the show.
        self._ranker.add_hosts(settings.show.hosts)
        self._state = ShowState()
        self._history = ActionHistory()
        #: The keys of the moderations done on a platform that the show heard (and logged).
        self._heard_moderations: set[str] = set()
        self._platforms = Platforms()
        self._commands: CommandHandler | None = None
        #: The store's writer hears every event first: what is stored is what is shown.
        self._listeners: list[Listener] = [writer.record]
        writer.report_to(self._storage_problem, self._storage_recovered)
        #: A show opened on the event loop binds to it now, one opened before it when it runs.
        self._loop: asyncio.AbstractEventLoop | None = None
        with contextlib.suppress(RuntimeError):
            self._loop = asyncio.get_running_loop()
        self._tasks: set[asyncio.Task[None]] = set()
        #: Tasks whose comment's changes wait for them (platform actions such as `!stage`).
        self._holding: set[asyncio.Future[Any]] = set()
        #: Takes the featured comment off stream after `[overlay] feature_seconds`.
        self._feature_timer: asyncio.TimerHandle | None = None
        #: Where a replay of this show got to in its transcript (None: live, or nothing yet).
        self._replay_position: ReplayPosition | None = None
        #: The time of the latest comment or host action stored before this session.
        self._last_stored_at: datetime | None = None
        #: A resumed show's queue as it stood when it stopped (and the host actions that made
        #: it, so the handled list and undo work on them), told first to each screen that
        #: starts listening before the show runs (`add_listener`); let go of once it runs.
        self._resumed_queue: list[CoreEvent] = []
        if resumed is not None:
            self._resumed_queue = restore(
                self._state, self._ranker, resumed, QueueSettings.of(settings), self._history
            )
            self._last_stored_at = resumed.last_comment_at
            self._replay_position = resumed.replay_position
        #: Who a resumed show holds by the database's pseudonym: when they speak again, their
        #: comments are theirs (show/opted_out.py).
        self._held = HeldByPseudonym(
            self.opted_out,
            ()
            if resumed is None
            else (
                *(author.key for author, _, _ in resumed.on_stage),
                *(author.key for author in resumed.raised_hands),
                *(appearance.author for appearance in resumed.appearances),
            ),
        )
        self._stored_comments = StoredComments(db_path, show.id)
        self._pipeline = Pipeline(
            scorer=self._ranker,
            on_ranked=self._comment_ranked,
            seen=self._state.recent.keys(),
            stored=self._stored_comments,
            resumed=self._resumed,
            kinds=CommentKinds.of(settings),
            now=self._clock.now,
        )
        self._opened = True

    # -- publishing ------------------------------------------------------------------------

    def add_listener(self, listener: Listener) -> None:
        """Hear every event from now on, in order, on the event loop; added before the show
        runs, after what a resumed show holds (its queue's comments, the answers and
        dismissals that took comments off it, its pins), as the show server's attached
        screens are told (`RemoteShow.add_listener`). The store's writer never hears those
        again: they are stored."""
        for event in self._resumed_queue:
            try:
                listener(event)
            except Exception:  # a broken listener must not stop the show
                log.exception("listener failed on %s", type(event).__name__)
        self._listeners.append(listener)

    def _publish(self, event: CoreEvent) -> None:
        """Tell every listener, the store's writer first; comments still being scored come first
        (they arrived before whatever this event says)."""
        if not self._completing and self._ranker.pending:
            self._ranker.catch_up()
        for listener in self._listeners:
            try:
                listener(event)
            except Exception:  # a broken listener must not stop the show
                log.exception("listener failed on %s", type(event).__name__)

    def _comment_ranked(self, ranked: RankedComment, arrived: datetime) -> None:
        """A comment has its score (in arrival order): stored, shown and its command run, all in
        one transaction with what it causes (a resumed show that finds the comment stored finds
        all of it). The show's clock reads `arrived` meanwhile: what the comment causes (a
        command's cooldown, a stage appearance) happens when it arrived, however long its score
        took (a replay's clock has moved on by then)."""
        self._completing = True
        held = self._clock.hold(arrived)
        try:
            with self._writer.atomic():
                # Most shows have nobody opted out: no author's key to make and ask then.
                if self.opted_out.anyone and (key := ranked.comment.author.key) in self.opted_out:
                    opted_out = True
                    shown = anonymized(ranked, self._held.held_as(key))
                else:
                    opted_out = False
                    shown = ranked
                self._publish(CommentRanked(shown))
                self._state.recent.add(shown.comment)
                if self._commands is not None:  # `enabled = false` still hears `!optout`
                    # The commands read the line's text (`!optin` must still be heard), under
                    # the name screens show: a `!hand` raised by a viewer who opted out is
                    # anonymous on every screen too.
                    heard = (
                        with_text_of(ranked, shown, self._host_accounts) if opted_out else ranked
                    )
                    result = self._commands(heard)
                    if result is not None:
                        self._spawn(result)
        finally:
            self._clock.hold(held)
            self._completing = False

    def _publish_in_turn(self, event: CoreEvent) -> None:
        """Publish `event` once the comments that arrived before it are published, without
        waiting for their scores here (a replay's checkpoint: it needs no score of its own)."""
        self._ranker.then(partial(self._publish_now, event))

    def _publish_now(self, event: CoreEvent) -> None:
        completing, self._completing = self._completing, True
        try:
            self._publish(event)
        finally:
            self._completing = completing

    def _caught_up(self) -> None:
        """Every comment that arrived so far has its score and is published (before a change
        from anywhere else reads or changes the show)."""
        if self._ranker.pending and not self._completing:
            self._ranker.catch_up()

    def _caught_up_from_any_thread(self, timeout: float | None) -> bool:
        """`_caught_up`, on the event loop's thread whichever thread asks (the ranking's answers
        are read there); False if the loop did not get to it within `timeout`."""
        loop = self._loop
        if loop is None or loop.is_closed() or not loop.is_running() or _on_loop(loop):
            self._caught_up()
            return True
        done = threading.Event()

        def catch_up() -> None:
            try:
                self._caught_up()
            finally:
                done.set()

        try:
            loop.call_soon_threadsafe(catch_up)
        except RuntimeError:  # the loop closed meanwhile: nothing runs there any more
            return not self._ranker.pending
        deadline = None if timeout is None else time.monotonic() + timeout
        while not done.wait(0.1):
            if not loop.is_running() or (deadline is not None and time.monotonic() > deadline):
                return False
        return True

    def _ranking_fell_back(self, message: str) -> None:
        notice = Notice(message, "warning")
        if self._opened:
            self._publish(notice)
        else:  # the worker could not start: said with the other notices when the show runs
            self._startup_notices.append(notice)

    def tell(self, notice: Notice) -> None:
        """Say `notice` on every screen, from beside the show (its show server's problems);
        before the show runs (its server starts first), with the other notices when it does."""
        if self._loop is None:
            self._startup_notices.append(notice)
        else:
            self._publish_threadsafe(notice)

    def _publish_threadsafe(self, event: CoreEvent) -> None:
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._publish, event)

    def _storage_problem(self, message: str) -> None:
        self._publish_threadsafe(Notice(f"Storage problem: {message}", "error"))

    def _storage_recovered(self) -> None:
        self._publish_threadsafe(Notice("Storage works again; nothing was lost.", "info"))

    # -- host actions: logged, told, remembered ------------------------------------------------

    @contextlib.contextmanager
    def acting_as(self, actor: str, *, keyed_by: str = "") -> Iterator[None]:
        """Host actions taken inside (in this task, and tasks it starts) are `actor`'s: the
        show server names each request's token so the log says who did what. `keyed_by`: their
        keys are made from it (a chat command's platform and message id), not at random."""
        token = ACTING.set(actor)
        keyed = KEYED_BY.set(_KeyedBy(keyed_by) if keyed_by else None)
        try:
            yield
        finally:
            KEYED_BY.reset(keyed)
            ACTING.reset(token)

    def _log_action(
        self,
        action: HostAction,
        comment: Comment | None = None,
        *,
        author: Author | None = None,
        outcome_names: Namings = (),
        **undo_context: Any,
    ) -> HostAction:
        """Publish a host action, and remember what it takes to undo it (`outcome_names`: whom
        its outcome names, and where)."""
        if not action.key:
            action = dataclasses.replace(action, key=_new_key())
        if not action.actor and (actor := ACTING.get()):
            action = dataclasses.replace(action, actor=actor)
        author = author or (comment.author if comment else None)
        keyed = KEYED_BY.get()
        if keyed is not None and author is not None:
            keyed.about.append(author.key)  # let go of, too: the store un-names them at once
        undo_context.setdefault("on_stream_last", self._state.last_on_stream)
        self._history.remember(Done(action, comment, author, **undo_context))
        self._publish(HostActionLogged(action, comment, outcome_names=outcome_names))
        return action

    def _announce(self, result: ActionResult) -> ActionResult:
        # A hint means something still needs the host (a Guest Star invite that failed while
        # the guest link went out): a warning even when the action itself worked.
        if result.hint:
            level = "warning"
        elif not result.ok:
            level = "failed"
        else:
            level = "ok" if result.acted else "info"
        self._notice(result.for_host, level, result.names)
        return result

    def _refuse(self, message: str, names: Namings = (), *, already: bool = False) -> ActionResult:
        """Nothing was asked of a platform: stagehand itself says no (and says why; `names`:
        whom it names, and where). `already`: because it was done already (the show server
        answers 409)."""
        self._notice(message, "refused", names)
        return ActionResult.failed(message, already=already, names=names)

    def _notice(
        self,
        text: str,
        level: str,
        names: Namings = (),
        *,
        automatic: bool = False,
        elsewhere: bool = False,
    ) -> None:
        """A notice for every screen, naming who acted when it was another console (or a chat
        moderator: their key too), and whom `text` names, where (`names`). `automatic`: what
        the show heard or did by itself (a screen keeps the host's own notice over it)."""
        actor = ACTING.get()
        acting = self._acting_viewer() if actor else None
        text, names = self._as_said_now(text, names)
        self._publish(
            Notice(text, level, actor, names, acting, automatic=automatic, elsewhere=elsewhere)
        )

    def _as_said_now(self, text: str, names: Namings) -> tuple[str, Namings]:
        """`text` with everyone let go of since it was made (a failed answer to their own
        !optout, an undo about them) said as every screen says them now, and their keys gone."""
        for key in dict.fromkeys(n.author for n in names):
            if gone_as := self._said_as_now(key):
                text, names = unnamed(text, names, key, gone_as)
        return text, names

    def _let_go(self, key: AuthorKey) -> bool:
        """Whether `key` opted out or asked to be forgotten (`HostActions._let_go_of`)."""
        return bool(self._said_as_now(key))

    def _said_as_now(self, key: AuthorKey) -> str:
        """How every screen says `key` once they asked to be forgotten (`FORGOTTEN_NAME`) or
        opted out (`OPTED_OUT_NAME`); "" while they have not."""
        removed = self._state.removed_authors.get(key)
        if removed is not None and removed[1] == ASKED_TO_BE_FORGOTTEN:
            return FORGOTTEN_NAME
        return OPTED_OUT_NAME if key in self.opted_out else ""

    def _command_about(self) -> list[AuthorKey]:
        """Who the host actions of the chat command being handled were about (`acting_as`)."""
        keyed = KEYED_BY.get()
        return list(dict.fromkeys(keyed.about)) if keyed is not None else []

    def _acting_viewer(self) -> AuthorKey | None:
        """The chat moderator acting by their command (`acting_as` keyed by its message), by
        key: a notice of theirs names them (`platform:name`) until they leave."""
        keyed = KEYED_BY.get()
        if keyed is None or not keyed.what.startswith(COMMAND_KEYS):
            return None
        platform, _, message_id = keyed.what.removeprefix(COMMAND_KEYS).partition(":")
        comment = self._state.recent.find(platform, message_id)
        if comment is None or comment.author.anonymous or self._let_go(comment.author.key):
            return None
        return comment.author.key

    def _spawn(self, awaitable: Awaitable[None]) -> None:
        task = asyncio.ensure_future(awaitable)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _is_on_stage(self, key: AuthorKey) -> bool:
        return key in self._state.stage


def _on_loop(loop: asyncio.AbstractEventLoop) -> bool:
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


def outcome_of(result: ActionResult) -> str:
    """How an action's result reads in the host-action log."""
    return ("ok: " if result.ok else "failed: ") + result.for_host


def outcome_names(result: ActionResult) -> Namings:
    """Whom `outcome_of(result)` names, and where (`result.names`, past its level)."""
    return shifted(result.names, len(outcome_of(result)) - len(result.for_host))


def _new_key() -> str:
    """A host action's key: at random, or the next one made from what `KEYED_BY` names."""
    keyed = KEYED_BY.get()
    return uuid.uuid4().hex if keyed is None else keyed.next_key()


def about(result: ActionResult, who: Author) -> ActionResult:
    """`result` of a platform action about `who`, naming them where the platform's words do:
    where its adapter said (`ActionResult.names`), else its whole message (and hint) is taken
    as naming them (an error that quotes a display name): a notice of it never names them
    after they leave. Only recorded (no connection: a replay), it names no one."""
    if result.names or who.anonymous or not result.acted or not result.message:
        return result
    return dataclasses.replace(result, names=(Naming(who.key, 0, len(result.for_host)),))
