"""What the metrics say: plain result values the console and every report renderer read.

`Metrics` is the one set of numbers (docs/metrics.md defines each); a show has it for the whole
show, per segment and per platform. `to_dict` gives the JSON shape `stagehand report --format
json` prints, so the keys here are part of the public interface.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import TYPE_CHECKING, Any

from stagehand.times import format_ts

if TYPE_CHECKING:
    from stagehand.metrics.team import ActorRow, OnStreamRow
    from stagehand.store.resume_with import ResumeWith


@dataclass(frozen=True, slots=True)
class Metrics:
    comments: int = 0
    participants: int = 0
    comments_per_participant: float | None = None
    top_three_share: float | None = None
    questions: int = 0
    on_topic_questions: int = 0
    on_topic_share: float | None = None
    side_chatter_share: float | None = None
    answered: int = 0
    answered_on_topic_questions: int = 0
    answered_share_of_on_topic_questions: float | None = None
    median_seconds_to_answer: float | None = None
    stage_appearances: int = 0
    stage_guests: int = 0
    stage_seconds: float = 0.0
    engaged_participants: int = 0
    participation_rate: float | None = None
    viewer_replies: int = 0
    newcomers: int = 0
    returning: int = 0
    host_comments: int = 0
    deleted_comments: int = 0
    #: Of `answered_on_topic_questions`, those answered on air (the rest only in chat).
    answered_on_topic_questions_on_air: int = 0

    @property
    def answered_on_topic_questions_in_chat(self) -> int:
        return self.answered_on_topic_questions - self.answered_on_topic_questions_on_air

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _rounded(getattr(self, f.name)) for f in fields(self)}


@dataclass(frozen=True, slots=True)
class SegmentMetrics:
    """A segment's metrics; position 0 is chat before the first segment started."""

    position: int
    title: str
    started_at: datetime | None
    minute: int
    metrics: Metrics

    def to_dict(self) -> dict[str, Any]:
        return {
            "position": self.position,
            "title": self.title,
            "started_at": format_ts(self.started_at) if self.started_at else None,
            "minute": self.minute,
            **self.metrics.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class PlatformMetrics:
    platform: str
    metrics: Metrics

    def to_dict(self) -> dict[str, Any]:
        return {"platform": self.platform, **self.metrics.to_dict()}


@dataclass(frozen=True, slots=True)
class TimelinePoint:
    """One minute of the show: viewer comments sent, and comments first answered, in it."""

    minute: int
    comments: int
    on_topic: int
    questions: int
    on_topic_questions: int
    answers: int


@dataclass(frozen=True, slots=True)
class FollowUpQuestion:
    """An unanswered on-topic question; `author` is already anonymized where it must be. One
    question several viewers asked is one of these, its first asker's: `asked_by` viewers asked
    it, in `questions` comments (each counted in `unanswered_questions_total`); `pasted` when
    the row was a wave of pastes (the console's "pasted by N")."""

    author: str
    platform: str
    ts: datetime
    minute: int
    segment: str
    text: str
    score: float
    dismissed: bool
    asked_by: int = 1
    questions: int = 1
    pasted: bool = False

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ts"] = format_ts(self.ts)
        data["score"] = round(self.score, 3)
        return data


@dataclass(frozen=True, slots=True)
class ParticipantRow:
    """One viewer's part in the show (the CSV export's row)."""

    author: str
    platform: str
    comments: int
    questions: int
    on_topic_questions: int
    answered: int
    stage_appearances: int
    stage_seconds: float
    viewer_replies: int
    returning: bool
    #: Their login and platform id, to tell apart people who read alike ("" if opted out).
    login: str = ""
    platform_id: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {key: _rounded(value) for key, value in asdict(self).items()}


@dataclass(frozen=True, slots=True)
class PaidMessage:
    """A Super Chat, Super Sticker, cheer or other highlighted comment, as the report lists it;
    `author` is already anonymized where it must be, `text` empty then."""

    author: str
    platform: str
    ts: datetime
    minute: int
    kind: str
    amount: float
    currency: str
    shown: str
    text: str
    answered: bool

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["ts"] = format_ts(self.ts)
        return data


#: Digits after the point a currency is written with (ISO 4217), where not the usual two:
#: "JPY 500", never "JPY 500.00"; "KWD 1.250". Every report format writes amounts so.
CURRENCY_DIGITS = {
    **dict.fromkeys(
        ("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI"), 0
    ),
    **dict.fromkeys(("VND", "VUV", "XAF", "XOF", "XPF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
}


def currency_digits(currency: str) -> int:
    """Digits after the point for `currency` ("bits" are whole)."""
    return 0 if currency == "bits" else CURRENCY_DIGITS.get(currency.upper(), 2)


@dataclass(frozen=True, slots=True)
class PaidTotal:
    """What one currency (or "bits") added up to over the show, and in how many messages."""

    currency: str
    amount: float
    messages: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "amount": round(self.amount, currency_digits(self.currency)),
            "messages": self.messages,
        }


@dataclass(frozen=True, slots=True)
class ModerationCounts:
    """Messages deleted, and viewers timed out or banned (each viewer once per kind)."""

    messages_deleted: int = 0
    viewers_timed_out: int = 0
    viewers_banned: int = 0

    def __bool__(self) -> bool:
        return bool(self.messages_deleted or self.viewers_timed_out or self.viewers_banned)

    def to_dict(self) -> dict[str, int]:
        return {
            "messages_deleted": self.messages_deleted,
            "viewers_timed_out": self.viewers_timed_out,
            "viewers_banned": self.viewers_banned,
        }


@dataclass(frozen=True, slots=True)
class Moderation:
    """`by_hosts`: done through stagehand (the console, the show server, a moderator's chat
    command to stagehand); `on_platform`: done on the platform itself by its own moderators
    (a ban or timeout stagehand heard of; a message the platform says was deleted without the
    hosts deleting it)."""

    by_hosts: ModerationCounts = field(default_factory=ModerationCounts)
    on_platform: ModerationCounts = field(default_factory=ModerationCounts)
    #: Viewers' comments held back from the queue for a blocked term (`[ranking] blocked_terms`).
    held_back: int = 0

    def __bool__(self) -> bool:
        return bool(self.by_hosts or self.on_platform or self.held_back)

    def to_dict(self) -> dict[str, Any]:
        return {
            "through_stagehand": self.by_hosts.to_dict(),
            "on_platform": self.on_platform.to_dict(),
            "held_back_blocked_terms": self.held_back,
        }


@dataclass(frozen=True, slots=True)
class ShowInfo:
    """When a show ran. `closed_at` is the last moment the report covers: when the show was
    closed, or, for one never closed (`closed` False: it crashed, or it is still running), the
    last moment the database knows it ran; the JSON then says `closed_at: null`."""

    name: str
    title: str
    description: str
    opened_at: datetime
    closed_at: datetime
    closed: bool = True
    #: For a show not closed, what resumes it (the command that ran it, as the database knows it).
    resume: ResumeWith | None = None

    @property
    def duration_seconds(self) -> float:
        return max(0.0, (self.closed_at - self.opened_at).total_seconds())

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "opened_at": format_ts(self.opened_at),
            "closed_at": format_ts(self.closed_at) if self.closed else None,
            "closed": self.closed,
            "last_known_at": format_ts(self.closed_at),
            "duration_seconds": round(self.duration_seconds, 1),
            # The shell command that resumes a show not closed (null when closed, or when its
            # name or transcript's path could not be written as it runs).
            "resume_with": self.resume.command or None if self.resume and not self.closed else None,
        }


@dataclass(frozen=True, slots=True)
class ShowMetrics:
    show: ShowInfo
    totals: Metrics
    segments: tuple[SegmentMetrics, ...]
    platforms: tuple[PlatformMetrics, ...]
    timeline: tuple[TimelinePoint, ...]
    follow_ups: tuple[FollowUpQuestion, ...]
    unanswered_on_topic_questions: int
    participants: tuple[ParticipantRow, ...]
    #: Of the unanswered on-topic questions, how many are not listed: their authors opted out.
    unanswered_hidden_opted_out: int = 0
    #: How many times a viewer started afresh in the show (`!forget confirm`, `!optin`): their
    #: earlier rows are anonymous and linked to nobody, so one person may be two names.
    started_afresh: int = 0
    #: Of the participants, how many names can be someone counted already: fresh starts each
    #: followed by a new name on its platform (`metrics.fresh_starts`); the reports give the
    #: people as a range, "3 to 5 people", from `fewest_people` to `participants`.
    counted_twice: int = 0
    #: Who did what, by token name (empty when nobody acted by name: metrics/team.py).
    answered_by: tuple[ActorRow, ...] = ()
    #: Each comment shown on stream (the overlay), in order.
    on_stream: tuple[OnStreamRow, ...] = ()
    #: Super Chats, Super Stickers, cheers and other highlighted comments, oldest first.
    paid: tuple[PaidMessage, ...] = ()
    #: Their amounts added up per currency (`compute.paid_totals` says in what order).
    paid_totals: tuple[PaidTotal, ...] = ()
    #: Messages deleted and viewers timed out or banned, by the hosts or on the platform.
    moderation: Moderation = field(default_factory=Moderation)

    @property
    def on_stage(self) -> tuple[ParticipantRow, ...]:
        """The guests who came on stage, longest on stage first (then by name): the order of
        every format's "On stage" section."""
        guests = [p for p in self.participants if p.stage_appearances]
        return tuple(sorted(guests, key=lambda p: (-p.stage_seconds, p.author.lower())))

    @property
    def fewest_people(self) -> int:
        return fewest_people(self.totals.participants, self.counted_twice)

    @property
    def follow_ups_cover(self) -> int:
        """How many of the unanswered on-topic questions the follow-up list stands for (a line
        asked by several viewers stands for each of their questions)."""
        return sum(q.questions for q in self.follow_ups)

    def to_dict(self) -> dict[str, Any]:
        """Every metric, JSON-ready: the headline numbers at the top level, then the breakdowns."""
        return {
            "show": self.show.to_dict(),
            **self.totals.to_dict(),
            "segments": [s.to_dict() for s in self.segments],
            "platforms": [p.to_dict() for p in self.platforms],
            "timeline": [asdict(point) for point in self.timeline],
            "unanswered_questions": [q.to_dict() for q in self.follow_ups],
            "unanswered_questions_total": self.unanswered_on_topic_questions,
            "unanswered_questions_hidden_opted_out": self.unanswered_hidden_opted_out,
            "started_afresh": self.started_afresh,
            "fewest_people": self.fewest_people,
            "people": [p.to_dict() for p in self.participants],
            "on_stage": [
                {
                    "author": p.author,
                    "platform": p.platform,
                    "stage_appearances": p.stage_appearances,
                    "stage_seconds": _rounded(p.stage_seconds),
                }
                for p in self.on_stage
            ],
            "answered_by": [a.to_dict() for a in self.answered_by],
            "shown_on_stream": [s.to_dict() for s in self.on_stream],
            "highlights": [p.to_dict() for p in self.paid],
            "highlight_totals": [t.to_dict() for t in self.paid_totals],
            "moderation": self.moderation.to_dict(),
        }


@dataclass(frozen=True, slots=True)
class ShowCounts:
    """A show's `comments` and `participants`, as `Metrics` counts them (`stagehand shows`),
    and how many of the names can be someone counted already (`ShowMetrics.counted_twice`)."""

    comments: int
    participants: int
    counted_twice: int = 0


@dataclass(frozen=True, slots=True)
class TrendRow:
    show: ShowInfo
    metrics: Metrics
    #: As the show's own report counts them (`ShowMetrics.counted_twice`).
    counted_twice: int = 0

    @property
    def fewest_people(self) -> int:
        return fewest_people(self.metrics.participants, self.counted_twice)

    def to_dict(self) -> dict[str, Any]:
        """The show, then its metrics, `fewest_people` after `participants` as in its report."""
        shaped: dict[str, Any] = {"show": self.show.to_dict()}
        for key, value in self.metrics.to_dict().items():
            shaped[key] = value
            if key == "participants":
                shaped["fewest_people"] = self.fewest_people
        return shaped


def fewest_people(participants: int, counted_twice: int) -> int:
    """The fewest people `participants` names can be when `counted_twice` of them can be
    someone counted already: `participants` when none can."""
    return max(participants - counted_twice, min(participants, 1))


def _rounded(value: Any) -> Any:
    # Shares and seconds to 4 and 1 places: enough for any report, stable in tests and diffs.
    if isinstance(value, float):
        return round(value, 4)
    return value
