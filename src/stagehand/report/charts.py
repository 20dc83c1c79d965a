"""Inline SVG charts for the HTML report: built as strings, every label escaped.

No chart library and no script: the report is one file that opens anywhere, offline, and the
charts print. Colours are the report's palette (the screenshot test looks for them).
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from datetime import timedelta

from stagehand.graphemes import cut
from stagehand.metrics import ShowMetrics, TimelinePoint, TrendRow
from stagehand.report.text import count, how_many_people, one_line

SLATE = "#94a3b8"  # all comments
TEAL = "#0d9488"  # on topic / engaged
ORANGE = "#ea580c"  # answered
INDIGO = "#4f46e5"  # questions
INK = "#1e293b"
MUTED = "#64748b"
GRID = "#e2e8f0"

#: Bars the timeline draws at most; longer shows are grouped into buckets of several minutes.
MAX_BARS = 180


def esc(text: str) -> str:
    """A label as inert SVG text: control and bidi characters gone, markup escaped."""
    return html.escape(one_line(text), quote=True)


def _ticks(value: float, most: int = 4) -> list[int]:
    """Whole-number gridline values from 0 up to at least `value`, evenly spaced on a nice step
    (1, 2, 5, 10, 20, 50, ...), at most `most` steps: 5 gives 0, 2, 4, 6; 0 gives 0, 1."""
    peak = max(1, math.ceil(value))
    power = 1
    while True:
        for step in (power, 2 * power, 5 * power):
            if math.ceil(peak / step) <= most:
                return list(range(0, math.ceil(peak / step) * step + 1, step))
        power *= 10


def _text(x: float, y: float, text: str, *, size: int = 11, anchor: str = "start",
          fill: str = MUTED, weight: str = "normal") -> str:  # fmt: skip
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
        f'fill="{fill}" font-weight="{weight}">{esc(text)}</text>'
    )


def _gridlines(
    ticks: Sequence[int], left: float, right: float, base: float, top: float
) -> list[str]:
    """A gridline at each tick, labelled with the value at its height (the top tick at `top`)."""
    body = []
    for tick in ticks:
        y = base - (base - top) * tick / ticks[-1]
        body.append(f'<line x1="{left}" x2="{right}" y1="{y:.1f}" y2="{y:.1f}" stroke="{GRID}"/>')
        body.append(_text(left - 6, y + 4, f"{tick:,}", anchor="end"))
    return body


def _rect(x: float, y: float, w: float, h: float, fill: str, tip: str = "") -> str:
    title = f"<title>{esc(tip)}</title>" if tip else ""
    return (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" '
        f'fill="{fill}">{title}</rect>'
    )


def _svg(width: int, height: int, label: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{esc(label)}" '
        f'font-family="system-ui, -apple-system, Segoe UI, sans-serif">' + "".join(body) + "</svg>"
    )


def _buckets(points: Sequence[TimelinePoint]) -> tuple[int, list[TimelinePoint]]:
    size = max(1, math.ceil(len(points) / MAX_BARS))
    if size == 1:
        return 1, list(points)
    grouped = []
    for start in range(0, len(points), size):
        chunk = points[start : start + size]
        grouped.append(
            TimelinePoint(
                chunk[0].minute,
                sum(p.comments for p in chunk),
                sum(p.on_topic for p in chunk),
                sum(p.questions for p in chunk),
                sum(p.on_topic_questions for p in chunk),
                sum(p.answers for p in chunk),
            )
        )
    return size, grouped


def timeline_chart(report: ShowMetrics) -> str:
    """Comments per minute (on-topic part in teal), answers below the axis, segment marks."""
    width, height = 960, 284
    left, right, top = 60, 12, 34
    base = 200  # y of the comments axis
    answers_depth = 44
    size, points = _buckets(report.timeline)
    span = max(len(points), 1)
    step = (width - left - right) / span
    bar = max(step * 0.78, 1.0)
    ticks = _ticks(max((p.comments for p in points), default=0))
    peak = ticks[-1]
    answer_peak = max((p.answers for p in points), default=0) or 1
    origin = report.show.opened_at.replace(second=0, microsecond=0)
    body: list[str] = _gridlines(ticks, left, width - right, base, top)
    unit = "minute" if size == 1 else f"{size} minutes"
    body.append(_text(left, 14, f"comments per {unit}", fill=INK, weight="600"))
    for i, p in enumerate(points):
        x = left + i * step + (step - bar) / 2
        h_all = (base - top) * p.comments / peak
        h_on = (base - top) * p.on_topic / peak
        stamp = (origin + timedelta(minutes=p.minute)).strftime("%H:%M")
        tip = (
            f"{stamp}: {count(p.comments, 'comment')}, {p.on_topic} on topic, {p.answers} answered"
        )
        if p.comments:
            body.append(_rect(x, base - h_all, bar, h_all - h_on, SLATE, tip))
            body.append(_rect(x, base - h_on, bar, h_on, TEAL, tip))
        if p.answers:
            depth = answers_depth * p.answers / answer_peak
            body.append(_rect(x, base + 4, bar, depth, ORANGE, tip))
    body.append(f'<line x1="{left}" x2="{width - right}" y1="{base}" y2="{base}" stroke="{INK}"/>')
    body.append(_text(left - 6, base + 20, "answers", anchor="end", size=10))
    tick_every = next((t for t in (5, 10, 15, 30, 60, 120, 240) if span * size / t <= 12), 480)
    axis_y = base + answers_depth + 24
    for i, p in enumerate(points):
        if p.minute % tick_every == 0 and (i == 0 or points[i - 1].minute // tick_every
                                           != p.minute // tick_every):  # fmt: skip
            x = left + i * step + step / 2
            stamp = (origin + timedelta(minutes=p.minute)).strftime("%H:%M")
            body.append(_text(x, axis_y, stamp, anchor="middle", size=10))
    for segment in report.segments:
        if segment.position == 0:
            continue
        x = left + (segment.minute / size) * step
        body.append(
            f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 4}" y2="{base + answers_depth + 6}" '
            f'stroke="{INK}" stroke-dasharray="3 3" stroke-opacity="0.45"/>'
        )
        body.append(_text(x + 4, top + 6, f"{segment.position}", fill=INK, weight="700"))
    return _svg(width, height, "Comments and answers per minute through the show", body)


def segments_chart(report: ShowMetrics) -> str:
    """Per segment: comments (slate), on-topic questions (indigo) and how many were answered."""
    segments = [s for s in report.segments if s.metrics.comments or s.position]
    width, row = 460, 64
    height = 20 + row * max(len(segments), 1)
    label_w, bar_w = 0, width - 175
    # One scale for the whole chart, as its one legend says: a segment's questions are never
    # drawn longer than a bigger count of comments.
    most = max((max(s.metrics.comments, s.metrics.on_topic_questions) for s in segments), default=0) or 1  # fmt: skip
    body: list[str] = []
    for i, s in enumerate(segments):
        y = 14 + i * row
        title = cut(s.title, 52)  # in columns: a CJK title is as wide as twice its letters
        prefix = f"{s.position} · " if s.position else ""
        body.append(_text(label_w, y, prefix + title, fill=INK, weight="600", size=12))
        m = s.metrics
        w = bar_w * m.comments / most
        body.append(_rect(label_w, y + 6, w, 14, SLATE, count(m.comments, "comment")))
        body.append(_text(label_w + w + 6, y + 18, count(m.comments, "comment")))
        wq = bar_w * m.on_topic_questions / most
        wa = bar_w * m.answered_on_topic_questions / most
        body.append(_rect(label_w, y + 24, wq, 14, INDIGO, f"{m.on_topic_questions} on-topic Q"))
        body.append(_rect(label_w, y + 24, wa, 14, ORANGE, f"{m.answered_on_topic_questions} answered"))  # fmt: skip
        body.append(
            _text(
                label_w + wq + 6,
                y + 36,
                f"{m.answered_on_topic_questions} of "
                f"{count(m.on_topic_questions, 'question')} answered",
            )
        )
    return _svg(width, height, "Comments and answered questions per segment", body)


def people_chart(report: ShowMetrics) -> str:
    """The participation funnel: who took part, asked, was answered, came on stage."""
    m = report.totals
    people = report.participants
    steps = [
        ("Took part", m.participants, SLATE),
        ("Asked an on-topic question", sum(1 for p in people if p.on_topic_questions), INDIGO),
        ("Answered or replied to", sum(1 for p in people if p.answered), ORANGE),
        ("Brought on stage", m.stage_guests, TEAL),
    ]
    # Narrow enough for a phone's 340 px without scrolling; the longest bar leaves room for
    # "12,345 (100%)" after it.
    width, row = 340, 50
    height = 8 + row * len(steps)
    whole = max(m.participants, 1)
    body: list[str] = []
    for i, (label, value, colour) in enumerate(steps):
        y = 16 + i * row
        body.append(_text(0, y, label, fill=INK, weight="600", size=12))
        w = (width - 96) * value / whole
        # Who took part reads as the headline does: "3 to 4" where names may count twice.
        said = how_many_people(m, report.counted_twice) if i == 0 else f"{value:,}"
        body.append(_rect(0, y + 6, max(w, 2 if value else 0), 18, colour, f"{label}: {said}"))
        share = f" ({value / whole:.0%})" if i and m.participants else ""
        body.append(_text(w + 8, y + 20, f"{said}{share}", fill=INK, size=12))
    return _svg(
        width, height, "How many people took part, asked, were answered, came on stage", body
    )


def trend_chart(rows: Sequence[TrendRow]) -> str:
    """Per show: people who took part (slate) and those answered or on stage (teal)."""
    shown = list(rows)[-30:]
    width, height, left, base = 960, 260, 44, 200
    step = (width - left - 12) / max(len(shown), 1)
    ticks = _ticks(max((r.metrics.participants for r in shown), default=0))
    peak = ticks[-1]
    body = [_text(left, 14, "people per show", fill=INK, weight="600")]
    body += _gridlines(ticks, left, width - 12, base, 30)
    for i, r in enumerate(shown):
        x = left + i * step + step * 0.15
        w = step * 0.35
        h_all = (base - 30) * r.metrics.participants / peak
        h_eng = (base - 30) * r.metrics.engaged_participants / peak
        body.append(
            _rect(
                x, base - h_all, w, h_all, SLATE, count(r.metrics.participants, "person", "people")
            )
        )
        body.append(_rect(x + w, base - h_eng, w, h_eng, TEAL, f"{r.metrics.engaged_participants} answered or on stage"))  # fmt: skip
        name = cut(r.show.name, 14)
        body.append(_text(x + w, base + 16, name, anchor="middle", size=10))
        body.append(_text(x + w, base + 30, f"{r.show.opened_at:%Y-%m-%d}", anchor="middle", size=9))  # fmt: skip
    return _svg(width, height, "People per show, and how many were answered or on stage", body)
