"""The one road every comment takes: dedupe -> sanitize -> classify -> score -> store -> notify.

Adapters (through `LiveShow`) call `Pipeline.accept` on the event loop. Nothing here blocks:
storing is a queue put, the writer thread commits in batches.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Callable, Iterable
from typing import Protocol

from stagehand.domain import Comment, CommentKind, RankedComment, Score
from stagehand.events import CommentRanked, CoreEvent
from stagehand.kinds import CommentKinds
from stagehand.sanitize import sanitize
from stagehand.store.ops import StoreComment, StoreOp

#: How many recent message ids are remembered for dedupe. Platforms redeliver within seconds
#: or minutes; the database's unique key catches anything older.
DEDUPE_WINDOW = 100_000

#: Lines that are not comments are stored with this score and never reach the ranker: a `!hand`
#: or a bot's announcement must not teach it anything (a viewer's first real comment is still
#: their first, and commands do not count towards flooding).
UNSCORED = Score(0.0, 0.0)
UNSCORED_KINDS = frozenset({CommentKind.COMMAND, CommentKind.BOT})


class Scorer(Protocol):
    def score(self, comment: Comment, *, ask: bool | None = None) -> Score: ...


class RecentIds:
    """A bounded set of (platform, message id): remembers the last `size` ids seen."""

    def __init__(self, size: int = DEDUPE_WINDOW, initial: Iterable[tuple[str, str]] = ()) -> None:
        self._size = size
        self._order: deque[tuple[str, str]] = deque()
        self._ids: set[tuple[str, str]] = set()
        for key in initial:
            self.add(key)

    def __contains__(self, key: tuple[str, str]) -> bool:
        return key in self._ids

    def __len__(self) -> int:
        return len(self._ids)

    def add(self, key: tuple[str, str]) -> bool:
        """Remember `key`; False if it was already there."""
        if key in self._ids:
            return False
        self._ids.add(key)
        self._order.append(key)
        if len(self._order) > self._size:
            self._ids.discard(self._order.popleft())
        return True


def sanitized(comment: Comment) -> Comment:
    """The comment with `clean_text` filled in (the original `text` is kept for the record)."""
    result = sanitize(comment.text)
    return dataclasses.replace(comment, clean_text=result.text, truncated=result.truncated)


class Pipeline:
    def __init__(
        self,
        *,
        show_id: int,
        scorer: Scorer,
        store: Callable[[StoreOp], None],
        notify: Callable[[CoreEvent], None],
        seen: Iterable[tuple[str, str]] = (),
        kinds: CommentKinds | None = None,
    ) -> None:
        self.show_id = show_id
        self.scorer = scorer
        self.kinds = kinds or CommentKinds()
        self._store = store
        self._notify = notify
        self._recent = RecentIds(initial=seen)
        self.accepted = 0
        self.duplicates = 0

    def accept(self, comment: Comment, segment: int) -> RankedComment | None:
        """Take one comment down the road; None if it was a duplicate delivery."""
        if not self._recent.add((comment.platform, comment.id)):
            self.duplicates += 1
            return None
        comment = sanitized(comment)
        classified = self.kinds.classify(comment)
        question = classified.question
        asked = question is not None
        if question is not None:
            # Shown, scored and searched as the question; the original keeps the `!ask`.
            comment = dataclasses.replace(comment, clean_text=question)
        kind = classified.kind
        score = UNSCORED if kind in UNSCORED_KINDS else self.scorer.score(comment, ask=asked)
        ranked = RankedComment(comment, score, segment, kind)
        self._store(StoreComment(self.show_id, ranked))
        self.accepted += 1
        self._notify(CommentRanked(ranked))
        return ranked
