"""The metrics themselves: pure functions over a show's facts (docs/metrics.md defines each).

`measure` is the one definition of every number. The whole show, each segment and each platform
are the same function applied to a filtered slice of the facts, so a segment's figures can never
drift from the show's.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable
from datetime import datetime

from stagehand.metrics.facts import (
    Answered,
    Appearance,
    Cell,
    Placed,
    Reply,
    ShowFacts,
)
from stagehand.metrics.fresh_starts import names_counted_twice
from stagehand.metrics.model import (
    FollowUpQuestion,
    Metrics,
    PaidMessage,
    PaidTotal,
    ParticipantRow,
    PlatformMetrics,
    SegmentMetrics,
    ShowInfo,
    ShowMetrics,
    TimelinePoint,
)

BEFORE_FIRST_SEGMENT = "Before the first segment"


def share(part: float, whole: float) -> float | None:
    """part / whole, or None when there is nothing to divide (shown as a dash, never as 0%)."""
    return part / whole if whole else None


def measure(
    cells: Iterable[Cell],
    answered: Iterable[Answered],
    replies: Iterable[Reply],
    appearances: Iterable[Appearance],
    *,
    hosts: Collection[int],
    returning_authors: Collection[int],
) -> Metrics:
    """Every metric over one slice of a show (the whole show, a segment or a platform)."""
    by_author: Counter[int] = Counter()
    host_comments = deleted = questions = on_topic = on_topic_questions = side_chatter = 0
    for cell in cells:
        deleted += cell.deleted
        if cell.author_id in hosts:
            host_comments += cell.comments
            continue
        by_author[cell.author_id] += cell.comments
        questions += cell.questions
        on_topic += cell.on_topic
        on_topic_questions += cell.on_topic_questions
        side_chatter += cell.side_chatter
    comments = sum(by_author.values())
    guests = [a for a in appearances if a.author_id not in hosts]
    guest_ids = {a.author_id for a in guests}
    participants = {author for author, count in by_author.items() if count} | guest_ids
    counted = [a for a in answered if not a.deleted and a.author_id not in hosts]
    delays = [a.seconds_to_answer for a in counted]
    engaged = ({a.author_id for a in counted} | guest_ids) & participants
    returning = len(participants & set(returning_authors))
    return Metrics(
        comments=comments,
        participants=len(participants),
        comments_per_participant=share(comments, len(participants)),
        top_three_share=share(sum(n for _, n in by_author.most_common(3)), comments),
        questions=questions,
        on_topic_questions=on_topic_questions,
        on_topic_share=share(on_topic, comments),
        side_chatter_share=share(side_chatter, comments),
        answered=len(counted),
        answered_on_topic_questions=sum(1 for a in counted if a.is_question and a.on_topic),
        answered_share_of_on_topic_questions=share(
            sum(1 for a in counted if a.is_question and a.on_topic), on_topic_questions
        ),
        median_seconds_to_answer=statistics.median(delays) if delays else None,
        stage_appearances=len(guests),
        stage_guests=len(guest_ids),
        stage_seconds=sum(a.seconds for a in guests),
        engaged_participants=len(engaged),
        participation_rate=share(len(engaged), len(participants)),
        viewer_replies=sum(
            r.count for r in replies if r.author_id not in hosts and r.to_author_id not in hosts
        ),
        newcomers=len(participants) - returning,
        returning=returning,
        host_comments=host_comments,
        deleted_comments=deleted,
        answered_on_topic_questions_on_air=sum(
            1 for a in counted if a.is_question and a.on_topic and a.on_air
        ),
    )


def participant_ids(
    cells: Iterable[Cell], appearances: Iterable[Appearance], hosts: Collection[int]
) -> set[int]:
    """The names `measure` counts as participants: a viewer with a comment that counts, or
    brought on stage."""
    commented = {c.author_id for c in cells if c.comments and c.author_id not in hosts}
    return commented | {a.author_id for a in appearances if a.author_id not in hosts}


def measure_where(facts: ShowFacts, keep: Callable[[Placed], bool]) -> Metrics:
    """`measure` over the facts `keep` accepts (each fact has segment_id and platform)."""
    return measure(
        (c for c in facts.cells if keep(c)),
        (a for a in facts.answered if keep(a)),
        (r for r in facts.replies if keep(r)),
        (a for a in facts.appearances if keep(a)),
        hosts=facts.host_ids,
        returning_authors=facts.returning_authors,
    )


def show_metrics_from(facts: ShowFacts) -> ShowMetrics:
    """The whole picture of one show from its facts."""
    origin = facts.opened_at.replace(second=0, microsecond=0)
    titles = {s.id: s.title for s in facts.segments}
    segments = [
        SegmentMetrics(
            s.position,
            s.title,
            s.started_at,
            _minute(origin, s.started_at),
            measure_where(facts, _in_segment(s.id)),
        )
        for s in facts.segments
    ]
    loose = measure_where(facts, _in_segment(None))
    if facts.segments and (loose.comments or loose.stage_appearances or loose.host_comments):
        segments.insert(0, SegmentMetrics(0, BEFORE_FIRST_SEGMENT, None, 0, loose))
    platforms = sorted({c.platform for c in facts.cells} | {a.platform for a in facts.appearances})
    by_platform = [PlatformMetrics(p, measure_where(facts, _on_platform(p))) for p in platforms]
    totals = measure_where(facts, lambda fact: True)
    return ShowMetrics(
        show=ShowInfo(
            facts.show.name,
            facts.show.title,
            facts.show.description,
            facts.opened_at,
            facts.closed_at,
            closed=facts.show.ended_at is not None,
        ),
        totals=totals,
        segments=tuple(segments),
        # A platform only the hosts (or deleted comments) wrote on had no viewers: not listed.
        platforms=tuple(p for p in by_platform if p.metrics.participants),
        timeline=timeline(facts, origin),
        follow_ups=tuple(
            FollowUpQuestion(
                author=_name(facts, f.author_id),
                platform=f.platform,
                ts=f.ts,
                minute=_minute(origin, f.ts),
                segment=_segment_title(facts, titles, f.segment_id),
                text=f.text,
                score=f.score,
                dismissed=f.dismissed,
                asked_by=f.asked_by,
                questions=f.questions,
                pasted=f.pasted,
            )
            for f in facts.follow_ups
        ),
        unanswered_on_topic_questions=totals.on_topic_questions
        - totals.answered_on_topic_questions,
        participants=participant_rows(facts),
        unanswered_hidden_opted_out=facts.hidden_follow_ups,
        started_afresh=len(facts.fresh_starts),
        counted_twice=names_counted_twice(
            facts.fresh_starts,
            facts.first_seen,
            {a.id: a.platform for a in facts.authors.values()},
            participant_ids(facts.cells, facts.appearances, facts.host_ids),
        )
        if facts.fresh_starts
        else 0,
        paid=tuple(
            PaidMessage(
                author=_name(facts, p.author_id),
                platform=p.platform,
                ts=p.ts,
                minute=_minute(origin, p.ts),
                kind=p.kind,
                amount=p.amount,
                currency=p.currency,
                shown=p.shown,
                text=p.text,
                answered=p.answered,
            )
            for p in facts.paid
        ),
        paid_totals=paid_totals(facts),
    )


def paid_totals(facts: ShowFacts) -> tuple[PaidTotal, ...]:
    """Money (and bits) per currency; memberships and channel points carry no amount.

    Amounts in different currencies do not compare (500 JPY is less than 10 USD): the currency
    most highlights came in goes first, ties by code, and bits (not money) after every currency.
    """
    amounts: Counter[str] = Counter()
    messages: Counter[str] = Counter()
    for paid in facts.paid:
        if paid.amount > 0 and paid.currency:
            amounts[paid.currency] += paid.amount  # type: ignore[assignment]
            messages[paid.currency] += 1
    return tuple(
        PaidTotal(currency, amounts[currency], messages[currency])
        for currency in sorted(amounts, key=lambda c: (c == "bits", -messages[c], c))
    )


def timeline(facts: ShowFacts, origin: datetime) -> tuple[TimelinePoint, ...]:
    """Every minute from the show's start to its end, quiet minutes included (as zeros)."""
    answers: Counter[int] = Counter(
        _minute(origin, a.first_answered_at)
        for a in facts.answered
        if not a.deleted and a.author_id not in facts.host_ids
    )
    by_minute = {m.minute: m for m in facts.minutes}
    # The minute the show's last moment falls in: a show that ends at 10:10:00 ends in 10:09.
    ending = math.ceil((facts.closed_at - origin).total_seconds() / 60) - 1
    last = max([*by_minute, *answers, ending, 0])
    points = []
    for minute in range(last + 1):
        m = by_minute.get(minute)
        points.append(
            TimelinePoint(
                minute,
                m.comments if m else 0,
                m.on_topic if m else 0,
                m.questions if m else 0,
                m.on_topic_questions if m else 0,
                answers[minute],
            )
        )
    return tuple(points)


