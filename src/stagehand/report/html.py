"""The HTML report: one self-contained file (inline CSS and SVG, no script, no network).

Everything from the database is escaped with `html.escape` on the way in; a Content Security
Policy forbids scripts and remote loads besides, so even a missed escape could not run anything.
"""

from __future__ import annotations

import html
from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from importlib.resources import files
from string import Template

from stagehand import __version__
from stagehand.metrics import Metrics, ShowMetrics, TrendRow
from stagehand.report import charts
from stagehand.report.markdown import PLATFORM_COLUMNS, TREND_COLUMNS
from stagehand.report.team import (
    ANSWERED_BY_COLUMNS,
    ON_STAGE_COLUMNS,
    ON_STREAM_COLUMNS,
    answered_by_rows,
    on_stage_rows,
    on_stage_summary,
    on_stream_rows,
    on_stream_summary,
)
from stagehand.report.text import (
    DASH,
    NO_VIEWERS,
    afresh_note,
    as_sentence,
    asked_by,
    clock,
    count,
    duration,
    follow_up_count,
    headline,
    how_answered,
    how_many_people,
    moderation_summary,
    nothing_to_follow_up,
    one_line,
    paid_label,
    paid_summary,
    percent,
    platform_cells,
    plural,
    segment_cells,
    subline,
    title_of,
    top_three,
    trend_cells,
    trend_name,
    when,
)

SEGMENT_COLUMNS = [
    "Segment",
    "From",
    "Comments",
    "People",
    "On-topic questions",
    "Answered",
    "Median wait",
    "Stage",
    "Participation",
]


def h(text: object, limit: int = 600) -> str:
    """Any value as inert HTML text (chat text made one line first)."""
    return html.escape(one_line(str(text), limit), quote=True)


def said(text: str) -> str:
    """A viewer's words on a line of their own, in their own direction (`dir="auto"`): an
    Arabic question ending in "?" shows its "?" on the left, as Arabic is written."""
    return f'<div class="said" dir="auto">{h(text)}</div>'


def _page(title: str, body: str) -> str:
    package = files("stagehand.report")
    template = Template(package.joinpath("report.html").read_text("utf-8"))
    return template.substitute(
        version=h(__version__),
        page_title=h(title),
        css=package.joinpath("report.css").read_text("utf-8"),
        body=body,
        made_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M"),
    )


def _card(value: str, label: str, accent: bool = False) -> str:
    kind = "card accent" if accent else "card"
    return f'<div class="{kind}"><div class="value">{h(value)}</div><div class="label">{h(label)}</div></div>'


def _cards(m: Metrics, afresh: int = 0, twice: int = 0) -> str:
    """The headline numbers; `afresh`: how many times a viewer started afresh, `twice`: how
    many names can be someone counted already (`people`)."""
    note = ""
    if afresh_note(m, afresh, twice):
        note = f"{m.participants:,} names, {afresh:,} started afresh"
        note += "" if twice >= afresh else f", {twice:,} may count twice"
    return (
        '<section class="cards">'
        + _card(f"{m.comments:,}", plural(m.comments, "comment"))
        + _card(
            how_many_people(m, twice),
            f"{plural(m.participants, 'person', 'people')} ({note or f'{m.newcomers:,} new'})",
        )
        + _card(
            f"{m.answered_on_topic_questions:,} / {m.on_topic_questions:,}",
            "on-topic questions answered" + (f" ({how_answered(m)})" if how_answered(m) else ""),
            accent=True,
        )
        + _card(duration(m.median_seconds_to_answer), "median wait for an answer")
        + _card(percent(m.participation_rate), "answered or on stage", accent=True)
        + _card(
            f"{m.stage_guests:,}",
            f"on stage, {duration(m.stage_seconds)}" if m.stage_appearances else "on stage",
        )
        + "</section>"
    )


def _legend(*items: tuple[str, str]) -> str:
    spans = "".join(f'<span style="--c:{colour}">{h(label)}</span>' for label, colour in items)
    return f'<div class="legend">{spans}</div>'


