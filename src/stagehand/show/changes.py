"""The changes every way into the show shares: a hand up or down, an appearance on stage begun or
ended, a segment made live, a comment answered or dismissed, an author removed, a comment put
on stream or taken off, a pin set or dropped.

The console's keys, chat commands, a replayed transcript and undo all change the show through
these, so each change is published the same way whoever made it.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import uuid
from collections.abc import Callable
from datetime import datetime

from stagehand.domain import (
    FORGOTTEN_NAME,
    Author,
    Comment,
    Featured,
    HostAction,
    HostActionKind,
    ModerationKind,
    Pin,
    Segment,
)
from stagehand.events import (
    AuthorRemoved,
    CommentDeleted,
    CommentPinned,
    CommentUnpinned,
    FeatureEnded,
    FeatureStarted,
    HandsChanged,
    Notice,
    SegmentChanged,
    StageChanged,
    StageEnded,
    StageStarted,
)
from stagehand.naming import Namings, named
from stagehand.show.core import ASKED_TO_BE_FORGOTTEN, ShowCore
from stagehand.show.history import Done

#: How a removed author is described when the stream refuses their comment.
REMOVED_WORDS = {ModerationKind.BAN: "is banned", ModerationKind.TIMEOUT: "is timed out"}
#: A featured comment whose show time is this close to up when its timer fires leaves then.
FEATURE_SLACK_SECONDS = 0.05
#: A card an undo puts back on stream stays at least this long (or `feature_seconds`, if
#: shorter), however little of its time was left when it went: long enough to read again.
BACK_ON_STREAM_SECONDS = 5.0


class ShowChanges(ShowCore):
    # -- raised hands ----------------------------------------------------------------------

    def _set_hand(self, author: Author, raised: bool, *, at: int | None = None) -> bool:
        """Raise (at the end of the line, or back `at` its place) or lower `author`'s hand (a
        guest on stage has none); True if it changed."""
        state = self._state
        changed = state.raise_hand(author, at=at) if raised else state.lower_hand(author.key)
        if changed:
            self._ranker.set_hand(author.key, raised)
            self._publish(HandsChanged(tuple(state.hands.values())))
        return changed

    # -- stage -----------------------------------------------------------------------------

    def _stage_started(
        self,
        author: Author,
        comment: Comment | None,
        ts: datetime,
        *,
        outcome: str,
        key: str = "",
        outcome_names: Namings = (),
    ) -> HostAction | None:
        session = self._state.start_stage(author, ts, comment.id if comment else None)
        if session is None:
            return None
        self._ranker.set_on_stage(author.key, True, names=(author.name, author.display_name))
        hand_was_at = self._state.hand_position(author.key)
        if self._state.lower_hand(author.key):
            self._ranker.set_hand(author.key, False)
            self._publish(HandsChanged(tuple(self._state.hands.values())))
        # The appearance shares its key with the host action that started it: stored once.
        key = key or uuid.uuid4().hex
        self._publish(StageStarted(session, key))
        action = self._log_action(
            HostAction(
                HostActionKind.STAGE_START,
                ts,
                session.comment_id,
                author.platform,
                author.id,
                "",
                outcome,
                key=key,
            ),
            comment,
            author=author,
            outcome_names=outcome_names,
            hand_was_at=hand_was_at,
        )
        self._publish(StageChanged(self._state.on_stage))
        return action

    def _stage_ended(
        self,
        author: Author | None,
        ts: datetime,
        *,
        outcome: str,
        key: str = "",
        outcome_names: Namings = (),
    ) -> HostAction | None:
        if author is None:
            return None
        ended = self._state.end_stage(author.key, ts)
        if ended is None:
            return None
        self._ranker.set_on_stage(author.key, False)
        self._publish(StageEnded(ended))
        action = self._log_action(
            HostAction(
                HostActionKind.STAGE_END, ts, None, author.platform, author.id, "", outcome, key
            ),
            self._state.recent.find(author.platform, ended.comment_id),
            author=author,
            outcome_names=outcome_names,
            session=ended,
        )
        self._publish(StageChanged(self._state.on_stage))
        return action

    # -- segments --------------------------------------------------------------------------

    def _activate(self, segment: Segment) -> None:
        """`segment` is live (new, or edited): the ranking follows its topic at once."""
        self._ranker.set_segment(segment)
        self._publish(SegmentChanged(segment))

    # -- comments and their authors ----------------------------------------------------------

    def _record_reaction(
        self,
        comment: Comment,
        kind: HostActionKind,
        *,
        ts: datetime | None,
        key: str = "",
        learn: bool = True,
    ) -> HostAction:
        """An answer or a dismissal; `learn`: the ranking learns from it (once per queue row)."""
        positive = kind == HostActionKind.ANSWER
        feedback = self._ranker.feedback(comment, positive=positive) if learn else None
        self._unpinned(comment.platform, comment.id)  # handled: the pin has done its job
        return self._log_action(
            HostAction(
                kind,
                ts or self._clock.now(),
                comment.id,
                comment.platform,
                comment.author.id,
                key=key,
            ),
            comment,
            feedback=feedback,
        )

    def _comment_deleted(self, platform: str, comment_id: str, ts: datetime) -> None:
        """Gone from the platform: gone from every queue, and from the stream if it is on it (and
        never put back there: `_why_not_on_stream`)."""
        self._state.deleted.add((platform, comment_id))
        self._state.recent.drop(platform, comment_id)
        self._off_stream_if(lambda c: (c.platform, c.id) == (platform, comment_id), ts, "deleted")
        self._unpinned(platform, comment_id)
        self._publish(CommentDeleted(platform, comment_id, ts))

    def _author_removed(self, author: Author, kind: ModerationKind) -> None:
        """A ban or timeout took effect: their hand goes down, every queue drops their comments,
        and the stream does not show them a moment longer. Someone let go of (opted out, asked to
        be forgotten) stays said so: the ban does not make a screen name them again."""
        self._set_hand(author, False)
        now = self._clock.now()
        removed = self._state.removed_authors.get(author.key)
        let_go = removed is not None and self._let_go(author.key)
        why = removed[1] if let_go and removed is not None else REMOVED_WORDS.get(kind, kind.value)
        self._state.removed_authors[author.key] = (now, why)
        self._off_stream_if(lambda c: c.author.key == author.key, now, kind.value)
        self._publish(AuthorRemoved(author.key, kind.value))

    def _moderation_undone(self, done: Done) -> None:
        """A host's deletion, ban or timeout was undone: its comment (or author's comments) may
        be acted on and shown again, as every queue gives them back."""
        action, comment = done.action, done.comment
        if action.text == ModerationKind.DELETE and comment is not None:
            self._state.deleted.discard((comment.platform, comment.id))
            self._state.recent.add(comment)
        elif done.author is not None and not self._let_go(done.author.key):
            # Someone let go of since (opted out, forgotten) stays so: the removal that says
            # why is theirs now, not the ban's, and keeps their comments off the stream.
            self._state.removed_authors.pop(done.author.key, None)

    # -- on stream (the overlay) -------------------------------------------------------------

    def _why_not_on_stream(self, comment: Comment) -> tuple[str, Namings] | None:
        """Why `comment` may not be shown on stream, in a host's words; None when it may. Deleted
        on the platform, or its author banned, timed out or forgotten since they wrote it."""
        if not comment.shown_text:
            return named("it has no text to show (nothing was left of it, or its author opted out)")
        if self._let_go(comment.author.key):  # even after an undo of their ban (privacy first)
            forgotten = self._said_as_now(comment.author.key) == FORGOTTEN_NAME
            return named(f"its author {ASKED_TO_BE_FORGOTTEN if forgotten else 'opted out'}")
        if (comment.platform, comment.id) in self._state.deleted:
            return named(comment.author, "'s comment was deleted")
        removed = self._state.removed_authors.get(comment.author.key)
        if removed is not None and comment.ts <= removed[0]:
            opted_out = comment.author.key in self.opted_out
            return named("its author" if opted_out else comment.author, f" {removed[1]}")
        return None

    def _feature_started(
        self,
        comment: Comment,
        ts: datetime,
        *,
        key: str,
        actor: str,
        timed: bool = True,
        seconds: float | None = None,
    ) -> Featured | None:
        """`comment` is on stream from `ts`; the one before leaves ("replaced"). `key` is the host
        action that put it there (its `on_stream` row shares it). With `timed`, it leaves by
        itself after `[overlay] feature_seconds` of show time (or `seconds`: an undo gives a
        card back the time it had left, `_back_on_stream`). None (nothing changes) when the
        comment may not be shown (`_why_not_on_stream`): every way onto the stream (a host's
        feature, an answer with `feature_on_answer`, an undo, a replay) passes here."""
        if self._why_not_on_stream(comment) is not None:
            return None
        self._feature_ended(ts, "replaced")
        featured = Featured(comment, ts, key, actor)
        self._state.featured = featured
        self._state.last_on_stream = key
        self._publish(FeatureStarted(featured))
        if seconds is None:
            seconds = self._settings.overlay.feature_seconds
        if timed and seconds > 0:
            self._time_feature(seconds, key)
        return featured

    def _back_on_stream(
        self, card: Featured, left_at: datetime, ts: datetime, *, key: str, actor: str
    ) -> Featured | None:
        """An undo puts `card` back on stream at `ts`: it left at `left_at` (taken off, replaced
        by the feature undone, deleted, its author banned). It stays the time it had left of
        `[overlay] feature_seconds` (at least `BACK_ON_STREAM_SECONDS`). None when it may not be
        shown any more (deleted since, its author opted out: `_why_not_on_stream`)."""
        total = self._settings.overlay.feature_seconds
        seconds = None
        if total > 0:
            shown = max(0.0, (left_at - card.since).total_seconds())
            seconds = max(total - shown, min(total, BACK_ON_STREAM_SECONDS))
        return self._feature_started(card.comment, ts, key=key, actor=actor, seconds=seconds)

    def _time_feature(self, seconds: float, key: str) -> None:
        """The featured comment leaves after `seconds` of show time, the time the stage panel
        counts and the report sums: in a replay at `--speed 5`, 60 s on stream are 12 real
        seconds. While show time stands still (a replay played to its end) they are real
        seconds: it leaves all the same."""
        rate = self._clock.rate
        with contextlib.suppress(RuntimeError):  # no loop (a test's sync call): no timeout
            loop = asyncio.get_running_loop()
            real = seconds / rate if rate > 0 else seconds
            self._feature_timer = loop.call_later(real, self._feature_timed_out, key)

    def _feature_ended(self, ts: datetime, why: str) -> Featured | None:
        """The featured comment (if any) leaves the stream at `ts`; `why` as in `FeatureEnded`."""
        featured = self._state.featured
        if self._feature_timer is not None:
            self._feature_timer.cancel()
            self._feature_timer = None
        if featured is None:
            return None
        self._state.featured = None
        self._publish(FeatureEnded(featured, max(ts, featured.since), why))
        return featured

    def _off_stream_if(self, shows: Callable[[Comment], bool], ts: datetime, why: str) -> None:
        """Take the featured comment off stream when `shows` says it is the one to go."""
        featured = self._state.featured
        if featured is not None and shows(featured.comment):
            self._feature_ended(ts, why)

    def _featured_edited(self, platform: str, comment_id: str, clean_text: str) -> None:
        """The author edited the comment on stream: the stream shows the new text."""
        featured = self._state.featured
        if featured is not None and (featured.comment.platform, featured.comment.id) == (
            platform,
            comment_id,
        ):
            comment = dataclasses.replace(featured.comment, clean_text=clean_text)
            self._state.featured = dataclasses.replace(featured, comment=comment)

    def _feature_timed_out(self, key: str) -> None:
        featured = self._state.featured
        self._feature_timer = None
        if featured is None or featured.key != key:
            return
        now = self._clock.now()
        left = self._settings.overlay.feature_seconds - (now - featured.since).total_seconds()
        if left > FEATURE_SLACK_SECONDS and self._clock.rate > 0:
            self._time_feature(left, key)  # the replay slowed down meanwhile: show time rules
            return
        self._feature_ended(now, "time up")
        text, names = named(featured.comment.author, "'s comment left the stream (time is up)")
        self._publish(Notice(text, "info", names=names, automatic=True))

    # -- pins ------------------------------------------------------------------------------

    def _handled_how(self, comment: Comment) -> str | None:
        """ "answered" or "dismissed" when the hosts took the comment off the queue (not undone
        since); None while it may still be in the queue."""
        for done in self._history.handled():
            if done.comment is None or done.undone:
                continue  # a segment or topic change, or taken back
            if (done.comment.platform, done.comment.id) == (comment.platform, comment.id):
                if done.kind is HostActionKind.ANSWER:
                    return "answered"
                if done.kind is HostActionKind.DISMISS:
                    return "dismissed"
        return None

    def _pinned(self, pin: Pin) -> None:
        self._state.pins[(pin.comment.platform, pin.comment.id)] = pin
        self._publish(CommentPinned(pin))

    def _unpinned(self, platform: str, comment_id: str) -> Pin | None:
        """Drop the pin of this comment, if it has one (and tell every screen)."""
        pin = self._state.pins.pop((platform, comment_id), None)
        if pin is not None:
            self._publish(CommentUnpinned(platform, comment_id))
        return pin
