"""The changes every way into the show shares: a hand up or down, an appearance on stage begun or
ended, a segment made live, a comment answered or dismissed, an author removed.

The console's keys, chat commands, a replayed transcript and undo all change the show through
these, so each change is published the same way whoever made it.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from stagehand.domain import (
    Author,
    Comment,
    HostAction,
    HostActionKind,
    ModerationKind,
    Segment,
)
from stagehand.events import (
    AuthorRemoved,
    CommentDeleted,
    HandsChanged,
    SegmentChanged,
    StageChanged,
    StageEnded,
    StageStarted,
)
from stagehand.show.core import ShowCore


class ShowChanges(ShowCore):
    # -- raised hands ----------------------------------------------------------------------

    def _set_hand(self, author: Author, raised: bool) -> bool:
        """Raise or lower `author`'s hand (a guest on stage has none); True if it changed."""
        state = self._state
        changed = state.raise_hand(author) if raised else state.lower_hand(author.key)
        if changed:
            self._ranker.set_hand(author.key, raised)
            self._publish(HandsChanged(tuple(state.hands.values())))
        return changed

    # -- stage -----------------------------------------------------------------------------

    def _stage_started(
        self, author: Author, comment: Comment | None, ts: datetime, *, outcome: str, key: str = ""
    ) -> HostAction | None:
        session = self._state.start_stage(author, ts, comment.id if comment else None)
        if session is None:
            return None
        self._ranker.set_on_stage(author.key, True, names=(author.name, author.display_name))
        hand_was_raised = self._state.lower_hand(author.key)
        if hand_was_raised:
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
            hand_was_raised=hand_was_raised,
        )
        self._publish(StageChanged(self._state.on_stage))
        return action

    def _stage_ended(
        self, author: Author | None, ts: datetime, *, outcome: str, key: str = ""
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
        self._publish(CommentDeleted(platform, comment_id, ts))

    def _author_removed(self, author: Author, kind: ModerationKind) -> None:
        """A ban or timeout took effect: their hand goes down, every queue drops their comments."""
        self._set_hand(author, False)
        self._publish(AuthorRemoved(author.key, kind.value))
