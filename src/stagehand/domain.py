"""The domain model: plain values every other module speaks. No I/O here, ever.

Times are timezone-aware UTC datetimes. Platform ids are strings (Twitch and Discord both
use numeric strings; the replay adapter uses whatever the transcript says).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum

from stagehand.frozen import quick_init
from stagehand.sanitize import clean_name, sanitize


def utcnow() -> datetime:
    """The current time, timezone-aware UTC (the only clock the core reads)."""
    return datetime.now(UTC)


class Role(StrEnum):
    """Roles an author can hold, mapped from each platform's badges or guild roles."""

    BROADCASTER = "broadcaster"
    HOST = "host"
    MODERATOR = "moderator"
    VIP = "vip"
    SUBSCRIBER = "subscriber"
    MEMBER = "member"


#: Roles that may steer the show from chat (moderator commands).
STEERING_ROLES = frozenset({Role.BROADCASTER, Role.HOST, Role.MODERATOR})


class CommentKind(StrEnum):
    """What a chat line is, decided once by the pipeline (`stagehand.show.kinds`).

    Only `comment` may enter the queue; every screen reads the kind, none decides it again.
    The metrics read it too (docs/metrics.md): commands and bot lines are not comments at all,
    host lines are counted apart, moderators' lines count but are never questions.
    """

    COMMENT = "comment"
    """A viewer's comment, an `!ask` question included: what the hosts may take on air."""
    COMMAND = "command"
    """A chat command, ours or another bot's (`!hand`, `!uptime`, a bare `!ask`)."""
    HOST = "host"
    """The broadcaster, a host, or a `[show] hosts` account: the show itself."""
    MODERATOR = "moderator"
    """A moderator: staff, still a participant."""
    BOT = "bot"
    """The bot's own account or a known chat bot (`[ranking] bots`)."""
    HELD = "held"
    """A viewer's comment with a blocked term (`[ranking] blocked_terms`): kept out of the
    queue and the follow-ups, still stored, counted and shown in raw chat."""

    @property
    def may_queue(self) -> bool:
        return self is CommentKind.COMMENT


class HostActionKind(StrEnum):
    """What the hosts did; the same words as the transcript's `host` events."""

    ANSWER = "answer"
    DISMISS = "dismiss"
    REPLY = "reply"
    STAGE_START = "stage_start"
    STAGE_END = "stage_end"
    MODERATE = "moderate"
    #: The console moved to the next segment (`text` is its title; the `segments` row holds it).
    SEGMENT = "segment"
    #: The console edited the live segment's title and keywords (`text` is the new title).
    TOPIC = "topic"
    UNDO = "undo"
    #: The comment was put on the stream's overlay ("show on stream": `s`, the API's `feature`).
    FEATURE = "feature"
    #: The featured comment was taken off the overlay by hand (a timeout is not a host action).
    UNFEATURE = "unfeature"
    #: A producer pinned the comment to the top of the hosts' queue (`text` is their note).
    PIN = "pin"
    UNPIN = "unpin"


class ModerationKind(StrEnum):
    DELETE = "delete"
    TIMEOUT = "timeout"
    BAN = "ban"


#: The `text` of a `moderate` host action that lifted a ban or a timeout on the platform itself
#: (a Twitch moderator's /unban, an unban in Discord's server settings): heard and logged, never
#: one of the hosts' moderations (those are `ModerationKind`; their undo is an `undo` action).
PLATFORM_UNBAN = "unban"


@quick_init
@dataclass(frozen=True, slots=True)
class AuthorKey:
    """Identifies an author across the whole system: a platform and its user id."""

    platform: str
    id: str

    def __hash__(self) -> int:
        # The id alone (its hash is cached in the string): every dict and set of authors hashes
        # keys on every comment, and this is about a quarter cheaper than hashing both. Equal
        # keys have equal ids; the same id on two platforms only shares a bucket.
        return hash(self.id)

    def __str__(self) -> str:
        return f"{self.platform}:{self.id}"


#: How every screen names someone anonymous (`Author.anonymous`), live and after a restart
#: alike: a viewer who opted out, and a guest who asked to be forgotten while on stage. Names
#: only (a viewer may choose them too); the reports' `anonymous-<n>` is for the record.
OPTED_OUT_NAME = "a viewer who opted out"
FORGOTTEN_NAME = "a forgotten viewer"

