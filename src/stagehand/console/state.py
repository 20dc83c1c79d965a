"""What the console shows, kept bounded however fast chat runs.

The bridge folds every core event into one `ConsoleState`; widgets read it when they redraw.
Nothing here touches Textual, so the bounds (queue capped at `queue_size`, raw chat and stage
lines in fixed-size deques) are plain Python that tests can check directly.

The queue itself is `stagehand.show.queue.ShowQueue`, the fold every screen shares (the show
server's too): what may enter it is the pipeline's decision (a line's `RankedComment.kind`),
its order `stagehand.ranking.queue_order`'s, pins on top. This adds what only the console
shows: raw chat, what guests say on stage, the handled list, notices, connections, the chat
rate and what is on stream.
"""

from __future__ import annotations

import dataclasses
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from stagehand.commands import COMMANDS, TOPIC_SET
from stagehand.console.names import HOST_MARK, MODERATOR_MARK, StaffNames
from stagehand.domain import (
    FORGOTTEN_NAME,
    OPTED_OUT_NAME,
    Author,
    AuthorKey,
    Comment,
    CommentKind,
    Featured,
    HostAction,
    HostActionKind,
    QuotaUse,
    RankedComment,
    StageSession,
)
from stagehand.events import (
    CommandHandled,
    CommentEdited,
    CommentRanked,
    CommentUnnamed,
    ConnectionChanged,
    CoreEvent,
    FeatureEnded,
    FeatureStarted,
    HostActionLogged,
    Notice,
    QuotaSpent,
    StageChanged,
)
from stagehand.naming import Naming, Namings, shifted, unnamed
from stagehand.platform import retry_of
from stagehand.show.history import STEERING_KINDS
from stagehand.show.queue import (
    FORGOTTEN,
    GONE_BY_NAME,
    HANDLED_WORDS,
    MODERATED,
    MODERATED_WORDS,
    OPTED_OUT,
    REMOVED_KEYS,
    CommentKey,
    ShowQueue,
    key_of,
    with_text,
)

__all__ = [
    "FORGOTTEN",
    "GONE_BY_NAME",
    "HANDLED_WORDS",
    "MODERATED",
    "MODERATED_WORDS",
    "OPTED_OUT",
    "REMOVED_KEYS",
    "WHY_LEFT",
    "CommentKey",
    "ConsoleState",
    "Handled",
    "RawLine",
    "ShownNotice",
    "key_of",
]

#: How firmly a notice holds the notices line for its time (widgets/notices.py `on_the_line`):
#: what this console's own keys did, and the show's own word (storage, a platform that
#: stopped), hold it against everything else; another console's action, what the show did by
#: itself (a featured comment's time ran out: `Notice.automatic`) or a moderator's chat
#: command gives way to those; a viewer's chat command (a busy chat answers several a second:
#: `!hand`, `!ask`) shows only while nothing else does, and is kept in the history (`i`).
HOLDS_OWN = 2
HOLDS_OTHERS = 1
HOLDS_CHAT = 0
#: The chat commands that steer the show (moderators only): a moderator's is one of the hosts'.
#: (`!topic` too when it set the topic: `TOPIC_SET`; a viewer's only tells it.)
STEERING_COMMANDS = COMMANDS.moderator_commands

#: Why a viewer's dialogs closed, in the notices' words (no name: they are gone by name).
WHY_LEFT = {FORGOTTEN: "they asked to be forgotten", OPTED_OUT: "they opted out"}

#: Raw chat lines kept: far more than any screen shows, little memory.
RAW_CHAT_LINES = 500
#: What someone said while on stage, per person.
STAGE_LINES = 50
#: Entries of the handled list (`l`: comments answered, dismissed, brought on stage; segment and
#: topic changes) kept for the hosts to take back.
HANDLED_KEPT = 500
#: The chat rate counts comments in this window of show time.
RATE_WINDOW_SECONDS = 60
#: Notices kept for the history (`i`).
NOTICES_KEPT = 100
#: Another console's notices of these levels are its own business ("Nothing to undo").
QUIET_FOR_OTHERS = frozenset({"refused", "ignored"})


