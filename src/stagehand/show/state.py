"""What a show is at this moment: its segments, who is on stage, whose hands are up, recent chat.

Plain Python, no I/O, no events: `LiveShow` changes it and says what changed. Each method is
one change, and answers what it changed (or None when there was nothing to change), so the
show can publish exactly that.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from datetime import datetime

from stagehand.domain import Author, AuthorKey, Comment, Featured, Pin, Segment, StageSession
from stagehand.naming import Namings, unnamed
from stagehand.sanitize import clean

#: Comments kept in memory so host actions can find them by id (older ones are in the database).
RECENT_COMMENTS = 20_000


class RecentComments:
    """The latest `size` comments by (platform, message id), oldest first."""

    def __init__(self, size: int = RECENT_COMMENTS) -> None:
        self._size = size
        self._comments: OrderedDict[tuple[str, str], Comment] = OrderedDict()
        #: Whom a comment's `clean_text` names, and where, when the show recorded it (a
        #: moderator's `!stage @ana`: `CommandHandled.line_names`).
        self._names: dict[tuple[str, str], Namings] = {}

    def __len__(self) -> int:
        return len(self._comments)

    def __iter__(self) -> Iterator[Comment]:
        return iter(self._comments.values())

    def keys(self) -> Iterable[tuple[str, str]]:
        """(platform, message id) of each, oldest first (a live view)."""
        return self._comments.keys()

    def add(self, comment: Comment) -> None:
        self._comments[(comment.platform, comment.id)] = comment
        if len(self._comments) > self._size:
            oldest, _ = self._comments.popitem(last=False)
            self._names.pop(oldest, None)

    def named(self, comment: Comment, names: Namings) -> None:
        """`comment`'s text names these people there (a chat command's line)."""
        key = (comment.platform, comment.id)
        if names and key in self._comments:
            self._names[key] = self._names.get(key, ()) + names

    def edited(self, platform: str, comment_id: str) -> None:
        """The comment's text is its author's new words: whom they name is not known."""
        self._names.pop((platform, comment_id), None)

    def unname(self, author: AuthorKey, shown_as: str) -> list[Comment]:
        """Every comment whose text names `author` says `shown_as` there instead (as the
        database says it: store/names.py); those comments as they read now."""
        changed: list[Comment] = []
        for key, names in list(self._names.items()):
            comment = self._comments.get(key)
            if comment is None or not any(n.author == author for n in names):
                continue
            text, left = unnamed(comment.clean_text, names, author, shown_as)
            comment = dataclasses.replace(comment, text=text, clean_text=text)
            self._comments[key] = comment
            if left:
                self._names[key] = left
            else:
                del self._names[key]
            changed.append(comment)
        return changed

    def find(self, platform: str | None, comment_id: str | None) -> Comment | None:
        """The comment with this id (on `platform`, or the latest on any platform)."""
        if comment_id is None:
            return None
        if platform is not None:
            return self._comments.get((platform, comment_id))
        for (_, message_id), comment in reversed(self._comments.items()):
            if message_id == comment_id:
                return comment
        return None

    def latest_by(self, author_id: str | None, platform: str | None) -> Author | None:
        """The author of the latest comment by this user id (on `platform`, or any)."""
        for comment in reversed(self._comments.values()):
            if comment.author.id == author_id and platform in (None, comment.platform):
                return comment.author
        return None

    def drop(self, platform: str, comment_id: str) -> None:
        """Forget one comment (deleted on the platform: nothing may act on it by its id)."""
        self._comments.pop((platform, comment_id), None)
        self._names.pop((platform, comment_id), None)

    def forget_author(self, key: AuthorKey) -> None:
        for comment_key in [k for k, c in self._comments.items() if c.author.key == key]:
            del self._comments[comment_key]
            self._names.pop(comment_key, None)


class ShowState:
    """Segments (the live one last), stage appearances and raised hands (in the order they
    began), the comment on stream and the pinned ones, and the recent comments host actions
    act on."""

    def __init__(self) -> None:
        self.segments: list[Segment] = []
        self.stage: dict[AuthorKey, StageSession] = {}
        self.hands: OrderedDict[AuthorKey, Author] = OrderedDict()
        self.recent = RecentComments()
        #: The comment the overlay shows (one at a time), and the comments pinned for the
        #: hosts, oldest pin first.
        self.featured: Featured | None = None
        #: The key of the last card put on stream (`Featured.key`): an undo puts a card back
        #: only when no other went on since (`Done.on_stream_last`).
        self.last_on_stream: str | None = None
        self.pins: OrderedDict[tuple[str, str], Pin] = OrderedDict()
        #: Comments deleted on the platform, and authors banned, timed out or forgotten (when,
        #: and in the words a host reads): what the stream must never show (again).
        self.deleted: set[tuple[str, str]] = set()
        self.removed_authors: dict[AuthorKey, tuple[datetime, str]] = {}

    # -- segments --------------------------------------------------------------------------

    @property
    def current_segment(self) -> Segment | None:
        return self.segments[-1] if self.segments else None

    def add_segment(self, title: str, keywords: Iterable[str], ts: datetime) -> Segment:
        """A new live segment (an untitled one is numbered)."""
        position = len(self.segments) + 1
        segment = Segment(
            position=position,
            title=clean(title, max_chars=200) or f"Segment {position}",
            keywords=topic_keywords(keywords),
            started_at=ts,
        )
        self.segments.append(segment)
        return segment

    def edit_segment(self, title: str, keywords: Iterable[str]) -> Segment:
        """The live segment with a new title (kept when empty) and keywords; there must be one."""
        current = self.segments[-1]
        segment = Segment(
            current.position,
            clean(title, max_chars=200) or current.title,
            topic_keywords(keywords),
            current.started_at,
        )
        self.segments[-1] = segment
        return segment

    def put_back_segment(self, segment: Segment) -> None:
        """The live segment is `segment` again, as it was (an undone topic edit)."""
        self.segments[-1] = segment

    def drop_segment(self) -> Segment:
        """Take back the live segment (an undone move): the one before is live again."""
        return self.segments.pop()

    # -- stage -----------------------------------------------------------------------------

    @property
    def on_stage(self) -> tuple[StageSession, ...]:
        return tuple(self.stage.values())

    def start_stage(
        self, author: Author, ts: datetime, comment_id: str | None
    ) -> StageSession | None:
        """`author` is on stage from `ts` (None if they already are); their hand goes down."""
        if author.key in self.stage:
            return None
        session = StageSession(author, ts, None, comment_id)
        self.stage[author.key] = session
        return session

    def end_stage(self, key: AuthorKey, ts: datetime) -> StageSession | None:
        """The appearance of `key` ended at `ts` (None if they are not on stage)."""
        session = self.stage.pop(key, None)
        if session is None:
            return None
        return dataclasses.replace(session, ended_at=ts)

    def resume_stage(self, session: StageSession) -> StageSession:
        """An ended appearance goes on (an undone stage end)."""
        resumed = dataclasses.replace(session, ended_at=None)
        self.stage[session.author.key] = resumed
        return resumed

    def rename_on_stage(self, key: AuthorKey, author: Author) -> bool:
        """Show the guest `key` as `author` from now on (a guest who asked to be forgotten)."""
        session = self.stage.get(key)
        if session is None:
            return False
        self.stage[key] = dataclasses.replace(session, author=author)
        return True

    # -- raised hands ----------------------------------------------------------------------

    def raise_hand(self, author: Author, *, at: int | None = None) -> bool:
        """Up (last in line, or `at` that place: an undone stage start gives the hand back
        where it was), unless it is already or they are on stage; True if it went up."""
        if author.key in self.hands or author.key in self.stage:
            return False
        if at is None or at >= len(self.hands):
            self.hands[author.key] = author
            return True
        line = list(self.hands.items())
        line.insert(at, (author.key, author))
        self.hands = OrderedDict(line)
        return True

    def hand_position(self, key: AuthorKey) -> int | None:
        """Where `key`'s raised hand is in the line (0: first), None when it is not raised."""
        for position, raised in enumerate(self.hands):
            if raised == key:
                return position
        return None

    def lower_hand(self, key: AuthorKey) -> bool:
        """Down; True if it was up."""
        return self.hands.pop(key, None) is not None


def topic_keywords(keywords: Iterable[str]) -> tuple[str, ...]:
    """A segment's keywords as the show keeps them: cleaned, the empty ones left out."""
    return tuple(k for k in (clean(word, max_chars=80) for word in keywords) if k)