#: Who the console in the show's own process acts as: other screens read its actions as
#: "host: Dismissed ana's comment", as they read a token's. No token may take this name
#: (server/access.py); the database stores it so too ("this machine" in the report).
THIS_CONSOLE = "host"


@quick_init
@dataclass(frozen=True, slots=True)
class Author:
    platform: str
    id: str
    name: str
    display_name: str = ""
    roles: frozenset[str] = frozenset()
    #: Shown under no name: they opted out or asked to be forgotten (`name` is empty and
    #: `display_name` says which). A fact set where the show lets go of someone, never read
    #: from the name, which a viewer chooses: no screen outside the show's own process is given
    #: their platform id, and nobody replies to them in chat.
    anonymous: bool = False

    @property
    def key(self) -> AuthorKey:
        return AuthorKey(self.platform, self.id)

    @property
    def shown_name(self) -> str:
        """The name every screen and every message to the hosts shows: the display name (else
        the user name) cleaned like chat text (no bidi overrides, escapes or mark towers, at
        most `NAME_CHARS`), the user id when nothing is left of it. A name is as hostile as chat."""
        return clean_name(self.display_name or self.name, self.id)

    @property
    def can_steer(self) -> bool:
        """Broadcasters, hosts and moderators may use moderator commands."""
        return bool(self.roles & STEERING_ROLES)


def host_account(entry: str) -> tuple[str, str] | None:
    """A `[show] hosts` entry ("twitch:cohost") as (platform, casefolded user name); None for an
    entry that names no platform."""
    platform, colon, name = entry.strip().partition(":")
    name = name.strip().lstrip("@")
    if not (colon and platform.strip() and name):
        return None
    return platform.strip().casefold(), name.casefold()


class HighlightKind(StrEnum):
    """How a platform made a message stand out, usually because the viewer paid for it."""

    CHANNEL_POINTS = "channel_points"
    """Twitch "Highlight my message", bought with channel points."""
    BITS = "bits"
    """A Twitch cheer; `amount` is the bits."""
    SUPER_CHAT = "super_chat"
    """A YouTube Super Chat; `amount` in `currency`'s major unit."""
    SUPER_STICKER = "super_sticker"
    """A YouTube Super Sticker; `amount` in `currency`'s major unit."""
    MEMBERSHIP = "membership"
    """A new member, a milestone, or gifted memberships (YouTube, Twitch subscriptions)."""


@dataclass(frozen=True, slots=True)
class Highlight:
    """What the platform said about a highlighted or paid message, as the platform showed it."""

    kind: HighlightKind
    amount: float = 0.0
    currency: str = ""
    """ISO 4217 for money ("USD"); "bits" for cheers; empty when there is no amount."""
    shown: str = ""
    """The amount as the platform displays it ("$5.00", "100 bits"), for screens and reports."""


@quick_init
@dataclass(frozen=True, slots=True)
class Comment:
    """One chat message as the platform delivered it (after normalizing, before sanitizing).

    `id` is the platform's message id: platforms deliver at least once, so it is the key that
    makes storing idempotent. `text` is the original text, kept for the record; `clean_text`
    is the sanitized text that is scored, shown and searched (filled in by the pipeline).
    """

    id: str
    platform: str
    channel: str
    author: Author
    text: str
    ts: datetime
    reply_to: str | None = None
    first_message: bool = False
    attachments: tuple[str, ...] = ()
    clean_text: str = ""
    truncated: bool = False
    highlight: Highlight | None = None

    @property
    def shown_text(self) -> str:
        """What screens show: the sanitized text. Never the raw text, not even when nothing was
        left of it (escapes, bidi or zero-width characters only): a comment that was never
        sanitized (made by hand, in a test) is sanitized here."""
        if self.clean_text or not self.text:
            return self.clean_text
        return sanitize(self.text).text

    def cleaned(self, clean_text: str, truncated: bool) -> Comment:
        """This comment with its sanitized text: `dataclasses.replace` without its field lookups,
        which cost more than the rest of sanitizing a short line (it runs once per comment)."""
        return Comment(
            self.id,
            self.platform,
            self.channel,
            self.author,
            self.text,
            self.ts,
            self.reply_to,
            self.first_message,
            self.attachments,
            clean_text,
            truncated,
            self.highlight,
        )


