"""The machine-readable exports: JSON (every metric) and CSV (one row per participant).

CSV cells that a spreadsheet would run as a formula (`=`, `+`, `-`, `@` first) get a leading
apostrophe: a viewer named `=HYPERLINK(...)` must stay a name.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

from stagehand.metrics import ParticipantRow, ShowMetrics, TrendRow

PARTICIPANT_COLUMNS = [
    "author",
    "platform",
    "comments",
    "questions",
    "on_topic_questions",
    "answered",
    "stage_appearances",
    "stage_seconds",
    "viewer_replies",
    "returning",
]


def render_json(report: ShowMetrics) -> str:
    return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"


def render_trend_json(rows: Sequence[TrendRow]) -> str:
    return json.dumps({"shows": [r.to_dict() for r in rows]}, indent=2, ensure_ascii=False) + "\n"


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def render_csv(report: ShowMetrics) -> str:
    """The per-participant table, most comments first."""
    return _csv(
        PARTICIPANT_COLUMNS,
        [[getattr(p, c) for c in PARTICIPANT_COLUMNS] for p in report.participants],
    )


def render_trend_csv(rows: Sequence[TrendRow]) -> str:
    if not rows:
        return _csv(["show"], [])
    keys = list(rows[0].metrics.to_dict())
    return _csv(
        ["show", "title", "opened_at", *keys],
        [
            [
                r.show.name,
                r.show.title,
                r.show.to_dict()["opened_at"],
                *r.metrics.to_dict().values(),
            ]
            for r in rows
        ],
    )


__all__ = ["PARTICIPANT_COLUMNS", "ParticipantRow", "render_csv", "render_json"]
