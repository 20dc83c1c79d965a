"""What the console shows, kept bounded however fast chat runs.

The bridge folds every core event into one `ConsoleState`; widgets read it when they redraw.
Nothing here touches Textual, so the bounds (queue capped at `queue_size`, raw chat and stage
lines in fixed-size deques) are plain Python that tests can check directly.

What may enter the queue and in what order is the core's decision, not this module's: a line's
`RankedComment.kind` says whether it is a viewer's comment (commands, hosts', moderators' and
bots' lines go to raw chat only), and `stagehand.ranking.queue_order` orders the queue.
"""

from __future__ import annotations

import dataclasses
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from stagehand.domain import (
    Author,
    AuthorKey,
    Comment,
    HostAction,
    HostActionKind,
    QuotaUse,
    RankedComment,
    Segment,
    StageSession,
)
from stagehand.events import (
    AuthorForgotten,
    AuthorRemoved,
    AuthorRestored,
    CommandHandled,
    CommentDeleted,
    CommentEdited,
    CommentRanked,
    CommentRestored,
    ConnectionChanged,
    CoreEvent,
    HandsChanged,
    HostActionLogged,
    Notice,
    QuotaSpent,
    SegmentChanged,
    StageChanged,
)
from stagehand.ranking.queue_order import QueueRow, queue_key, queue_rows, with_hand_down

CommentKey = tuple[str, str]

#: Raw chat lines kept: far more than any screen shows, little memory.
RAW_CHAT_LINES = 500
#: What someone said while on stage, per person.
STAGE_LINES = 50
#: Keys of comments taken off the queue (answered, dismissed, deleted), remembered with why, so
#: a frozen queue drops them too and an undo can put them back.
REMOVED_KEYS = 5_000
#: Handled comments (answered, dismissed, brought on stage) listed for the hosts to restore.
HANDLED_KEPT = 500
#: The chat rate counts comments in this window of show time.
RATE_WINDOW_SECONDS = 60
#: Notices kept for the history (`i`).
NOTICES_KEPT = 100
#: Why the comments of someone who asked to be forgotten left (nothing of them is shown).
FORGOTTEN = "forgotten"
#: Why a ban or timeout took comments off the queue, in the console's words.
MODERATED_WORDS = {"ban": "banned", "timeout": "timed out"}
MODERATED = frozenset({"moderated", *MODERATED_WORDS.values()})
#: What a host action did to its comment, in the words the console uses.
HANDLED_WORDS = {
    HostActionKind.ANSWER: "answered",
    HostActionKind.DISMISS: "dismissed",
    HostActionKind.STAGE_START: "brought on stage",
}


def key_of(comment: Comment) -> CommentKey:
    return (comment.platform, comment.id)


@dataclass(slots=True)
class RawLine:
    comment: Comment
    deleted: bool = False


@dataclass(slots=True)
class ShownNotice:
    """A notice: `at` is show time (for the history), `posted` the monotonic clock (it expires)."""

    text: str
    level: str
    at: datetime | None = None
    posted: float = field(default_factory=time.monotonic)


@dataclass(slots=True)
class Handled:
    """A comment the hosts handled, for the handled list: `key` is the host action's key."""

    key: str
    kind: HostActionKind
    at: datetime
    comment: Comment
    undone: bool = False


#: Connection states after which a platform is not tried again (said as a notice).
STOPPED_STATES = frozenset({"failed", "finished"})