def participant_rows(facts: ShowFacts) -> tuple[ParticipantRow, ...]:
    """One row per viewer who took part, most comments first."""
    hosts = facts.host_ids
    totals: dict[int, Counter[str]] = defaultdict(Counter)
    for cell in facts.cells:
        if cell.author_id not in hosts and cell.comments:
            row = totals[cell.author_id]
            row["comments"] += cell.comments
            row["questions"] += cell.questions
            row["on_topic_questions"] += cell.on_topic_questions
    for answer in facts.answered:
        if answer.author_id in totals and not answer.deleted:
            totals[answer.author_id]["answered"] += 1
    stage_seconds: Counter[int] = Counter()
    for appearance in facts.appearances:
        if appearance.author_id not in hosts:
            totals[appearance.author_id]["stage_appearances"] += 1
            stage_seconds[appearance.author_id] += appearance.seconds  # type: ignore[assignment]
    for reply in facts.replies:
        if reply.author_id in totals and reply.to_author_id not in hosts:
            totals[reply.author_id]["viewer_replies"] += reply.count
    rows = [
        ParticipantRow(
            author=_name(facts, author_id),
            platform=facts.authors[author_id].platform if author_id in facts.authors else "",
            comments=counts["comments"],
            questions=counts["questions"],
            on_topic_questions=counts["on_topic_questions"],
            answered=counts["answered"],
            stage_appearances=counts["stage_appearances"],
            stage_seconds=float(stage_seconds[author_id]),
            viewer_replies=counts["viewer_replies"],
            returning=author_id in facts.returning_authors,
            login=_login(facts, author_id)[0],
            platform_id=_login(facts, author_id)[1],
        )
        for author_id, counts in totals.items()
    ]
    rows.sort(key=lambda r: (-r.comments, -r.answered, -r.stage_seconds, r.author.lower()))
    return tuple(rows)


def _name(facts: ShowFacts, author_id: int) -> str:
    if author_id in facts.names:
        return facts.names[author_id]
    author = facts.authors.get(author_id)
    return author.shown_name if author else f"author-{author_id}"


def _login(facts: ShowFacts, author_id: int) -> tuple[str, str]:
    """(login, platform id) of a viewer; nothing for one who opted out."""
    author = facts.authors.get(author_id)
    if author is None or author.anonymous:
        return "", ""
    return author.name, author.platform_user_id


def _segment_title(facts: ShowFacts, titles: dict[int, str], segment_id: int | None) -> str:
    if segment_id is None:
        return BEFORE_FIRST_SEGMENT if facts.segments else ""
    return titles.get(segment_id, "")


def _minute(origin: datetime, ts: datetime) -> int:
    return max(0, int((ts - origin).total_seconds() // 60))


def _in_segment(segment_id: int | None) -> Callable[[Placed], bool]:
    """Facts of one segment (None: before the first segment)."""
    return lambda fact: fact.segment_id == segment_id


def _on_platform(platform: str) -> Callable[[Placed], bool]:
    return lambda fact: fact.platform == platform
