"""Offline ranking of a transcript: every segment's comments as the queue stood when it ended.

The transcript is replayed through one `Ranker` in file order, exactly as the live pipeline would:
comments are sanitized and scored on arrival, segment events change the topic, host answers and
dismissals teach the ranker, stage events mark who is on stage. Each segment is then judged at its
end (the next segment's start, or the transcript's last event): the score is the arrival value
decayed to that moment, and `reasons["recency"]` is what the decay took, so `reasons` sums to
`score`. Ties keep arrival order, so the output is deterministic.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from stagehand.config.ranking import RankingSettings
from stagehand.domain import AuthorKey, Comment, HostActionKind, Score, Segment
from stagehand.ranking.ranker import Ranker
from stagehand.sanitize import sanitize
from stagehand.transcript import (
    CommentEvent,
    HostEvent,
    SegmentEvent,
    ShowEvent,
    TranscriptEvent,
    read_transcript,
)


@dataclass(frozen=True, slots=True)
class RankedRow:
    """One comment of one segment, judged at the segment's end."""

    comment: Comment
    segment: int
    score: float
    reasons: dict[str, float]
    arrival: Score

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.comment.id,
            "segment": self.segment,
            "score": round(self.score, 4),
            "reasons": self.reasons,
        }


def rank_transcript(
    path: Path,
    *,
    topic: str | None = None,
    keywords: Sequence[str] | None = None,
    settings: RankingSettings | None = None,
    command_prefix: str = "!",
) -> list[RankedRow]:
    """Rank a transcript file; see `rank_events`."""
    return rank_events(
        list(read_transcript(path)),
        topic=topic,
        keywords=keywords,
        settings=settings,
        command_prefix=command_prefix,
    )


def rank_events(
    events: Iterable[TranscriptEvent],
    *,
    topic: str | None = None,
    keywords: Sequence[str] | None = None,
    settings: RankingSettings | None = None,
    command_prefix: str = "!",
) -> list[RankedRow]:
    """Best first within each segment, segments in order.

    `topic` and `keywords` replace every segment's title and keywords when given; a transcript
    without segment events is one segment about them. Comments before the first segment event
    belong to the first segment.
    """
    events = list(events)
    settings = settings or RankingSettings()
    description = next((e.description for e in events if isinstance(e, ShowEvent)), "")
    ranker = Ranker(settings, show_description=description, command_prefix=command_prefix)

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
    judged: list[tuple[int, int, Comment, Score]] = []
    for event in events:
        if isinstance(event, SegmentEvent):
            if seen_segment:
                position += 1
                ranker.set_segment(segment_for(event, position))
            seen_segment = True
        elif isinstance(event, CommentEvent):
            cleaned = sanitize(event.comment.text)
            comment = replace(event.comment, clean_text=cleaned.text, truncated=cleaned.truncated)
            by_id[comment.id] = comment
            judged.append((position, len(judged), comment, ranker.score(comment)))
        elif isinstance(event, HostEvent):
            _apply_host_action(ranker, event, by_id)

    rows: list[tuple[int, float, int, RankedRow]] = []
    for segment, arrival_index, comment, score in judged:
        row = RankedRow(comment, segment, score.value, dict(score.reasons), score)
        rows.append((segment, -score.value, arrival_index, row))
    rows.sort(key=lambda item: item[:3])
    return [item[3] for item in rows]


def _apply_host_action(ranker: Ranker, event: HostEvent, by_id: dict[str, Comment]) -> None:
    action = event.action
    comment = by_id.get(action.comment_id) if action.comment_id else None
    if action.kind in (HostActionKind.ANSWER, HostActionKind.DISMISS) and comment is not None:
        ranker.feedback(comment, positive=action.kind is HostActionKind.ANSWER)
    elif action.kind in (HostActionKind.STAGE_START, HostActionKind.STAGE_END):
        platform = action.platform or (comment.platform if comment else "replay")
        author_id = action.author_id or (comment.author.id if comment else None)
        if platform and author_id:
            on_stage = action.kind is HostActionKind.STAGE_START
            ranker.set_on_stage(AuthorKey(platform, author_id), on_stage)
            if on_stage and comment is not None:
                ranker.feedback(comment, positive=True)
