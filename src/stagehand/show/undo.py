"""Taking back a host action: what each kind undoes, and what can never be unsent.

`LiveShow.undo(key)` (mixed in from `Undoing`) finds a host action by its key, undoes what can
be undone and logs an `undo` host action whose `undoes` is that key. Nothing is edited or
deleted in the log: metrics skip undone actions (docs/metrics.md). What an undo does:

| undone | what happens |
| --- | --- |
| answer, dismiss | the comment is back in every queue (`CommentRestored`), at the place its score gives it; what the ranking learned from it is forgotten |
| stage start | the appearance ends (through the platform where it has a stage); a raised hand comes back; metrics do not count the appearance |
| stage end | the guest is invited again and the same appearance goes on |
| segment | the segment is gone: the one before is live again and its comments are counted there |
| topic | the live segment's title and keywords are what they were |
| timeout, ban | lifted on the platform (`Adapter.unban`); the comment is back in the queue |
| delete, reply | cannot be undone: a deleted message cannot be restored, a sent message cannot be unsent |

Platform calls happen first; a platform that refuses an unban or a new invitation leaves the
action as it was (a failed `undo` row says so, and trying again may work). A transcript's `undo`
events are applied the same way, without platform calls (`host_action_replayed`).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from stagehand.domain import (
    Author,
    AuthorKey,
    Comment,
    HostAction,
    HostActionKind,
    ModerationKind,
    Segment,
    StageSession,
)
from stagehand.events import (
    AuthorRestored,
    CommentRestored,
    Notice,
    SegmentChanged,
    StageChanged,
)
from stagehand.platform import ActionResult, Adapter
from stagehand.store.ops import StoreSegmentUndone, StoreStageEnd, StoreStageResumed

if TYPE_CHECKING:
    from stagehand.clock import ShowClock
    from stagehand.events import CoreEvent
    from stagehand.ranking.ranker import Feedback, Ranker
    from stagehand.store.ops import StoreOp
    from stagehand.store.queries import ShowRow

#: Host actions remembered for undo (older ones can no longer be taken back from the console).
HISTORY = 5_000

_NAMES = {
    HostActionKind.ANSWER: "the answer",
    HostActionKind.DISMISS: "the dismissal",
    HostActionKind.REPLY: "the reply",
    HostActionKind.STAGE_START: "bringing on stage",
    HostActionKind.STAGE_END: "ending the stage appearance",
    HostActionKind.MODERATE: "the moderation",
    HostActionKind.SEGMENT: "the move to a new segment",
    HostActionKind.TOPIC: "the topic edit",
    HostActionKind.UNDO: "an undo",
}


@dataclass(slots=True)
class Done:
    """A host action as it was done, with what it takes to undo it."""

    action: HostAction
    comment: Comment | None = None
    author: Author | None = None
    #: stage_end: the appearance that ended.
    session: StageSession | None = None
    #: stage_start: the guest's hand was raised before (it comes back on undo).
    hand_was_raised: bool = False
    #: answer/dismiss: what the ranking learned from it.
    feedback: Feedback | None = None
    #: segment/topic: what was live before, and what the action made live.
    before: Segment | None = None
    after: Segment | None = None
    #: The key of the undo that took it back.
    undone_by: str | None = None

    @property
    def kind(self) -> HostActionKind:
        return self.action.kind

    def describe(self) -> str:
        """`the answer to ben`, `bringing dev on stage`, `the move to segment 3 (Envelopes)`."""
        who = self.author.shown_name if self.author else None
        kind = self.kind
        if kind is HostActionKind.ANSWER and who:
            return f"the answer to {who}"
        if kind is HostActionKind.DISMISS and who:
            return f"the dismissal of {who}'s comment"
        if kind is HostActionKind.REPLY and who:
            return f"the reply to {who}"
        if kind is HostActionKind.STAGE_START and who:
            return f"bringing {who} on stage"
        if kind is HostActionKind.STAGE_END and who:
            return f"ending {who}'s stage appearance"
        if kind is HostActionKind.MODERATE and who:
            return {"delete": f"deleting {who}'s message", "timeout": f"the timeout of {who}"}.get(
                self.action.text, f"the ban of {who}"
            )
        if kind is HostActionKind.SEGMENT and self.after is not None:
            return f"the move to segment {self.after.position} ({self.after.title})"
        return _NAMES.get(kind, kind.value)


@dataclass(frozen=True, slots=True)
class UndoResult:
    """`undone`: an undo was logged. `retry`: a platform refused; trying again may work
    (otherwise the action can never be undone, or already was)."""

    undone: bool
    message: str
    retry: bool = False


class ActionHistory:
    """The last `HISTORY` host actions by key, with what it takes to undo each."""

    def __init__(self, size: int = HISTORY) -> None:
        self._size = size
        self._done: OrderedDict[str, Done] = OrderedDict()

    def remember(self, done: Done) -> None:
        self._done[done.action.key] = done
        if len(self._done) > self._size:
            self._done.popitem(last=False)

    def get(self, key: str) -> Done | None:
        return self._done.get(key)

    def last(self) -> Done | None:
        return next(reversed(self._done.values()), None)


class Undoing:
    """LiveShow's undo (a mixin: these methods use the show's state and its other actions)."""

    # Provided by LiveShow.
    history: ActionHistory
    stage: dict[AuthorKey, StageSession]
    segments: list[Segment]
    show: ShowRow
    ranker: Ranker
    clock: ShowClock
    _notify: Callable[[CoreEvent], None]
    _store: Callable[[StoreOp], None]
    _log_action: Callable[..., HostAction]
    _via_adapter: Callable[..., Awaitable[ActionResult]]
    hand_changed: Callable[[Author, bool], None]
    _activate: Callable[[Segment], None]

    async def undo(self, key: str) -> UndoResult:
        """Take back the host action `key` (see the module docstring for what each undoes)."""
        done = self.history.get(key)
        refusal = self._refusal(done)
        if refusal is not None or done is None:
            return self._undo_told(UndoResult(False, refusal or "Nothing to undo"))
        platform = await self._undo_on_platform(done)
        now = self.clock.now()
        if platform is not None and not platform.ok and _platform_must_agree(done):
            self._log_undo(done, now, f"failed: {platform.message}")
            message = f"Could not undo {done.describe()}: {platform.message}"
            return self._undo_told(UndoResult(False, message, retry=True))
        message = self._apply_undo(done, now, "")
        if platform is not None:
            message += f" ({platform.message})"
        return self._undo_told(UndoResult(True, message))

    def undo_replayed(self, action: HostAction) -> None:
        """A transcript's `undo` event: the same effects as a live undo, no platform calls."""
        done = self.history.get(action.undoes or "")
        if done is None or self._refusal(done) is not None:
            self._log_action(replace(action, outcome=action.outcome or "replayed"))
            return
        self._apply_undo(done, action.ts, action.key, outcome=action.outcome or "replayed")

    # -- what can be undone ------------------------------------------------------------------

    def _refusal(self, done: Done | None) -> str | None:
        if done is None:
            return (
                "That action is not known here (too old, or from before a restart): nothing undone"
            )
        what = done.describe()
        if done.undone_by is not None:
            return f"{_capital(what)} was already undone"
        if done.action.outcome.startswith("failed"):
            return f"Nothing to undo: {what} had failed"
        kind = done.kind
        if kind is HostActionKind.REPLY:
            return f"Cannot undo {what}: a message sent to chat cannot be unsent"
        if kind is HostActionKind.UNDO:
            return "An undo is not undone: do the action again instead"
        if kind is HostActionKind.MODERATE and done.action.text == ModerationKind.DELETE.value:
            return f"Cannot undo {what}: a deleted message cannot be restored"
        if kind in (HostActionKind.SEGMENT, HostActionKind.TOPIC):
            live = self.segments[-1] if self.segments else None
            if done.after is None or live is None or live.position != done.after.position:
                return f"Cannot undo {what}: another segment has started since"
        if kind is HostActionKind.STAGE_END and done.author and done.author.key in self.stage:
            return f"Cannot undo {what}: {done.author.shown_name} is on stage again already"
        return None

    async def _undo_on_platform(self, done: Done) -> ActionResult | None:
        author = done.author
        if author is None:
            return None
        kind = done.kind
        if kind is HostActionKind.STAGE_START:
            session = self.stage.get(author.key)
            if session is None or session.started_at != done.action.ts:
                return None  # the appearance already ended: only the record changes
            return await self._via_adapter(
                author.platform, lambda a: a.end_stage(author), what="stage end"
            )
        if kind is HostActionKind.STAGE_END:
            comment = done.comment

            def invite(adapter: Adapter) -> Awaitable[ActionResult]:
                return adapter.invite_to_stage(author, comment)

            return await self._via_adapter(author.platform, invite, what="stage invitation")
        if kind is HostActionKind.MODERATE:
            moderation = ModerationKind(done.action.text)
            return await self._via_adapter(
                author.platform, lambda a: a.unban(author, moderation), what="unban"
            )
        return None

    # -- undoing -------------------------------------------------------------------------------

    def _apply_undo(self, done: Done, ts: datetime, key: str, *, outcome: str = "") -> str:
        """Undo `done` in stagehand's state and log it; returns what the host should read."""
        kind = done.kind
        what = done.describe()
        if kind in (HostActionKind.ANSWER, HostActionKind.DISMISS, HostActionKind.MODERATE):
            message = self._give_comment_back(done, what)
        elif kind is HostActionKind.STAGE_START:
            message = self._take_off_stage(done, ts, what)
        elif kind is HostActionKind.STAGE_END:
            message = self._back_on_stage(done, what)
        else:
            message = self._segment_back(done, what)
        self._log_undo(done, ts, outcome or f"ok: {message}", key=key)
        return message

    def _give_comment_back(self, done: Done, what: str) -> str:
        if done.feedback is not None:
            self.ranker.take_back(done.feedback)
        action = done.action
        if action.platform and action.comment_id:
            self._notify(CommentRestored(action.platform, action.comment_id))
        if done.kind is HostActionKind.MODERATE and done.author is not None:
            self._notify(AuthorRestored(done.author.key))  # every comment the ban took off
            return f"Undid {what}: their comments are back in the queue"
        return f"Undid {what}: the comment is back in the queue"

    def _take_off_stage(self, done: Done, ts: datetime, what: str) -> str:
        author = done.author
        assert author is not None
        session = self.stage.get(author.key)
        if session is not None and session.started_at == done.action.ts:
            del self.stage[author.key]
            self.ranker.set_on_stage(author.key, False)
            self._store(StoreStageEnd(self.show.id, author.key, ts))
            self._notify(StageChanged(tuple(self.stage.values())))
            if done.hand_was_raised:
                self.hand_changed(author, True)
            return f"Undid {what}: the appearance ended and is not counted"
        return f"Undid {what}: the appearance (already over) is not counted"

    def _back_on_stage(self, done: Done, what: str) -> str:
        session, author = done.session, done.author
        assert session is not None and author is not None
        self.stage[author.key] = replace(session, ended_at=None)
        self.ranker.set_on_stage(author.key, True)
        self._store(StoreStageResumed(self.show.id, author.key, session.ended_at))
        self._notify(StageChanged(tuple(self.stage.values())))
        return f"Undid {what}: {author.shown_name} is on stage again"

    def _segment_back(self, done: Done, what: str) -> str:
        before = done.before
        if done.kind is HostActionKind.SEGMENT:
            undone = self.segments.pop()
            self._store(StoreSegmentUndone(self.show.id, undone.position))
            self.ranker.set_segment(before or Segment(0, ""))
            self._notify(SegmentChanged(before))
            if before is None:
                return f"Undid {what}: no segment is live"
            return f"Undid {what}: segment {before.position} ({before.title}) is live again"
        assert before is not None
        self.segments[-1] = before
        self._activate(before)
        keywords = ", ".join(before.keywords) or "no keywords"
        return f"Undid {what}: the topic is {before.title} ({keywords}) again"

    def _log_undo(self, done: Done, ts: datetime, outcome: str, *, key: str = "") -> None:
        action = done.action
        undo = self._log_action(
            HostAction(
                HostActionKind.UNDO,
                ts,
                action.comment_id,
                action.platform,
                action.author_id,
                action.kind.value,
                outcome,
                key=key,
                undoes=action.key,
            )
        )
        if not outcome.startswith("failed"):
            done.undone_by = undo.key

    def _undo_told(self, result: UndoResult) -> UndoResult:
        level = "ok" if result.undone else "failed" if result.retry else "refused"
        self._notify(Notice(result.message, level))
        return result


def _platform_must_agree(done: Done) -> bool:
    """Lifting a ban and inviting again happen on the platform or not at all; ending a stage
    appearance is undone here whatever the platform says (it is the record that matters)."""
    return done.kind in (HostActionKind.STAGE_END, HostActionKind.MODERATE)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
