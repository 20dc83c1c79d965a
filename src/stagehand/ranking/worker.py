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
of the show never sees a comment out of its place.

If the worker dies (killed, out of memory), nothing is lost: a ranker is built in the show's
process from what the worker was told (ranking/journal.py), the comments that were waiting are
scored there, and the show goes on; `on_fallback` says so once.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import itertools
import logging
import os
import socket
import subprocess
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import stagehand
from stagehand.config.ranking import RankingSettings
from stagehand.domain import AuthorKey, Comment, Score, Segment
from stagehand.ranking import wire
from stagehand.ranking.journal import RankerJournal
from stagehand.ranking.link import Learned, RankingLink, ScoreDone
from stagehand.ranking.ranker import Feedback, Ranker
from stagehand.ranking.recency import rank_key

log = logging.getLogger(__name__)

#: Comments sent to the worker together (fewer, larger messages: pickling and waking cost per
#: message); a batch also leaves at the end of every turn of the event loop, full or not.
SEND_BATCH = 64
#: Fewer comments than this with the worker, and a new one is sent at once.
LOW_WATER = 8
#: Most comments waiting for their scores before the show's process waits for the worker. Their
#: scores (about 70 bytes each) always fit the socket's buffer, so neither side can block the
#: other.
MAX_IN_FLIGHT = 512
#: A worker that keeps comments this long without a word is stuck: the show ranks at home.
WORKER_SILENCE = 10.0
#: How often a wait for the worker checks it is still there.
POLL_SECONDS = 0.5
#: How long closing waits for a worker that has to be stopped.
STOP_SECONDS = 2.0


