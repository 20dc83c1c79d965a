"""The machine-readable exports: JSON (every metric) and CSV (one row per participant).

Every text in them is sanitized like the other formats (no control characters, escape
sequences or bidi overrides), so `cat report.csv` cannot retitle or clear a terminal. CSV
follows OWASP's CSV-injection rule: a cell a spreadsheet would run as a formula (`=`, `+`,
`-`, `@`, tab or CR first) gets a leading apostrophe, so a viewer named `=HYPERLINK(...)` stays
a name; cells are quoted as RFC 4180 says (CRLF rows, any cell with a quote, comma or line break
in quotes).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from typing import Any

from stagehand.metrics import ParticipantRow, ShowMetrics, TrendRow
from stagehand.sanitize import clean, inert_json

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
    "login",
    "platform_id",
]


def render_json(report: ShowMetrics) -> str:
    return inert_json(_sanitized(report.to_dict()), indent=2) + "\n"


def render_trend_json(rows: Sequence[TrendRow]) -> str:
    return inert_json(_sanitized({"shows": [r.to_dict() for r in rows]}), indent=2) + "\n"


def _sanitized(value: Any) -> Any:
    """Every string in a JSON-ready tree cleaned as the other formats clean chat text, and
    every number one JSON can spell (no NaN or Infinity: a database from an older stagehand
    may hold an infinite amount; it becomes null)."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, list | tuple):
        return [_sanitized(item) for item in value]
    if isinstance(value, dict):
        return {_sanitized(key): _sanitized(item) for key, item in value.items()}
    return value


#: First characters that make a spreadsheet evaluate a cell (OWASP CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, str):
        text = clean(value)
        return "'" + text if text.startswith(FORMULA_STARTS) else text
    return value


def _csv(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
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
    keys = [key for key in rows[0].to_dict() if key != "show"]
    return _csv(
        ["show", "title", "opened_at", *keys],
        [
            [r.show.name, r.show.title, r.show.to_dict()["opened_at"], *_metrics_of(r).values()]
            for r in rows
        ],
    )


def _metrics_of(row: TrendRow) -> dict[str, Any]:
    """A trend row's cells after the show's: its JSON less the show."""
    shaped = row.to_dict()
    del shaped["show"]
    return shaped


__all__ = ["PARTICIPANT_COLUMNS", "ParticipantRow", "render_csv", "render_json"]