@dataclass(slots=True)
class RawLine:
    comment: Comment
    deleted: bool = False
    #: Held back from the queue (a blocked term, `CommentKind.HELD`): raw chat marks it.
    held: bool = False
    #: The same command line again from the same viewer, right after it (`!help` ×9): the
    #: keys of those folded into this line, which raw chat shows once, with a count.
    again: list[CommentKey] = field(default_factory=list)

    @property
    def keys(self) -> list[CommentKey]:
        """Every comment this line stands for, its own first."""
        return [key_of(self.comment), *self.again]

    def repeated_by(self, comment: Comment, kind: CommentKind) -> bool:
        """Whether `comment` is this line said again: a command, from the same viewer, in the
        same words, with nothing between them in raw chat (commands never queue, so nothing
        but this line stands for it)."""
        mine = self.comment
        return (
            kind is CommentKind.COMMAND
            and not self.deleted
            and mine.author.key == comment.author.key
            and mine.shown_text == comment.shown_text
        )


@dataclass(slots=True)
class ShownNotice:
    """A notice: `at` is show time (for the history), `posted` the monotonic clock (it expires),
    `run` which run of the show it came from (an attached console's show may restart with
    another clock: the history keeps each run's notices apart), `holds` how firmly it holds
    the notices line (`HOLDS_OWN`, `HOLDS_OTHERS`, `HOLDS_CHAT`)."""

    text: str
    level: str
    at: datetime | None = None
    posted: float = field(default_factory=time.monotonic)
    run: int = 0
    holds: int = HOLDS_OWN
    #: Off the line before its time (a viewer it may name asked to be forgotten since).
    ended: bool = False
    #: Whom `text` names, and where (`stagehand.naming`): said anonymous when they leave.
    names: Namings = ()
    #: The platform whose connection it is about ("": not one): off the line once it is back.
    connection: str = ""


@dataclass(slots=True)
class Handled:
    """What the handled list (`l`) offers to take back: a comment the hosts handled, or a change
    of segment or topic (`comment` None; `title` the segment's title, `actor` who made it: a
    moderator's chat command, another console). `key` is the host action's key."""

    key: str
    kind: HostActionKind
    at: datetime
    comment: Comment | None
    undone: bool = False
    title: str = ""
    actor: str = ""


#: Connection states after which a platform is not tried again (said as a notice).
STOPPED_STATES = frozenset({"failed", "finished"})
#: Connection states the notices line keeps saying while nothing else is on it, until the
#: platform is connected again (which the line says then).
TROUBLED_STATES = frozenset({"reconnecting", "limited", "failed", "disconnected"})


