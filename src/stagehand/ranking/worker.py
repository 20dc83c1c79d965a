"""The ranker in a process of its own, so that a show uses the machine's second core.

Scoring a comment costs most of what the show's process spends on it (docs/architecture.md,
"Where the time goes"), and Python runs one thread at a time: in a worker process the ranker
scores while the show's process takes the next comments, stores and draws.

The show's process (`RankerWorker`) sends the worker one ordered stream of operations in
batches over a pipe: comments to score, and every call that changes what the ranker knows, in
the order the show made them. The worker answers each batch with the scores of its comments,
in order; the show's event loop reads them when they arrive and runs each comment's `done` in
arrival order. So the ranker sees exactly what it would in the show's process, and the scores
are the same (tests/ranking/test_ranking_worker.py compares them over real chat).

At most `MAX_IN_FLIGHT` comments wait for their scores: the show's process then waits for the
worker, so memory stays flat and a slow worker slows the replay, not the host. Keys and host
actions first let every comment before them finish (the show calls `catch_up`), so the rest
of the show never sees a comment out of its place; what needs no score (a bot's line, a replay's
checkpoint) waits its turn without stopping anything (`then`). The socket never blocks the
show for long (ranking/channel.py): a worker that stops answering for `WORKER_SILENCE` seconds
is treated as dead.

If the worker dies (killed, out of memory), nothing is lost: a ranker is built in the show's
process from what the worker was told (ranking/journal.py), the comments that were waiting are
scored there, and the show goes on; `on_fallback` says so once, and what the worker wrote on
its way out is logged. A worker that cannot even start (no `fork`, no interpreter to run) leaves
the ranker in the show's process from the start (`open_ranking`).
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import itertools
import logging
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from stagehand.config.ranking import RankingSettings
from stagehand.domain import AuthorKey, Comment, Score, Segment
from stagehand.ranking import wire
from stagehand.ranking.channel import WorkerGone
from stagehand.ranking.journal import RankerJournal
from stagehand.ranking.link import Learned, RankingLink, ScoreDone
from stagehand.ranking.ranker import Feedback, Ranker
from stagehand.ranking.recency import rank_key
from stagehand.ranking.worker_pool import WorkerProcess

log = logging.getLogger(__name__)

#: Comments sent to the worker together (fewer, larger messages: pickling and waking cost per
#: message); a batch also leaves at the end of every turn of the event loop, full or not.
SEND_BATCH = 64
#: Fewer comments than this with the worker, and a new one is sent at once.
LOW_WATER = 8
#: Most comments waiting for their scores before the show's process waits for the worker: memory
#: stays flat, and a host's key waits for at most this many (about 25 ms of scoring). Only a
#: flat-out replay fills it: a live show's worker keeps up, with a handful waiting.
MAX_IN_FLIGHT = 512
#: Once full, the show's process waits until only this many are left, so the worker still has
#: work queued when the show's process is slow to get a core back. Flat-out 300k replays on two
#: cores (docs/architecture.md, "Under load"): 256 resuming at 128 kept the cores busy 87% of the
#: time, 512 resuming at 384 89%, 1,024 resuming at 512 90% (a host's key waiting twice as long).
RESUME_AT = MAX_IN_FLIGHT * 3 // 4
#: A worker that keeps comments this long without a word is stuck: the show ranks at home.
WORKER_SILENCE = 10.0


#: A change to what the ranker knows, as the journal records it: its name and arguments.
_Change = tuple[str, tuple[Any, ...], dict[str, Any]]


#: A comment waiting for its score: its sequence number (which names it to the worker), the
#: comment, its `ask` and its `done`. A plain tuple: one is made for every comment.
_Scoring = tuple[int, Comment, bool | None, ScoreDone]


class _InTurn:
    """What waits among the comments only for its turn: a callback (`then`: a bot's line, a
    replay's checkpoint), or a change the journal records in its turn (`change`: the journal then
    always describes the ranker as the oldest waiting comment finds it, so a ranker rebuilt from
    it scores the waiting comments as the worker would have)."""

    __slots__ = ("change", "then")

    def __init__(
        self, then: Callable[[], None] | None = None, change: _Change | None = None
    ) -> None:
        self.then = then
        self.change = change


class RankerWorker(RankingLink):
    """The show's end of a ranker running in a worker process; see the module docstring."""

    def __init__(
        self,
        settings: RankingSettings,
        *,
        show_description: str = "",
        command_prefix: str = "!",
        on_fallback: Callable[[str], None] | None = None,
    ) -> None:
        self._settings = settings
        self._description = show_description
        self._prefix = command_prefix
        self._on_fallback = on_fallback
        self._worker = WorkerProcess.take()
        self._channel = self._worker.channel
        self._outgoing: list[tuple[Any, ...]] = [
            (wire.START, settings, show_description, command_prefix)
        ]
        #: In arrival order, what waits for the worker: comments and what waits for its turn.
        self._waiting: deque[_Scoring | _InTurn] = deque()
        self._scores_waited = 0  # how many of `_waiting` wait for a score
        self._sequence = itertools.count(1)
        self._journal = RankerJournal(settings.spam.max_authors)
        self._tickets = itertools.count(1)
        self._local: Ranker | None = None  # the ranker in this process, once the worker died
        self._relearned: dict[int, Feedback] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._send_scheduled = False
        self._receiving = False
        self._closed = False

    # -- scoring -------------------------------------------------------------------------------

    def submit(self, comment: Comment, ask: bool | None, done: ScoreDone) -> None:
        # Every comment of a show comes this way: the usual road is written out here, without
        # the helpers' calls (`_here_if_closed`, `_running_loop`, `_send_soon`).
        if self._local is not None or self._closed:
            self._here_if_closed()
            local = self._local
            assert local is not None  # closed or fallen back: it ranks in this process
            self._journal.scored(comment, ask)
            self._run_done(done, local.score(comment, ask=ask))
            return
        seq = next(self._sequence)
        self._waiting.append((seq, comment, ask, done))
        scores_waited = self._scores_waited = self._scores_waited + 1
        outgoing = self._outgoing
        outgoing.append((wire.SCORE, seq, wire.encode(comment), ask))
        loop = asyncio._get_running_loop()
        if loop is not self._loop:
            loop = self._running_loop()  # read the answers on this loop from now on
        if loop is None:
            self.catch_up()  # no event loop to read the answer later: wait for it now
        elif len(outgoing) >= SEND_BATCH or scores_waited - len(outgoing) < LOW_WATER:
            # A full batch, or the worker about to run out of comments: it gets these now, not
            # at the end of the loop's turn (a replay refills it right after waiting for it).
            self._send()
        elif not self._send_scheduled:
            self._send_scheduled = True
            loop.call_soon(self._send_when_scheduled)
        if scores_waited >= MAX_IN_FLIGHT:
            self._receive(until=RESUME_AT)

    def then(self, callback: Callable[[], None]) -> None:
        if not self._waiting:
            callback()
        else:
            self._waiting.append(_InTurn(then=callback))

    def catch_up(self) -> None:
        if self._waiting and not self._receiving:
            self._receive(until=0)

    @property
    def pending(self) -> int:
        return len(self._waiting)

    @property
    def worker_pid(self) -> int | None:
        return self._worker.popen.pid if self._local is None and not self._closed else None

    def warm(self, comment: Comment) -> None:
        self._here_if_closed()
        self._journal_in_turn("scored", comment, None)
        self._operate(wire.WARM, wire.encode(comment))

    # -- what the ranker is told ---------------------------------------------------------------

    def set_segment(self, segment: Segment) -> None:
        self._tell("set_segment", segment)

    def add_topic_terms(self, terms: Iterable[str]) -> None:
        self._tell("add_topic_terms", list(terms))

    def set_hand(self, author: AuthorKey, raised: bool) -> None:
        self._tell("set_hand", author, raised)

    def set_on_stage(self, author: AuthorKey, on_stage: bool, *, names: Iterable[str] = ()) -> None:
        self._tell("set_on_stage", author, on_stage, names=tuple(names))

    def add_hosts(self, hosts: Iterable[str]) -> None:
        self._tell("add_hosts", list(hosts))

    def recall_author(self, author: AuthorKey, comments: int) -> None:
        self._tell("recall_author", author, comments)

    def feedback(self, comment: Comment, positive: bool) -> Learned | None:
        self._here_if_closed()
        if self._local is not None:
            return self._local.feedback(comment, positive)
        ticket = next(self._tickets)
        self._journal_in_turn("feedback", ticket, comment, positive)
        self._operate(wire.FEEDBACK, ticket, wire.encode(comment), positive)
        return ticket

    def take_back(self, learned: Learned) -> None:
        self._here_if_closed()
        if isinstance(learned, Feedback):  # learned by the ranker in this process
            if self._local is not None:
                self._local.take_back(learned)
            return
        if self._local is not None:
            self._journal.take_back(learned)
            if (feedback := self._relearned.pop(learned, None)) is not None:
                self._local.take_back(feedback)
            return
        self._journal_in_turn("take_back", learned)
        self._operate(wire.TAKE_BACK, learned)

    def close(self) -> None:
        """Every waiting comment gets its score; the worker is free for another show."""
        if self._closed:
            return
        self.catch_up()
        if self._local is None:
            self._outgoing.append((wire.RESET,))
            self._send()
        self._stop_reading()
        self._closed = True
        if self._local is None:
            self._worker.release()

    # -- the socket ----------------------------------------------------------------------------

    def _here_if_closed(self) -> None:
        """A straggler after `close` (a comment from an adapter still stopping): the worker
        went back to the pool, so the ranking goes on in this process, as it was."""
        if self._closed and self._local is None:
            self._rank_here()

    def _tell(self, name: str, *args: Any, **kwargs: Any) -> None:
        """Tell the ranker `name(*args)` wherever it runs, and the journal (from which a ranker
        is rebuilt in this process if the worker dies)."""
        self._here_if_closed()
        self._journal_in_turn(name, *args, **kwargs)
        self._call(name, *args, **kwargs)

    def _journal_in_turn(self, name: str, *args: Any, **kwargs: Any) -> None:
        """Record a change in the journal once the comments before it have their scores."""
        if self._waiting and self._local is None:
            self._waiting.append(_InTurn(change=(name, args, kwargs)))
        else:
            getattr(self._journal, name)(*args, **kwargs)

    def _call(self, name: str, *args: Any, **kwargs: Any) -> None:
        if self._local is not None:
            getattr(self._local, name)(*args, **kwargs)
        else:
            self._operate(wire.CALL, name, args, kwargs)

    def _operate(self, *operation: Any) -> None:
        """Queue an operation behind the comments already queued (sent with the next batch)."""
        if self._local is not None:
            if operation[0] == wire.WARM:
                self._local.score(wire.decode(operation[1]))
            return
        self._outgoing.append(operation)
        loop = self._running_loop()
        if loop is None:
            self._send()
        else:
            self._send_soon(loop)

    def _send_soon(self, loop: asyncio.AbstractEventLoop) -> None:
        if not self._send_scheduled:
            self._send_scheduled = True
            loop.call_soon(self._send_when_scheduled)

    def _send_when_scheduled(self) -> None:
        self._send_scheduled = False
        self._send()

    def _send(self) -> None:
        if not self._outgoing or self._local is not None or self._closed:
            return
        batch, self._outgoing = self._outgoing, []
        try:
            self._channel.send(batch, WORKER_SILENCE)
        except WorkerGone as gone:
            self._fall_back(str(gone))

    def _running_loop(self) -> asyncio.AbstractEventLoop | None:
        """The event loop the answers are read on (None outside one); read there from now on."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return None
        if loop is not self._loop and not self._closed and self._local is None:
            self._stop_reading()
            # From a context of its own: the reader must not carry whoever first scored (a
            # host's `acting_as`, a writer's open group) into every later answer.
            contextvars.Context().run(loop.add_reader, self._channel.fileno(), self._on_readable)
            self._loop = loop
        return loop

    def _stop_reading(self) -> None:
        if self._loop is not None and not self._loop.is_closed():
            with contextlib.suppress(ValueError, OSError):
                self._loop.remove_reader(self._channel.fileno())
        self._loop = None

    def _on_readable(self) -> None:
        if self._receiving:
            return
        try:
            ready = self._channel.ready()
        except WorkerGone as gone:  # it died, also at a quiet moment: notice it now
            self._fall_back(str(gone))
            return
        if ready:
            self._receive(until=None)

    def _receive(self, *, until: int | None) -> None:
        """Run what waits for the scores that came back: those there now (`until` None), or
        waiting for more until at most `until` things are left waiting."""
        self._receiving = True
        waiting = self._waiting
        # What `self._journal.scored` does, without a Python call for every comment.
        journal_scored = self._journal.recent.append
        try:
            self._send()
            while self._local is None:
                self._run_ready_callbacks()
                if until is not None and len(waiting) <= until:
                    return
                try:
                    # With nothing waiting, what is there is a problem report: read it too.
                    if until is None and not self._channel.ready():
                        return
                    scores = self._channel.receive(WORKER_SILENCE)
                except WorkerGone as gone:
                    self._fall_back(str(gone))
                    return
                for seq, parts in scores:
                    if seq == wire.PROBLEM:
                        log.error("the ranking's worker process: %s", parts)
                        continue
                    if waiting and waiting[0].__class__ is _InTurn:
                        self._run_ready_callbacks()
                    if not waiting or waiting[0][0] != seq:  # type: ignore[index]
                        # Never expected: a score for another comment. Rank here instead.
                        expected = waiting[0][0] if waiting else None  # type: ignore[index]
                        self._fall_back(f"its answers went out of step ({seq} for {expected})")
                        return
                    _, comment, ask, done = waiting.popleft()  # type: ignore[misc]
                    self._scores_waited -= 1
                    journal_scored((comment, ask))
                    # The score's parts are its fields in order; a string: the ranker failed.
                    score = (
                        Score(*parts) if parts.__class__ is tuple else self._failed(parts, comment)
                    )
                    try:  # `_run_done`, in place
                        done(score)
                    except Exception:  # the show's problem with one comment stops no other
                        log.exception("handling a ranked comment failed")
        finally:
            self._receiving = False

    def _run_ready_callbacks(self) -> None:
        """What waits only for its turn, once everything before it is done."""
        while self._waiting and self._waiting[0].__class__ is _InTurn:
            entry: _InTurn = self._waiting.popleft()  # type: ignore[assignment]
            if entry.then is not None:
                self._run_then(entry.then)
            elif entry.change is not None:
                name, args, kwargs = entry.change
                getattr(self._journal, name)(*args, **kwargs)

    @staticmethod
    def _run_done(done: ScoreDone, score: Score) -> None:
        try:
            done(score)
        except Exception:  # the show's problem with one comment must not stop the others
            log.exception("handling a ranked comment failed")

    @staticmethod
    def _run_then(callback: Callable[[], None]) -> None:
        try:
            callback()
        except Exception:
            log.exception("handling a queued change failed")

    def _failed(self, why: str, comment: Comment) -> Score:
        """The score of a comment the ranker failed on: kept, with the base score only."""
        log.error("ranking failed on %s:%s: %s", comment.platform, comment.id, why)
        base = self._settings.weights.base
        half_life = self._settings.half_life_seconds
        return Score(base, rank_key(base, comment.ts.timestamp(), half_life), {"base": base})

    def _fall_back(self, why: str) -> None:
        """The worker is gone (or stuck): rank in this process from now on, nothing lost."""
        if self._local is not None:
            return
        self._stop_reading()
        self._worker.stop()
        if last_words := self._worker.last_words():
            log.warning("the ranking's worker process wrote before it stopped:\n%s", last_words)
        waiting = self._rank_here()
        scored = "1 comment that was waiting" if waiting == 1 else f"{waiting} comments waiting"
        message = (
            f"Ranking: its worker process stopped ({why}); the show ranks in its own process "
            f"from now on ({scored} scored there, none lost)."
        )
        log.warning(message)
        if self._on_fallback is not None:
            self._on_fallback(message)

    def _rank_here(self) -> int:
        """Build the ranker in this process from the journal and score what was waiting there,
        in order; how many comments were waiting."""
        local = Ranker(
            self._settings, show_description=self._description, command_prefix=self._prefix
        )
        waiting = list(self._waiting)
        self._waiting.clear()
        self._scores_waited = 0
        self._outgoing.clear()
        # The journal describes the ranker as the oldest waiting comment found it; what came
        # after is replayed in its place, changes and comments alike.
        self._relearned = self._journal.rebuild(local)
        self._local = local
        for entry in waiting:
            if isinstance(entry, tuple):
                _, comment, ask, done = entry
                self._journal.scored(comment, ask)
                self._run_done(done, local.score(comment, ask=ask))
            elif entry.then is not None:
                self._run_then(entry.then)
            elif entry.change is not None:
                self._change_here(local, *entry.change)
        return sum(isinstance(entry, tuple) for entry in waiting)

    def _change_here(
        self, local: Ranker, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> None:
        """A change that waited its turn, made to the journal and the ranker in this process."""
        getattr(self._journal, name)(*args, **kwargs)
        if name == "scored":
            local.score(args[0], ask=args[1])
        elif name == "feedback":
            ticket, comment, positive = args
            if (feedback := local.feedback(comment, positive)) is not None:
                self._relearned[ticket] = feedback
        elif name == "take_back":
            if (feedback := self._relearned.pop(args[0], None)) is not None:
                local.take_back(feedback)
        else:
            getattr(local, name)(*args, **kwargs)
