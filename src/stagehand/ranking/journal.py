"""What a ranker in a worker process was told, kept in the show's process so that a new ranker
can be built there if the worker dies: the show goes on with the same segment, hosts, hands and
guests, and a memory of the recent chat, as a resumed show does (show/resume.py).

Bounded: the recent comments and the answers of the live segment are capped; everything else is
one entry per person or name.
"""

from __future__ import annotations

from collections import OrderedDict, deque
from collections.abc import Iterable

from stagehand.domain import AuthorKey, Comment, Segment
from stagehand.ranking.ranker import Feedback, Ranker

#: Recent comments scored again in a rebuilt ranker (as a resumed show warms up).
WARM_UP_COMMENTS = 2_000
#: Answers and dismissals of the live segment replayed into a rebuilt ranker, newest kept.
KEPT_FEEDBACK = 500


class RankerJournal:
    def __init__(self, max_authors: int) -> None:
        self._hosts: list[str] = []
        self._segment: Segment | None = None
        self._terms: list[str] = []
        self._hands: set[AuthorKey] = set()
        self._on_stage: dict[AuthorKey, tuple[str, ...]] = {}
        self._authors: OrderedDict[AuthorKey, int] = OrderedDict()
        self._max_authors = max_authors
        #: The comments scored, newest last, with their `ask` (`scored` appends to it; the
        #: worker's reading of scores appends itself, a Python call less for every comment).
        self.recent: deque[tuple[Comment, bool | None]] = deque(maxlen=WARM_UP_COMMENTS)
        self._feedback: OrderedDict[int, tuple[Comment, bool]] = OrderedDict()

    def scored(self, comment: Comment, ask: bool | None) -> None:
        self.recent.append((comment, ask))

    def set_segment(self, segment: Segment) -> None:
        self._segment = segment
        self._terms.clear()
        self._feedback.clear()  # what answers taught belongs to the topic they were given under

    def add_topic_terms(self, terms: Iterable[str]) -> None:
        self._terms.extend(terms)

    def set_hand(self, author: AuthorKey, raised: bool) -> None:
        (self._hands.add if raised else self._hands.discard)(author)

    def set_on_stage(self, author: AuthorKey, on_stage: bool, *, names: Iterable[str] = ()) -> None:
        if on_stage:
            self._on_stage[author] = tuple(names)
        else:
            self._on_stage.pop(author, None)

    def add_hosts(self, hosts: Iterable[str]) -> None:
        self._hosts.extend(hosts)

    def recall_author(self, author: AuthorKey, comments: int) -> None:
        self._authors[author] = comments
        if len(self._authors) > self._max_authors:
            self._authors.popitem(last=False)

    def feedback(self, ticket: int, comment: Comment, positive: bool) -> None:
        self._feedback[ticket] = (comment, positive)
        if len(self._feedback) > KEPT_FEEDBACK:
            self._feedback.popitem(last=False)

    def take_back(self, ticket: int) -> None:
        self._feedback.pop(ticket, None)

    def rebuild(self, ranker: Ranker) -> dict[int, Feedback]:
        """Tell a new `ranker` all of it; the tickets of the answers it learned again."""
        ranker.add_hosts(self._hosts)
        for author, comments in self._authors.items():
            ranker.recall_author(author, comments)
        if self._segment is not None:
            ranker.set_segment(self._segment)
        if self._terms:
            ranker.add_topic_terms(self._terms)
        for author, names in self._on_stage.items():
            ranker.set_on_stage(author, True, names=names)
        for author in self._hands:
            ranker.set_hand(author, True)
        for comment, ask in self.recent:
            ranker.score(comment, ask=ask)
        learned: dict[int, Feedback] = {}
        for ticket, (comment, positive) in self._feedback.items():
            feedback = ranker.feedback(comment, positive)
            if feedback is not None:
                learned[ticket] = feedback
        return learned
