"""The facts a show's metrics are computed from: small rows read by `metrics.read`.

Each fact is already aggregated (a `Cell` is one author's comments in one segment on one
platform), so the pure functions in `metrics.compute` never see a million rows.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from stagehand.confusables import LOOK_ALIKE_MARK, mixes_scripts, skeleton
from stagehand.pseudonyms import is_pseudonym
from stagehand.sanitize import unbroken_name
from stagehand.store.queries import ShowRow
from stagehand.store.recorder import FORGOTTEN_ID_PREFIX


@dataclass(frozen=True, slots=True)
class AuthorInfo:
    id: int
    platform: str
    name: str
    display_name: str
    is_host: bool
    opted_out: bool
    platform_user_id: str = ""

    @property
    def anonymous(self) -> bool:
        """Someone who opted out or was forgotten: known by a pseudonym only. So is a row a
        replayed export made of one (its platform id a pseudonym or a forgotten row's)."""
        return (
            self.opted_out
            or is_pseudonym(self.platform_user_id)
            or self.platform_user_id.startswith(FORGOTTEN_ID_PREFIX)
        )

    @property
    def shown_name(self) -> str:
        """The name reports print: a pseudonym for anyone who opted out."""
        if self.opted_out:
            return anonymous_name(self.id)
        return unbroken_name(self.display_name or self.name)


def anonymous_name(author_id: int) -> str:
    """The pseudonym the store gives opted-out authors (stable, says nothing about the person)."""
    return f"anonymous-{author_id}"


#: A name that reads like a pseudonym (`anonymous_name`).
_LIKE_A_PSEUDONYM = re.compile(r"anonymous-\d", re.IGNORECASE)


def report_names(authors: Iterable[AuthorInfo]) -> dict[int, str]:
    """The name each author goes by in a report, no two people alike.

    Opted-out viewers keep their pseudonym (`anonymous-<n>`, nothing else about them is shown).
    A viewer whose name two people share ("Sam" and "Sam", or "ana" and "аna" with a Cyrillic
    а: names are compared as they read, `confusables.skeleton`), or whose name reads like a
    pseudonym (a display name `anonymous-1`), gets their login beside it, "Sam (@sam_k)"; where
    the login is no help (the same, or shared too), their platform id, "Sam (twitch id 107)".
    A name that mixes look-alike letters of different scripts wears the console's mark for it:
    "≈ аna (twitch id 2011)".
    """
    people = list(authors)
    base = {a.id: a.shown_name for a in people}
    shared = Counter(skeleton(name) for name in base.values())
    names = dict(base)
    for a in people:
        name = base[a.id]
        if a.anonymous or (shared[skeleton(name)] < 2 and not _LIKE_A_PSEUDONYM.match(name)):
            continue
        if a.name and a.name.casefold() != name.casefold():
            names[a.id] = f"{name} (@{a.name})"
    again = Counter(skeleton(name) for name in names.values())
    for a in people:
        if a.anonymous:
            continue
        still_alike = again[skeleton(names[a.id])] > 1
        unmarked = names[a.id] == base[a.id] and _LIKE_A_PSEUDONYM.match(base[a.id])
        if still_alike or unmarked:
            names[a.id] = f"{base[a.id]} ({a.platform} id {a.platform_user_id})"
        if mixes_scripts(a.name) or mixes_scripts(base[a.id]):
            names[a.id] = f"{LOOK_ALIKE_MARK} {names[a.id]}"
    return names


@dataclass(frozen=True, slots=True)
class SegmentInfo:
    id: int
    position: int
    title: str
    started_at: datetime


class Placed(Protocol):
    """Every fact belongs to a segment (or none) and a platform: the slices metrics are cut by."""

    @property
    def segment_id(self) -> int | None: ...

    @property
    def platform(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Cell:
    """One author's comments in one segment on one platform (deleted ones counted apart)."""

    author_id: int
    segment_id: int | None
    platform: str
    comments: int
    questions: int
    on_topic: int
    on_topic_questions: int
    side_chatter: int
    deleted: int


@dataclass(frozen=True, slots=True)
class Answered:
    """A comment the hosts answered on air or replied to, with its first answer's delay."""

    comment_id: int
    author_id: int
    segment_id: int | None
    platform: str
    is_question: bool
    on_topic: bool
    deleted: bool
    commented_at: datetime
    first_answered_at: datetime
    #: Answered on air (an `answer`), not only replied to in chat.
    on_air: bool = False

    @property
    def seconds_to_answer(self) -> float:
        # Clocks of two systems can disagree by a little: an answer is never before its question.
        return max(0.0, (self.first_answered_at - self.commented_at).total_seconds())


@dataclass(frozen=True, slots=True)
class Reply:
    """`count` comments by one author replying to another author's comments."""

    author_id: int
    to_author_id: int
    segment_id: int | None
    platform: str
    count: int


@dataclass(frozen=True, slots=True)
class Appearance:
    """One stage appearance; `segment_id` is the segment live when it started."""

    author_id: int
    platform: str
    segment_id: int | None
    started_at: datetime
    seconds: float


@dataclass(frozen=True, slots=True)
class FreshStart:
    """A viewer starting afresh (`!forget confirm`, `!optin`): from `ts` on they are a new name
    on `platform`; `author_id` is the anonymous row left behind (None when its line is gone)."""

    ts: datetime
    platform: str
    author_id: int | None


@dataclass(frozen=True, slots=True)
class Minute:
    """Viewer comments sent in one minute of the show (minute 0 is the show's first minute)."""

    minute: int
    comments: int
    on_topic: int
    questions: int
    on_topic_questions: int


@dataclass(frozen=True, slots=True)
class FollowUp:
    """An on-topic question nobody answered: what the hosts can pick up after the show. One
    question several viewers asked (one queue row) is one follow-up: its first unanswered
    asker's comment, `asked_by` viewers, `questions` comments (a viewer who asked again twice);
    `score` is the best of theirs, and it is `dismissed` when any of them was; `pasted` when
    the row is a wave of pastes (any of them flagged `copypasta`, as the queue row is)."""

    comment_id: int
    author_id: int
    platform: str
    segment_id: int | None
    ts: datetime
    text: str
    score: float
    dismissed: bool
    asked_by: int = 1
    questions: int = 1
    pasted: bool = False


@dataclass(frozen=True, slots=True)
class Paid:
    """A highlighted comment (a Super Chat or Super Sticker, bits, channel points, a membership
    message), as the platform showed its amount; `text` is "" for an author who opted out."""

    comment_id: int
    author_id: int
    platform: str
    ts: datetime
    kind: str
    amount: float
    currency: str
    shown: str
    text: str
    answered: bool


@dataclass(frozen=True, slots=True)
class ShowFacts:
    show: ShowRow
    opened_at: datetime
    closed_at: datetime
    segments: tuple[SegmentInfo, ...]
    authors: dict[int, AuthorInfo]
    cells: tuple[Cell, ...]
    answered: tuple[Answered, ...]
    replies: tuple[Reply, ...]
    appearances: tuple[Appearance, ...]
    minutes: tuple[Minute, ...]
    follow_ups: tuple[FollowUp, ...]
    returning_authors: frozenset[int] = field(default_factory=frozenset)
    #: Unanswered on-topic questions not listed because their authors opted out.
    hidden_follow_ups: int = 0
    #: Each time a viewer started afresh (`!forget confirm`, `!optin`) in the show.
    fresh_starts: tuple[FreshStart, ...] = ()
    #: When each name first took part (a comment counted, or on stage): read only when someone
    #: started afresh, to tell which names came after (`metrics.fresh_starts`).
    first_seen: dict[int, datetime] = field(default_factory=dict)
    paid: tuple[Paid, ...] = ()
    #: The name each author goes by in the report (`report_names`).
    names: dict[int, str] = field(default_factory=dict)

    @property
    def host_ids(self) -> frozenset[int]:
        return frozenset(a.id for a in self.authors.values() if a.is_host)