@dataclass(slots=True)
class ConsoleState(ShowQueue):
    raw_size: int = RAW_CHAT_LINES
    handled: OrderedDict[str, Handled] = field(default_factory=OrderedDict)
    raw: deque[RawLine] = field(default_factory=deque)
    #: The show's own people met in chat: marked on every screen, their names not a viewer's.
    staff: StaffNames = field(default_factory=StaffNames)
    stage: tuple[StageSession, ...] = ()
    stage_said: dict[AuthorKey, deque[Comment]] = field(default_factory=dict)
    #: The guests this console heard come on stage (a `StageChanged` as it happened, not a
    #: snapshot's), or on stage already when it began hearing the show (`hearing_from_now`):
    #: every line of theirs it hears since arrived after the start, whatever the platform's
    #: clock dated it (`_said_on_stage`).
    seen_coming_on: set[AuthorKey] = field(default_factory=set)
    connections: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: When each reconnecting platform tries next (`time.monotonic`), as its state said.
    retry_at: dict[str, float] = field(default_factory=dict)
    #: Why each platform is reconnecting, as its notice said it: the next retry for the same
    #: reason is not said again (a restart's snapshot neither); connected again, it is said.
    reconnecting_why: dict[str, str] = field(default_factory=dict)
    #: Each platform's last state other than `unknown` (shown while an attached console's show
    #: is away): what its next state is news against, so the state the show sends again when
    #: it is back is not said again.
    last_known: dict[str, tuple[str, str]] = field(default_factory=dict)
    #: Each quota-limited platform's budget after its latest call (YouTube's daily units).
    quotas: dict[str, QuotaUse] = field(default_factory=dict)
    notices: deque[ShownNotice] = field(default_factory=lambda: deque(maxlen=NOTICES_KEPT))
    #: The comment on stream (the overlay shows it), None when none is.
    featured: Featured | None = None
    first_comment_at: datetime | None = None
    comments_seen: int = 0
    #: Comments the queue took in so far (a frozen queue's header counts those since it froze).
    queued: int = 0
    #: Show time, for the notice history (the app sets it to the show clock).
    clock: Callable[[], datetime] | None = None
    #: This console's name on the show server (`THIS_CONSOLE`, "host", in the show's own
    #: process: `stagehand.show.this_console`). Notices of its
    #: own actions read as they are; another console's are prefixed with its name, and its
    #: refusals ("Nothing to undo") stay on that console.
    me: str = ""
    #: Restarts of the show this console has seen (its notices are stamped with it).
    run: int = 0
    #: How many times a viewer asked to be forgotten or opted out so far: a dialog about a
    #: viewer notes it when it opens, and lets go of whoever left after (`left_since`).
    farewells: int = 0
    #: Who left that way, oldest first: the `farewells` count they left at, and why.
    left: OrderedDict[AuthorKey, tuple[int, str]] = field(default_factory=OrderedDict)
    _rate: deque[list[int]] = field(default_factory=deque)  # [second, count], oldest first
    _raw_index: dict[CommentKey, RawLine] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.raw = deque(maxlen=self.raw_size)

    # -- folding events in ------------------------------------------------------------------

    def apply(self, event: CoreEvent) -> None:
        """Fold one core event into the state (cheap: this runs once per comment in a flood)."""
        if isinstance(event, CommentRanked):  # first: nearly every event is one
            self.add_comment(event.ranked)
        elif isinstance(event, HostActionLogged):
            self.host_acted(event.action, event.comment)
        elif isinstance(event, StageChanged):
            before = {session.author.key for session in self.stage}
            self.stage_changed(event.on_stage)
            self.seen_coming_on.update(set(self.stage_said) - before)
        elif isinstance(event, ConnectionChanged):
            self._connection_changed(event)
        elif isinstance(event, QuotaSpent):
            self.quotas[event.platform] = event.use
        elif isinstance(event, Notice):
            self._notice(event)
        elif isinstance(event, CommandHandled):
            level = event.outcome.split(":", 1)[0] if ":" in event.outcome else "info"
            steers = event.command in STEERING_COMMANDS or event.outcome.startswith(TOPIC_SET)
            steered = steers and level != "refused"
            holds = HOLDS_OTHERS if steered else HOLDS_CHAT
            said = f"!{event.command}: "
            names = shifted(event.names, len(said))
            self.notify(said + event.outcome, level, holds=holds, names=names)
        elif isinstance(event, FeatureStarted):
            self.featured = event.featured
        elif isinstance(event, FeatureEnded):
            if self.featured is not None and self.featured.key == event.featured.key:
                self.featured = None
        else:
            ShowQueue.apply(self, event)

    def start_again(
        self,
        events: Iterable[CoreEvent],
        why: str,
        *,
        restarted: bool = False,
        another_show: bool = False,
    ) -> set[CommentKey]:
        """The show as it is now, from a fresh snapshot (an attached console whose show
        restarted, or that missed too much): the queue, pins, what is on stream, the stage,
        hands, segment and connections are rebuilt from `events` alone, so every key decides
        from what the show has. Raw chat, the handled list and the notices stay (a line seen
        before is not added twice). Queued comments the show no longer has are taken off with
        `why` (a frozen queue and the selection drop them too); their keys are returned.
        After a restart (`restarted`) notices start a new run: the show's clock may read
        earlier than before it (another show on the same address, a replay from its start).
        For `another_show` (another show served on the address) nothing of the show before
        stays but the notices: its chat, handled list, counts and clock start again too."""
        if restarted:
            self.run += 1
        if another_show:
            self._forget_the_show_before()
        before = dict(self.queue)
        self.queue = {}
        self.cut = {}
        self.cut_count = 0
        self.pins = OrderedDict()
        self.featured = None
        self.segment = None
        self.hands = ()
        self.stage_changed(())  # drops the old guests' chat lines too
        self.seen_coming_on.clear()  # a snapshot's stage: its lines are judged by their time
        self.connections = {}
        self.retry_at = {}
        self.quotas = {}
        self.latest_comment_at = None
        for event in events:
            if isinstance(event, StageChanged):
                self.stage_changed(event.on_stage)  # not heard coming on: learned here
                continue
            if not isinstance(event, CommentRanked):
                self.apply(event)
                continue
            key = key_of(event.ranked.comment)
            if event.ranked.kind.may_queue:  # in the show's queue: whatever this console knew
                self.removed.pop(key, None)
                self.taken_off.pop(key, None)
            if key in self._raw_index:
                ShowQueue.add_comment(self, event.ranked)  # seen already: queued, not counted
                self._said_on_stage(self._raw_index[key].comment)  # a guest's, as before
            else:
                self.add_comment(event.ranked)
        self.hearing_from_now()
        gone = set(before) - set(self.queue)
        for key in gone:
            self.taken_off[key] = before[key]
            self._remember_removed(key, why)
        while len(self.taken_off) > REMOVED_KEYS:
            self.taken_off.popitem(last=False)
        return gone

    def _forget_the_show_before(self) -> None:
        """Another show on the address: chat, the handled list, what was taken off, the counts
        and the first comment's time (the on-air clock's start) belonged to the one before."""
        self.raw.clear()
        self._raw_index.clear()
        self.stage_said.clear()
        self.last_known.clear()
        self.handled.clear()
        self.removed.clear()
        self.taken_off.clear()
        self._rate.clear()
        self.comments_seen = 0
        self.first_comment_at = None

    def add_comment(self, ranked: RankedComment) -> None:
        comment = ranked.comment
        key = key_of(comment)
        self.comments_seen += 1
        if self.first_comment_at is None:
            self.first_comment_at = comment.ts
        self._count(comment.ts)
        if not comment.shown_text:  # nothing left to read (or its author opted out): counted only
            ShowQueue.add_comment(self, ranked)
            return
        kind = ranked.kind
        if kind is CommentKind.HOST or kind is CommentKind.MODERATOR:
            self.staff.met(
                comment.author, HOST_MARK if kind is CommentKind.HOST else MODERATOR_MARK
            )
        last = self.raw[-1] if self.raw else None
        if last is not None and last.repeated_by(comment, kind):
            last.again.append(key)  # a viewer repeating a command: one line, counted
            line = last
        else:
            line = RawLine(comment, held=kind is CommentKind.HELD)
            if len(self.raw) == self.raw.maxlen:
                for gone in self.raw[0].keys:
                    self._raw_index.pop(gone, None)
            self.raw.append(line)
        self._raw_index[key] = line
        self._said_on_stage(comment)
        queued_before = key in self.queue
        ShowQueue.add_comment(self, ranked)
        if not queued_before and key in self.queue:
            self.queued += 1

    def author_removed(self, author: AuthorKey, why: str = "moderated") -> None:
        """Banned or timed out: none of their comments stays in the queue (a frozen one too)."""
        ShowQueue.author_removed(self, author, why)
        for line in self.raw:
            if line.comment.author.key == author:
                self._remember_removed(key_of(line.comment), why)

    def author_forgotten(self, author: AuthorKey, why: str = FORGOTTEN) -> None:
        """Asked to be forgotten, or opted out (`why`): gone from the queue, raw chat, stage
        lines, hands and the handled list at once (and never given back by an undo). A segment
        or topic change they made as a chat moderator stays listed, by no one; the notices so
        far (`i`) say them as anonymous (`_unname_notices`)."""
        self._unname_actor(self._known_authors().get(author, set()))
        self._unname_notices(author, why)
        for key, ranked in self.taken_off.items():  # answered before: still never by name
            if ranked.comment.author.key == author:
                self._remember_removed(key, why)
        ShowQueue.author_forgotten(self, author, why)
        for notice in self.notices:  # what the line shows may name them: it ends now
            notice.ended = True
        self.farewells += 1
        self.left[author] = (self.farewells, why)
        self.left.move_to_end(author)
        if len(self.left) > REMOVED_KEYS:
            self.left.popitem(last=False)
        for action_key in [
            k for k, h in self.handled.items() if h.comment and h.comment.author.key == author
        ]:
            del self.handled[action_key]
        kept = [line for line in self.raw if line.comment.author.key != author]
        if len(kept) != len(self.raw):
            self.raw = deque(kept, maxlen=self.raw_size)
            self._raw_index = {key: line for line in self.raw for key in line.keys}
        self.stage_said.pop(author, None)
        if self.featured is not None and self.featured.comment.author.key == author:
            self.featured = None

    def _known_authors(self) -> dict[AuthorKey, set[Author]]:
        """Who this console knows by name, as each was named (a name may change mid-show), from
        what they said: raw chat, the queue, what was taken off it, the handled list, stage lines.
        A viewer who leaves is named from there (their `!optout` or `!forget confirm` line is
        there, just before it: the event names them by key only)."""
        said: list[Comment] = [line.comment for line in self.raw]
        said += [r.comment for r in self.queue.values()]
        said += [r.comment for r in self.taken_off.values()]
        said += [h.comment for h in self.handled.values() if h.comment is not None]
        for lines in self.stage_said.values():
            said += lines
        known: dict[AuthorKey, set[Author]] = {}
        for comment in said:
            if not comment.author.anonymous:
                known.setdefault(comment.author.key, set()).add(comment.author)
        for author in (*self.hands, *(session.author for session in self.stage)):
            if not author.anonymous:
                known.setdefault(author.key, set()).add(author)
        return known

    def _unname_actor(self, leaving: Iterable[Author]) -> None:
        # A moderator's `!segment` is logged as `platform:username` (commands/router.py
        # `actor_of`).
        actors = {f"{a.platform}:{a.name}" for a in leaving if a.name}
        for entry in self.handled.values():
            if entry.actor in actors:
                entry.actor = ""

    def _unname_notices(self, author: AuthorKey, why: str) -> None:
        """The notices so far name `author` no more: exactly where each was made naming them
        (`ShownNotice.names`), they read as every screen says them now (`OPTED_OUT_NAME`,
        `FORGOTTEN_NAME`). Nothing else of any notice changes."""
        anonymous = OPTED_OUT_NAME if why == OPTED_OUT else FORGOTTEN_NAME
        for notice in self.notices:
            if any(name.author == author for name in notice.names):
                notice.text, notice.names = unnamed(notice.text, notice.names, author, anonymous)

    def left_since(self, mark: int) -> dict[AuthorKey, str]:
        """Who asked to be forgotten or opted out after `mark` (a `farewells` count), and why:
        a dialog opened at `mark` about one of them must not act on them any more."""
        since: dict[AuthorKey, str] = {}
        for author in reversed(self.left):
            count, why = self.left[author]
            if count <= mark:
                break
            since[author] = why
        return since

    def gone_by_name(self, key: CommentKey, why: str) -> None:
        """A comment of someone who asked to be forgotten or opted out (`why`) that the queue
        did not hold (picked from search): no screen shows it, nor acts on it, any more."""
        self._remember_removed(key, why)

    def _remember_removed(self, key: CommentKey, why: str) -> None:
        # A forgotten or opted-out viewer's comment stays theirs: what happens to it later
        # (another console bans on it) must not put their name and text back on screen.
        if self.removed.get(key) not in GONE_BY_NAME:
            ShowQueue._remember_removed(self, key, why)

    def restore(self, key: CommentKey) -> None:
        if self.removed.get(key) not in GONE_BY_NAME:  # never given back (nor shown again)
            ShowQueue.restore(self, key)

    def host_acted(self, action: HostAction, comment: Comment | None = None) -> None:
        if action.kind is HostActionKind.UNDO:
            undone = self.handled.get(action.undoes or "")
            if undone is not None and not action.outcome.startswith("failed"):
                undone.undone = True
            return
        failed = action.outcome.startswith("failed")
        if action.kind in STEERING_KINDS:
            if not failed:
                self._list_handled(
                    Handled(
                        action.key,
                        action.kind,
                        action.ts,
                        None,
                        title=action.text,
                        actor=action.actor,
                    )
                )
            return
        if action.comment_id is None or action.platform is None:
            return
        key = (action.platform, action.comment_id)
        if action.kind in HANDLED_WORDS and not failed:
            comment = comment or self._known_comment(key)
            if comment is not None:
                self._list_handled(
                    Handled(action.key, action.kind, action.ts, comment, actor=action.actor)
                )
        ShowQueue.host_acted(self, action)
        others = action.actor not in ("", self.me) and action.kind in (
            HostActionKind.ANSWER,
            HostActionKind.DISMISS,
        )
        if others and self.removed.get(key) not in GONE_BY_NAME:
            # Shown when the host had it selected: another console took it (docs/console.md).
            self.removed[key] = f"{HANDLED_WORDS[action.kind]} by {action.actor}"

    def _list_handled(self, entry: Handled) -> None:
        self.handled[entry.key] = entry
        if len(self.handled) > HANDLED_KEPT:
            self.handled.popitem(last=False)

    def _known_comment(self, key: CommentKey) -> Comment | None:
        ranked = self.queue.get(key) or self.taken_off.get(key)
        if ranked is not None:
            return ranked.comment
        line = self._raw_index.get(key)
        return line.comment if line is not None else None

    def take_off(self, key: CommentKey, *, deleted: bool = False, why: str = "deleted") -> None:
        ShowQueue.take_off(self, key, deleted=deleted, why=why)
        line = self._raw_index.get(key) if deleted else None
        if line is not None and line.again:  # one of a repeated command's: one fewer
            if key == key_of(line.comment):  # the line stands for the next of them now
                line.comment = dataclasses.replace(line.comment, id=line.again.pop(0)[1])
            else:
                line.again.remove(key)
            self._raw_index.pop(key, None)
        elif line is not None:
            line.deleted = True

    def edited(self, event: CommentEdited) -> None:
        ShowQueue.edited(self, event)
        key = (event.platform, event.comment_id)
        line = self._raw_index.get(key)
        if line is not None:
            line.comment = dataclasses.replace(line.comment, clean_text=event.clean_text)

    def unnamed(self, event: CommentUnnamed) -> None:
        """A line stopped naming someone who left (a moderator's `!stage @ana`): raw chat, the
        stage's lines, the handled list and the queue read it as the database stores it."""
        ShowQueue.unnamed(self, event)
        key = (event.platform, event.comment_id)
        line = self._raw_index.get(key)
        if line is not None:
            line.comment = with_text(line.comment, event)
        for lines in self.stage_said.values():
            for index, comment in enumerate(lines):
                if key_of(comment) == key:
                    lines[index] = with_text(comment, event)
        for entry in self.handled.values():
            if entry.comment is not None and key_of(entry.comment) == key:
                entry.comment = with_text(entry.comment, event)

    def hearing_from_now(self) -> None:
        """The show's snapshot is folded in: what this console hears from now on arrived after
        every appearance on stage now began."""
        self.seen_coming_on = set(self.stage_said)

    def _said_on_stage(self, comment: Comment) -> None:
        """A guest's line goes under their name on stage when they said it since they came on:
        by arrival when this console heard it after their appearance began (a live comment's
        time is its platform's clock, which may run behind the show's), else (a line in the
        show's snapshot: an attached console's first chat lines, a resumed show's queue) when
        dated at or after the appearance began, so no screen shows what they said before."""
        author = comment.author.key
        lines = self.stage_said.get(author)
        if lines is None:
            return
        if author in self.seen_coming_on:
            lines.append(comment)
            return
        since = next((s.started_at for s in self.stage if s.author.key == author), None)
        if since is not None and comment.ts >= since:
            lines.append(comment)

    def stage_changed(self, on_stage: tuple[StageSession, ...]) -> None:
        self.stage = on_stage
        keys = {session.author.key for session in on_stage}
        for gone in set(self.stage_said) - keys:
            del self.stage_said[gone]
        self.seen_coming_on &= keys
        for key in keys - set(self.stage_said):
            self.stage_said[key] = deque(maxlen=STAGE_LINES)

    def _notice(self, event: Notice) -> None:
        if event.elsewhere and event.actor == self.me:
            return  # this console said it itself, in its own words
        if event.here:  # the show's own console: this machine's wording (its paths, programs)
            self.notify(event.here, event.level)
        elif event.automatic:  # the show did it by itself: it does not take the host's line
            self.notify(event.text, event.level, holds=HOLDS_OTHERS, names=event.names)
        elif not event.actor or event.actor == self.me:
            self.notify(event.text, event.level, names=event.names)
        elif event.level not in QUIET_FOR_OTHERS:  # what another console did, by name
            # A chat moderator's `platform:name` names them (`actor_is`), as the text may others.
            actor = (Naming(event.actor_is, 0, len(event.actor)),) if event.actor_is else ()
            said = f"{event.actor}: "
            names = actor + shifted(event.names, len(said))
            self.notify(said + event.text, event.level, holds=HOLDS_OTHERS, names=names)

    def _connection_changed(self, event: ConnectionChanged) -> None:
        """The header shows each state; why a live platform is reconnecting and when it tries
        next is said once per reason, as a warning notice (the header counts down to the next
        try), and so is what a limited one cannot do (an account's token refused mid-show)
        and why one stopped for good (a refused token, spent quota, a chat that ended)."""
        platform = event.platform
        self.connections[platform] = (event.state, event.detail)
        why, delay = retry_of(event.detail)
        if event.state == "reconnecting" and delay is not None:
            self.retry_at[platform] = time.monotonic() + delay
        else:
            self.retry_at.pop(platform, None)
        if platform == "replay" or event.state == "unknown":
            # Unknown: an attached console's show is away; its own notice says so, and what
            # the platform was doing is news again only if it changed meanwhile.
            return
        before = self.last_known.get(platform)
        self.last_known[platform] = (event.state, event.detail)
        if event.state == "reconnecting":
            if self.reconnecting_why.get(platform) != why:
                self.reconnecting_why[platform] = why
                self.notify(
                    f"{platform}: reconnecting: {event.detail or 'no reason given'}",
                    "warning",
                    connection=platform,
                )
            return
        self.reconnecting_why.pop(platform, None)  # a later drop is news again
        if event.state == "connected" and before is not None and before[0] in TROUBLED_STATES:
            # What the line said of its trouble is no longer true: it leaves the line (`i`
            # keeps it), and the line says it is back.
            for notice in self.notices:
                if notice.connection == platform:
                    notice.ended = True
            self.notify(f"{platform}: connected again", "ok", connection=platform)
        if event.state == "limited" and before != (event.state, event.detail):
            self.notify(
                f"{platform}: {event.detail or 'some actions cannot work'}",
                "warning",
                connection=platform,
            )
        if event.state in STOPPED_STATES and event.detail and before != (event.state, event.detail):
            level = "error" if event.state == "failed" else "info"
            self.notify(f"{platform}: {event.state}: {event.detail}", level, connection=platform)

    def retries(self, now: float | None = None) -> dict[str, float]:
        """Seconds until each reconnecting platform tries again (0 once it is trying)."""
        now = time.monotonic() if now is None else now
        return {platform: max(0.0, at - now) for platform, at in self.retry_at.items()}

    def notify(
        self,
        text: str,
        level: str = "info",
        at: datetime | None = None,
        *,
        holds: int = HOLDS_OWN,
        names: Namings = (),
        connection: str = "",
    ) -> None:
        """A notice for the line and the history; `names`: whom `text` names, and where;
        `connection`: the platform whose connection it is about."""
        if at is None and self.clock is not None:
            at = self.clock()
        self.notices.append(
            ShownNotice(
                text, level, at, run=self.run, holds=holds, names=names, connection=connection
            )
        )

    def handled_newest_first(self) -> list[Handled]:
        return list(reversed(self.handled.values()))

    # -- reading ----------------------------------------------------------------------------

    @property
    def on_stage_keys(self) -> frozenset[AuthorKey]:
        return frozenset(session.author.key for session in self.stage)

    @property
    def notice(self) -> ShownNotice | None:
        """The latest notice (the line shows the firmest one still in its time: `on_the_line`)."""
        return self.notices[-1] if self.notices else None

    def chat_rate(self, now: datetime) -> int:
        """Comments a minute: those of the last minute of show time, or, when the first comment
        this console met came less than a minute ago (the show or its resume just started),
        those over the seconds since then, scaled to a minute (a flood's first 15 s read
        213/min when the chat ran at ~900/min)."""
        newest = int(now.timestamp())
        self._expire(newest)
        counted = sum(
            count for second, count in self._rate if second > newest - RATE_WINDOW_SECONDS
        )
        if self.first_comment_at is None:
            return counted
        seconds = newest - int(self.first_comment_at.timestamp()) + 1
        if 0 < seconds < RATE_WINDOW_SECONDS:
            return round(counted * RATE_WINDOW_SECONDS / seconds)
        return counted

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
