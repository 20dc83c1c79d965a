"""Offline ranking of a transcript: every segment's queue rows, judged when the segment ended.

The transcript is replayed through one `Ranker` in file order, exactly as the live pipeline would:
comments are sanitized, classified (a bot's line or a chat command is never scored, and only
viewers' comments are queued: `classify`) and scored on arrival, segment events change the topic,
host answers and dismissals teach the ranker, stage events mark who is on stage. Each segment is
then looked back on as a whole: its comments judged again knowing the vocabulary the segment
taught by its end (`look_back_events`), and its rows (one question asked by several viewers is
one row, `queue_order.merge_askers`) listed by score without the recency decay, so `reasons`
sums to `score`. Ties keep arrival order, so the output is deterministic.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
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
_UNSCORED = frozenset({CommentKind.BOT, CommentKind.COMMAND, CommentKind.HELD})
_UNSCORED_SCORE = Score(0.0, 0.0)


@dataclass(frozen=True, slots=True)
class Judging:
    """How a transcript is judged, the same for every function here (`stagehand rank` builds
    it from the config and its options)."""

    topic: str | None = None
    """Every segment's title, when given (a transcript without segment events is one segment
    about `topic` and `keywords`)."""
    keywords: Sequence[str] | None = None
    """Every segment's keywords, when given."""
    settings: RankingSettings = field(default_factory=RankingSettings)
    command_prefix: str = "!"
    classify: Classify | None = None
    """The pipeline's classifier; by default `[ranking] bots` are bots, the rest comments."""
    hosts: Sequence[str] = ()
    """`[show] hosts`, as a live show tells its ranker."""


#: Each segment's own topic, the default ranking settings, the default prefix and classifier.
DEFAULT = Judging()


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

    @property
    def asked_by(self) -> int:
        """How many viewers asked it (one asking again counts once; `askers` lists each comment)."""
        return len({c.author.key for c in self.askers or (self.comment,)})

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
            "asked_by": self.asked_by,
            "askers": [c.id for c in askers],
        }


def rank_transcript(
    path: Path,
    judging: Judging = DEFAULT,
) -> list[RankedRow]:
    """Rank a transcript file; see `rank_events`."""
    return rank_events(list(read_transcript(path)), judging)


def rank_events(
    events: Iterable[TranscriptEvent],
    judging: Judging = DEFAULT,
) -> list[RankedRow]:
    """Best first within each segment, segments in order: the rows of viewers' comments, as
    each segment is looked back on when it ended (`look_back_events`).

    Comments before the first segment event belong to the first segment.
    """
    arrived, looked_back = look_back_events(events, judging)
    return rows_of(looked_back, judging.settings, arrived)


def rows_of(
    judged: Sequence[RankedComment],
    settings: RankingSettings,
    arrived: Sequence[RankedComment] | None = None,
) -> list[RankedRow]:
    """The queue rows of judged comments (`judge_events` or `look_back_events`), best first
    within each segment. `arrived`: the same comments as judged on arrival, in the same order,
    when `judged` is what looking back made of them (each row's `arrival`)."""
    arrival = {id(r.comment): i for i, r in enumerate(judged)}
    on_arrival = {id(r.comment): r.score for r in arrived} if arrived is not None else {}
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
            on_arrival.get(id(first.comment), first.score),
            tuple(r.comment for r in row.askers),
        )
        rows.append((ranked.segment, -ranked.score.value, arrival[id(first.comment)], result))
    rows.sort(key=lambda item: item[:3])
    return [item[3] for item in rows]


def judge_events(
    events: Iterable[TranscriptEvent],
    judging: Judging = DEFAULT,
) -> list[RankedComment]:
    """Every comment of the transcript as the pipeline would judge it on arrival, in order:
    its score, the segment it arrived in (from 1) and its kind."""
    replay = _Replay(events, judging)
    return replay.run(look_back=False)[0]


def look_back_events(
    events: Iterable[TranscriptEvent],
    judging: Judging = DEFAULT,
) -> tuple[list[RankedComment], list[RankedComment]]:
    """Every comment as judged on arrival (`judge_events`), and as judged looking back on its
    segment when it ended, in the same order.

    Scored on arrival, a comment is judged by what the segment had taught the ranker so far: a
    claim posted before the chat took up the segment's word ("DEAD GAME LULW" before "game"
    meant the game on screen) stays off topic. Looking back, each segment is judged again
    from where it began, by a copy of the ranker as it stood then, hearing the same comments
    and host actions, with one thing more: a comment none of the words known on its arrival
    match is matched by the vocabulary the segment learned by its end
    (`TopicProfile.look_back`). Everything else (repeats, merging, what the hosts answered)
    comes out as it did live, but for what follows from that match: a reply to such a comment
    carries its topic. Not the segment's bursts: what the crowd said at its end belongs to
    that moment. A topic edited mid-segment ends a stretch looked back on by itself, as the
    comments before it were judged by the old topic."""
    replay = _Replay(events, judging)
    return replay.run(look_back=True)


