"""The report's "on stage", "answered by" and "shown on stream" tables, one set of cells for
every format.

Each renderer escapes the cells its own way (terminal: one line; Markdown: inert; HTML:
entities); here they are plain text, chat text already cleaned by the store.
"""

from __future__ import annotations

from stagehand.metrics import ShowMetrics
from stagehand.report.text import clock, count, duration

ANSWERED_BY_COLUMNS = ["who", "answered", "replied", "dismissed", "on stage", "on stream", "pinned"]
ON_STREAM_COLUMNS = ["at", "whose", "for", "put there by", "text"]
ON_STAGE_COLUMNS = ["who", "platform", "appearances", "on stage"]


def on_stage_summary(report: ShowMetrics) -> str:
    """'3 guests, 3 min 20 s in all'."""
    m = report.totals
    return f"{count(m.stage_guests, 'guest')}, {duration(m.stage_seconds)} in all"


def on_stage_rows(report: ShowMetrics) -> list[list[str]]:
    """Each guest (anonymous where they opted out, as everywhere), longest on stage first."""
    return [
        [p.author, p.platform, f"{p.stage_appearances:,}", duration(p.stage_seconds)]
        for p in report.on_stage
    ]


def answered_by_rows(report: ShowMetrics) -> list[list[str]]:
    return [
        [
            row.name,
            f"{row.answered:,}",
            f"{row.replied:,}",
            f"{row.dismissed:,}",
            f"{row.staged:,}",
            f"{row.featured:,}",
            f"{row.pinned:,}",
        ]
        for row in report.answered_by
    ]


def on_stream_summary(report: ShowMetrics) -> str:
    """`3 comments shown on stream, 2:40 in all`."""
    total = sum(row.seconds for row in report.on_stream)
    return f"{count(len(report.on_stream), 'comment')} shown on stream, {duration(total)} in all"


def on_stream_rows(report: ShowMetrics) -> list[list[str]]:
    return [
        [
            clock(row.started_at),
            f"{row.author} ({row.platform})" if row.platform else row.author,
            duration(row.seconds),
            row.by,
            row.text,
        ]
        for row in report.on_stream
    ]
