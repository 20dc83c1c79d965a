r"""The Markdown report: what a producer pastes into a wiki page, an issue or a chat.

Chat text and names are escaped twice over: Markdown punctuation gets a backslash and `<`, `>`
and `&` become entities, because most Markdown renderers pass raw HTML straight through.

Nor may chat mention anyone or become a link there. GitHub mentions `@ben` (and links `#12`) in
the text a page shows, after backslash escapes are undone, so `\@ben` still notifies ben; the
GFM spec finds e-mail autolinks "within any text node", escapes undone (cmark-gfm links
`ana\@example.com`), and remark-gfm links `http\://example.com` and `www\.example.com` too. A
word joiner (U+2060: no width, no line break at it) after each `@`, inside each `://` and `www.`,
and between `#` and a digit splits that text in two, so none of those rules sees a name, an
address or a link. It shows as nothing on the page and as nothing where the report is pasted as plain text (Discord, Slack, an e-mail), where an empty
HTML comment showed as `#<!-- -->37`. Chat itself cannot hold one (sanitize.py strips them).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence

from stagehand.metrics import ShowMetrics, TrendRow
from stagehand.report.team import (
    ANSWERED_BY_COLUMNS,
    ON_STAGE_COLUMNS,
    answered_by_rows,
    on_stage_rows,
    on_stage_summary,
    on_stream_rows,
    on_stream_summary,
)
from stagehand.report.term import _details
from stagehand.report.text import (
    DASH,
    as_sentence,
    asked_by,
    clock,
    count,
    duration,
    follow_up_count,
    headline,
    moderation_summary,
    nothing_to_follow_up,
    one_line,
    paid_label,
    paid_summary,
    platform_cells,
    segment_cells,
    subline,
    title_of,
    trend_cells,
    trend_name,
    when,
)

SEGMENT_COLUMNS = [
    "Segment",
    "Comments",
    "People",
    "On-topic questions",
    "Answered",
    "Median wait",
    "Stage",
    "Participation",
]
PLATFORM_COLUMNS = [
    "Platform",
    "Comments",
    "People",
    "On-topic questions",
    "Answered",
    "Median wait",
    "Participation",
]
TREND_COLUMNS = [
    "Show",
    "Date",
    "Comments",
    "People",
    "New",
    "On-topic questions",
    "Answered",
    "Median wait",
    "Stage",
    "Participation",
]
# Inside a line (every chat text here follows other text) only these start formatting,
# links or images, or end a table cell.
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_\[\]|~])")
#: Where a mention, an e-mail address, a URL or an issue reference would start (see above).
_WOULD_LINK = re.compile(r"(@|:(?=//)|www(?=\.)|#(?=\d))", re.IGNORECASE)
#: What splits them: a word joiner, shown as nothing in Markdown and in plain text alike.
_SPLIT = "\u2060"


def md(text: str, limit: int = 300) -> str:
    """Chat text as inert Markdown: one line, no raw HTML, no formatting, no table breaks, no
    mentions and no links."""
    flat = html.escape(one_line(text, limit), quote=False)
    escaped = _MARKDOWN_SPECIALS.sub(r"\\\1", flat)
    return _WOULD_LINK.sub(rf"\1{_SPLIT}", escaped)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    aligns = ["---"] + ["---:"] * (len(headers) - 1)
    return [
        "| " + " | ".join(headers) + " |",
        "| " + " | ".join(aligns) + " |",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def _when(report: ShowMetrics) -> str:
    """`when` as Markdown: the chat-safe words inert, the command that resumes the show in a code
    span, so it is copied as it runs (`md` would split its "@", "www." or "#37" with an unseen
    word joiner, and the copied command would name another show)."""
    said = when(report)
    resume = report.show.resume
    if resume is None or not resume.command or f"`{resume.command}`" not in said:
        return md(said, limit=2000)
    before, _, after = said.partition(f"`{resume.command}`")
    return _inert(before) + code_span(resume.command) + _inert(after)


def _inert(words: str) -> str:
    """`md` keeping the spaces at either end (they part the words from a code span)."""
    inert = md(words, limit=2000).strip()
    lead = " " if words[:1].isspace() else ""
    trail = " " if words[-1:].isspace() else ""
    return f"{lead}{inert}{trail}" if inert else lead or trail


def code_span(text: str) -> str:
    """`text` as a Markdown code span: fenced by more backticks than any run inside it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def render_show(report: ShowMetrics) -> str:
    m = report.totals
    out = [
        f"# {md(title_of(report))}",
        "",
        # What resumes a show not closed names it and its transcript: inert, as chat is.
        f"*{md(report.show.name)} · {_when(report)}*",
        "",
        f"**{headline(m, report.counted_twice)}.** {subline(m)}",
        "",
        "## Participation",
        "",
        *_table(
            ["Metric", "Value"],
            [
                [label, value]
                for label, value in _details(m, report.started_afresh, report.counted_twice)
            ],
        ),
    ]
    if report.on_stage:
        out += ["", "## On stage", "", on_stage_summary(report) + ":", ""]
        out += _table(
            [c.capitalize() for c in ON_STAGE_COLUMNS],
            [[md(who, 80), md(platform), *rest] for who, platform, *rest in on_stage_rows(report)],
        )
    if report.segments:
        out += ["", "## Segments", ""]
        out += _table(
            SEGMENT_COLUMNS,
            [
                [
                    f"{s.position or DASH}. {md(s.title, 120)} ({s.minute}′)",
                    *segment_cells(s.metrics),
                ]
                for s in report.segments
            ],
        )
    if report.platforms:
        out += ["", "## Platforms", ""]
        out += _table(
            PLATFORM_COLUMNS,
            [[md(p.platform), *platform_cells(p.metrics)] for p in report.platforms],
        )
    if report.answered_by:
        out += ["", "## Answered by", ""]
        out += _table(
            [c.capitalize() for c in ANSWERED_BY_COLUMNS],
            [[md(c, 80) for c in row] for row in answered_by_rows(report)],
        )
    if report.on_stream:
        out += ["", "## Shown on stream", "", on_stream_summary(report) + ":", ""]
        out += [
            f"1. {at} **{md(whose, 80)}** for {length}, by {md(by, 40)}"
            + (f": {md(text)}" if text else "")
            for at, whose, length, by, text in on_stream_rows(report)
        ]
    if report.paid:
        out += ["", "## Super Chats and highlights", "", md(paid_summary(report)) + ":", ""]
        for paid in report.paid:
            mark = " *(answered)*" if paid.answered else ""
            said = f": {md(paid.text)}" if paid.text else ""
            out.append(
                f"1. **{md(paid_label(paid), 60)}** from **{md(paid.author, 80)}** "
                f"({md(paid.platform)}, {clock(paid.ts)}){mark}{said}"
            )
    out += ["", "## Moderation", "", as_sentence(moderation_summary(report))]
    out += ["", "## Follow up", ""]
    total = report.unanswered_on_topic_questions
    if not total:
        out.append(nothing_to_follow_up(report))
    else:
        out.append(follow_up_count(report) + ":")
        out.append("")
        for q in report.follow_ups:
            mark = " *(dismissed)*" if q.dismissed else ""
            many = f", {asked_by(q)}" if q.asked_by > 1 else ""
            out.append(
                f"1. **{md(q.author, 80)}** ({md(q.platform)}, {clock(q.ts)}{many}){mark}:"
                f" {md(q.text)}"
            )
    if report.participants:
        top = report.participants[:10]
        out += ["", f"## Most active ({len(top)} of {len(report.participants):,})", ""]
        out += _table(
            ["Who", "Platform", "Comments", "Questions", "Answered", "Stage"],
            [
                [
                    md(p.author, 80),
                    md(p.platform),
                    f"{p.comments:,}",
                    f"{p.questions:,}",
                    f"{p.answered:,}",
                    duration(p.stage_seconds) if p.stage_appearances else DASH,
                ]
                for p in top
            ],
        )
    out += ["", "*Definitions: docs/metrics.md. Hosts' own comments are not counted.*"]
    return "\n".join(out) + "\n"


def render_trend(rows: Sequence[TrendRow]) -> str:
    out = ["# Shows compared", "", f"{count(len(rows), 'show')}, oldest first.", ""]
    out += _table(
        TREND_COLUMNS,
        [[md(trend_name(r), 120), *trend_cells(r)] for r in rows],
    )
    return "\n".join(out) + "\n"
