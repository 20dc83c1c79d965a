"""The host actions from before a restart, remembered again so they can be undone.

A resumed show rebuilds, from its stored host actions (`ResumedState.host_actions`, the latest
of them, oldest first) and what else is stored, the `Done` each action would have left in the
show's `ActionHistory` had the show never stopped: the comment and author it acted on, and what
its undo needs (show/undo.py): the appearance a stage end ended, where the guest's hand was in
the line when a stage start took it down, the segments before and after a move or a topic edit,
the pin an unpin took off, what an unfeature took off stream, whether a reply reached chat (a
reply that did stays not undoable), which actions one key press did together (the askers of a
merged queue row) and which were undone since.

The topic a segment had before its first topic edit is the one it opened with (stored beside
its latest since migration m220; for a segment stored before that, an undo of its first edit says
it cannot know). What the ranking learned from an answer or a dismissal is not stored: the
resumed show teaches its ranking those not taken back again, in their place among the comments
it warms up on (show/resume.py), and keeps what each taught for its undo.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from stagehand.domain import (
    Author,
    AuthorKey,
    Comment,
    Featured,
    HostAction,
    HostActionKind,
    Pin,
    Segment,
    StageSession,
)
from stagehand.platform import done_on_platform, only_recorded
from stagehand.show.history import ActionHistory, Done
from stagehand.show.queue import CommentKey, key_of
from stagehand.show.state import ShowState
from stagehand.store.export import segment_position, topic_of
from stagehand.store.recorder import FORGOTTEN_ID_PREFIX
from stagehand.store.resume_reads import ResumedState, StoredAppearance

#: The kinds one key press on a merged queue row does once per asker (linked: undone together).
_PER_ASKER = frozenset(
    {
        HostActionKind.ANSWER,
        HostActionKind.DISMISS,
        HostActionKind.REPLY,
        HostActionKind.STAGE_START,
    }
)
#: How far apart in time the actions of one key press may be logged (one per asker, at once).
_ONE_PRESS = timedelta(seconds=1)


def known_comments(resumed: ResumedState) -> dict[CommentKey, Comment]:
    """The stored comments a resumed show has read, by key: those its host actions name too."""
    return {
        **{key_of(comment): comment for comment in resumed.acted_on_earlier},
        **{key_of(recent.comment): recent.comment for recent in resumed.recent_comments},
    }


def remember_stored_actions(
    history: ActionHistory,
    resumed: ResumedState,
    state: ShowState,
    known: dict[CommentKey, Comment] | None = None,
) -> list[Done]:
    """Remember `resumed`'s host actions in `history` as `Done`s (see the module docstring);
    `state` is the show as restored (its segments), `known` the comments read (by key).

    Returns the answers and dismissals the ranking learned from when they were done, oldest
    first (one per key press, none taken back since): a resumed show teaches them to its
    ranking again, and puts what it learned in each `Done` for its undo."""
    rebuilt = _Rebuilding(resumed, state, known_comments(resumed) if known is None else known)
    for action, author in resumed.host_actions:
        if done_on_platform(action.outcome):
            continue  # the platform's own moderators did it: not the hosts' to undo
        history.remember(rebuilt.done(action, author))
    # The last card put on stream, as the show knew it: an undo of an action from before it
    # does not bring back what it took off (`Done.on_stream_last`).
    state.last_on_stream = rebuilt.last_on_stream
    rebuilt.check_openings()
    for keys in rebuilt.pressed_together():
        history.link(keys)
    return rebuilt.taught()


class _Rebuilding:
    """The walk over the stored actions, oldest first, keeping what later ones need."""

    def __init__(
        self, resumed: ResumedState, state: ShowState, known: dict[CommentKey, Comment]
    ) -> None:
        self.resumed = resumed
        self.known = known
        self.same_as = {key_of(r.comment): r.score.same_as for r in resumed.scored_comments}
        self.segments = {segment.position: segment for segment in state.segments}
        #: The title and keywords each segment opened with, where stored, by position.
        self.openings = {
            row.position: row.opening for row in resumed.segments if row.opening is not None
        }
        #: Each guest's appearances, in the order they began.
        self.appearances: dict[AuthorKey, list[StoredAppearance]] = {}
        for appearance in resumed.appearances:
            self.appearances.setdefault(appearance.author, []).append(appearance)
        self.by_key: dict[str, Done] = {}
        #: Pins standing, and the pin each unpin took off (by the unpin's key).
        self.pins: dict[CommentKey, Pin] = {}
        self.unpinned: dict[str, Pin] = {}
        #: The latest time each comment went on stream, and by which action.
        self.featured: dict[CommentKey, Featured] = {}
        #: Each segment's title and keywords as a topic edit left them, by position.
        self.topics: dict[int, Segment] = {}
        #: The first topic edit of each segment, whose undo puts back the topic it opened with.
        self.first_edits: dict[int, Done] = {}
        #: The key of the last action that put a card on stream, so far in the walk.
        self.last_on_stream: str | None = None
        #: Runs of one kind on one question (`pressed_together`), in order.
        self._runs: list[list[Done]] = []

    def done(self, action: HostAction, stored_author: Author | None) -> Done:
        key = (action.platform or "", action.comment_id or "")
        comment = self.known.get(key) if action.comment_id else None
        author = comment.author if comment is not None else stored_author
        done = Done(action, comment, author, on_stream_last=self.last_on_stream)
        if action.key in self.resumed.on_stream_keys:
            self.last_on_stream = action.key
        # Nothing left of it to show (its author asked to be forgotten, or opted out).
        done.forgotten = comment is not None and not comment.shown_text
        kind = action.kind
        failed = action.outcome.startswith("failed")
        if kind in (HostActionKind.REPLY, HostActionKind.MODERATE):
            done.reached_chat = not only_recorded(action.outcome)
        elif kind is HostActionKind.STAGE_START:
            done.hand_was_at = self.resumed.hand_was_at.get(action.key)
        elif kind is HostActionKind.STAGE_END and author is not None:
            done.session = self._appearance_ended(author, action.ts)
        elif kind in (HostActionKind.SEGMENT, HostActionKind.TOPIC) and not failed:
            self._segment_context(done)
        elif kind is HostActionKind.FEATURE and comment is not None and not failed:
            self.featured[key] = Featured(comment, action.ts, action.key, action.actor)
        elif kind is HostActionKind.UNFEATURE and not failed:
            done.featured = self.featured.get(key)
        elif kind is HostActionKind.PIN and comment is not None and not failed:
            self.pins[key] = Pin(comment, action.text, action.ts, action.key, action.actor)
        elif kind is HostActionKind.UNPIN and not failed:
            done.pin = self.pins.pop(key, None)
        elif kind is HostActionKind.UNDO and not failed:
            self._undone(action)
        if done.author is not None and done.author.id.startswith(FORGOTTEN_ID_PREFIX):
            # They asked to be forgotten: their platform id is not stored, so nothing about
            # them can be asked of the platform (lifting a timeout, ending an appearance).
            done.author = dataclasses.replace(done.author, id="")
        self.by_key[action.key] = done
        self._run_of(done)
        return done

    def _appearance_ended(self, author: Author, ts: datetime) -> StageSession | None:
        """The appearance of `author` a stage end at `ts` ended: the latest begun by then."""
        ended = None
        for appearance in self.appearances.get(author.key, ()):
            if appearance.started_at <= ts:
                ended = appearance
        if ended is None:
            return None
        return StageSession(author, ended.started_at, ts, ended.comment_id)

    def _segment_context(self, done: Done) -> None:
        """What a move or a topic edit made live, and what was live before it."""
        action = done.action
        position = segment_position(action.outcome)
        stored = self.segments.get(position or 0)
        if position is None or stored is None:
            return  # undone since (its row is gone): nothing to take back
        if action.kind is HostActionKind.SEGMENT:
            done.before = self.segments.get(position - 1)
            done.after = stored
            self.topics.pop(position, None)
            return
        title, keywords = topic_of(action.text)
        after = Segment(position, title, keywords, stored.started_at)
        done.before = self.topics.get(position)
        if done.before is None:
            done.before = self._opening(stored)
            self.first_edits[position] = done
        done.after = after
        self.topics[position] = after

    def _opening(self, stored: Segment) -> Segment | None:
        """`stored` as it opened, before any topic edit (None: not stored)."""
        opening = self.openings.get(stored.position)
        if opening is None:
            return None
        title, keywords = opening
        return Segment(stored.position, title, keywords, stored.started_at)

    def check_openings(self) -> None:
        """Forget the opening topic a segment's first edit would undo to where its topic edits,
        walked from it, do not end at its topic now: something no host action records changed
        it (a replayed transcript's `topic` event, or a `segment` line updating its keywords),
        so what was live before that edit is not known."""
        for position, first in self.first_edits.items():
            stored = self.segments.get(position)
            walked = self.topics.get(position) or first.before
            if stored is None or walked is None:
                continue
            if (walked.title, walked.keywords) != (stored.title, stored.keywords):
                first.before = None

    def _undone(self, undo: HostAction) -> None:
        """`undo` took an action back: it is undone, and what it changed is as before."""
        target = self.by_key.get(undo.undoes or "")
        if target is None:
            return
        target.undone_by = undo.key
        action = target.action
        key = (action.platform or "", action.comment_id or "")
        if target.kind is HostActionKind.PIN:
            pin = self.pins.get(key)
            if pin is not None and pin.key == action.key:
                del self.pins[key]
        elif target.kind is HostActionKind.UNPIN and target.pin is not None:
            before = target.pin
            self.pins[key] = Pin(before.comment, before.note, undo.ts, undo.key, undo.actor)
        elif target.kind is HostActionKind.TOPIC and target.after is not None:
            if target.before is None:
                self.topics.pop(target.after.position, None)
            else:
                self.topics[target.after.position] = target.before

    def _run_of(self, done: Done) -> None:
        """Extend the current run of per-asker actions on one question, or start one."""
        if done.kind not in _PER_ASKER or done.comment is None:
            self._runs.append([])
            return
        run = self._runs[-1] if self._runs else []
        if run and self._together(run[-1], done):
            run.append(done)
        else:
            self._runs.append([done])

    def _together(self, before: Done, done: Done) -> bool:
        """Logged one after the other by one key press: the same kind, by the same host, at
        once, on comments of one queue row (one asked what the other asked first)."""
        if before.kind is not done.kind or before.action.actor != done.action.actor:
            return False
        if done.action.ts - before.action.ts > _ONE_PRESS:
            return False
        assert before.comment is not None and done.comment is not None
        return self._question(before.comment) == self._question(done.comment)

    def _question(self, comment: Comment) -> CommentKey:
        """The first asker of the question `comment` asked (itself when it was the first)."""
        key = key_of(comment)
        return self.same_as.get(key) or key

    def taught(self) -> list[Done]:
        """The answers and dismissals the ranking learned from (the first of each key press's
        run, as `_react_for_all` teaches it), not failed nor taken back, oldest first."""
        return [
            run[0]
            for run in self._runs
            if run
            and run[0].kind in (HostActionKind.ANSWER, HostActionKind.DISMISS)
            and run[0].undone_by is None
            and not run[0].action.outcome.startswith("failed")
        ]

    def pressed_together(self) -> list[list[str]]:
        """The keys of the actions one key press did together (two or more)."""
        return [[d.action.key for d in run] for run in self._runs if len(run) > 1]