_Stretch = list[tuple[int, Comment, CommentKind] | HostEvent]


class _Replay:
    """One replay of a transcript through a Ranker, optionally looking back on each stretch
    of one topic (a segment, or its part after a topic edit) when it ends."""

    def __init__(self, events: Iterable[TranscriptEvent], judging: Judging) -> None:
        self.events = list(events)
        self.topic = judging.topic
        self.keywords = judging.keywords
        self.settings = judging.settings
        classify = judging.classify
        if classify is None:
            bots = BotAccounts(self.settings.bots)

            def classify(comment: Comment) -> CommentKind:
                return CommentKind.BOT if bots.is_bot(comment.author) else CommentKind.COMMENT

        self.classify = classify
        description = next((e.description for e in self.events if isinstance(e, ShowEvent)), "")
        self.ranker = Ranker(
            self.settings, show_description=description, command_prefix=judging.command_prefix
        )
        self.ranker.add_hosts(judging.hosts)  # `[show] hosts`, as a live show tells its ranker
        self.by_id: dict[str, Comment] = {}
        self.authors: dict[AuthorKey, Author] = {}

    def segment_for(self, event: SegmentEvent, position: int) -> Segment:
        return Segment(
            position=position,
            title=self.topic if self.topic is not None else event.title,
            keywords=tuple(self.keywords) if self.keywords is not None else event.keywords,
            started_at=event.ts,
        )

    def run(self, *, look_back: bool) -> tuple[list[RankedComment], list[RankedComment]]:
        """The comments as judged on arrival, and (with `look_back`, else the same list) as
        judged looking back on their stretch."""
        ranker = self.ranker
        topic, keywords = self.topic, self.keywords
        arrived: list[RankedComment] = []
        looked_back: list[RankedComment] = []
        stretch: _Stretch = []
        start: Ranker | None = None
        live: Segment | None = None

        def set_topic(segment: Segment) -> None:
            nonlocal start, live
            live = segment
            if start is not None:
                looked_back.extend(self._look_back(start, stretch, arrived))
                stretch.clear()
            ranker.set_segment(segment)
            if look_back:
                start = copy.deepcopy(ranker)  # the stretch, judged again from here

        first = next((e for e in self.events if isinstance(e, SegmentEvent)), None)
        if first is not None:
            set_topic(self.segment_for(first, 1))
        else:
            set_topic(Segment(1, topic or "", tuple(keywords or ())))
        position = 1
        seen_segment = False
        for event in self.events:
            if isinstance(event, SegmentEvent):
                if seen_segment:
                    position += 1
                    set_topic(self.segment_for(event, position))
                seen_segment = True
            elif isinstance(event, TopicEvent) and topic is None and keywords is None:
                # A topic edited mid-segment: the comments after it are judged by it, as live
                # (the ones before keep theirs). With --topic or --keywords, those stand.
                # The same segment (its start): its questions asked before the edit stay.
                started = live.started_at if live is not None else event.ts
                set_topic(Segment(position, event.title, event.keywords, started))
            elif isinstance(event, CommentEvent):
                cleaned = sanitize(event.comment.text)
                comment = replace(
                    event.comment, clean_text=cleaned.text, truncated=cleaned.truncated
                )
                self.by_id[comment.id] = comment
                self.authors[comment.author.key] = comment.author
                kind = self.classify(comment)
                score = _UNSCORED_SCORE if kind in _UNSCORED else ranker.score(comment)
                if look_back:
                    stretch.append((len(arrived), comment, kind))
                arrived.append(RankedComment(comment, score, position, kind))
            elif isinstance(event, HostEvent):
                _apply_host_action(ranker, event, self.by_id, self.authors)
                if look_back:
                    stretch.append(event)
        if start is None:
            return arrived, arrived
        looked_back.extend(self._look_back(start, stretch, arrived))
        return arrived, looked_back

    def _look_back(
        self, again: Ranker, stretch: _Stretch, arrived: list[RankedComment]
    ) -> list[RankedComment]:
        """The stretch's comments judged again by `again` (the ranker as the stretch began),
        knowing the vocabulary the stretch taught the ranker that ran through it."""
        again.topic.look_back(self.ranker.topic.learned_vocabulary())
        judged: list[RankedComment] = []
        for item in stretch:
            if isinstance(item, HostEvent):
                _apply_host_action(again, item, self.by_id, self.authors)
                continue
            index, comment, kind = item
            first = arrived[index]
            score = first.score if kind in _UNSCORED else again.score(comment)
            judged.append(RankedComment(comment, score, first.segment, kind))
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
