"""The one road every comment takes: dedupe -> sanitize -> classify -> score -> publish.

Adapters (through `LiveShow`) call `Pipeline.accept` on the event loop. The comment goes to
the ranker (in a worker process, or scored at once in this one), and once it has its score the
show publishes it as one `CommentRanked` event, in arrival order, which the store's writer
queues (its thread commits in batches) and every screen shows. Nothing here waits, except for
one of our chat commands, which waits until the comments before it are scored (it may change
what the ranker knows), and when too many comments wait for the worker.
"""

from __future__ import annotations

import dataclasses
import gc
from collections import deque
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Protocol

from stagehand.commands import COMMANDS
from stagehand.domain import Comment, CommentKind, RankedComment, Score, utcnow
from stagehand.ranking.blocked import HELD_FLAG
from stagehand.sanitize import sanitize, storable
from stagehand.show.kinds import CommentKinds

#: How many recent message ids are remembered for dedupe. Platforms redeliver within seconds
#: or minutes; anything older is looked up in the database, whose unique key is the truth.
DEDUPE_WINDOW = 100_000

#: Every this many comments, what the show holds by then (its bounded memories of ids, authors,
#: texts) is moved out of the garbage collector's reach (`gc.freeze`): a full collection over that
#: heap stopped the event loop for a few hundred milliseconds, the p99 latency of a long show
#: (373 ms at 2,000 comments/s after 100k comments; 23 ms with the heap frozen). Objects that
#: later die are still freed by reference counting; only cyclic garbage caught in a freeze stays.
FREEZE_EVERY = 20_000

#: Lines that are not comments are stored with this score and never reach the ranker: a `!hand`
#: or a bot's announcement must not teach it anything (a viewer's first real comment is still
#: their first, and commands do not count towards flooding).
UNSCORED = Score(0.0, 0.0)
#: A held-back line (a blocked term) is not scored either: it must not teach the ranker its
#: words, nor become the first asker other viewers' questions fold into. Its flag says why.
UNSCORED_KINDS = frozenset({CommentKind.COMMAND, CommentKind.BOT, CommentKind.HELD})


class Scorer(Protocol):
    """The ranking as the pipeline uses it (`stagehand.ranking.link.RankingLink`)."""

    def submit(self, comment: Comment, ask: bool | None, done: Callable[[Score], None]) -> None: ...

    def then(self, callback: Callable[[], None]) -> None: ...

    def catch_up(self) -> None: ...


#: What the pipeline hands on: the comment as judged, and when it arrived (show time).
OnRanked = Callable[[RankedComment, datetime], None]


class RecentIds:
    """A bounded set of (platform, message id): remembers the last `size` ids seen, and whether
    it ever had to forget one (`forgot`)."""

    def __init__(self, size: int | None = None) -> None:
        self._size = size or DEDUPE_WINDOW
        self._order: deque[tuple[str, str]] = deque()
        self._ids: set[tuple[str, str]] = set()
        self.forgot = False

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
            self.forgot = True
        return True


