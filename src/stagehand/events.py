"""What the core tells its listeners (the console bridge, tests, the headless runner).

Plain past-tense values; the console turns them into Textual messages in its bridge.
The core never imports the console: listeners are just callables taking one of these.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from stagehand.domain import (
    Author,
    AuthorKey,
    Comment,
    HostAction,
    RankedComment,
    Segment,
    StageSession,
)


@dataclass(frozen=True, slots=True)
class CommentRanked:
    ranked: RankedComment


@dataclass(frozen=True, slots=True)
class CommentEdited:
    platform: str
    comment_id: str
    clean_text: str


@dataclass(frozen=True, slots=True)
class CommentDeleted:
    platform: str
    comment_id: str


@dataclass(frozen=True, slots=True)
class AuthorRemoved:
    """A ban or a timeout took effect (`why` is "ban" or "timeout"): every screen takes all of
    this author's comments off its queue at once."""

    author: AuthorKey
    why: str


@dataclass(frozen=True, slots=True)
class AuthorForgotten:
    """The author asked to be forgotten (`!forget confirm`): every screen drops them at once,
    from the queue, raw chat, what they said on stage, the raised hands and the selection."""

    author: AuthorKey


@dataclass(frozen=True, slots=True)
class HostActionLogged:
    action: HostAction


@dataclass(frozen=True, slots=True)
class SegmentChanged:
    segment: Segment


@dataclass(frozen=True, slots=True)
class StageChanged:
    """Who is on stage now (an empty tuple when nobody is)."""

    on_stage: tuple[StageSession, ...]


@dataclass(frozen=True, slots=True)
class HandsChanged:
    """The raised-hands queue, oldest first."""

    hands: tuple[Author, ...]


@dataclass(frozen=True, slots=True)
class ConnectionChanged:
    platform: str
    state: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class CommandHandled:
    """A chat command and its outcome (for the console's log line)."""

    comment: Comment
    command: str
    outcome: str


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the hosts should read: an action's result, a storage problem, ..."""

    text: str
    level: str = "info"  # info | warning | error


CoreEvent = (
    CommentRanked
    | CommentEdited
    | CommentDeleted
    | AuthorRemoved
    | AuthorForgotten
    | HostActionLogged
    | SegmentChanged
    | StageChanged
    | HandsChanged
    | ConnectionChanged
    | CommandHandled
    | Notice
)
Listener = Callable[[CoreEvent], None]
