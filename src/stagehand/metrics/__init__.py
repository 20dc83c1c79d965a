"""Participation metrics, defined once (docs/metrics.md), used by the console and the reports.

    from stagehand.metrics import show_metrics, trend
    metrics = show_metrics(db)            # the latest show; or show_metrics(db, "friday-37")
    metrics.totals.participation_rate     # every number lives on `Metrics`
    metrics.to_dict()                     # what `stagehand report --format json` prints

`read` runs the SQL (a few aggregate passes), `compute` the pure definitions, `model` holds the
result values.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime

from sqlite_utils import Database

from stagehand.metrics.compute import measure, participant_ids, share, show_metrics_from
from stagehand.metrics.fresh_starts import names_counted_twice
from stagehand.metrics.model import (
    CURRENCY_DIGITS,
    FollowUpQuestion,
    Metrics,
    Moderation,
    ModerationCounts,
    PaidMessage,
    PaidTotal,
    ParticipantRow,
    PlatformMetrics,
    SegmentMetrics,
    ShowCounts,
    ShowInfo,
    ShowMetrics,
    TimelinePoint,
    TrendRow,
    currency_digits,
)
from stagehand.metrics.moderation import read_moderation
from stagehand.metrics.read import (
    FOLLOW_UP_LIMIT,
    read_counting_facts,
    read_first_seen,
    read_fresh_starts,
    read_show_facts,
    show_openings,
)
from stagehand.metrics.team import ActorRow, OnStreamRow, read_answered_by, read_on_stream
from stagehand.store.queries import LEFTOVER, ShowRow, resolve_show
from stagehand.times import parse_ts

__all__ = [
    "CURRENCY_DIGITS",
    "FOLLOW_UP_LIMIT",
    "ActorRow",
    "FollowUpQuestion",
    "Metrics",
    "Moderation",
    "ModerationCounts",
    "OnStreamRow",
    "PaidMessage",
    "PaidTotal",
    "ParticipantRow",
    "PlatformMetrics",
    "SegmentMetrics",
    "ShowCounts",
    "ShowInfo",
    "ShowMetrics",
    "TimelinePoint",
    "TrendRow",
    "currency_digits",
    "measure",
    "share",
    "show_counts",
    "show_metrics",
    "trend",
]


def show_metrics(
    db: Database,
    show: ShowRow | str | None = None,
    *,
    now: datetime | None = None,
    follow_up_limit: int | None = FOLLOW_UP_LIMIT,
) -> ShowMetrics:
    """Every metric of one show (default: the latest). Raises StoreError for an unknown show.

    `now` is for a show still running (the console's header): stage appearances that have not
    ended count up to it. `follow_up_limit=None` lists every unanswered on-topic question.
    """
    row = show if isinstance(show, ShowRow) else _find(db, show)
    facts = read_show_facts(db, row, now=now, follow_up_limit=follow_up_limit)
    metrics = show_metrics_from(facts)
    if not metrics.show.closed:
        from stagehand.store.resume_with import resume_with

        resumable = dataclasses.replace(metrics.show, resume=resume_with(db, row.id))
        metrics = dataclasses.replace(metrics, show=resumable)
    # Who did what, what the stream showed (metrics/team.py), and the moderation
    # (metrics/moderation.py): the report's, not the trend's.
    return dataclasses.replace(
        metrics,
        moderation=read_moderation(db, row, metrics.totals.deleted_comments),
        answered_by=read_answered_by(db, row),
        on_stream=read_on_stream(db, row, metrics.show.closed_at, names=facts.names),
    )


def show_counts(db: Database, show: ShowRow) -> ShowCounts:
    """A show's comments and people, counted as the report counts them (the same `measure`
    over the same rows), without the report's other passes: what `stagehand shows` lists."""
    cells, appearances, hosts = read_counting_facts(db, show)
    counted = measure(cells, (), (), appearances, hosts=hosts, returning_authors=())
    fresh_starts = read_fresh_starts(db, show)
    if not fresh_starts:
        return ShowCounts(counted.comments, counted.participants)
    platform_of = {c.author_id: c.platform for c in cells}
    platform_of.update((a.author_id, a.platform) for a in appearances)
    twice = names_counted_twice(
        fresh_starts,
        read_first_seen(db, show, appearances),
        platform_of,
        participant_ids(cells, appearances, hosts),
    )
    return ShowCounts(counted.comments, counted.participants, twice)


def trend(db: Database, *, on_show: Callable[[int, int], None] | None = None) -> list[TrendRow]:
    """The headline metrics of every show in the database, oldest first.

    Newcomers and returning viewers follow the same order: a viewer returns in a show when they
    commented in any show that opened before it. `on_show(done, total)` hears of each show read
    (for progress).
    """
    rows: list[TrendRow] = []
    seen: set[int] = set()
    openings = show_openings(db)
    for done, (show_id, _) in enumerate(openings):
        if on_show is not None:
            on_show(done, len(openings))
        show = _show_row(db, "id = ?", show_id)
        assert show is not None
        facts = read_show_facts(db, show, follow_up_limit=0, seen_before=frozenset(seen))
        seen.update(cell.author_id for cell in facts.cells)
        metrics = show_metrics_from(facts)
        rows.append(TrendRow(metrics.show, metrics.totals, metrics.counted_twice))
    return rows


def _show_row(db: Database, where: str, *values: object) -> ShowRow | None:
    # The store's find_show also counts comments (a full pass on a big show): not needed here.
    row = db.conn.execute(
        f"SELECT id, name, title, description, started_at, ended_at FROM shows WHERE {where}",
        values,
    ).fetchone()
    if row is None:
        return None
    return ShowRow(
        row[0], row[1], row[2], row[3], parse_ts(row[4]), parse_ts(row[5]) if row[5] else None
    )


def _find(db: Database, name: str | None) -> ShowRow:
    """The named show, or the latest; resolve_show's errors (and its wording) otherwise."""
    if name is not None:
        found = _show_row(db, "name = ?", name)
    else:
        # "Latest" means most recently created, as in `stagehand shows` (resolve_show), and
        # never a run's leftover that stored nothing.
        found = _show_row(db, f"id = (SELECT max(id) FROM shows WHERE NOT {LEFTOVER})")
    return found if found is not None else resolve_show(db, name)
