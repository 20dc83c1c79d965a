"""The queue every screen shows: the show's events folded into what is waiting for the hosts.

The core publishes events; each screen folds them into its own queue with `ShowQueue`, so the
console (`console/state.py` builds on it), the show server's `/api/state` and a console
attached from another machine show the same comments in the same order. What may enter the
queue is the pipeline's decision (a line's `kind`); the order is `ranking.queue_order`'s, with
pinned comments (a producer's `f`) on top in the order they were pinned.

Bounded: at most `queue_size` rows are kept (the best ones; pinned ones always), about twice
`queue_size` comments, with the askers a trim cut from a big row beside them (`CUT_ASKERS` in
all: the row counts and acts for every asker), and the keys of comments taken off (answered,
dismissed, deleted, moderated) are remembered up to `REMOVED_KEYS`, so a redelivered or frozen
comment stays off and an undo can put it back.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypedDict

from stagehand.config import Settings
from stagehand.domain import (
    Author,
    AuthorKey,
    Comment,
    HostAction,
    HostActionKind,
    Pin,
    RankedComment,
    Score,
    Segment,
)
from stagehand.events import (
    AuthorForgotten,
    AuthorOptedOut,
    AuthorRemoved,
    AuthorRestored,
    CommentDeleted,
    CommentEdited,
    CommentPinned,
    CommentRanked,
    CommentRestored,
    CommentUnnamed,
    CommentUnpinned,
    CoreEvent,
    HandsChanged,
    HostActionLogged,
    SegmentChanged,
)
from stagehand.platform import only_recorded
from stagehand.ranking.queue_order import QueueRow, group_key, queue_rows, with_hand_down

CommentKey = tuple[str, str]

#: Keys of comments taken off the queue (answered, dismissed, deleted), remembered with why, so
#: a frozen queue drops them too and an undo can put them back.
REMOVED_KEYS = 5_000
#: Askers cut from rows at a trim kept beside the queue, in all (older ones are counted only):
#: a row asked by more viewers than `queue_size` keeps its count and answers them all.
CUT_ASKERS = 5_000
#: Why the comments of someone who asked to be forgotten left (nothing of them is shown).
FORGOTTEN = "forgotten"
#: Why the comments of someone who opted out left: from then on they are shown anonymized.
OPTED_OUT = "opted out"
#: Why comments left whose author no screen may show by name any more.
GONE_BY_NAME = frozenset({FORGOTTEN, OPTED_OUT})
#: Why a ban or timeout took comments off the queue, in the console's words.
MODERATED_WORDS = {"ban": "banned", "timeout": "timed out"}
MODERATED = frozenset({"moderated", *MODERATED_WORDS.values()})
#: What a host action did to its comment, in the words the screens use.
HANDLED_WORDS = {
    HostActionKind.ANSWER: "answered",
    HostActionKind.DISMISS: "dismissed",
    HostActionKind.STAGE_START: "brought on stage",
}


@dataclass(frozen=True, slots=True)
class QueueSettings:
    """How a show orders its queue, from its config: every screen folds the show's events
    with the show's own (an attached console too, whatever its machine's config says)."""

    #: `[console] queue_size`: the comments kept (the best ones).
    queue_size: int = 200
    #: `[ranking] half_life_seconds`: how scores decay in the queue.
    half_life_seconds: float = 600.0
    #: `[ranking.weights] asked_by` and `copypasta`: what a merged row gains per further
    #: asker, and what a wave of pastes loses.
    asked_by_points: float = 1.0
    pasted_points: float = -3.0

    @classmethod
    def of(cls, settings: Settings) -> QueueSettings:
        ranking = settings.ranking
        return cls(
            queue_size=settings.console.queue_size,
            half_life_seconds=ranking.half_life_seconds,
            asked_by_points=ranking.weights.asked_by,
            pasted_points=ranking.weights.copypasta,
        )

    def fields(self) -> QueueArgs:
        """As keyword arguments of `ShowQueue` (and the console's state built on it)."""
        return QueueArgs(
            queue_size=self.queue_size,
            half_life_seconds=self.half_life_seconds,
            asked_by_points=self.asked_by_points,
            pasted_points=self.pasted_points,
        )


class QueueArgs(TypedDict):
    queue_size: int
    half_life_seconds: float
    asked_by_points: float
    pasted_points: float


def without_author(chat: deque[RankedComment], author: AuthorKey) -> deque[RankedComment]:
    """`chat` without `author`'s lines: after an opt-out or a forget, no screen that attaches
    later may be given them (their `!optout` line itself was published under their name)."""
    return deque((r for r in chat if r.comment.author.key != author), maxlen=chat.maxlen)


def key_of(comment: Comment) -> CommentKey:
    return (comment.platform, comment.id)


def with_text(comment: Comment, event: CommentUnnamed) -> Comment:
    """`comment` as it reads once it stopped naming someone who left (`CommentUnnamed`)."""
    return dataclasses.replace(comment, text=event.clean_text, clean_text=event.clean_text)


def unnamed_in(chat: deque[RankedComment], event: CommentUnnamed) -> None:
    """`chat`'s line that `event` un-names reads as it does now (a screen given it later too)."""
    for index, ranked in enumerate(chat):
        if key_of(ranked.comment) == (event.platform, event.comment_id):
            chat[index] = dataclasses.replace(ranked, comment=with_text(ranked.comment, event))


def _showing(row: QueueRow, pinned: int) -> QueueRow:
    """The row showing its pinned comment (`askers[pinned]`, first among them): the pin is what
    every screen marks, and `f` on it takes it off. The rest of the row stays in it."""
    if pinned == 0:
        return row
    shown = row.askers[pinned]
    return QueueRow(shown, (shown, *row.askers[:pinned], *row.askers[pinned + 1 :]))


@dataclass(slots=True)
class ShowQueue:
    queue_size: int = 200
    #: The ranking's half-life (`[ranking] half_life_seconds`): how scores decay in the queue.
    half_life_seconds: float = 600.0
    #: What a merged row gains per further asker (`[ranking.weights] asked_by`), and what a
    #: wave of pastes loses (`copypasta`).
    asked_by_points: float = 1.0
    pasted_points: float = -3.0
    queue: dict[CommentKey, RankedComment] = field(default_factory=dict)
    #: Comments taken off the queue and why ("answered", "dismissed", "deleted", ...).
    removed: OrderedDict[CommentKey, str] = field(default_factory=OrderedDict)
    #: Those of them that were in the queue, so an undo puts them back where they were.
    taken_off: OrderedDict[CommentKey, RankedComment] = field(default_factory=OrderedDict)
    #: Pinned comments, oldest pin first: on top of the queue in this order.
    pins: OrderedDict[CommentKey, Pin] = field(default_factory=OrderedDict)
    #: Askers a trim cut from a big row (more than `queue_size` of them), by the row's key
    #: (`group_key`): still in their row for its count and for what acts on it (an answer
    #: answers them too), outside the queue's bound; `CUT_ASKERS` of them at most.
    cut: dict[CommentKey, dict[CommentKey, RankedComment]] = field(default_factory=dict)
    cut_count: int = 0
    segment: Segment | None = None
    hands: tuple[Author, ...] = ()
    #: The newest comment's time: the show's "now" for the queue's order (a replay's too).
    latest_comment_at: datetime | None = None
    #: The keys of `hands`, and the tuple they were taken from (`_hand_keys`).
    _hands_read: tuple[Author, ...] | None = field(default=None, init=False, repr=False)
    _hand_key_set: frozenset[AuthorKey] = field(default=frozenset(), init=False, repr=False)

    def apply(self, event: CoreEvent) -> None:
        """Fold one event into the queue (the events that change it; others are ignored)."""
        if isinstance(event, CommentRanked):
            self.add_comment(event.ranked)
        elif isinstance(event, HostActionLogged):
            self.host_acted(event.action)
        elif isinstance(event, CommentRestored):
            self.restore((event.platform, event.comment_id))
        elif isinstance(event, CommentDeleted):
            self.take_off((event.platform, event.comment_id), deleted=True)
        elif isinstance(event, CommentEdited):
            self.edited(event)
        elif isinstance(event, CommentUnnamed):
            self.unnamed(event)
        elif isinstance(event, HandsChanged):
            self.hands_changed(event.hands)
        elif isinstance(event, AuthorRemoved):
            self.author_removed(event.author, MODERATED_WORDS.get(event.why, "moderated"))
        elif isinstance(event, AuthorRestored):
            self.author_restored(event.author)
        elif isinstance(event, AuthorForgotten):
            self.author_forgotten(event.author)
        elif isinstance(event, AuthorOptedOut):
            self.author_forgotten(event.author, OPTED_OUT)
        elif isinstance(event, SegmentChanged):
            self.segment = event.segment
        elif isinstance(event, CommentPinned):
            self.pinned(event.pin)
        elif isinstance(event, CommentUnpinned):
            self.pins.pop((event.platform, event.comment_id), None)

    # -- folding events in ----------------------------------------------------------------------

    def add_comment(self, ranked: RankedComment) -> None:
        """A ranked comment arrived: into the queue if it may be there."""
        comment = ranked.comment
        if self.latest_comment_at is None or comment.ts > self.latest_comment_at:
            self.latest_comment_at = comment.ts
        key = key_of(comment)
        if key in self.removed or not ranked.kind.may_queue or not comment.shown_text:
            return  # nothing to take on air: a command, a host's line, or no text left to show
        if "raised_hand" in ranked.score.flags and comment.author.key not in self._hand_keys():
            ranked = with_hand_down(ranked, half_life=self.half_life_seconds)
        if self.cut:
            self._uncut(key)  # a cut asker's comment again (a pin, a resend): one copy, queued
        self.queue[key] = ranked
        if len(self.queue) > 2 * self.queue_size + max(10, self.queue_size // 4):
            self._prune()

    def _prune(self) -> None:
        """Keep the best `queue_size` rows, each whole (up to `queue_size` askers in the queue,
        the rest beside it in `cut`: the row still counts them, and an answer to it answers
        them), and the pinned comments: at most twice `queue_size` comments in all (amortized:
        runs once per queue_size/4 adds). A row is kept whole or not at all: keeping its best
        comments alone dropped a wave's sunk pastes and left its first askers, and the row read
        "pasted by 4" at first, "asked by 2" later (while the report said 4). Rows count against
        `queue_size`, not their comments: one question 260 viewers asked left no room for any
        other row when comments counted."""
        rows = queue_rows(
            self.queue.values(),
            live_segment=self._live_segment(),
            now=self._now(),
            half_life=self.half_life_seconds,
            asked_by_points=self.asked_by_points,
            pasted_points=self.pasted_points,
        )
        most = 2 * self.queue_size
        kept: dict[CommentKey, RankedComment] = {}
        kept_rows: set[CommentKey] = set()
        cut: list[tuple[CommentKey, tuple[RankedComment, ...]]] = []
        taken = 0
        for row in rows:
            askers = row.askers[: self.queue_size]  # one row never holds the whole budget
            if len(kept) + len(askers) > most:
                continue  # a smaller row further down may still fit
            kept.update((key_of(r.comment), r) for r in askers)
            row_key = group_key(row.ranked)
            kept_rows.add(row_key)
            if len(row.askers) > len(askers):
                cut.append((row_key, row.askers[len(askers) :]))
            taken += 1
            if taken >= self.queue_size or len(kept) >= most:
                break
        for key in self.pins:
            if key in self.queue:
                kept[key] = self.queue[key]
        self.queue = kept
        # A row gone from the queue takes its cut askers with it; a kept one keeps them all.
        for row_key in [k for k in self.cut if k not in kept_rows]:
            self.cut_count -= len(self.cut.pop(row_key))
        for row_key, askers in cut:
            beside = self.cut.setdefault(row_key, {})
            for ranked in askers:
                if self.cut_count >= CUT_ASKERS:
                    return
                if (key := key_of(ranked.comment)) not in beside:
                    beside[key] = ranked
                    self.cut_count += 1

    def hands_changed(self, hands: tuple[Author, ...]) -> None:
        """A hand went down (lowered, or its owner is on stage now): their queued comments lose
        the raised-hand bonus and the `H` marker (`queue_order.with_hand_down`)."""
        self.hands = hands
        up = self._hand_keys()
        for key, ranked in list(self.queue.items()):
            if "raised_hand" in ranked.score.flags and ranked.comment.author.key not in up:
                self.queue[key] = with_hand_down(ranked, half_life=self.half_life_seconds)

    def _hand_keys(self) -> frozenset[AuthorKey]:
        # Made again only when `hands` is another tuple: a show with a thousand hands up
        # folded its resumed queue in 1.6 s making this set for each raised-hand comment.
        if self._hands_read is not self.hands:
            self._hand_key_set = frozenset(author.key for author in self.hands)
            self._hands_read = self.hands
        return self._hand_key_set

    def host_acted(self, action: HostAction) -> None:
        """An answer or a dismissal takes its comment off; a moderation that worked too."""
        if action.comment_id is None or action.platform is None:
            return
        key = (action.platform, action.comment_id)
        failed = action.outcome.startswith("failed")
        if action.kind in (HostActionKind.ANSWER, HostActionKind.DISMISS):
            self.take_off(key, why=HANDLED_WORDS[action.kind])
        elif action.kind == HostActionKind.MODERATE and not failed:
            # A deletion only recorded (no connection) deleted nothing: an undo gives it back.
            deleted = action.text == "delete" and not only_recorded(action.outcome)
            self.take_off(key, deleted=deleted, why="deleted" if deleted else "moderated")

    def author_removed(self, author: AuthorKey, why: str = "moderated") -> None:
        """Banned or timed out: none of their comments stays in the queue (a frozen one too)."""
        for key in [k for k, r in self.queue.items() if r.comment.author.key == author]:
            self.take_off(key, why=why)
        for beside in list(self.cut.values()):
            for key in [k for k, r in beside.items() if r.comment.author.key == author]:
                self.take_off(key, why=why)

    def author_restored(self, author: AuthorKey) -> None:
        """Their ban or timeout was undone: what it took off the queue is back."""
        for key in [k for k, r in self.taken_off.items() if r.comment.author.key == author]:
            if self.removed.get(key) in MODERATED:
                self.restore(key)

    def author_forgotten(self, author: AuthorKey, why: str = FORGOTTEN) -> None:
        """Asked to be forgotten, or opted out (`why`): gone from the queue and the hands at once
        (and never given back by an undo)."""
        self.author_removed(author, why)
        for key in [k for k, r in self.taken_off.items() if r.comment.author.key == author]:
            del self.taken_off[key]
        self.hands = tuple(a for a in self.hands if a.key != author)

    def take_off(self, key: CommentKey, *, deleted: bool = False, why: str = "deleted") -> None:
        ranked = self.queue.pop(key, None)
        if ranked is None and self.cut:
            ranked = self._uncut(key)
        self.pins.pop(key, None)
        if ranked is not None:
            self.taken_off[key] = ranked
            if len(self.taken_off) > REMOVED_KEYS:
                self.taken_off.popitem(last=False)
        self._remember_removed(key, why)

    def _uncut(self, key: CommentKey) -> RankedComment | None:
        """A cut asker's comment out of its row's cut askers (None: not one of them)."""
        for row_key, beside in self.cut.items():
            ranked = beside.pop(key, None)
            if ranked is not None:
                self.cut_count -= 1
                if not beside:
                    del self.cut[row_key]
                return ranked
        return None

    def _remember_removed(self, key: CommentKey, why: str) -> None:
        self.removed[key] = why
        if len(self.removed) > REMOVED_KEYS:
            self.removed.popitem(last=False)

    def restore(self, key: CommentKey) -> None:
        """An undo gave the comment back: into the queue again if it was there before (a deleted
        message stays out: an undo cannot bring it back)."""
        if self.removed.get(key) == "deleted":
            return
        self.removed.pop(key, None)
        ranked = self.taken_off.pop(key, None)
        if ranked is not None:
            self.queue[key] = ranked

    def edited(self, event: CommentEdited) -> None:
        key = (event.platform, event.comment_id)
        ranked = self.queue.get(key)
        if ranked is not None:
            comment = dataclasses.replace(ranked.comment, clean_text=event.clean_text)
            self.queue[key] = dataclasses.replace(ranked, comment=comment)

    def unnamed(self, event: CommentUnnamed) -> None:
        key = (event.platform, event.comment_id)
        for rows in (self.queue, self.taken_off):
            ranked = rows.get(key)
            if ranked is not None:
                rows[key] = dataclasses.replace(ranked, comment=with_text(ranked.comment, event))

    def pinned(self, pin: Pin) -> None:
        """On top of the queue until answered, dismissed or unpinned (a comment this screen
        does not hold, pruned or from before it attached, is put in with no score)."""
        key = key_of(pin.comment)
        if key in self.removed:
            return
        if key not in self.queue:
            cut = self._uncut(key) if self.cut else None  # a cut asker keeps its score
            live = self.segment.position if self.segment else 0
            self.queue[key] = cut or RankedComment(pin.comment, Score(0.0, 0.0), segment=live)
        self.pins[key] = pin

    # -- reading ----------------------------------------------------------------------------

    def ranked_queue(self) -> list[RankedComment]:
        """What each row of the queue shows, best first (`queue_rows`)."""
        return [row.ranked for row in self.queue_rows()]

    def queue_rows(self) -> list[QueueRow]:
        """The queue, best first: the pinned rows (oldest pin first), then the core's order
        (`stagehand.ranking.queue_order`): the live segment's comments and earlier questions
        still waiting, then earlier segments' comments; one question asked by several viewers
        is one row, pinned or not (acting on a pinned row acts for every asker)."""
        rows = queue_rows(
            self.queue.values(),
            live_segment=self._live_segment(),
            now=self._now(),
            half_life=self.half_life_seconds,
            asked_by_points=self.asked_by_points,
            pasted_points=self.pasted_points,
            limit=None if self.pins else self.queue_size,
        )
        if self.cut:
            rows = [self._whole(row) for row in rows]
        if not self.pins:
            return rows
        pin_keys = list(self.pins)
        pin_order = {key: n for n, key in enumerate(pin_keys)}
        pinned: list[tuple[int, QueueRow]] = []
        rest: list[QueueRow] = []
        for row in rows:
            keys = [key_of(r.comment) for r in row.askers]
            first_pin = min((pin_order[key] for key in keys if key in pin_order), default=None)
            if first_pin is None:
                rest.append(row)
            else:
                pinned.append((first_pin, _showing(row, keys.index(pin_keys[first_pin]))))
        pinned.sort(key=lambda placed: placed[0])
        return [row for _, row in pinned] + rest[: max(0, self.queue_size - len(pinned))]

    def _whole(self, row: QueueRow) -> QueueRow:
        """The row with the askers a trim cut from it (`cut`), after those kept."""
        beside = self.cut.get(group_key(row.ranked))
        if not beside or len(row.askers) < 2:
            return row
        return QueueRow(row.ranked, (*row.askers, *beside.values()))

    def others_in_row(self, comment: Comment) -> list[Comment]:
        """The other askers' comments of the queue row `comment` is in (one question several
        viewers asked); none for a row of one or a comment not in the queue."""
        key = key_of(comment)
        if key not in self.queue:
            return []
        for row in self.queue_rows():
            if any(key_of(r.comment) == key for r in row.askers):
                return [r.comment for r in row.askers if key_of(r.comment) != key]
        return []

    def _live_segment(self) -> int:
        return self.segment.position if self.segment else 0

    def _now(self) -> datetime:
        # Staleness only matters against newer comments, so the newest one's time is "now".
        return self.latest_comment_at or datetime.min.replace(tzinfo=UTC)
