"""A recorded show played again: its host actions applied as the hosts did them, its clock
followed, and how far into its transcript it is stored (the `ReplaySink` side of `LiveShow`)."""

from __future__ import annotations

from datetime import datetime

from stagehand.domain import (
    Author,
    AuthorKey,
    Comment,
    HostAction,
    HostActionKind,
    ModerationKind,
    Pin,
    ReplayPosition,
    TranscriptPosition,
)
from stagehand.events import HostActionLogged, ReplayReached, StageChanged, StageEnded
from stagehand.platform import done_on_platform, only_recorded
from stagehand.show.undo import Undoing


class Replaying(Undoing):
    @property
    def replay_position(self) -> ReplayPosition | None:
        """Where a replay of this show got to in its transcript (None: live, or nothing yet)."""
        return self._replay_position

    @property
    def last_stored_at(self) -> datetime | None:
        """The time of the latest comment or host action stored before this session."""
        return self._last_stored_at

    def follow_clock(self, show_ts: datetime, speed: float) -> None:
        """Show time `show_ts` is now, and runs on at `speed` (0 stops the clock)."""
        self._clock.follow(show_ts, speed)

    def host_action_replayed(self, action: HostAction, about: Author | None = None) -> None:
        """Apply a transcript's host event as if the hosts had done it then (no platform calls);
        `about`: whom a platform's own moderation was about, when the line names them."""
        self._caught_up()  # the comment it acts on may still be being scored
        if action.key and self._history.get(action.key) is not None:
            return  # applied already: the chat command that made it was played again
        with self.acting_as(action.actor):
            self._replay_action(action, about)

    def off_stream_replayed(self, shown_by: str, ts: datetime) -> None:
        """A transcript's `off_stream` event: the comment the host action `shown_by` put on
        stream leaves it at `ts`, as its time was up then (nothing if it is gone already)."""
        self._caught_up()
        featured = self._state.featured
        if featured is not None and featured.key == shown_by:
            self._feature_ended(ts, "time up")

    def off_stage_replayed(self, guest: AuthorKey, ts: datetime) -> None:
        """A transcript's `off_stage` event: `guest`'s appearance ends at `ts` with no host
        action, as the show it records had it (a crash ended it); nothing if they are off."""
        self._caught_up()
        ended = self._state.end_stage(guest, ts)
        if ended is None:
            return
        self._ranker.set_on_stage(guest, False)
        self._publish(StageEnded(ended))
        self._publish(StageChanged(self._state.on_stage))

    def _replay_action(self, action: HostAction, about: Author | None = None) -> None:
        comment = self._state.recent.find(action.platform, action.comment_id)
        kind = action.kind
        if _failed(action.outcome):
            # Refused then (an export says so): logged as it was, and nothing of it applied.
            self._log_action(action, comment)
            return
        if kind is HostActionKind.UNDO:
            self._undo_replayed(action)
        elif kind in (HostActionKind.ANSWER, HostActionKind.DISMISS) and comment is not None:
            self._record_reaction(comment, kind, ts=action.ts, key=action.key)
        elif kind == HostActionKind.STAGE_START:
            author = comment.author if comment else self._author_for(action)
            if author is not None:
                self._stage_started(author, comment, action.ts, outcome="replayed", key=action.key)
        elif kind == HostActionKind.STAGE_END:
            author = self._author_for(action) or (comment.author if comment else None)
            self._stage_ended(author, action.ts, outcome="replayed", key=action.key)
        elif kind == HostActionKind.MODERATE and done_on_platform(action.outcome):
            self._heard_on_platform(action, comment, about)
        else:
            self._log_action(
                HostAction(
                    kind,
                    action.ts,
                    comment.id if comment else action.comment_id,
                    comment.platform if comment else action.platform,
                    action.author_id,
                    action.text,
                    action.outcome or "replayed",
                    key=action.key,
                    undoes=action.undoes,
                ),
                comment,
                # A reply or a deletion only recorded then (no connection) can be undone.
                reached_chat=not only_recorded(action.outcome),
            )
            self._replay_stream_or_pin(kind, comment, action)
            if kind == HostActionKind.MODERATE and comment and not _failed(action.outcome):
                if action.text == ModerationKind.DELETE:
                    if not only_recorded(action.outcome):  # else nothing was deleted then
                        self._comment_deleted(comment.platform, comment.id, action.ts)
                elif action.text in (ModerationKind.BAN, ModerationKind.TIMEOUT):
                    self._author_removed(comment.author, ModerationKind(action.text))

    def _heard_on_platform(
        self, action: HostAction, comment: Comment | None, about: Author | None
    ) -> None:
        """A moderation the platform's own moderators did: logged as it was (not the hosts'
        to undo), naming whom it was about as the line does (a viewer who never chatted), its
        author's comments off the queue again."""
        author = comment.author if comment else self._author_for(action) or about
        named_as = about if about is not None and not self._let_go(about.key) else None
        self._publish(HostActionLogged(action, comment, named_as))
        if action.text in (ModerationKind.BAN, ModerationKind.TIMEOUT) and author is not None:
            self._author_removed(author, ModerationKind(action.text))

    def _replay_stream_or_pin(
        self, kind: HostActionKind, comment: Comment | None, action: HostAction
    ) -> None:
        """A recorded feature or pin: on stream (or pinned) as it was then; no timeout."""
        if kind is HostActionKind.FEATURE and comment is not None:
            self._feature_started(
                comment, action.ts, key=action.key, actor=action.actor, timed=False
            )
        elif kind is HostActionKind.UNFEATURE:
            self._feature_ended(action.ts, "taken off")
        elif kind is HostActionKind.PIN and comment is not None:
            self._pinned(Pin(comment, action.text, action.ts, action.key, action.actor))
        elif kind is HostActionKind.UNPIN and comment is not None:
            self._unpinned(comment.platform, comment.id)

    def replay_reached(self, source: str, position: TranscriptPosition) -> None:
        """A replay has played (and published) everything up to `position` of its transcript:
        recorded once the comments before it are, without waiting for their scores here."""
        self._publish_in_turn(ReplayReached(source, position, self._clock.now()))

    def _author_for(self, action: HostAction) -> Author | None:
        for key, session in self._state.stage.items():
            if key.id == action.author_id and action.platform in (None, key.platform):
                return session.author
        return self._state.recent.latest_by(action.author_id, action.platform)


def _failed(outcome: str) -> bool:
    return outcome.startswith(("failed", "refused"))
