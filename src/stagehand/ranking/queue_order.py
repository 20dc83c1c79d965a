"""The queue's order, and what a queued comment is worth now: one rule for every screen.

A comment is scored once, on arrival (`Ranker.score`), and ordered by `Score.rank_key` from then
on. Two things change after arrival, and both are settled here, in the core, so the console and
any other screen (a show server's remote views) show the same queue:

- **the segment moves on.** A comment was scored against the topic live when it arrived; once
  the segment changes, that score says nothing about the new topic, so an earlier segment's
  comments sink below the live segment's as a group. Except the questions still waiting: an
  earlier segment's question (not said to the other viewers) keeps its place among the live
  comments, by its decayed score, until it is answered, dismissed, or has decayed below
  `STILL_WAITING_SCORE`, so "what cap for the integrator?" is not buried under the next
  segment's "SeemsGood".
- **a hand goes down** (lowered, or its owner brought on stage). The `hand` bonus was given while
  the hand was up; `with_hand_down` takes it (and the `raised_hand` flag) back.

And one question asked by several viewers is one row (`queue_rows`): every comment whose
`Score.same_as` names the same first asker joins that asker's row, "asked by N". The row shows
the first asker's comment (the one still queued, if the first has left), rises with N (the
`asked_by` weight per further asker, at most `MAX_ASKED_BY` of them) and is as fresh as its latest
asker. A viewer who asks their question again is in its row once (their repeat is acted on with
it, and adds neither an asker nor freshness); until someone else asks it too, each of their lines
is a row of its own, as any comment. Acting on a row acts for every asker in it (`LiveShow.answer(comment, also=...)`).
A row is one kind: a wave of pastes when any of its comments is a `copypasta` (sunk, "pasted by
N", every paster counted), a question asked by N otherwise; the report says it the same way.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from stagehand.domain import RankedComment, Score
from stagehand.ranking.recency import decayed_score, rank_key

#: An earlier segment's question stays among the live segment's comments while its score,
#: decayed by the half-life, is at least this: twice a plain comment's (`base` is 1). A score-5
#: question waits about 23 minutes at the default 600 s half-life, a score-3 one about 6.
STILL_WAITING_SCORE = 2.0
#: Further askers a merged row gains points for (the sixth asker adds nothing more).
MAX_ASKED_BY = 4

QueueKey = tuple[bool, float, datetime]


def still_waiting(
    ranked: RankedComment, *, live_segment: int, now: datetime, half_life: float
) -> bool:
    """True for an earlier segment's question for the show that has not gone stale."""
    score = ranked.score
    if ranked.segment >= live_segment or "question" not in score.flags:
        return False
    if "to_chat" in score.flags:
        return False
    ts = ranked.comment.ts.timestamp()
    return decayed_score(score.value, ts, now.timestamp(), half_life) >= STILL_WAITING_SCORE


def queue_key(
    ranked: RankedComment, *, live_segment: int, now: datetime, half_life: float
) -> QueueKey:
    """Sort key, highest first: the live segment (and questions still waiting) above earlier
    segments, then `rank_key` (the decayed score), then the newest on ties."""
    current = ranked.segment >= live_segment or still_waiting(
        ranked, live_segment=live_segment, now=now, half_life=half_life
    )
    return (current, ranked.score.rank_key, ranked.comment.ts)


def order_queue(
    entries: Iterable[RankedComment],
    *,
    live_segment: int,
    now: datetime,
    half_life: float,
    limit: int | None = None,
) -> list[RankedComment]:
    """The queue, best first (at most `limit` comments)."""
    ordered = sorted(
        entries,
        key=lambda r: queue_key(r, live_segment=live_segment, now=now, half_life=half_life),
        reverse=True,
    )
    return ordered if limit is None else ordered[:limit]


def with_hand_down(ranked: RankedComment, *, half_life: float) -> RankedComment:
    """The comment without the raised-hand bonus it was given (its author's hand is down now).

    `value` stays the sum of `reasons`, and `rank_key` follows the new value.
    """
    score = ranked.score
    if "raised_hand" not in score.flags and "hand" not in score.reasons:
        return ranked
    reasons = {name: points for name, points in score.reasons.items() if name != "hand"}
    value = score.value - score.reasons.get("hand", 0.0)
    lowered = Score(
        value=value,
        rank_key=rank_key(value, ranked.comment.ts.timestamp(), half_life),
        reasons=reasons,
        flags=score.flags - {"raised_hand"},
    )
    return dataclasses.replace(ranked, score=lowered)