class WorkerProcess:
    """A worker interpreter (ranking/worker_process.py) and this process's end of its socket.

    One show at a time; a closed show hands it back (`release`) for the next show of this
    process, so a process that opens many shows (a test run, a host replaying several) starts one
    interpreter, not one per show.
    """

    _idle: list[WorkerProcess] = []

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        package_root = str(Path(stagehand.__file__).resolve().parent.parent)
        # The worker needs no secret: none of the show's settings from the environment.
        env = {k: v for k, v in os.environ.items() if not k.startswith("STAGEHAND_")}
        env["PYTHONPATH"] = os.pathsep.join([package_root, *filter(None, [env.get("PYTHONPATH")])])
        with theirs:
            self.popen = subprocess.Popen(
                [sys.executable, "-m", "stagehand.ranking.worker_process", str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,  # no terminal: Ctrl-C and hang-ups are the show's
                env=env,
            )
        self.conn = Connection(ours.detach())

    @classmethod
    def take(cls) -> WorkerProcess:
        """An idle worker of this process if one is alive, else a new one."""
        while cls._idle:
            worker = cls._idle.pop()
            if worker.popen.poll() is None:
                return worker
            worker.stop()
        return cls()

    def release(self) -> None:
        """The show is done with it: keep it for the next show (one is kept), or stop it."""
        if self.popen.poll() is None and not self._idle:
            self._idle.append(self)
        else:
            self.stop()

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.close()
        try:
            self.popen.wait(STOP_SECONDS)  # it leaves when its socket closes
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()

    @classmethod
    def stop_idle(cls) -> None:
        while cls._idle:
            cls._idle.pop().stop()


atexit.register(WorkerProcess.stop_idle)


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
        self._conn = self._worker.conn
        self._outgoing: list[tuple[Any, ...]] = [
            (wire.START, settings, show_description, command_prefix)
        ]
        #: Submitted, not yet done: each comment, how it was asked, and its `done`.
        self._waiting: deque[tuple[Comment, bool | None, ScoreDone]] = deque()
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
        self._journal.scored(comment, ask)
        if self._closed and self._local is None:
            self._rank_here()  # a straggler after close: the worker went back to the pool
        if self._local is not None:
            done(self._local.score(comment, ask=ask))
            return
        self._waiting.append((comment, ask, done))
        self._outgoing.append((wire.SCORE, wire.encode(comment), ask))
        loop = self._running_loop()
        if loop is None:
            self.catch_up()  # no event loop to read the answer later: wait for it now
        elif len(self._outgoing) >= SEND_BATCH or self._worker_idle():
            self._send()
        elif not self._send_scheduled:
            self._send_scheduled = True
            loop.call_soon(self._send_when_scheduled)
        if len(self._waiting) >= MAX_IN_FLIGHT:
            self._receive(until=MAX_IN_FLIGHT // 2)

    def _worker_idle(self) -> bool:
        """Whether the worker is about to run out of comments (it should get these now, not at
        the end of the loop's turn: a replay refills it right after waiting for it)."""
        return len(self._waiting) - len(self._outgoing) < LOW_WATER

    def catch_up(self) -> None:
        if self._waiting and not self._receiving:
            self._receive(until=0)

    @property
    def pending(self) -> int:
        return len(self._waiting)

    def warm(self, comment: Comment) -> None:
        self._journal.scored(comment, None)
        self._operate(wire.WARM, wire.encode(comment))

    # -- what the ranker is told ---------------------------------------------------------------

    def set_segment(self, segment: Segment) -> None:
        self._journal.set_segment(segment)
        self._call("set_segment", segment)

    def add_topic_terms(self, terms: Iterable[str]) -> None:
        terms = list(terms)
        self._journal.add_topic_terms(terms)
        self._call("add_topic_terms", terms)

    def set_hand(self, author: AuthorKey, raised: bool) -> None:
        self._journal.set_hand(author, raised)
        self._call("set_hand", author, raised)

    def set_on_stage(self, author: AuthorKey, on_stage: bool, *, names: Iterable[str] = ()) -> None:
        names = tuple(names)
        self._journal.set_on_stage(author, on_stage, names)
        self._call("set_on_stage", author, on_stage, names=names)

    def add_host_names(self, names: Iterable[str]) -> None:
        names = list(names)
        self._journal.add_host_names(names)
        self._call("add_host_names", names)

    def recall_author(self, author: AuthorKey, comments: int) -> None:
        self._journal.recall_author(author, comments)
        self._call("recall_author", author, comments)

    def feedback(self, comment: Comment, positive: bool) -> Learned | None:
        if self._local is not None:
            return self._local.feedback(comment, positive)
        ticket = next(self._tickets)
        self._journal.feedback(ticket, comment, positive)
        self._operate(wire.FEEDBACK, ticket, wire.encode(comment), positive)
        return ticket

    def take_back(self, learned: Learned) -> None:
        if isinstance(learned, Feedback):  # learned by the ranker in this process
            if self._local is not None:
                self._local.take_back(learned)
            return
        self._journal.take_back(learned)
        if self._local is not None:
            if (feedback := self._relearned.pop(learned, None)) is not None:
                self._local.take_back(feedback)
            return
        self._operate(wire.TAKE_BACK, learned)

    def close(self) -> None:
        """Every waiting comment gets its score; the worker is free for another show."""
        if self._closed:
            return
        self.catch_up()
        if self._local is None:
            self._outgoing.append((wire.RESET,))
            self._send()
        self._closed = True
        self._stop_reading()
        if self._local is None:
            self._worker.release()

    @property
    def worker_pid(self) -> int | None:
        return self._worker.popen.pid if self._local is None and not self._closed else None

    # -- the pipe ------------------------------------------------------------------------------

    def _call(self, name: str, *args: Any, **kwargs: Any) -> None:
        if self._closed and self._local is None:
            self._rank_here()
        if self._local is not None:
            getattr(self._local, name)(*args, **kwargs)
        else:
            self._operate(wire.CALL, name, args, kwargs)

    def _operate(self, *operation: Any) -> None:
        """Queue an operation behind the comments already queued (sent with the next batch)."""
        if self._closed and self._local is None:
            self._rank_here()
        if self._local is not None:
            if operation[0] == wire.WARM:
                self._local.score(wire.decode(operation[1]))
            return
        self._outgoing.append(operation)
        loop = self._running_loop()
        if loop is None:
            self._send()
        elif not self._send_scheduled:
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
            self._conn.send(batch)
        except (OSError, ValueError) as exc:
            self._fall_back(type(exc).__name__)

    def _running_loop(self) -> asyncio.AbstractEventLoop | None:
        """The event loop the answers are read on (None outside one); read there from now on."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return None
        if loop is not self._loop and not self._closed:
            self._stop_reading()
            loop.add_reader(self._conn.fileno(), self._on_readable)
            self._loop = loop
        return loop

    def _stop_reading(self) -> None:
        if self._loop is not None and not self._loop.is_closed():
            with contextlib.suppress(ValueError, OSError):
                self._loop.remove_reader(self._conn.fileno())
        self._loop = None

    def _on_readable(self) -> None:
        if not self._receiving:
            self._receive(until=None)

    def _receive(self, *, until: int | None) -> None:
        """Run `done` for the scores that came back: those there now (`until` None), or waiting
        for more until at most `until` comments are left without one."""
        self._receiving = True
        try:
            self._send()
            while self._waiting and self._local is None:
                if until is None and not self._conn.poll():
                    return
                if until is not None and len(self._waiting) <= until:
                    return
                try:
                    if until is not None and not self._answers_within(WORKER_SILENCE):
                        self._fall_back(f"no answer for {WORKER_SILENCE:.0f} s")
                        return
                    scores = self._conn.recv()
                except (EOFError, OSError) as exc:
                    self._fall_back(type(exc).__name__)
                    return
                for score in scores:
                    comment, _ask, done = self._waiting.popleft()
                    done(self._score_from(score, comment))
        finally:
            self._receiving = False

    def _answers_within(self, seconds: float) -> bool:
        """Wait until the worker has something to say; False if it is gone or says nothing for
        `seconds` (the show must never hang on it)."""
        deadline = time.monotonic() + seconds
        while not self._conn.poll(POLL_SECONDS):
            if self._worker.popen.poll() is not None or time.monotonic() > deadline:
                return False
        return True

    def _score_from(self, score: wire.EncodedScore | str, comment: Comment) -> Score:
        if isinstance(score, str):  # the ranker failed on it: kept, with the base score only
            log.error("ranking failed on %s:%s: %s", comment.platform, comment.id, score)
            base = self._settings.weights.base
            half_life = self._settings.half_life_seconds
            return Score(base, rank_key(base, comment.ts.timestamp(), half_life), {"base": base})
        return wire.decode_score(score)

    def _fall_back(self, why: str) -> None:
        """The worker is gone (or stuck): rank in this process from now on, nothing lost."""
        if self._local is not None:
            return
        self._stop_reading()
        self._worker.stop()
        waiting = self._rank_here()
        message = (
            f"Ranking: its worker process stopped ({why}); the show ranks in its own process "
            f"from now on ({waiting} comments that were waiting scored there, none lost)."
        )
        log.warning(message)
        if self._on_fallback is not None:
            self._on_fallback(message)

    def _rank_here(self) -> int:
        """Build the ranker in this process from the journal and score what was waiting there;
        how many comments were waiting."""
        local = Ranker(
            self._settings, show_description=self._description, command_prefix=self._prefix
        )
        waiting = list(self._waiting)
        self._waiting.clear()
        self._outgoing.clear()
        # The journal already counts the waiting comments as scored: warm up on the rest only.
        for _ in waiting:
            self._journal.forget_latest()
        self._relearned = self._journal.rebuild(local)
        self._local = local
        for comment, ask, done in waiting:
            self._journal.scored(comment, ask)
            done(local.score(comment, ask=ask))
        return len(waiting)