@dataclass(frozen=True, slots=True)
class QuotaUse:
    """One call against a platform's daily API quota (YouTube's), and the budget after it.

    `day` is the quota day the call counts against (YouTube's resets at midnight Pacific time);
    `used` is what stagehand spent of it so far, this call included; `read_delay` is the wait the
    governor now puts between reads (0: chat is read as fast as it comes); `warning`, when set, is
    what the hosts should read now (a threshold was just crossed).
    """

    method: str
    units: int
    ts: datetime
    day: str
    used: int
    limit: int
    read_delay: float = 0.0
    outcome: str = "ok"
    warning: str = ""

    @property
    def left(self) -> int:
        return max(0, self.limit - self.used)


@dataclass(frozen=True, slots=True)
class Show:
    name: str
    title: str = ""
    description: str = ""
    started_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Segment:
    """A topic that is live from `started_at` on. `position` counts from 1 within a show."""

    position: int
    title: str
    keywords: tuple[str, ...] = ()
    started_at: datetime | None = None

    @property
    def topic_text(self) -> str:
        return " ".join([self.title, *self.keywords])


@dataclass(frozen=True, slots=True)
class HostAction:
    """Something the hosts did, logged with its time. `comment_id` is a platform message id.

    `key` names the action uniquely within its show (a random id for live actions, a digest of
    the transcript line for replayed ones, kept by export): the database stores an action once
    per key, so a resumed or replayed show never applies it twice. `undoes` is set on an `undo`
    action: the key of the action it takes back (the log stays append-only). `actor` names who
    did it: the show server's token name (`alice`); empty for the console on the show's own
    machine, chat commands, and transcripts that name nobody.
    """

    kind: HostActionKind
    ts: datetime
    comment_id: str | None = None
    platform: str | None = None
    author_id: str | None = None
    text: str = ""
    outcome: str = ""
    key: str = ""
    undoes: str | None = None
    actor: str = ""


@dataclass(frozen=True, slots=True)
class Featured:
    """A comment shown on stream (the overlay) since `since`; `key` is the `feature` host action
    that put it there, `actor` who did."""

    comment: Comment
    since: datetime
    key: str
    actor: str = ""


@dataclass(frozen=True, slots=True)
class Pin:
    """A comment pinned to the top of the hosts' queue by `actor` (a producer), with a note."""

    comment: Comment
    note: str
    at: datetime
    key: str
    actor: str = ""


@dataclass(frozen=True, slots=True)
class StageSession:
    """One appearance of a viewer on stage."""

    author: Author
    started_at: datetime
    ended_at: datetime | None = None
    comment_id: str | None = None

    def seconds(self, now: datetime) -> float:
        return ((self.ended_at or now) - self.started_at).total_seconds()


@quick_init
@dataclass(frozen=True, slots=True)
class Score:
    """A comment's score with its parts.

    `value` is the score at the moment the comment was judged; `reasons` maps each signal to
    its contribution; `rank_key` folds the time decay in, so a queue ordered by it never needs
    re-sorting as time passes; `flags` names what the signals found (question, on_topic, ...).
    `same_as` is set on a question another viewer already asked this segment, or on a paste of
    another viewer's long text: the (platform, message id) of the first comment that asked (or
    posted) it. Every screen shows them as one queue row with it: "asked by N", or a copypasta
    wave that sinks (`stagehand.ranking.queue_order`).
    """

    value: float
    rank_key: float
    reasons: Mapping[str, float] = field(default_factory=dict)
    flags: frozenset[str] = frozenset()
    same_as: tuple[str, str] | None = None


@quick_init
@dataclass(frozen=True, slots=True)
class RankedComment:
    """A comment as the pipeline judged it: its score, the segment it arrived in, its kind."""

    comment: Comment
    score: Score
    segment: int = 0
    kind: CommentKind = CommentKind.COMMENT


@dataclass(frozen=True, slots=True)
class TranscriptPosition:
    """Where a replay got to: `offset` bytes (the first `line` lines) played, their `digest`."""

    offset: int
    line: int
    digest: str


@dataclass(frozen=True, slots=True)
class ReplayPosition:
    """How far into its transcript (`source`) a replayed show is stored, and its show time then."""

    source: str
    position: TranscriptPosition
    show_ts: datetime | None