def each_viewer(askers: Iterable[RankedComment]) -> tuple[RankedComment, ...]:
    """Each viewer's first comment among a row's `askers`: who asked it, each once."""
    first: dict[object, RankedComment] = {}
    for ranked in askers:
        first.setdefault(ranked.comment.author.key, ranked)
    return tuple(first.values())


@dataclass(frozen=True, slots=True)
class QueueRow:
    """One row of the queue: a comment, or one question with every viewer who asked it.

    `ranked` is what the row shows and sorts by: its first asker's comment, scored as the row
    (an `asked_by` reason added for the others). `askers` is every asker's comment as it was
    scored, the first asker first (just `ranked` for a row of one).
    """

    ranked: RankedComment
    askers: tuple[RankedComment, ...]

    @property
    def asked_by(self) -> int:
        """How many viewers asked it (one who asked again counts once)."""
        return len(each_viewer(self.askers))

    @property
    def others(self) -> tuple[RankedComment, ...]:
        """The askers other than the one the row shows."""
        shown = self.ranked.comment
        return tuple(
            r
            for r in self.askers
            if (r.comment.platform, r.comment.id) != (shown.platform, shown.id)
        )


def group_key(ranked: RankedComment) -> tuple[str, str]:
    """The first asker's comment of a question asked again; the comment itself otherwise."""
    return ranked.score.same_as or (ranked.comment.platform, ranked.comment.id)


def merge_askers(
    entries: Iterable[RankedComment],
    *,
    half_life: float,
    asked_by_points: float = 1.0,
    pasted_points: float = -3.0,
) -> list[QueueRow]:
    """The entries as rows: each question asked again joins its first asker's row (unordered)."""
    groups: dict[tuple[str, str], list[RankedComment]] = {}
    for ranked in entries:
        groups.setdefault(group_key(ranked), []).append(ranked)
    rows: list[QueueRow] = []
    for members in groups.values():
        if len(each_viewer(members)) == 1:
            # One viewer asking again, nobody else yet: each line a row, as ever (in a help
            # channel asking again is how someone nobody answered asks; it stays fresh). A
            # copypasta wave is never one viewer's: their own copies are repeats.
            rows.extend(QueueRow(r, (r,)) for r in members)
            continue
        members.sort(
            key=lambda r: (group_key(r) != (r.comment.platform, r.comment.id), r.comment.ts)
        )
        rows.append(
            _merged(
                members,
                half_life=half_life,
                asked_by_points=asked_by_points,
                pasted_points=pasted_points,
            )
        )
    return rows


def _merged(
    members: list[RankedComment], *, half_life: float, asked_by_points: float, pasted_points: float
) -> QueueRow:
    first = members[0]
    score = first.score
    if any("copypasta" in r.score.flags for r in members[1:]):
        # A wave of pastes: the first post was the copypasta's start; it sinks with the wave.
        value = score.value + pasted_points
        changed = Score(
            value=value,
            rank_key=rank_key(value, first.comment.ts.timestamp(), half_life),
            reasons={**score.reasons, "copypasta": round(pasted_points, 4)},
            flags=score.flags | {"copypasta"},
            same_as=score.same_as,
        )
        return QueueRow(dataclasses.replace(first, score=changed), tuple(members))
    # Each viewer counts once, from when they first asked: asking one's own question again
    # neither adds an asker nor keeps the row fresh (a viewer repeating it every minute).
    viewers = each_viewer(members)
    extra = asked_by_points * min(len(viewers) - 1, MAX_ASKED_BY)
    value = score.value + extra
    latest = max(r.comment.ts for r in viewers)
    lifted = Score(
        value=value,
        rank_key=rank_key(value, latest.timestamp(), half_life),
        reasons={**score.reasons, "asked_by": round(extra, 4)},
        flags=score.flags,
        same_as=score.same_as,
    )
    return QueueRow(dataclasses.replace(first, score=lifted), tuple(members))


def queue_rows(
    entries: Iterable[RankedComment],
    *,
    live_segment: int,
    now: datetime,
    half_life: float,
    asked_by_points: float = 1.0,
    pasted_points: float = -3.0,
    limit: int | None = None,
) -> list[QueueRow]:
    """The queue as every screen shows it: rows best first (at most `limit`), each question
    asked by several viewers one row (and each copypasta wave one row, sunk)."""
    rows = merge_askers(
        entries,
        half_life=half_life,
        asked_by_points=asked_by_points,
        pasted_points=pasted_points,
    )
    rows.sort(
        key=lambda row: queue_key(
            row.ranked, live_segment=live_segment, now=now, half_life=half_life
        ),
        reverse=True,
    )
    return rows if limit is None else rows[:limit]