class SeenKeys:
    """Every (platform, message id) this run has taken, in a Bloom filter of fixed size (4 MB).

    Past the recent window, a comment the filter has never seen is certainly new to this run,
    so a show that did not resume need not ask the database: that lookup, made on the event
    loop's thread for every comment of a long show, cost CPU and a wait for the GIL each time.
    The filter never forgets (no false "new"); it may say "maybe seen" of a new id (about one in
    6,000 after a million comments, 4% after five million), and then the database answers.
    """

    BITS = 1 << 25
    _MASK = BITS - 1

    def __init__(self) -> None:
        self._bits = bytearray(self.BITS // 8)

    def _places(self, key: tuple[str, str]) -> tuple[int, int, int, int]:
        # Python's hash is per process: right for a filter that lives as long as the run. The
        # places are those of the hash's 64 bits (the first 25, then steps of bits 32-56, odd),
        # worked out from the 25 bits each needs: a small number costs less to add and mask.
        h = hash(key)
        mask = self._MASK
        first = h & mask
        step = ((h >> 32) & mask) | 1
        return first, (first + step) & mask, (first + 2 * step) & mask, (first + 3 * step) & mask

    def add(self, key: tuple[str, str]) -> bool:
        """Remember `key`; whether it may have been taken before (False: certainly new).
        One pass for both: a long show asks it of every comment."""
        bits = self._bits
        maybe_seen = True
        for place in self._places(key):
            byte, bit = place >> 3, 1 << (place & 7)
            if not bits[byte] & bit:
                bits[byte] |= bit
                maybe_seen = False
        return maybe_seen


def sanitized(comment: Comment) -> Comment:
    """The comment with `clean_text` filled in (the original `text` is kept for the record)."""
    comment = storable_comment(comment)
    result = sanitize(comment.text)
    return comment.cleaned(result.text, result.truncated)


def storable_comment(comment: Comment) -> Comment:
    """The comment with any lone surrogate replaced, in every text the store keeps: the database
    must take exactly what the pipeline counted (JSON escapes can carry them from anywhere)."""
    author = comment.author
    if (
        comment.text.isascii()
        and author.name.isascii()
        and author.display_name.isascii()
        and comment.id.isascii()
        and author.id.isascii()
        and comment.channel.isascii()
        and comment.platform.isascii()
        and (comment.reply_to is None or comment.reply_to.isascii())
    ):
        return comment  # roles and attachments are stored as JSON, which escapes them
    author = dataclasses.replace(
        author,
        platform=storable(author.platform),
        id=storable(author.id),
        name=storable(author.name),
        display_name=storable(author.display_name),
    )
    return dataclasses.replace(
        comment,
        id=storable(comment.id),
        platform=storable(comment.platform),
        channel=storable(comment.channel),
        author=author,
        text=storable(comment.text),
        reply_to=storable(comment.reply_to) if comment.reply_to is not None else None,
    )


class Pipeline:
    def __init__(
        self,
        *,
        scorer: Scorer,
        on_ranked: OnRanked,
        seen: Iterable[tuple[str, str]] = (),
        stored: Callable[[tuple[str, str]], bool] | None = None,
        resumed: bool = False,
        kinds: CommentKinds | None = None,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        """`seen`: ids already stored (a resumed show's latest); `stored` asks the database
        whether it has a comment; `resumed`: the database had this show's comments before;
        `now`: the show's clock."""
        self.scorer = scorer
        self.kinds = kinds or CommentKinds()
        self._on_ranked = on_ranked
        self._now = now
        self._recent = RecentIds()
        self._seen = SeenKeys()
        for key in seen:
            self._recent.add(key)
            self._seen.add(key)
        self._stored = stored
        self._resumed = resumed
        #: Whether an `!ask <question>` arriving now is lifted as one (the chat commands decide:
        #: not during its author's `!ask` cooldown); None: every one is.
        self.lifts_ask: Callable[[Comment, datetime], bool] | None = None
        self.accepted = 0
        self.duplicates = 0

    def accept(self, comment: Comment, segment: int) -> bool:
        """Take one comment down the road (False if it was a duplicate delivery): `on_ranked` is
        given it once it has its score, after every comment accepted before it."""
        comment = storable_comment(comment)
        key = (comment.platform, comment.id)
        recent = self._recent
        if not recent.add(key):
            self.duplicates += 1
            return False
        maybe_seen = self._seen.add(key)
        # The database is asked only when it could know more than the window (checked here
        # first: a call less for every comment of a show that has not run that long).
        if (self._resumed or recent.forgot) and self._stored_before(key, maybe_seen):
            self.duplicates += 1
            return False
        result = sanitize(comment.text)  # `sanitized`, in place
        comment = comment.cleaned(result.text, result.truncated)
        classified = self.kinds.classify(comment)
        question = classified.question
        arrived = self._now()
        # An `!ask` the commands ignore (a cooldown) is a plain comment: scored without the lift.
        asked = question is not None and (
            self.lifts_ask is None or self.lifts_ask(comment, arrived)
        )
        if question is not None:
            # Shown, scored and searched as the question; the original keeps the `!ask`.
            comment = dataclasses.replace(comment, clean_text=question)
        kind = classified.kind
        self.accepted += 1
        if self.accepted % FREEZE_EVERY == 0:
            gc.freeze()
        on_ranked = self._on_ranked
        if kind not in UNSCORED_KINDS:
            self.scorer.submit(
                comment,
                asked,
                lambda score: on_ranked(RankedComment(comment, score, segment, kind), arrived),
            )
            return True
        score = UNSCORED
        if classified.blocked is not None:
            score = Score(
                0.0, 0.0, {f"{HELD_FLAG}: {classified.blocked}": 0.0}, frozenset({HELD_FLAG})
            )
        ranked = RankedComment(comment, score, segment, kind)
        if kind is CommentKind.COMMAND and COMMANDS.get(classified.command or "") is not None:
            # One of ours may change what the ranker knows (`!hand`, `!stage`, `!segment`):
            # the comments before it are scored first, and those after it see the change.
            self.scorer.catch_up()
            on_ranked(ranked, arrived)
        else:  # a bot's line, another bot's command: it only needs its place
            self.scorer.then(lambda: on_ranked(ranked, arrived))
        return True

    def _stored_before(self, key: tuple[str, str], maybe_seen: bool) -> bool:
        """Whether the database has a comment the window does not remember: asked only when it
        could (the show was resumed, or ran long enough for the window to forget), since a new
        comment then costs one lookup on the database's unique key (a few microseconds).

        `maybe_seen`: what `SeenKeys.add` said of it. Not by time: a platform may stamp a
        redelivery with the time it was sent again.
        """
        if self._stored is None or not (self._resumed or self._recent.forgot):
            return False
        if not self._resumed and not maybe_seen:
            return False  # never taken by this run, and the show had nothing stored before it
        return self._stored(key)
