"""Offline ranking of a transcript: every segment's queue rows, judged when the segment ended.

The transcript is replayed through one `Ranker` in file order, exactly as the live pipeline would:
comments are sanitized, classified (a bot's line or a chat command is never scored, and only
viewers' comments are queued: `classify`) and scored on arrival, segment events change the topic,
host answers and dismissals teach the ranker, stage events mark who is on stage. Each segment is
then looked back on as a whole: its rows (one question asked by several viewers is one row,
`queue_order.merge_askers`) listed by score without the recency decay, so `reasons` sums to
`score`. Ties keep arrival order, so the output is deterministic.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from stagehand.config.ranking import RankingSettings
from stagehand.domain import (
    Author,
    AuthorKey,
    Comment,
    CommentKind,
    HostActionKind,
    RankedComment,
    Score,
    Segment,
)
from stagehand.ranking.bots import BotAccounts
from stagehand.ranking.queue_order import merge_askers
from stagehand.ranking.ranker import Ranker
from stagehand.sanitize import sanitize
from stagehand.transcript import (
    CommentEvent,
    HostEvent,
    SegmentEvent,
    ShowEvent,
    TopicEvent,
    TranscriptEvent,
    read_transcript,
)

#: What a chat line is (the pipeline's classifier, `stagehand.show.kinds`, or the default:
#: `[ranking] bots` are bots, everything else a viewer's comment).
Classify = Callable[[Comment], CommentKind]
_UNSCORED = frozenset({CommentKind.BOT, CommentKind.COMMAND})
_UNSCORED_SCORE = Score(0.0, 0.0)


@dataclass(frozen=True, slots=True)
class RankedRow:
    """One queue row of one segment, judged at the segment's end: a comment, or one question
    with every viewer who asked it (`askers`, the first asker's comment first)."""

    comment: Comment
    segment: int
    score: float
    reasons: dict[str, float]
    arrival: Score
    askers: tuple[Comment, ...] = ()

    def to_json(self) -> dict[str, object]:
        askers = self.askers or (self.comment,)
        return {
            "id": self.comment.id,
            "segment": self.segment,
            "score": round(self.score, 4),
            "reasons": self.reasons,
            "platform": self.comment.platform,
            # The exact name, as data (a JSON reader gets it back; `inert_json` keeps it inert).
            "author": self.comment.author.display_name or self.comment.author.name,
            "text": self.comment.shown_text,
            "asked_by": len(askers),
            "askers": [c.id for c in askers],
        }


def rank_transcript(
    path: Path,
    *,
    topic: str | None = None,
    keywords: Sequence[str] | None = None,
    settings: RankingSettings | None = None,
    command_prefix: str = "!",
    classify: Classify | None = None,
    hosts: Sequence[str] = (),
) -> list[RankedRow]:
    """Rank a transcript file; see `rank_events`."""
    return rank_events(
        list(read_transcript(path)),
        topic=topic,
        keywords=keywords,
        settings=settings,
        command_prefix=command_prefix,
        classify=classify,
    )


def rank_events(
    events: Iterable[TranscriptEvent],
    *,
    topic: str | None = None,
    keywords: Sequence[str] | None = None,
    settings: RankingSettings | None = None,
    command_prefix: str = "!",
    classify: Classify | None = None,
    hosts: Sequence[str] = (),
) -> list[RankedRow]:
    """Best first within each segment, segments in order: the rows of viewers' comments.

    `topic` and `keywords` replace every segment's title and keywords when given; a transcript
    without segment events is one segment about them. Comments before the first segment event
    belong to the first segment.
    """
    settings = settings or RankingSettings()
    judged = judge_events(
        events,
        topic=topic,
        keywords=keywords,
        settings=settings,
        command_prefix=command_prefix,
        classify=classify,
        hosts=hosts,
    )
    return rows_of(judged, settings)


def rows_of(judged: Sequence[RankedComment], settings: RankingSettings) -> list[RankedRow]:
    """The queue rows of judged comments (`judge_events`), best first within each segment."""
    arrival = {id(r.comment): i for i, r in enumerate(judged)}
    queued = [r for r in judged if r.kind.may_queue]
    rows: list[tuple[int, float, int, RankedRow]] = []
    weights = settings.weights
    for row in merge_askers(
        queued,
        half_life=settings.half_life_seconds,
        asked_by_points=weights.asked_by,
        pasted_points=weights.copypasta,
    ):
        ranked = row.ranked
        first = row.askers[0]
        result = RankedRow(
            ranked.comment,
            ranked.segment,
            ranked.score.value,
            dict(ranked.score.reasons),
            first.score,
            tuple(r.comment for r in row.askers),
        )
        rows.append((ranked.segment, -ranked.score.value, arrival[id(first.comment)], result))
    rows.sort(key=lambda item: item[:3])
    return [item[3] for item in rows]


def judge_events(
    events: Iterable[TranscriptEvent],
    *,
    topic: str | None = None,
    keywords: Sequence[str] | None = None,
    settings: RankingSettings | None = None,
    command_prefix: str = "!",
    classify: Classify | None = None,
    hosts: Sequence[str] = (),
) -> list[RankedComment]:
    """Every comment of the transcript as the pipeline would judge it on arrival, in order:
    its score, the segment it arrived in (from 1) and its kind."""
    events = list(events)
    settings = settings or RankingSettings()
    if classify is None:
        bots = BotAccounts(settings.bots)

        def classify(comment: Comment) -> CommentKind:
            return CommentKind.BOT if bots.is_bot(comment.author) else CommentKind.COMMENT

    description = next((e.description for e in events if isinstance(e, ShowEvent)), "")
    ranker = Ranker(settings, show_description=description, command_prefix=command_prefix)
    ranker.add_hosts(hosts)  # `[show] hosts`, as a live show tells its ranker

    def segment_for(event: SegmentEvent, position: int) -> Segment:
        return Segment(
            position=position,
            title=topic if topic is not None else event.title,
            keywords=tuple(keywords) if keywords is not None else event.keywords,
            started_at=event.ts,
        )

    first = next((e for e in events if isinstance(e, SegmentEvent)), None)
    if first is not None:
        ranker.set_segment(segment_for(first, 1))
    else:
        ranker.set_segment(Segment(1, topic or "", tuple(keywords or ())))

    position = 1
    seen_segment = False
    by_id: dict[str, Comment] = {}
    authors: dict[AuthorKey, Author] = {}
    judged: list[RankedComment] = []
    for event in events:
        if isinstance(event, SegmentEvent):
            if seen_segment:
                position += 1
                ranker.set_segment(segment_for(event, position))
            seen_segment = True
        elif isinstance(event, TopicEvent) and topic is None and keywords is None:
            # A topic edited mid-segment: the comments after it are judged by it, as live (the
            # ones before keep theirs). With --topic or --keywords, those stand throughout.
            ranker.set_segment(Segment(position, event.title, event.keywords, event.ts))
        elif isinstance(event, CommentEvent):
            cleaned = sanitize(event.comment.text)
            comment = replace(event.comment, clean_text=cleaned.text, truncated=cleaned.truncated)
            by_id[comment.id] = comment
            authors[comment.author.key] = comment.author
            kind = classify(comment)
            score = _UNSCORED_SCORE if kind in _UNSCORED else ranker.score(comment)
            judged.append(RankedComment(comment, score, position, kind))
        elif isinstance(event, HostEvent):
            _apply_host_action(ranker, event, by_id, authors)
    return judged


def _apply_host_action(
    ranker: Ranker,
    event: HostEvent,
    by_id: dict[str, Comment],
    authors: dict[AuthorKey, Author],
) -> None:
    action = event.action
    comment = by_id.get(action.comment_id) if action.comment_id else None
    if action.kind in (HostActionKind.ANSWER, HostActionKind.DISMISS) and comment is not None:
        ranker.feedback(comment, positive=action.kind is HostActionKind.ANSWER)
    elif action.kind in (HostActionKind.STAGE_START, HostActionKind.STAGE_END):
        platform = action.platform or (comment.platform if comment else "replay")
        author_id = action.author_id or (comment.author.id if comment else None)
        if platform and author_id:
            on_stage = action.kind is HostActionKind.STAGE_START
            key = AuthorKey(platform, author_id)
            author = authors.get(key) or (comment.author if comment else None)
            names = (author.name, author.display_name) if author else ()
            ranker.set_on_stage(key, on_stage, names=names)
            if on_stage and comment is not None:
                ranker.feedback(comment, positive=True)