def _chart(svg: str, kind: str = "wide") -> str:
    """A chart in its own sideways-scrolling box: never drawn so small its labels can't be read
    (report.css gives each kind, "wide", "narrow" or "compact", a least width); a phone scrolls
    the chart, not the page."""
    return f'<div class="chart {kind}">{svg}</div>'


def _table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], text: Collection[int] = ()
) -> str:
    """A table in its own sideways-scrolling box, so a narrow screen scrolls the table, not the
    page. Columns numbered in `text` hold words (names, chat text): left-aligned, and they wrap."""

    def cell(tag: str, i: int, value: str) -> str:
        kind = ' class="text"' if i in text else ""
        return f"<{tag}{kind}>{h(value)}</{tag}>"

    head = "".join(cell("th", i, c) for i, c in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(cell("td", i, c) for i, c in enumerate(row)) + "</tr>" for row in rows
    )
    return (
        f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def _follow_ups(report: ShowMetrics) -> str:
    total = report.unanswered_on_topic_questions
    if not total:
        return f'<p class="note">{h(nothing_to_follow_up(report))}</p>'
    intro = follow_up_count(report)
    items = []
    for q in report.follow_ups:
        tag = ' <span class="tag">dismissed</span>' if q.dismissed else ""
        where = f" · {q.segment}" if q.segment else ""
        many = f" · {asked_by(q)}" if q.asked_by > 1 else ""
        items.append(
            f'<li><bdi class="who">{h(q.author, 80)}</bdi>{tag} '
            f'<span class="meta">{h(q.platform)} · {h(clock(q.ts))}{h(where)}{h(many)}</span>'
            f"{said(q.text)}</li>"
        )
    return f'<p class="note">{h(intro)}.</p><ol class="follow">{"".join(items)}</ol>'


def _paid(report: ShowMetrics) -> str:
    items = []
    for paid in report.paid:
        tag = ' <span class="tag">answered</span>' if paid.answered else ""
        text = said(paid.text) if paid.text else ""
        items.append(
            f'<li><span class="who">{h(paid_label(paid), 60)}</span> from '
            f'<bdi class="who">{h(paid.author, 80)}</bdi>{tag} '
            f'<span class="meta">{h(paid.platform)} · {h(clock(paid.ts))}</span>{text}</li>'
        )
    return f'<p class="note">{h(paid_summary(report))}.</p><ol class="follow">{"".join(items)}</ol>'


def render_show(report: ShowMetrics) -> str:
    m = report.totals
    sections = [
        f'<header><p class="eyebrow">Post-show report · {h(report.show.name)}</p>'
        f'<h1>{h(title_of(report))}</h1><p class="when">{h(when(report))}</p></header>',
        f'<p class="lead">{h(headline(m, report.counted_twice))}.</p><p class="sub">{h(subline(m))}</p>',
        _cards(m, report.started_afresh, report.counted_twice),
        '<section class="panel"><h2>Through the show</h2>'
        + _legend(
            ("comments", charts.SLATE),
            ("on topic", charts.TEAL),
            ("answered (below the line)", charts.ORANGE),
        )
        + _chart(charts.timeline_chart(report))
        + "</section>",
        '<div class="two"><section class="panel"><h2>Segments</h2>'
        + _legend(
            ("comments", charts.SLATE),
            ("on-topic questions", charts.INDIGO),
            ("answered", charts.ORANGE),
        )
        + _chart(charts.segments_chart(report), "narrow")
        + '</section><section class="panel"><h2>Who took part</h2>'
        + _chart(charts.people_chart(report), "compact")
        + "</section></div>",
        _on_stage(report),
        '<section class="panel"><h2>Moderation</h2>'
        + f'<p class="note">{h(as_sentence(moderation_summary(report)))}</p></section>',
        '<section class="panel"><h2>Follow up after the show</h2>'
        + _follow_ups(report)
        + "</section>",
    ]
    if report.answered_by or report.on_stream:
        sections.append(_team(report))
    if report.paid:
        sections.append(
            '<section class="panel"><h2>Super Chats and highlights</h2>'
            + _paid(report)
            + "</section>"
        )
    if report.segments:
        sections.append(
            '<section class="panel"><h2>Segments in numbers</h2>'
            + _table(
                SEGMENT_COLUMNS,
                [
                    [
                        f"{s.position or DASH}. {s.title}",
                        f"{s.minute}′",
                        *segment_cells(s.metrics),
                    ]
                    for s in report.segments
                ],
            )
            + "</section>"
        )
    # Full width each: the platforms table's seven columns do not fit half a laptop's page.
    sections.append(
        '<section class="panel"><h2>Platforms</h2>'
        + (
            _table(
                PLATFORM_COLUMNS,
                [[p.platform, *platform_cells(p.metrics)] for p in report.platforms],
            )
            if report.platforms
            else f'<p class="note">{h(NO_VIEWERS)}</p>'
        )
        + _more(m)
        + '</section><section class="panel"><h2>Most active</h2>'
        + _table(
            ["Who", "Comments", "Questions", "Answered", "Stage"],
            [
                [
                    f"{p.author} ({p.platform})",
                    f"{p.comments:,}",
                    f"{p.questions:,}",
                    f"{p.answered:,}",
                    duration(p.stage_seconds) if p.stage_appearances else DASH,
                ]
                for p in report.participants[:10]
            ],
        )
        + "</section>"
    )
    return _page(f"{title_of(report)}: post-show report", "\n".join(sections))


def _on_stage(report: ShowMetrics) -> str:
    """Who came on stage, how often and for how long ('' when nobody did)."""
    if not report.on_stage:
        return ""
    return (
        '<section class="panel"><h2>On stage</h2>'
        + f'<p class="note">{h(on_stage_summary(report))}.</p>'
        + _table([c.capitalize() for c in ON_STAGE_COLUMNS], on_stage_rows(report))
        + "</section>"
    )


def _team(report: ShowMetrics) -> str:
    """Who did what (by token name), and what the stream showed."""
    panels = []
    if report.answered_by:
        columns = [c.capitalize() for c in ANSWERED_BY_COLUMNS]
        panels.append(
            '<section class="panel"><h2>Answered by</h2>'
            + _table(columns, answered_by_rows(report))
            + "</section>"
        )
    if report.on_stream:
        panels.append(
            '<section class="panel"><h2>Shown on stream</h2>'
            + f'<p class="note">{h(on_stream_summary(report))}.</p>'
            + _table(
                [c.capitalize() for c in ON_STREAM_COLUMNS],
                on_stream_rows(report),
                text=(
                    ON_STREAM_COLUMNS.index("whose"),
                    ON_STREAM_COLUMNS.index("put there by"),
                    ON_STREAM_COLUMNS.index("text"),
                ),
            )
            + "</section>"
        )
    # Full width, one under the other: the comments shown on stream need the room to wrap.
    return "".join(panels)


def _more(m: Metrics) -> str:
    lines = [
        # Three people or fewer wrote everything: "the top three wrote 100%" would say nothing.
        (
            f"The top three people wrote {top_three(m)}."
            if m.participants > 3 and m.top_three_share is not None
            else ""
        ),
        f"{percent(m.on_topic_share)} of comments were on topic, "
        f"{percent(m.side_chatter_share)} side chatter.",
        f"Viewers replied to each other {count(m.viewer_replies, 'time')}.",
        f"{count(m.returning, 'person', 'people')} came back from earlier shows.",
    ]
    return '<p class="note">' + " ".join(h(line) for line in lines if line) + "</p>"


def render_trend(rows: Sequence[TrendRow]) -> str:
    body = [
        '<header><p class="eyebrow">Across shows</p><h1>Shows compared</h1>'
        f'<p class="when">{len(rows)} show{"s" if len(rows) != 1 else ""}, oldest first</p></header>',
        '<section class="panel"><h2>People per show</h2>'
        + _legend(("took part", charts.SLATE), ("answered or on stage", charts.TEAL))
        + _chart(charts.trend_chart(rows))
        + "</section>",
        '<section class="panel">'
        + _table(
            TREND_COLUMNS,
            [[trend_name(r), *trend_cells(r)] for r in rows],
        )
        + "</section>",
    ]
    return _page("Shows compared", "\n".join(body))
