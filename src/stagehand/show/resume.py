"""A stored show picked up where it stopped: its state, its queue and its ranking's memory, from
the database.

The queue comes back as the hosts had it: the stored comments and the host actions that changed
the queue (answers, dismissals, moderations, pins, their undos) are folded again, in the order
they happened, into a `ShowQueue` (the fold every screen uses), so what may be queued, the
stored scores, "asked by N" and the pins follow the same rules as live. Bounded: only the latest
`QUEUE_WINDOW` times `[console] queue_size` comments are folded (older ones have decayed out of
a full queue), and only the answers and dismissals a queue remembers (`REMOVED_KEYS`).

A comment on stream when the show stopped is not put back (the hosts decide): its time on
stream ended when the show was last known to run (`session.open_show`).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from stagehand.domain import (
    Author,
    AuthorKey,
    Comment,
    HostAction,
    HostActionKind,
    ModerationKind,
    Pin,
    RankedComment,
    Segment,
)
from stagehand.events import (
    AuthorRemoved,
    AuthorRestored,
    CommentDeleted,
    CommentPinned,
    CommentRanked,
    CommentRestored,
    CommentUnpinned,
    CoreEvent,
    HostActionLogged,
)
from stagehand.ranking.link import RankingLink
from stagehand.show.history import ActionHistory, Done
from stagehand.show.pipeline import UNSCORED_KINDS
from stagehand.show.queue import CommentKey, QueueSettings, ShowQueue, key_of
from stagehand.show.resume_history import known_comments, remember_stored_actions
from stagehand.show.state import ShowState
from stagehand.store.resume_reads import ResumedState

#: A resumed show scores its latest stored comments again (storing nothing) so the ranking
#: remembers recent texts, threads and who is flooding, as if it had never stopped.
WARM_UP_COMMENTS = 2_000
#: The comments folded into a resumed queue: this many times `[console] queue_size`, the latest.
QUEUE_WINDOW = 10
#: What takes a comment off the queue for good unless undone: "answered already" after a resume.
TAKEN_OFF_BY_HOSTS = (HostActionKind.ANSWER, HostActionKind.DISMISS)


def restore(
    state: ShowState,
    ranker: RankingLink,
    resumed: ResumedState,
    queue_settings: QueueSettings | None = None,
    history: ActionHistory | None = None,
) -> list[CoreEvent]:
    """Segments, stage, hands, pins and recent chat as stored; the ranking warmed up on them;
    the host actions undo may still take back remembered in `history`. Returns what a screen
    starting now is told first (`resumed_queue`)."""
    for row in resumed.segments:
        state.segments.append(Segment(row.position, row.title, row.keywords, row.started_at))
    for author, started_at, comment_id in resumed.on_stage:
        state.start_stage(author, started_at, comment_id)
        # Someone anonymous has no name chat could call them by (not the words they are shown
        # under: chat saying "viewer" does not talk to them).
        names = () if author.anonymous else (author.name, author.display_name)
        ranker.set_on_stage(author.key, True, names=names)
    # A replay's comment on stream goes on (no timeout, as replayed): the transcript takes it off.
    state.featured = resumed.on_stream
    for author in resumed.raised_hands:
        state.hands[author.key] = author
        ranker.set_hand(author.key, True)
    for recent in resumed.recent_comments:
        if key_of(recent.comment) not in resumed.deleted:
            state.recent.add(recent.comment)
            # Where it names someone (a moderator's `!stage @ana`): un-named when they leave.
            naming = resumed.recent_names.get(key_of(recent.comment), ())
            state.recent.named(recent.comment, naming)
    # Deleted on its platform before the stop: never on stream, as before.
    state.deleted.update(resumed.deleted)
    for key, count in resumed.author_comments:
        ranker.recall_author(key, count)
    known = known_comments(resumed)
    taught = remember_stored_actions(history or ActionHistory(), resumed, state, known)
    _warm_up(ranker, resumed, state.segments, taught)
    queue, events = resumed_queue(
        resumed,
        queue_settings or QueueSettings(),
        segment=state.current_segment,
        hands=tuple(state.hands.values()),
        known=known,
    )
    state.pins.update(queue.pins)
    return events


def _warm_up(
    ranker: RankingLink, resumed: ResumedState, segments: list[Segment], taught: list[Done]
) -> None:
    """Score the latest stored comments again (storing nothing), each under the segment that
    was live when it came, with the hosts' answers and dismissals taught in their place among
    them: the ranking learns the segment's words and threads as it had, so a show stopped and
    resumed ranks what comes next as it would have had it never stopped."""
    scored = [r.comment for r in resumed.recent_comments if r.kind not in UNSCORED_KINDS]
    warmed = scored[-WARM_UP_COMMENTS:]
    if not segments:
        for comment in warmed:
            ranker.warm(comment)
        return
    latest = segments[-1]
    since = warmed[0].ts if warmed else latest.started_at

    def opened(segment: Segment) -> datetime | None:
        return segment.started_at or since

    # The segment the first warmed comment came in, then every later one as it opened.
    first = next(
        (s for s in reversed(segments) if since is None or (opened(s) or since) <= since),
        segments[0],
    )
    # (time, what comes first at that time, order, what happens): a segment opens before the
    # comments of its moment, an answer is taught after the comment it answers.
    timeline: list[tuple[datetime, int, int, Segment | Comment | Done]] = []
    later = segments[segments.index(first) + 1 :]
    for order, segment in enumerate(later):
        if (at := opened(segment)) is not None:
            timeline.append((at, 0, order, segment))
    timeline += [(comment.ts, 1, order, comment) for order, comment in enumerate(warmed)]
    start = opened(first)
    timeline += [
        (done.action.ts, 2, order, done)
        for order, done in enumerate(taught)
        if done.comment is not None and (start is None or done.action.ts >= start)
    ]
    timeline.sort(key=lambda item: (item[0], item[1], item[2]))
    # What was taught before that segment: the new segment forgets its words, as live, but
    # not that the hosts answer (a show whose hosts answered is no help channel) nor what
    # they dismissed.
    for done in taught:
        if done.comment is not None and start is not None and done.action.ts < start:
            _teach(ranker, done)
    ranker.set_segment(first)
    activated = first
    for _, _, _, what in timeline:
        if isinstance(what, Segment):
            ranker.set_segment(what)
            activated = what
        elif isinstance(what, Comment):
            ranker.warm(what)
        else:
            _teach(ranker, what)
    if activated is not latest:  # a later segment with no time: live now, as before
        ranker.set_segment(latest)


def _teach(ranker: RankingLink, done: Done) -> None:
    """The ranking learns from an answer or dismissal again; its `Done` keeps what it learned
    (an undo after the restart forgets it)."""
    if done.comment is not None:
        positive = done.kind is HostActionKind.ANSWER
        done.feedback = ranker.feedback(done.comment, positive=positive)


def resumed_queue(
    resumed: ResumedState,
    settings: QueueSettings,
    *,
    segment: Segment | None,
    hands: tuple[Author, ...] = (),
    known: dict[CommentKey, Comment] | None = None,
) -> tuple[ShowQueue, list[CoreEvent]]:
    """The queue as it stood when the show stopped, and the events folded into it: a screen
    that folds them too shows that queue, with every comment an undo may give back, and lists
    the comments the hosts handled (answered, dismissed, brought on stage; undone or not)."""
    # The hands as they are now: a comment whose author's hand went down since shows so.
    queue = ShowQueue(**settings.fields(), segment=segment, hands=hands)
    window = resumed.scored_comments[-QUEUE_WINDOW * settings.queue_size :]
    events = _timeline(window, resumed, known_comments(resumed) if known is None else known)
    for event in events:
        queue.apply(event)
    return queue, events


def _timeline(
    window: tuple[RankedComment, ...], resumed: ResumedState, known: dict[CommentKey, Comment]
) -> list[CoreEvent]:
    """The stored comments and the host actions that changed the queue or the handled list, as
    the events that made them, in the order they happened (a comment before a host action of
    the same moment)."""
    timed: list[tuple[datetime, int, int, CoreEvent]] = []
    for order, ranked in enumerate(window):
        timed.append((ranked.comment.ts, 0, order, CommentRanked(ranked)))
        key = key_of(ranked.comment)
        if key in resumed.deleted:
            timed.append((ranked.comment.ts, 1, order, CommentDeleted(*key, ranked.comment.ts)))
    by_key: dict[str, HostAction] = {}
    unpinned: dict[str, Pin] = {}
    pins: dict[CommentKey, Pin] = {}
    for order, (action, _) in enumerate(resumed.host_actions):
        by_key[action.key] = action
        for event in _events_of(action, by_key, known, pins, unpinned):
            timed.append((action.ts, 1, order, event))
    timed.sort(key=lambda item: (item[0], item[1], item[2]))
    return [event for _, _, _, event in timed]


def _events_of(
    action: HostAction,
    by_key: dict[str, HostAction],
    known: dict[CommentKey, Comment],
    pins: dict[CommentKey, Pin],
    unpinned: dict[str, Pin],
) -> Iterator[CoreEvent]:
    """What `action` published when it was done, as far as the queue, its pins and the handled
    list go."""
    if action.outcome.startswith("failed"):
        return
    key = (action.platform or "", action.comment_id or "")
    author = AuthorKey(action.platform or "", action.author_id or "")
    kind = action.kind
    if kind is HostActionKind.STAGE_START:
        yield HostActionLogged(action, known.get(key))
    elif kind in (HostActionKind.SEGMENT, HostActionKind.TOPIC):
        yield HostActionLogged(action)  # listed in `l`, to be taken back from there
    elif kind in TAKEN_OFF_BY_HOSTS:
        pins.pop(key, None)
        yield HostActionLogged(action, known.get(key))
    elif kind is HostActionKind.MODERATE:
        yield HostActionLogged(action)
        if action.text == ModerationKind.DELETE.value:
            pins.pop(key, None)
        elif action.author_id and action.text in (ModerationKind.BAN, ModerationKind.TIMEOUT):
            yield AuthorRemoved(author, action.text)  # (an unban heard on the platform: nothing)
    elif kind is HostActionKind.PIN and key in known:
        pin = Pin(known[key], action.text, action.ts, action.key, action.actor)
        pins[key] = pin
        yield CommentPinned(pin)
    elif kind is HostActionKind.UNPIN:
        taken_off = pins.pop(key, None)
        if taken_off is not None:
            unpinned[action.key] = taken_off
        yield CommentUnpinned(*key)
    elif kind is HostActionKind.UNDO:
        yield HostActionLogged(action)  # what it took back is listed as undone
        yield from _undone(action, by_key.get(action.undoes or ""), pins, unpinned)


def _undone(
    undo: HostAction,
    done: HostAction | None,
    pins: dict[CommentKey, Pin],
    unpinned: dict[str, Pin],
) -> Iterator[CoreEvent]:
    """What undoing `done` gave back (show/undo.py), as far as the queue and its pins go."""
    if done is None:
        return
    key = (done.platform or "", done.comment_id or "")
    kind = done.kind
    if kind in TAKEN_OFF_BY_HOSTS or kind is HostActionKind.MODERATE:
        if done.comment_id and done.platform:
            yield CommentRestored(*key)
        if kind is HostActionKind.MODERATE and done.text != ModerationKind.DELETE.value:
            yield AuthorRestored(AuthorKey(done.platform or "", done.author_id or ""))
    elif kind is HostActionKind.PIN:
        pin = pins.get(key)
        if pin is not None and pin.key == done.key:
            del pins[key]
            yield CommentUnpinned(*key)
    elif kind is HostActionKind.UNPIN:
        before = unpinned.pop(done.key, None)
        if before is not None:
            pin = Pin(before.comment, before.note, undo.ts, undo.key, undo.actor or before.actor)
            pins[key] = pin
            yield CommentPinned(pin)
