"""Putting a comment on stream and pinning one for the hosts: the overlay's and the producers'
intents (`LiveShow` is made of this part too).

One comment is on stream at a time (the overlay at `/overlay` shows it): `feature` puts the
selected comment there (the one before leaves), `unfeature` takes it off, and after
`[overlay] feature_seconds` it leaves by itself. Each time on stream is recorded (table
`on_stream`), so the report can say what was shown and for how long. A producer's `pin` lifts a
comment to the top of every host's queue with a note; answering or dismissing it drops the pin.
All four are host actions: logged with who did them, and undone by `undo`.
"""

from __future__ import annotations

from datetime import datetime

from stagehand.domain import Comment, Featured, HostAction, HostActionKind, Pin
from stagehand.naming import named
from stagehand.platform import ActionResult
from stagehand.sanitize import clean
from stagehand.show.changes import ShowChanges

#: The longest note a producer can pin with a comment.
NOTE_CHARS = 200


class Featuring(ShowChanges):
    # -- views -----------------------------------------------------------------------------

    @property
    def featured(self) -> Featured | None:
        """The comment on stream now (None: the overlay shows no comment)."""
        return self._state.featured

    @property
    def pins(self) -> tuple[Pin, ...]:
        """The pinned comments, oldest pin first (the order the hosts' queue shows them in)."""
        return tuple(self._state.pins.values())

    # -- intents ---------------------------------------------------------------------------

    def feature(self, comment: Comment) -> ActionResult:
        """Show `comment` on stream (the overlay); the comment shown before leaves."""
        featured = self._state.featured
        who = comment.author
        if featured is not None and _same(featured.comment, comment):
            return self._refuse(*named(who, "'s comment is on stream already"), already=True)
        why_not = self._why_not_on_stream(comment)
        if why_not is not None:
            return self._refuse(*named("Not on stream: ", why_not))
        now = self._clock.now()
        # The card it replaces: undoing this feature puts that one back (`Undoing`).
        action = self._log_action(
            _acting_on(HostActionKind.FEATURE, comment, now), comment, featured=featured
        )
        self._feature_started(comment, now, key=action.key, actor=action.actor)
        text, names = named("On stream: ", who, "'s comment")
        return ActionResult(True, text, key=action.key, names=names)

    def unfeature(self) -> ActionResult:
        """Take the comment on stream off it (the overlay shows no comment)."""
        featured = self._state.featured
        if featured is None:
            return self._refuse("Nothing is on stream", already=True)
        comment = featured.comment
        now = self._clock.now()
        action = self._log_action(
            _acting_on(HostActionKind.UNFEATURE, comment, now), comment, featured=featured
        )
        self._feature_ended(now, "taken off")
        text, names = named("Off stream: ", comment.author, "'s comment")
        return ActionResult(True, text, key=action.key, names=names)

    def pin(self, comment: Comment, note: str = "") -> ActionResult:
        """Pin `comment` to the top of every host's queue, with a note for the hosts."""
        who = comment.author
        if (comment.platform, comment.id) in self._state.pins:
            return self._refuse(*named(who, "'s comment is pinned already"), already=True)
        handled = self._handled_how(comment)
        if handled is not None:
            return self._refuse(
                *named("Nothing to pin: ", who, f"'s comment was {handled} already"), already=True
            )
        note = clean(note, max_chars=NOTE_CHARS)
        now = self._clock.now()
        action = self._log_action(_acting_on(HostActionKind.PIN, comment, now, text=note), comment)
        self._pinned(Pin(comment, note, now, action.key, action.actor))
        text, names = named("Pinned ", who, "'s comment for the hosts")
        return ActionResult(True, text, key=action.key, names=names)

    def unpin(self, comment: Comment) -> ActionResult:
        """Take the pin off `comment` (it goes back to where its score puts it)."""
        who = comment.author
        pin = self._state.pins.get((comment.platform, comment.id))
        if pin is None:
            return self._refuse(*named(who, "'s comment is not pinned"), already=True)
        action = self._log_action(
            _acting_on(HostActionKind.UNPIN, comment, self._clock.now()), comment, pin=pin
        )
        self._unpinned(comment.platform, comment.id)
        text, names = named("Unpinned ", who, "'s comment")
        return ActionResult(True, text, key=action.key, names=names)


def _same(a: Comment, b: Comment) -> bool:
    return (a.platform, a.id) == (b.platform, b.id)


def _acting_on(kind: HostActionKind, comment: Comment, ts: datetime, text: str = "") -> HostAction:
    return HostAction(kind, ts, comment.id, comment.platform, comment.author.id, text)
