"""What the writer can be asked to do: small immutable records, queued in order.

The live show never waits for SQLite: it queues these and the writer thread applies them in
batches. Records name things by their natural keys (platform message ids, author keys, segment
positions); the writer resolves row ids itself.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from stagehand.domain import AuthorKey, HostAction, RankedComment
from stagehand.transcript_resume import TranscriptPosition


@dataclass(frozen=True, slots=True)
class StoreSegment:
    show_id: int
    position: int
    title: str
    keywords: tuple[str, ...]
    ts: datetime


@dataclass(frozen=True, slots=True)
class StoreComment:
    show_id: int
    ranked: RankedComment


@dataclass(frozen=True, slots=True)
class StoreHostAction:
    show_id: int
    action: HostAction


@dataclass(frozen=True, slots=True)
class StoreStageStart:
    """An appearance on stage; `key` (the key of the host action that started it) makes it
    stored once, however often the show is resumed."""

    show_id: int
    author: AuthorKey
    author_name: str
    comment_id: str | None
    ts: datetime
    key: str


@dataclass(frozen=True, slots=True)
class StoreStageEnd:
    show_id: int
    author: AuthorKey
    ts: datetime


@dataclass(frozen=True, slots=True)
class StoreStageResumed:
    """An undone stage end: the appearance that ended at `ended_at` goes on."""

    show_id: int
    author: AuthorKey
    ended_at: datetime | None


@dataclass(frozen=True, slots=True)
class StoreSegmentUndone:
    """An undone move to a new segment: its comments belong to the segment before, and the
    segment itself is gone (the host action log keeps the move and its undo)."""

    show_id: int
    position: int


@dataclass(frozen=True, slots=True)
class StoreEdit:
    show_id: int
    platform: str
    message_id: str
    clean_text: str
    original_text: str
    ts: datetime


@dataclass(frozen=True, slots=True)
class StoreDeletion:
    show_id: int
    platform: str
    message_id: str
    ts: datetime


@dataclass(frozen=True, slots=True)
class StoreCommand:
    """A chat command's record: one per comment (its platform and message id are the key)."""

    show_id: int
    platform: str
    message_id: str
    author: AuthorKey
    name: str
    args: str
    outcome: str
    ts: datetime


@dataclass(frozen=True, slots=True)
class StoreOptOut:
    """Stop (or resume) keeping an author's name and text; past comments are anonymized."""

    author: AuthorKey
    opted_out: bool


@dataclass(frozen=True, slots=True)
class StoreForget:
    """Delete what is stored about an author: text and names go, counts stay."""

    author: AuthorKey


@dataclass(frozen=True, slots=True)
class StoreShowEnd:
    show_id: int
    ts: datetime


@dataclass(frozen=True, slots=True)
class StoreReplayPosition:
    """How far into its transcript a replayed show is stored: queued after the ops of every
    event before it, so it never runs ahead of what it stands for."""

    show_id: int
    source: str
    position: TranscriptPosition
    show_ts: datetime | None


StoreOp = (
    StoreSegment
    | StoreComment
    | StoreHostAction
    | StoreStageStart
    | StoreStageEnd
    | StoreStageResumed
    | StoreSegmentUndone
    | StoreEdit
    | StoreDeletion
    | StoreCommand
    | StoreOptOut
    | StoreForget
    | StoreShowEnd
    | StoreReplayPosition
)
