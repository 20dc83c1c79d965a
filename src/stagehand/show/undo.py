"""Taking back a host action: what each kind undoes, and what can never be unsent.

`LiveShow.undo(key)` (from `Undoing`, one of the parts `LiveShow` is made of) finds a host
action by its key, undoes what can be undone and logs an `undo` host action whose `undoes` is
that key. Nothing is edited or deleted in the log: metrics skip undone actions
(docs/metrics.md). What an undo does:

| undone | what happens |
| --- | --- |
| answer, dismiss | the comment is back in every queue (`CommentRestored`), at the place its score gives it; what the ranking learned from it is forgotten; an answer that put it on stream (`feature_on_answer`) takes it off, and the card it replaced is back |
| stage start | the appearance ends (through the platform where it has a stage); a raised hand comes back; metrics do not count the appearance |
| stage end | the guest is invited again and the same appearance goes on |
| segment | the segment is gone: the one before is live again and its comments are counted there |
| topic | the live segment's title and keywords are what they were |
| timeout, ban | lifted on the platform (`Adapter.unban`); the comment is back in the queue, and on stream if the ban took it off (and nothing went on since) |
| delete only recorded (no connection to delete through) | the comment is back in the queue, and on stream if it was taken off (and nothing went on since) |
| feature | the comment leaves the stream (if still on it) and does not count as shown; the card it replaced is back |
| unfeature | the comment is on stream again (unless another went on since) |

A card put back on stream stays the time it had left of `[overlay] feature_seconds` (at least
5 s), and only if it still may be shown (not deleted since, its author not opted out).
| pin, unpin | the pin is gone, or back with its note |
| reply only recorded (no connection to send it through) | it no longer counts |
| delete, reply sent | cannot be undone: a deleted message cannot be restored, a sent message cannot be unsent |

Platform calls happen first; a platform that refuses an unban or a new invitation leaves the
action as it was (a failed `undo` row says so, and trying again may work). A transcript's `undo`
events are applied the same way, without platform calls (`host_action_replayed`).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Awaitable
from datetime import datetime

from stagehand.domain import HostAction, HostActionKind, ModerationKind, Pin, Segment
from stagehand.events import (
    AuthorRestored,
    CommentRestored,
    SegmentChanged,
    StageChanged,
    StageEnded,
    StageResumed,
)
from stagehand.naming import Namings, named, shifted, within
from stagehand.platform import ActionResult, Adapter, ReplaySink
from stagehand.show.changes import ShowChanges
from stagehand.show.core import ACTING, about
from stagehand.show.history import Done


class Undoing(ShowChanges):
    async def undo(self, key: str | None = None, *, mine: bool = False) -> ActionResult:
        """Take back the host action `key`, or the latest one not taken back yet (with `mine`:
        the latest one whoever is acting did; see the module docstring for what each undoes).
        `retry`: a platform refused; trying again may work. `key` of the result: the `undo`
        host action logged."""
        if key is None:
            done = self._latest_undoable(ACTING.get() if mine else None)
            if done is None:
                return self._undo_told(ActionResult.failed("Nothing to undo yet", already=True))
        else:
            done = self._history.get(key)
        refusal = self._refusal(done)
        if refusal is not None or done is None:
            return self._undo_told(refusal or ActionResult.failed("Nothing to undo"))
        result = await self._undo_one(done)
        # One key press on a merged queue row did one action per asker: take them all back.
        others = [d for d in self._history.together_with(done) if self._refusal(d) is None]
        for other in others:
            await self._undo_one(other)
        # Counted by viewer: a viewer who asked the row's question twice is one asker.
        also = len(
            {(d.action.platform, d.action.author_id) for d in others}
            - {(done.action.platform, done.action.author_id)}
        )
        if also and result.ok:
            result = dataclasses.replace(
                result,
                message=f"{result.message} (and for {also} other asker{'s' if also > 1 else ''})",
            )
        return self._undo_told(result)

    async def _undo_one(self, done: Done) -> ActionResult:
        platform = await self._undo_on_platform(done)
        now = self._clock.now()
        if platform is not None and done.author is not None:
            platform = about(platform, done.author)
        said = named()
        if platform is not None:
            said = (platform.message, within(platform.names, len(platform.message)))
        if platform is not None and not platform.ok and _platform_must_agree(done):
            failed = "failed: "
            undo = self._log_undo(done, now, failed + said[0], names=shifted(said[1], len(failed)))
            message, names = named("Could not undo ", done.describe(), ": ", said)
            return ActionResult(False, message, key=undo.key, retry=True, names=names)
        undone, undo = self._apply_undo(done, now, "")
        if platform is not None:
            undone = named(undone, " (", said, ")")
        message, names = undone
        return ActionResult(True, message, key=undo.key, names=names)

    def _latest_undoable(self, actor: str | None = None) -> Done | None:
        for done in self._history.newest_first():
            undoable = done.kind is not HostActionKind.UNDO and done.undone_by is None
            if undoable and actor in (None, done.action.actor):
                return done
        return None

    def _undo_replayed(self, action: HostAction) -> None:
        """A transcript's `undo` event: the same effects as a live undo, no platform calls."""
        done = self._history.get(action.undoes or "")
        if done is None or self._refusal(done) is not None:
            self._log_action(dataclasses.replace(action, outcome=action.outcome or "replayed"))
            return
        self._apply_undo(done, action.ts, action.key, outcome=action.outcome or "replayed")

    # -- what can be undone ------------------------------------------------------------------

    def _refusal(self, done: Done | None) -> ActionResult | None:
        """Why `done` cannot be undone, or None. `already`: it was undone already, or what it
        undid was done again since (a guest on stage again)."""
        if done is None:
            return ActionResult.failed(
                "That action is not known here (too old to undo): nothing undone"
            )
        what = done.describe()
        if done.undone_by is not None:
            return _failed(named(_capital(what), " was already undone"), already=True)
        if done.action.outcome.startswith("failed"):
            return _failed(named("Nothing to undo: ", what, " had failed"))
        kind = done.kind
        if kind is HostActionKind.REPLY and done.reached_chat:
            return _failed(named("Cannot undo ", what, ": a message sent to chat cannot be unsent"))
        if kind is HostActionKind.UNDO:
            return ActionResult.failed("An undo is not undone: do the action again instead")
        deletion = kind is HostActionKind.MODERATE and done.action.text == ModerationKind.DELETE
        if deletion and done.reached_chat:
            return _failed(named("Cannot undo ", what, ": a deleted message cannot be restored"))
        if kind in (HostActionKind.SEGMENT, HostActionKind.TOPIC):
            live = self._state.current_segment
            if done.after is None or live is None or live.position != done.after.position:
                return _failed(named("Cannot undo ", what, ": another segment has started since"))
            if kind is HostActionKind.TOPIC and done.before is None:
                # Only after a restart, for a segment stored before the database kept the topic
                # it opened with (or changed since by what no host action records).
                return _failed(
                    named("Cannot undo ", what, ": what the topic was before it is not stored")
                )
            if kind is HostActionKind.TOPIC and (live.title, live.keywords) != (
                done.after.title,
                done.after.keywords,
            ):
                # Edited again since: undone now, it would silently take back the later edit
                # too and leave "undone" beside a topic that is live. Later edits come off first.
                return _failed(
                    named(
                        "Cannot undo ", what, ": the topic was edited again since (undo that first)"
                    )
                )
        if kind in _ABOUT_SOMEONE and (done.author is None or done.author.id == ""):
            return _failed(named("Cannot undo ", what, ": who it was about is not known any more"))
        if kind is HostActionKind.STAGE_END and done.session is None:
            return _failed(named("Cannot undo ", what, ": the appearance it ended is not stored"))
        if kind is HostActionKind.STAGE_END and done.author and self._is_on_stage(done.author.key):
            return _failed(
                named("Cannot undo ", what, ": ", done.author, " is on stage again already"),
                already=True,
            )
        if kind is HostActionKind.UNPIN and done.comment is not None:
            handled = self._handled_how(done.comment)
            if handled is not None:
                return _failed(named("Cannot undo ", what, f": the comment was {handled} since"))
        return None

    async def _undo_on_platform(self, done: Done) -> ActionResult | None:
        author = done.author
        if author is None:
            return None
        kind = done.kind
        if kind is HostActionKind.STAGE_START:
            session = self._state.stage.get(author.key)
            if session is None or session.started_at != done.action.ts:
                return None  # the appearance already ended: only the record changes
            return await self._platforms.act(
                author.platform, lambda a: a.end_stage(author), what="stage end"
            )
        if kind is HostActionKind.STAGE_END:
            comment = done.comment

            def invite(adapter: Adapter[ReplaySink]) -> Awaitable[ActionResult]:
                return adapter.invite_to_stage(author, comment)

            return await self._platforms.act(author.platform, invite, what="stage invitation")
        if kind is HostActionKind.MODERATE:
            moderation = ModerationKind(done.action.text)
            if moderation is ModerationKind.DELETE:
                return None  # only recorded (else refused): nothing on a platform to take back
            return await self._platforms.act(
                author.platform, lambda a: a.unban(author, moderation), what="unban"
            )
        return None

    # -- undoing -------------------------------------------------------------------------------

    def _apply_undo(
        self, done: Done, ts: datetime, key: str, *, outcome: str = ""
    ) -> tuple[Said, HostAction]:
        """Undo `done` in stagehand's state and log it; returns what the host should read, and
        the `undo` action logged."""
        kind = done.kind
        what = done.describe()
        # Known now: what an undo puts back (on stream, a pin) shares the undo's key.
        key = key or uuid.uuid4().hex
        if kind in (HostActionKind.ANSWER, HostActionKind.DISMISS, HostActionKind.MODERATE):
            message = self._give_comment_back(done, ts, what, key)
        elif kind is HostActionKind.STAGE_START:
            message = self._take_off_stage(done, ts, what)
        elif kind is HostActionKind.STAGE_END:
            message = self._back_on_stage(done, what)
        elif kind in (HostActionKind.FEATURE, HostActionKind.UNFEATURE):
            message = self._stream_back(done, ts, what, key)
        elif kind in (HostActionKind.PIN, HostActionKind.UNPIN):
            message = self._pin_back(done, ts, what, key)
        elif kind is HostActionKind.REPLY:  # only recorded: nothing went out to take back
            message = named("Undid ", what, ": it was only recorded, and no longer counts")
        else:
            message = self._segment_back(done, what)
        if outcome:  # a transcript's own words: whom they name is not known
            return message, self._log_undo(done, ts, outcome, key=key)
        ok = "ok: "
        names = shifted(message[1], len(ok))
        return message, self._log_undo(done, ts, ok + message[0], key=key, names=names)

    def _give_comment_back(self, done: Done, ts: datetime, what: Said, key: str) -> Said:
        if done.feedback is not None:
            self._ranker.take_back(done.feedback)
        featured = self._state.featured
        if featured is not None and featured.key == done.action.key:
            self._feature_ended(ts, "undone")  # shown by the answer (`feature_on_answer`)
        action = done.action
        if action.platform and action.comment_id:
            self._publish(CommentRestored(action.platform, action.comment_id))
        if done.kind is HostActionKind.MODERATE:
            self._moderation_undone(done)
        # The card it took off the stream (deleted, banned) or replaced (an answer shown on
        # stream) is back, unless another has gone on since (even if it has left again).
        back = done.featured is not None and self._state.featured is None
        back = back and not self._on_stream_since(done)
        card = done.featured if back else None
        again = card is not None and self._back_on_stream(
            card, action.ts, ts, key=key, actor=ACTING.get()
        )
        ban = done.kind is HostActionKind.MODERATE and action.text != ModerationKind.DELETE
        if done.author is not None and self._let_go(done.author.key):
            # Opted out or forgotten since: nothing of theirs comes back (`_moderation_undone`).
            said = named(
                "Undid ",
                what,
                ": they opted out or asked to be forgotten since, so nothing of theirs is back",
            )
        elif ban and done.author is not None:
            self._publish(AuthorRestored(done.author.key))  # every comment the ban took off
            said = named("Undid ", what, ": their comments are back in the queue")
        else:
            said = named("Undid ", what, ": the comment is back in the queue")
        if not again or card is None:
            return said
        if done.comment is not None and card.comment.id == done.comment.id:
            return named(said, " and on stream again")
        return named(said, "; ", card.comment.author, "'s comment is on stream again")

    def _take_off_stage(self, done: Done, ts: datetime, what: Said) -> Said:
        author = done.author
        assert author is not None
        session = self._state.stage.get(author.key)
        if session is not None and session.started_at == done.action.ts:
            ended = self._state.end_stage(author.key, ts)
            assert ended is not None
            self._ranker.set_on_stage(author.key, False)
            self._publish(StageEnded(ended))
            self._publish(StageChanged(self._state.on_stage))
            if done.hand_was_at is not None:
                self._set_hand(author, True, at=done.hand_was_at)
            return named("Undid ", what, ": the appearance ended and is not counted")
        return named("Undid ", what, ": the appearance (already over) is not counted")

    def _back_on_stage(self, done: Done, what: Said) -> Said:
        session, author = done.session, done.author
        assert session is not None and author is not None
        resumed = self._state.resume_stage(session)
        self._ranker.set_on_stage(author.key, True, names=(author.name, author.display_name))
        self._publish(StageResumed(resumed, session.ended_at))
        self._publish(StageChanged(self._state.on_stage))
        return named("Undid ", what, ": ", author, " is on stage again")

    def _stream_back(self, done: Done, ts: datetime, what: Said, key: str) -> Said:
        featured = self._state.featured
        before = done.featured
        if done.kind is HostActionKind.FEATURE:
            if featured is None or featured.key != done.action.key:
                return named("Undid ", what, ": it does not count as shown")
            self._feature_ended(ts, "undone")
            # The card it replaced is what the audience saw before: back, if it still may be.
            if before is not None and self._back_on_stream(
                before, done.action.ts, ts, key=key, actor=ACTING.get()
            ):
                return named(
                    "Undid ", what, ": ", before.comment.author, "'s comment is on stream again"
                )
            return named("Undid ", what, ": it is off stream and does not count as shown")
        if before is None:  # a replayed transcript's: nothing known to show again
            return named("Undid ", what)
        comment = before.comment
        why_not = self._why_not_on_stream(comment)
        if why_not is not None:
            return named("Undid ", what, ": it stays off stream: ", why_not)
        if self._on_stream_since(done):
            return named("Undid ", what, ": it stays off stream: another comment went on since")
        self._back_on_stream(before, done.action.ts, ts, key=key, actor=ACTING.get())
        return named("Undid ", what, ": ", comment.author, "'s comment is on stream again")

    def _on_stream_since(self, done: Done) -> bool:
        """Whether another card went on stream after `done` (its own, an answer's shown with
        `feature_on_answer`, does not count): then the audience has moved on, and an undo
        does not bring back what it took off."""
        return self._state.last_on_stream not in (done.on_stream_last, done.action.key)

    def _pin_back(self, done: Done, ts: datetime, what: Said, key: str) -> Said:
        action = done.action
        if done.kind is HostActionKind.PIN:
            pin = self._state.pins.get((action.platform or "", action.comment_id or ""))
            if pin is not None and pin.key == action.key:
                self._unpinned(pin.comment.platform, pin.comment.id)
                return named("Undid ", what, ": it is not pinned any more")
            return named("Undid ", what, " (the pin was gone already)")
        before = done.pin
        if before is None:  # a replayed transcript's: nothing known to pin again
            return named("Undid ", what)
        self._pinned(Pin(before.comment, before.note, ts, key, ACTING.get() or before.actor))
        return named("Undid ", what, ": it is pinned again")

    def _segment_back(self, done: Done, what: Said) -> Said:
        before = done.before
        if done.kind is HostActionKind.SEGMENT:
            undone = self._state.drop_segment()
            self._ranker.set_segment(before or Segment(0, ""))
            self._publish(SegmentChanged(before, undone=undone.position))
            if before is None:
                return named("Undid ", what, ": no segment is live")
            return named(
                "Undid ", what, f": segment {before.position} ({before.title}) is live again"
            )
        assert before is not None
        self._state.put_back_segment(before)
        self._activate(before)
        keywords = ", ".join(before.keywords) or "no keywords"
        return named("Undid ", what, f": the topic is {before.title} ({keywords}) again")

    def _log_undo(
        self, done: Done, ts: datetime, outcome: str, *, key: str = "", names: Namings = ()
    ) -> HostAction:
        """Log the undo of `done` (`names`: whom its `outcome` names, and where: un-named when
        they leave, as the action's own outcome is)."""
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
            ),
            outcome_names=names,
        )
        if not outcome.startswith("failed"):
            done.undone_by = undo.key
        return undo

    def _undo_told(self, result: ActionResult) -> ActionResult:
        # Whoever it was about may have been let go of since: the answer does not name them.
        message, names = self._as_said_now(result.message, result.names)
        result = dataclasses.replace(result, message=message, names=names)
        level = "ok" if result.ok else "failed" if result.retry else "refused"
        self._notice(result.message, level, result.names)
        return result


#: The kinds whose undo acts on a person (through their platform, or on the stage panel).
_ABOUT_SOMEONE = frozenset(
    {HostActionKind.STAGE_START, HostActionKind.STAGE_END, HostActionKind.MODERATE}
)


def _platform_must_agree(done: Done) -> bool:
    """Lifting a ban and inviting again happen on the platform or not at all; ending a stage
    appearance is undone here whatever the platform says (it is the record that matters)."""
    return done.kind in (HostActionKind.STAGE_END, HostActionKind.MODERATE)


#: A text for the hosts, and whom it names where (`stagehand.naming.named`).
Said = tuple[str, Namings]


def _failed(said: Said, *, already: bool = False) -> ActionResult:
    return ActionResult.failed(said[0], already=already, names=said[1])


def _capital(said: Said) -> Said:
    text, names = said
    return text[:1].upper() + text[1:], names
