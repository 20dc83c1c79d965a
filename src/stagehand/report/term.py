"""The terminal report: plain text, headline first, then the details.

Every piece of chat text and every name goes through `fit` or `one_line` (control characters and
escape sequences stripped), so a hostile comment cannot move the cursor or recolour the terminal;
tables are padded by terminal columns, so wide (CJK, emoji) names keep them aligned.
"""

from __future__ import annotations

from collections.abc import Sequence

from stagehand.metrics import Metrics, ShowMetrics, TrendRow
from stagehand.report.team import (
    ANSWERED_BY_COLUMNS,
    ON_STAGE_COLUMNS,
    answered_by_rows,
    on_stage_rows,
    on_stage_summary,
    on_stream_rows,
    on_stream_summary,
)
from stagehand.report.text import (
    DASH,
    afresh_note,
    asked_by,
    clock,
    count,
    display_width,
    duration,
    fit,
    follow_up_count,
    headline,
    how_answered,
    how_many_people,
    moderation_summary,
    nothing_to_follow_up,
    number,
    pad,
    paid_label,
    paid_summary,
    percent,
    platform_cells,
    segment_cells,
    stage,
    subline,
    title_of,
    top_three,
    trend_cells,
    trend_name,
    when,
)


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], left: int = 1) -> list[str]:
    """Columns padded to their widest cell, measured in terminal columns, so a name in CJK or
    with emoji keeps the columns after it aligned; the first `left` columns are left-aligned."""
    widths = [
        max(display_width(h), *(display_width(r[i]) for r in rows)) for i, h in enumerate(headers)
    ]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            pad(c, w, left=i < left) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    return ["  " + line(headers), *("  " + line(r) for r in rows)]


def _details(m: Metrics, afresh: int = 0, twice: int = 0) -> list[tuple[str, str]]:
    """The participation rows; `afresh`: how many times a viewer started afresh, `twice`: how
    many names can be someone counted already (`people`)."""
    taking_part = f"{m.newcomers:,} new, {m.returning:,} back"
    if note := afresh_note(m, afresh, twice):
        taking_part = f"{note}; {taking_part}"
    return [
        ("Comments", f"{m.comments:,}  ({number(m.comments_per_participant)} per person)"),
        ("People taking part", f"{how_many_people(m, twice)}  ({taking_part})"),
        ("Top three wrote", top_three(m)),
        ("Questions", f"{m.questions:,}  ({m.on_topic_questions:,} on topic)"),
        ("On-topic comments", percent(m.on_topic_share)),
        ("Side chatter", percent(m.side_chatter_share)),
        ("Answered or replied to", count(m.answered, "comment")),
        (
            "On-topic questions answered",
            f"{m.answered_on_topic_questions:,} of {m.on_topic_questions:,}"
            f"  ({percent(m.answered_share_of_on_topic_questions)}"
            + (f": {how_answered(m)})" if how_answered(m) else ")"),
        ),
        ("Median time to answer", duration(m.median_seconds_to_answer)),
        ("Stage", stage(m)),
        (
            "Participation rate",
            f"{percent(m.participation_rate)}  ({m.engaged_participants:,} answered or on stage)",
        ),
        ("Viewers replying to viewers", f"{m.viewer_replies:,}"),
        ("Host comments (not counted)", f"{m.host_comments:,}"),
        ("Deleted comments (not counted)", f"{m.deleted_comments:,}"),
    ]