@dataclass(slots=True)
class ConsoleState:
    queue_size: int = 200
    raw_size: int = RAW_CHAT_LINES
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
    handled: OrderedDict[str, Handled] = field(default_factory=OrderedDict)
    raw: deque[RawLine] = field(default_factory=deque)
    segment: Segment | None = None
    stage: tuple[StageSession, ...] = ()
    stage_said: dict[AuthorKey, deque[Comment]] = field(default_factory=dict)
    hands: tuple[Author, ...] = ()
    connections: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: Each quota-limited platform's budget after its latest call (YouTube's daily units).
    quotas: dict[str, QuotaUse] = field(default_factory=dict)
    notices: deque[ShownNotice] = field(default_factory=lambda: deque(maxlen=NOTICES_KEPT))
    first_comment_at: datetime | None = None
    #: The newest comment's time: the show's "now" for the queue's order (a replay's too).
    latest_comment_at: datetime | None = None
    comments_seen: int = 0
    #: Show time, for the notice history (the app sets it to the show clock).
    clock: Callable[[], datetime] | None = None
    _rate: deque[list[int]] = field(default_factory=deque)  # [second, count], oldest first
    _raw_index: dict[CommentKey, RawLine] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.raw = deque(maxlen=self.raw_size)

    # -- folding events in ------------------------------------------------------------------

    def apply(self, event: CoreEvent) -> None:
        """Fold one core event into the state (cheap: this runs once per comment in a flood)."""
        if isinstance(event, CommentRanked):
            self.add_comment(event.ranked)
        elif isinstance(event, HostActionLogged):
            self.host_acted(event.action, event.comment)
        elif isinstance(event, CommentRestored):
            self.restore((event.platform, event.comment_id))
        elif isinstance(event, CommentDeleted):
            self.take_off((event.platform, event.comment_id), deleted=True)
        elif isinstance(event, CommentEdited):
            self._edited(event)
        elif isinstance(event, StageChanged):
            self.stage_changed(event.on_stage)
        elif isinstance(event, HandsChanged):
            self.hands_changed(event.hands)
        elif isinstance(event, AuthorRemoved):
            self.author_removed(event.author, MODERATED_WORDS.get(event.why, "moderated"))
        elif isinstance(event, AuthorRestored):
            self.author_restored(event.author)
        elif isinstance(event, AuthorForgotten):
            self.author_forgotten(event.author)
        elif isinstance(event, SegmentChanged):
            self.segment = event.segment
        elif isinstance(event, ConnectionChanged):
            self._connection_changed(event)
        elif isinstance(event, QuotaSpent):
            self.quotas[event.platform] = event.use
        elif isinstance(event, Notice):
            self.notify(event.text, event.level)
        elif isinstance(event, CommandHandled):
            level = event.outcome.split(":", 1)[0] if ":" in event.outcome else "info"
            self.notify(f"!{event.command}: {event.outcome}", level)

    def add_comment(self, ranked: RankedComment) -> None:
        comment = ranked.comment
        key = key_of(comment)
        self.comments_seen += 1
        if self.first_comment_at is None:
            self.first_comment_at = comment.ts
        if self.latest_comment_at is None or comment.ts > self.latest_comment_at:
            self.latest_comment_at = comment.ts
        self._count(comment.ts)
        line = RawLine(comment)
        if len(self.raw) == self.raw.maxlen:
            oldest = self.raw[0]
            self._raw_index.pop(key_of(oldest.comment), None)
        self.raw.append(line)
        self._raw_index[key] = line
        author = comment.author.key
        if author in self.stage_said:
            self.stage_said[author].append(comment)
        if key in self.removed or not ranked.kind.may_queue:
            return
        if "raised_hand" in ranked.score.flags and author not in self._hand_keys():
            ranked = with_hand_down(ranked, half_life=self.half_life_seconds)
        self.queue[key] = ranked
        if len(self.queue) > self.queue_size + max(10, self.queue_size // 4):
            self._prune()

    def _prune(self) -> None:
        """Keep the best `queue_size` comments (amortized: runs once per queue_size/4 adds)."""
        best = sorted(self.queue.values(), key=self._rank, reverse=True)[: self.queue_size]
        self.queue = {key_of(r.comment): r for r in best}

    def hands_changed(self, hands: tuple[Author, ...]) -> None:
        """A hand went down (lowered, or its owner is on stage now): their queued comments lose
        the raised-hand bonus and the `H` marker (`queue_order.with_hand_down`)."""
        self.hands = hands
        up = self._hand_keys()
        for key, ranked in list(self.queue.items()):
            if "raised_hand" in ranked.score.flags and ranked.comment.author.key not in up:
                self.queue[key] = with_hand_down(ranked, half_life=self.half_life_seconds)

    def _hand_keys(self) -> frozenset[AuthorKey]:
        return frozenset(author.key for author in self.hands)

    def author_removed(self, author: AuthorKey, why: str = "moderated") -> None:
        """Banned or timed out: none of their comments stays in the queue (a frozen one too)."""
        for key in [k for k, r in self.queue.items() if r.comment.author.key == author]:
            self.take_off(key, why=why)
        for line in self.raw:
            if line.comment.author.key == author:
                self._remember_removed(key_of(line.comment), why)

    def author_restored(self, author: AuthorKey) -> None:
        """Their ban or timeout was undone: what it took off the queue is back."""
        for key in [k for k, r in self.taken_off.items() if r.comment.author.key == author]:
            if self.removed.get(key) in MODERATED:
                self.restore(key)

    def author_forgotten(self, author: AuthorKey) -> None:
        """Asked to be forgotten: gone from the queue, raw chat, stage lines, hands and the
        handled list at once (and never given back by an undo)."""
        self.author_removed(author, FORGOTTEN)
        for key in [k for k, r in self.taken_off.items() if r.comment.author.key == author]:
            del self.taken_off[key]
        for action_key in [k for k, h in self.handled.items() if h.comment.author.key == author]:
            del self.handled[action_key]
        kept = [line for line in self.raw if line.comment.author.key != author]
        if len(kept) != len(self.raw):
            self.raw = deque(kept, maxlen=self.raw_size)
            self._raw_index = {key_of(line.comment): line for line in self.raw}
        self.stage_said.pop(author, None)
        self.hands = tuple(a for a in self.hands if a.key != author)

    def host_acted(self, action: HostAction, comment: Comment | None = None) -> None:
        if action.kind is HostActionKind.UNDO:
            undone = self.handled.get(action.undoes or "")
            if undone is not None and not action.outcome.startswith("failed"):
                undone.undone = True
            return
        if action.comment_id is None or action.platform is None:
            return
        key = (action.platform, action.comment_id)
        failed = action.outcome.startswith("failed")
        if action.kind in HANDLED_WORDS and not failed:
            comment = comment or self._known_comment(key)
            if comment is not None:
                self.handled[action.key] = Handled(action.key, action.kind, action.ts, comment)
                if len(self.handled) > HANDLED_KEPT:
                    self.handled.popitem(last=False)
        if action.kind in (HostActionKind.ANSWER, HostActionKind.DISMISS):
            self.take_off(key, why=HANDLED_WORDS[action.kind])
        elif action.kind == HostActionKind.MODERATE and not failed:
            deleted = action.text == "delete"
            self.take_off(key, deleted=deleted, why="deleted" if deleted else "moderated")

    def _known_comment(self, key: CommentKey) -> Comment | None:
        ranked = self.queue.get(key) or self.taken_off.get(key)
        if ranked is not None:
            return ranked.comment
        line = self._raw_index.get(key)
        return line.comment if line is not None else None

    def take_off(self, key: CommentKey, *, deleted: bool = False, why: str = "deleted") -> None:
        ranked = self.queue.pop(key, None)
        if ranked is not None:
            self.taken_off[key] = ranked
            if len(self.taken_off) > REMOVED_KEYS:
                self.taken_off.popitem(last=False)
        self._remember_removed(key, why)
        if deleted and key in self._raw_index:
            self._raw_index[key].deleted = True

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

    def _edited(self, event: CommentEdited) -> None:
        key = (event.platform, event.comment_id)
        ranked = self.queue.get(key)
        if ranked is not None:
            comment = dataclasses.replace(ranked.comment, clean_text=event.clean_text)
            self.queue[key] = dataclasses.replace(ranked, comment=comment)
        line = self._raw_index.get(key)
        if line is not None:
            line.comment = dataclasses.replace(line.comment, clean_text=event.clean_text)

    def stage_changed(self, on_stage: tuple[StageSession, ...]) -> None:
        self.stage = on_stage
        keys = {session.author.key for session in on_stage}
        for gone in set(self.stage_said) - keys:
            del self.stage_said[gone]
        for key in keys - set(self.stage_said):
            self.stage_said[key] = deque(maxlen=STAGE_LINES)

    def _connection_changed(self, event: ConnectionChanged) -> None:
        """The header shows each state; why a live platform stopped for good (a refused
        token, spent quota, a chat that ended) is also said once, in words, as a notice."""
        before = self.connections.get(event.platform)
        self.connections[event.platform] = (event.state, event.detail)
        if (
            event.state in STOPPED_STATES
            and event.detail
            and event.platform != "replay"
            and before != (event.state, event.detail)
        ):
            level = "error" if event.state == "failed" else "info"
            self.notify(f"{event.platform}: {event.state}: {event.detail}", level)

    def notify(self, text: str, level: str = "info", at: datetime | None = None) -> None:
        if at is None and self.clock is not None:
            at = self.clock()
        self.notices.append(ShownNotice(text, level, at))

    def handled_newest_first(self) -> list[Handled]:
        return list(reversed(self.handled.values()))

    # -- reading ----------------------------------------------------------------------------

    def ranked_queue(self) -> list[RankedComment]:
        """What each row of the queue shows, best first (`queue_rows`)."""
        return [row.ranked for row in self.queue_rows()]

    def queue_rows(self) -> list[QueueRow]:
        """The queue, best first, in the core's order (`stagehand.ranking.queue_order`): the live
        segment's comments and earlier questions still waiting, then earlier segments' comments;
        one question asked by several viewers is one row."""
        return queue_rows(
            self.queue.values(),
            live_segment=self._live_segment(),
            now=self._now(),
            half_life=self.half_life_seconds,
            asked_by_points=self.asked_by_points,
            pasted_points=self.pasted_points,
            limit=self.queue_size,
        )

    def _rank(self, ranked: RankedComment) -> tuple[bool, float, datetime]:
        return queue_key(
            ranked,
            live_segment=self._live_segment(),
            now=self._now(),
            half_life=self.half_life_seconds,
        )

    def _live_segment(self) -> int:
        return self.segment.position if self.segment else 0

    def _now(self) -> datetime:
        # Staleness only matters against newer comments, so the newest one's time is "now".
        return self.latest_comment_at or datetime.min.replace(tzinfo=UTC)

    @property
    def on_stage_keys(self) -> frozenset[AuthorKey]:
        return frozenset(session.author.key for session in self.stage)

    @property
    def notice(self) -> ShownNotice | None:
        return self.notices[-1] if self.notices else None

    def chat_rate(self, now: datetime) -> int:
        """Comments in the last minute of show time."""
        newest = int(now.timestamp())
        self._expire(newest)
        return sum(count for second, count in self._rate if second > newest - RATE_WINDOW_SECONDS)

    def _count(self, ts: datetime) -> None:
        second = int(ts.timestamp())
        if self._rate and self._rate[-1][0] == second:
            self._rate[-1][1] += 1
            return
        self._rate.append([second, 1])
        self._expire(second)

    def _expire(self, newest: int) -> None:
        # Bounded by the window: at most RATE_WINDOW_SECONDS buckets stay (plus out-of-order ones).
        while self._rate and self._rate[0][0] <= newest - RATE_WINDOW_SECONDS:
            self._rate.popleft()
        while len(self._rate) > RATE_WINDOW_SECONDS * 4:
            self._rate.popleft()
