"""The host actions a show remembers: what each did, and what it takes to undo it.

`ActionHistory` keeps the last `HISTORY` actions by key (older ones can no longer be taken back
from a screen). `Done` is one action as it was done; `HandledAction` is what screens list of the
comments the hosts handled (answered, dismissed, brought on stage).
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

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
from stagehand.naming import Namings, named

if TYPE_CHECKING:
    from stagehand.ranking.link import Learned

#: Host actions remembered for undo (older ones can no longer be taken back from the console).
HISTORY = 5_000

#: What `handled()` lists: the actions that take a comment off the queue or bring its author on,
#: and the ones that steer the show (a moderator's `!segment` typed by mistake is taken back
#: from `l`, on every console, before a restart too).
HANDLED_KINDS = frozenset(
    {HostActionKind.ANSWER, HostActionKind.DISMISS, HostActionKind.STAGE_START}
)
STEERING_KINDS = frozenset({HostActionKind.SEGMENT, HostActionKind.TOPIC})

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
    HostActionKind.FEATURE: "showing a comment on stream",
    HostActionKind.UNFEATURE: "taking a comment off stream",
    HostActionKind.PIN: "the pin",
    HostActionKind.UNPIN: "the unpin",
}
#: The same, naming whose comment or who it was about (`{who}`).
_NAMES_WITH_WHO = {
    HostActionKind.ANSWER: "the answer to {who}",
    HostActionKind.DISMISS: "the dismissal of {who}'s comment",
    HostActionKind.REPLY: "the reply to {who}",
    HostActionKind.STAGE_START: "bringing {who} on stage",
    HostActionKind.STAGE_END: "ending {who}'s stage appearance",
    HostActionKind.FEATURE: "showing {who}'s comment on stream",
    HostActionKind.UNFEATURE: "taking {who}'s comment off stream",
    HostActionKind.PIN: "the pin of {who}'s comment",
    HostActionKind.UNPIN: "the unpin of {who}'s comment",
}
#: A moderation, by what it did (`HostAction.text`); anything else is a ban.
_MODERATIONS = {"delete": "deleting {who}'s message", "timeout": "the timeout of {who}"}


@dataclass(slots=True)
class Done:
    """A host action as it was done, with what it takes to undo it."""

    action: HostAction
    comment: Comment | None = None
    author: Author | None = None
    #: stage_end: the appearance that ended.
    session: StageSession | None = None
    #: stage_start: where the guest's hand was in the line of raised hands (0: first), None
    #: when it was not raised (it comes back on undo, in its place).
    hand_was_at: int | None = None
    #: reply, moderation: whether it reached the platform (False: only recorded, no connection
    #: to act through; such a reply or deletion may be undone: nothing went out).
    reached_chat: bool = True
    #: answer/dismiss: what the ranking learned from it.
    feedback: Learned | None = None
    #: segment/topic: what was live before, and what the action made live.
    before: Segment | None = None
    after: Segment | None = None
    #: What was on stream and left because of it: unfeature, the card taken off; feature (an
    #: answer with `feature_on_answer`), the card it replaced; a moderation, the card it took
    #: off (a deleted comment, a banned author's). An undo shows it again, if it still may be.
    featured: Featured | None = None
    #: The last card put on stream when it was done (`ShowState.last_on_stream`): its undo
    #: shows `featured` again only if no other card went on since.
    on_stream_last: str | None = None
    #: unpin: the pin that was taken off (an undo pins it again, note and all).
    pin: Pin | None = None
    #: The key of the undo that took it back.
    undone_by: str | None = None
    #: Its author asked to be forgotten: no screen lists it any more.
    forgotten: bool = False
    #: The keys of the actions done with it by one host action on a merged queue row (one
    #: answer per asker): an undo takes them all back.
    together: tuple[str, ...] = ()

    @property
    def kind(self) -> HostActionKind:
        return self.action.kind

    def describe(self) -> tuple[str, Namings]:
        """`the answer to ben`, `bringing dev on stage`, `the move to segment 3 (Envelopes)`;
        and where it names whom (`stagehand.naming`)."""
        who = self.author if self.author and self.author.shown_name else None
        kind = self.kind
        template = None
        if who and kind is HostActionKind.MODERATE:
            template = _MODERATIONS.get(self.action.text, "the ban of {who}")
        elif who and kind in _NAMES_WITH_WHO:
            template = _NAMES_WITH_WHO[kind]
        if who and template:
            before, _, after = template.partition("{who}")
            return named(before, who, after)
        if kind is HostActionKind.SEGMENT and self.after is not None:
            return named(f"the move to segment {self.after.position} ({self.after.title})")
        return named(_NAMES.get(kind, kind.value))


@dataclass(frozen=True, slots=True)
class HandledAction:
    """What the handled list (`l`) offers to take back: the action's `key` (an undo names it),
    what was done, when, and whether it was undone since; to which comment (answered, dismissed,
    its author brought on stage), or, for a segment move or a topic edit, no comment: `text` is
    what the action logged (the title). `actor`: who did it (`THIS_CONSOLE` for the show's own
    console; empty when restarted from a database that stores it so, or a transcript's)."""

    key: str
    kind: HostActionKind
    at: datetime
    comment: Comment | None
    undone: bool = False
    text: str = ""
    actor: str = ""


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

    def link(self, keys: list[str]) -> None:
        """The actions `keys` were one host action (a merged queue row): undone together."""
        if len(keys) < 2:
            return
        for key in keys:
            done = self._done.get(key)
            if done is not None:
                done.together = tuple(k for k in keys if k != key)

    def together_with(self, done: Done) -> list[Done]:
        """The actions done with `done` that are still remembered."""
        return [d for k in done.together if (d := self._done.get(k)) is not None]

    def last(self) -> Done | None:
        return next(reversed(self._done.values()), None)

    def newest_first(self) -> Iterator[Done]:
        return reversed(self._done.values())

    def forget_author(self, key: AuthorKey, actor: str = "") -> None:
        """Actions on them stay undoable, but are listed no more. The ones they took as a chat
        moderator (logged as `actor`, `twitch:mo`: a `!segment` of theirs) stay listed and
        undoable, by no one, as the database keeps them (store/recorder.py `_unname_actor`)."""
        for done in self._done.values():
            if done.author is not None and done.author.key == key:
                done.forgotten = True
            if actor and done.action.actor == actor:
                done.action = dataclasses.replace(done.action, actor="")

    def handled(self) -> tuple[HandledAction, ...]:
        """What `l` lists, newest first: the comments handled and the segment and topic changes
        (see `HANDLED_KINDS`, `STEERING_KINDS`)."""
        return tuple(
            HandledAction(
                done.action.key,
                done.kind,
                done.action.ts,
                done.comment if done.kind in HANDLED_KINDS else None,
                done.undone_by is not None,
                done.action.text if done.kind in STEERING_KINDS else "",
                done.action.actor,
            )
            for done in self.newest_first()
            if (
                (done.kind in HANDLED_KINDS and done.comment is not None)
                or done.kind in STEERING_KINDS
            )
            and not done.forgotten
            and not done.action.outcome.startswith("failed")
        )