def render_show(report: ShowMetrics) -> str:
    m = report.totals
    out = [
        fit(title_of(report), 100) + f"  [{fit(report.show.name, 40)}]",
        when(report),
        "",
        headline(m, report.counted_twice) + ".",
    ]
    if subline(m):
        out.append(subline(m))
    out += ["", "PARTICIPATION"]
    details = _details(m, report.started_afresh, report.counted_twice)
    width = max(len(label) for label, _ in details)
    out += [f"  {label.ljust(width)}  {value}" for label, value in details]
    if report.on_stage:
        out += ["", f"ON STAGE ({on_stage_summary(report)})"]
        out += _table(
            ON_STAGE_COLUMNS,
            [
                [fit(who, 28), fit(platform, 12), *rest]
                for who, platform, *rest in on_stage_rows(report)
            ],
            left=2,
        )
    if report.segments:
        out += ["", "SEGMENTS"]
        out += _table(
            [
                "#",
                "segment",
                "from",
                "comments",
                "people",
                "on-topic Q",
                "answered",
                "median",
                "stage",
                "rate",
            ],
            [
                [
                    str(s.position) if s.position else DASH,
                    fit(s.title, 34),
                    f"{s.minute}'",
                    *segment_cells(s.metrics),
                ]
                for s in report.segments
            ],
            left=2,
        )
    if report.platforms:
        out += ["", "PLATFORMS"]
        out += _table(
            ["platform", "comments", "people", "on-topic Q", "answered", "median", "rate"],
            [[fit(p.platform, 20), *platform_cells(p.metrics)] for p in report.platforms],
        )
    if report.answered_by:
        out += ["", "ANSWERED BY (who did what, by token name)"]
        out += _table(
            ANSWERED_BY_COLUMNS, [[fit(c, 40) for c in r] for r in answered_by_rows(report)]
        )
    if report.on_stream:
        out += ["", "SHOWN ON STREAM: " + on_stream_summary(report)]
        # An opted-out viewer's comment keeps no text: its line ends with who showed it.
        out += [
            f"  {at}  {fit(whose, 30)}  {length}  by {fit(by, 28)}"
            + (f": {fit(text, 120)}" if text else "")
            for at, whose, length, by, text in on_stream_rows(report)
        ]
    if report.paid:
        out += ["", "SUPER CHATS AND HIGHLIGHTS: " + paid_summary(report)]
        for paid in report.paid:
            mark = "  (answered)" if paid.answered else ""
            said = f": {fit(paid.text, 120)}" if paid.text else ""
            out.append(
                f"  {clock(paid.ts)}  {fit(paid_label(paid), 28)}  {fit(paid.author, 24)}"
                f" ({paid.platform}){mark}{said}"
            )
    out += ["", f"MODERATION: {moderation_summary(report)}"]
    out += ["", _follow_up_heading(report)]
    for q in report.follow_ups:
        mark = "  (dismissed)" if q.dismissed else ""
        many = f"  {asked_by(q)}" if q.asked_by > 1 else ""
        out.append(
            f"  {clock(q.ts)}  {fit(q.author, 24)} ({q.platform}){many}{mark}: {fit(q.text, 160)}"
        )
    if report.participants:
        top = report.participants[:10]
        out += ["", f"MOST ACTIVE ({len(top)} of {len(report.participants):,})"]
        out += _table(
            ["who", "platform", "comments", "questions", "answered", "stage"],
            [
                [
                    fit(p.author, 28),
                    fit(p.platform, 12),
                    f"{p.comments:,}",
                    f"{p.questions:,}",
                    f"{p.answered:,}",
                    duration(p.stage_seconds) if p.stage_appearances else DASH,
                ]
                for p in top
            ],
            left=2,
        )
    return "\n".join(out) + "\n"


def _follow_up_heading(report: ShowMetrics) -> str:
    if not report.unanswered_on_topic_questions:
        sentence = nothing_to_follow_up(report)
        return f"FOLLOW UP: {sentence[:1].lower()}{sentence[1:]}"
    return f"FOLLOW UP: {follow_up_count(report)}"


def render_trend(rows: Sequence[TrendRow]) -> str:
    if not rows:
        return "No shows in this database yet.\n"
    lines = [f"{count(len(rows), 'show')}, oldest first", ""]
    lines += _table(
        [
            "show",
            "date",
            "comments",
            "people",
            "new",
            "on-topic Q",
            "answered",
            "median",
            "stage",
            "rate",
        ],
        [[fit(trend_name(r), 48), *trend_cells(r)] for r in rows],
        left=2,
    )
    return "\n".join(lines) + "\n"
