"""How the show talks to its ranker, wherever the ranker runs: in the show's own process
(`LocalRanking`) or in a process of its own on the machine's second core (`ranking/worker.py`).

The calls are the `Ranker`'s own. Every call that changes what the ranker knows (a new segment,
a raised hand, a guest on stage, an answer) travels in the same ordered stream as the comments,
so the ranker sees them in the order the show did, wherever it runs. Scoring is
`submit(comment, ask, done)`: `done(score)` runs in arrival order, at once in the show's
process, when the score comes back from a worker. `catch_up()` returns once every submitted
comment's `done` has run: the show calls it before anything else happens, so the rest of the
show never sees a comment out of its place.
"""

from __future__ import annotations

import logging
import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from typing import Literal

from stagehand.config.ranking import RankingSettings
from stagehand.domain import AuthorKey, Comment, Score, Segment
from stagehand.ranking.cores import usable_cores
from stagehand.ranking.ranker import Feedback, Ranker

log = logging.getLogger(__name__)

#: What `done` is given: the comment's score.
ScoreDone = Callable[[Score], None]
#: What an answer or a dismissal taught the ranker, as the undo hands it back: the `Feedback`
#: itself in the show's process, a ticket naming it in a worker.
Learned = Feedback | int


class RankingLink(ABC):
    """The ranker as the show uses it; see the module docstring."""

    @abstractmethod
    def submit(self, comment: Comment, ask: bool | None, done: ScoreDone) -> None:
        """Score `comment`; `done(score)` runs after every comment submitted before it."""

    @abstractmethod
    def then(self, callback: Callable[[], None]) -> None:
        """Run `callback` after every comment submitted before it has had its `done` (at once
        when none waits): what needs no score keeps its place without waiting for the ranker."""

    @abstractmethod
    def catch_up(self) -> None:
        """Return once every submitted comment's `done` has run (at once when none waits)."""

    @property
    @abstractmethod
    def pending(self) -> int:
        """Comments submitted whose `done` has not run yet."""

    @property
    def worker_pid(self) -> int | None:
        """The worker process ranking the show (None: it ranks in the show's process)."""
        return None

    @abstractmethod
    def warm(self, comment: Comment) -> None:
        """Score `comment` and forget the score: a resumed show's memory of its recent chat."""

    @abstractmethod
    def set_segment(self, segment: Segment) -> None: ...

    @abstractmethod
    def add_topic_terms(self, terms: Iterable[str]) -> None: ...

    @abstractmethod
    def set_hand(self, author: AuthorKey, raised: bool) -> None: ...

    @abstractmethod
    def set_on_stage(
        self, author: AuthorKey, on_stage: bool, *, names: Iterable[str] = ()
    ) -> None: ...

    @abstractmethod
    def add_hosts(self, hosts: Iterable[str]) -> None: ...

    @abstractmethod
    def recall_author(self, author: AuthorKey, comments: int) -> None: ...

    @abstractmethod
    def feedback(self, comment: Comment, positive: bool) -> Learned | None:
        """Learn from an answer (positive) or a dismissal; what `take_back` needs to undo it."""

    @abstractmethod
    def take_back(self, learned: Learned) -> None: ...

    @abstractmethod
    def close(self) -> None:
        """Nothing more will be submitted: let go of what the ranking holds."""


class LocalRanking(RankingLink):
    """The ranker in the show's own process: each comment scored as it arrives."""

    def __init__(self, ranker: Ranker) -> None:
        self.ranker = ranker

    def submit(self, comment: Comment, ask: bool | None, done: ScoreDone) -> None:
        done(self.ranker.score(comment, ask=ask))

    def then(self, callback: Callable[[], None]) -> None:
        callback()

    def catch_up(self) -> None:
        return None

    @property
    def pending(self) -> int:
        return 0

    def warm(self, comment: Comment) -> None:
        self.ranker.score(comment)

    def set_segment(self, segment: Segment) -> None:
        self.ranker.set_segment(segment)

    def add_topic_terms(self, terms: Iterable[str]) -> None:
        self.ranker.add_topic_terms(terms)

    def set_hand(self, author: AuthorKey, raised: bool) -> None:
        self.ranker.set_hand(author, raised)

    def set_on_stage(self, author: AuthorKey, on_stage: bool, *, names: Iterable[str] = ()) -> None:
        self.ranker.set_on_stage(author, on_stage, names=names)

    def add_hosts(self, hosts: Iterable[str]) -> None:
        self.ranker.add_hosts(hosts)

    def recall_author(self, author: AuthorKey, comments: int) -> None:
        self.ranker.recall_author(author, comments)

    def feedback(self, comment: Comment, positive: bool) -> Learned | None:
        return self.ranker.feedback(comment, positive)

    def take_back(self, learned: Learned) -> None:
        if isinstance(learned, Feedback):
            self.ranker.take_back(learned)

    def close(self) -> None:
        return None


def worker_wanted(setting: Literal["auto", "process", "inline"]) -> bool:
    """Whether `[ranking] worker` asks for a process of its own. `auto` does on a POSIX system
    where this process may use two cores or more (a second core is what a worker is for: its
    affinity and its control group's CPU quota say how many it may use, ranking/cores.py)."""
    if setting == "inline" or os.name != "posix":
        return False  # the worker needs POSIX (a socket handed to the child, its own session)
    return setting == "process" or usable_cores() >= 2


def open_ranking(
    settings: RankingSettings,
    *,
    show_description: str = "",
    command_prefix: str = "!",
    on_fallback: Callable[[str], None] | None = None,
) -> RankingLink:
    """The show's ranking, in a worker process or in this one as `[ranking] worker` says. A
    worker that cannot start leaves it in this process (`on_fallback` says why)."""
    if worker_wanted(settings.worker):
        from stagehand.ranking.worker import RankerWorker

        try:
            return RankerWorker(
                settings,
                show_description=show_description,
                command_prefix=command_prefix,
                on_fallback=on_fallback,
            )
        except OSError as exc:
            message = (
                f"Ranking: its worker process could not start ({exc}); the show ranks in its "
                "own process."
            )
            log.warning(message)
            if on_fallback is not None:
                on_fallback(message)
    return LocalRanking(
        Ranker(settings, show_description=show_description, command_prefix=command_prefix)
    )
