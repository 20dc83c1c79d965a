"""Wording shared by every renderer: numbers, shares, durations, the headline sentence.

Nothing here knows about markup. Renderers escape what these return for their own format
(HTML, Markdown, CSV, the terminal).
"""

from __future__ import annotations

from datetime import datetime

from stagehand.graphemes import cut, display_width
from stagehand.metrics import (
    FollowUpQuestion,
    Metrics,
    ModerationCounts,
    PaidMessage,
    ShowMetrics,
    TrendRow,
    currency_digits,
)
from stagehand.sanitize import clean
from stagehand.store.resume_with import LIVE, ResumeWith

DASH = "—"
#: What a platforms table says when no viewer took part on any platform (a hosts-only show).
NO_VIEWERS = "No viewer took part on any platform."


def plural(n: int | float, one: str, many: str | None = None) -> str:
    """The word for `n` of something: 'comment' for 1, 'comments' otherwise."""
    return one if n == 1 else (many or one + "s")


def count(n: int | float, one: str, many: str | None = None) -> str:
    """'1 comment', '147 comments', '12,480 comments'."""
    word = plural(n, one, many)
    return f"{n:,} {word}" if isinstance(n, int) else f"{n:,.0f} {word}"


def percent(value: float | None) -> str:
    return DASH if value is None else f"{value * 100:.0f}%"


def number(value: float | None, places: int = 1) -> str:
    return DASH if value is None else f"{value:,.{places}f}"


def duration(seconds: float | None) -> str:
    """'48 s', '3 min 05 s', '1 h 02 min': how a producer says it."""
    if seconds is None:
        return DASH
    whole = round(seconds)
    if whole < 60:
        return f"{whole} s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def clock(ts: datetime | None) -> str:
    return DASH if ts is None else f"{ts:%H:%M}"


#: What a report says of a show never closed: a replay stopped part-way, a crash, or a show still
#: running (nothing in the database tells which), so it says all three, and what resumes it.
NOT_CLOSED = "not closed: stopped part-way, crashed or still running"


def when(report: ShowMetrics) -> str:
    """'2026-11-20 19:00–19:25 UTC · 25 min 49 s', or for a show never closed
    '2026-11-20 19:00 UTC · not closed: stopped part-way, crashed or still running
    (`stagehand demo --show demo-20261120-190000` resumes it); figures are up to 19:25
    (25 min 49 s)'."""
    show = report.show
    if not show.closed:
        return (
            f"{show.opened_at:%Y-%m-%d %H:%M} UTC · {NOT_CLOSED} ({resumes(show.resume)}); "
            f"figures are up to {_up_to(show.opened_at, show.closed_at)} "
            f"({duration(show.duration_seconds)})"
        )
    return (
        f"{show.opened_at:%Y-%m-%d %H:%M}–{show.closed_at:%H:%M} UTC · "
        f"{duration(show.duration_seconds)}"
    )


def resumes(resume: ResumeWith | None) -> str:
    """What resumes a show not closed, said for its kind: `stagehand demo` again would start
    another demo, so "the same command" is said of no show."""
    if resume is None or not resume.command:
        # Its name or transcript could not be written as it runs: said without them.
        return "the command that ran it resumes it, given --show and the show's name"
    said = f"`{resume.command}` resumes it"
    if resume.relative:
        said += ", run from the folder it ran in"
    if resume.kind == LIVE:
        said += ", with its config"
    return said


def _up_to(opened: datetime, last: datetime) -> str:
    """'19:25', or '2026-11-21 01:10' when the last known moment is on a later day."""
    return f"{last:%H:%M}" if last.date() == opened.date() else f"{last:%Y-%m-%d %H:%M}"


def how_many_people(m: Metrics, twice: int = 0) -> str:
    """'12'; '10 to 12' when `twice` of the names can be someone counted already (viewers who
    started afresh with `!forget confirm` or `!optin` and a new name after each: nothing links
    them, by design; `ShowMetrics.counted_twice`)."""
    return people_range(m.participants, twice)


def people_range(participants: int, twice: int) -> str:
    """`how_many_people` for a count of names, `twice` of which can be someone's second."""
    fewest = max(participants - twice, 1)
    if fewest >= participants:
        return f"{participants:,}"
    return f"{fewest:,} to {participants:,}"


def people(m: Metrics, twice: int = 0) -> str:
    """'1 person', '12 people', '10 to 12 people' (`how_many_people`)."""
    noun = "person" if m.participants == 1 else "people"
    return f"{how_many_people(m, twice)} {noun}"


def afresh_note(m: Metrics, afresh: int, twice: int) -> str:
    """Why the people are a range ('5 names: 2 started afresh ... and may count twice'), ''
    when they are not; `afresh`: how many times a viewer started afresh in the show."""
    if how_many_people(m, twice) == f"{m.participants:,}":
        return ""
    note = f"{m.participants:,} names: {afresh:,} started afresh after !forget confirm or !optin"
    if twice >= afresh:
        return f"{note} and may count twice"
    return f"{note}, {twice:,} may count twice"


def headline(m: Metrics, twice: int = 0) -> str:
    """The one sentence that replaces the vanity count: who took part and who was answered.
    `twice`: how many names can be someone counted already (`people`)."""
    parts = [f"{count(m.comments, 'comment')} from {people(m, twice)}"]
    if m.on_topic_questions:
        parts.append(
            f"{count(m.on_topic_questions, 'on-topic question')}, "
            f"{m.answered_on_topic_questions:,} answered{how_answered(m, brackets=True)}"
        )
    else:
        parts.append("no on-topic questions")
    # The subline's answers are every answered comment: say so when they are not all on-topic
    # questions, or "0 answered" would sit beside "half the answers came within 25 s".
    if m.answered > m.answered_on_topic_questions:
        in_all = " in all" if m.answered_on_topic_questions else ""
        parts.append(f"{count(m.answered, 'comment')} answered or replied to{in_all}")
    if m.stage_appearances:
        parts.append(f"{count(m.stage_guests, 'guest')} on stage")
    return "; ".join(parts)


def how_answered(m: Metrics, *, brackets: bool = False) -> str:
    """How the answered on-topic questions were answered: '2 on air, 1 in chat', 'on air',
    'in chat' or '' (none); `brackets`: ' (2 on air, 1 in chat)', ' on air' as the headline
    says it ("3 answered on air")."""
    on_air, in_chat = m.answered_on_topic_questions_on_air, m.answered_on_topic_questions_in_chat
    if not m.answered_on_topic_questions:
        return ""
    if on_air and in_chat:
        split = f"{on_air:,} on air, {in_chat:,} in chat"
        return f" ({split})" if brackets else split
    where = "on air" if on_air else "in chat"
    return f" {where}" if brackets else where


def subline(m: Metrics) -> str:
    """The second sentence: how fast and how widely the hosts responded."""
    bits = []
    if m.median_seconds_to_answer is not None:
        within = duration(m.median_seconds_to_answer)
        # One answer has no half: it came when it came.
        bits.append(
            f"the one answer came after {within}"
            if m.answered == 1
            else f"half the answers came within {within}"
        )
    if m.participation_rate is not None:
        bits.append(
            f"{percent(m.participation_rate)} of participants were answered or brought on stage"
        )
    return "; ".join(bits).capitalize() + "." if bits else ""


def top_three(m: Metrics) -> str:
    """'64% of the comments', or a dash when three people or fewer took part (then the top
    three wrote everything, which says nothing)."""
    if m.top_three_share is None:
        return DASH
    if m.participants <= 3:
        return f"{DASH} (only {count(m.participants, 'person', 'people')} took part)"
    return f"{percent(m.top_three_share)} of the comments"


def stage(m: Metrics) -> str:
    """'2 appearances by 1 guest, 3 min 05 s', or that nobody was."""
    if not m.stage_appearances:
        return "nobody came on stage"
    return (
        f"{count(m.stage_appearances, 'appearance')} by {count(m.stage_guests, 'guest')}, "
        f"{duration(m.stage_seconds)}"
    )


def nothing_to_follow_up(report: ShowMetrics) -> str:
    """Why the follow-up list is empty: every on-topic question was answered, or none was asked
    (a report never claims answers that did not happen)."""
    if not report.totals.on_topic_questions:
        return "No on-topic questions were asked."
    return "Every on-topic question was answered."


def moderation_summary(report: ShowMetrics) -> str:
    """The show's moderation in one sentence, counts only (never who: a report outlives a
    ban): 'through stagehand by the hosts: 1 message deleted, 1 viewer timed out, 0 banned; on
    the platform by its own moderators: 0 messages deleted, 0 timed out, 2 viewers banned'."""
    moderation = report.moderation
    held = moderation.held_back
    held_back = (
        f"; {count(held, 'comment')} held back from the queue for a blocked term" if held else ""
    )
    if not (moderation.by_hosts or moderation.on_platform):
        return f"nobody was moderated: no message deleted, no viewer timed out or banned{held_back}"
    return (
        f"through stagehand by the hosts: {_moderated(moderation.by_hosts)}; "
        f"on the platform by its own moderators: {_moderated(moderation.on_platform)}{held_back}"
    )


def as_sentence(text: str) -> str:
    """A clause made a sentence: capital first, full stop last."""
    return f"{text[:1].upper()}{text[1:]}."


def _moderated(counts: ModerationCounts) -> str:
    timed_out, banned = counts.viewers_timed_out, counts.viewers_banned
    viewers = "viewer" if timed_out == 1 else "viewers"
    return (
        f"{count(counts.messages_deleted, 'message')} deleted, "
        f"{timed_out:,} {viewers} timed out, {banned:,} banned"
    )


def asked_by(question: FollowUpQuestion) -> str:
    """'' or 'asked by 44': one question several viewers asked is one follow-up line ('pasted
    by 50' for a wave of pastes, as the console's row says it)."""
    if question.asked_by <= 1:
        return ""
    verb = "pasted" if question.pasted else "asked"
    return f"{verb} by {question.asked_by:,}"


def follow_up_count(report: ShowMetrics) -> str:
    """What the follow-up list holds, adding up to the questions never answered:
    '15 on-topic questions never answered, best first, then the 2 the hosts dismissed: 9
    listed, 3 more folded into them (asked again by other viewers), 3 not listed: their authors
    opted out' (the 2: lines of the 9, after the others). A line "asked by 4" stands
    for four questions; the list may stop at `--follow-up`'s limit."""
    total = report.unanswered_on_topic_questions
    lines = len(report.follow_ups)
    folded = report.follow_ups_cover - lines
    hidden = report.unanswered_hidden_opted_out
    beyond = max(0, total - report.follow_ups_cover - hidden)
    head = f"{count(total, 'on-topic question')} never answered, best first"
    # Those the hosts dismissed come after the ones nobody handled: a decision made already.
    dismissed = sum(q.dismissed for q in report.follow_ups)
    if dismissed:
        head += f", then the {dismissed:,} the hosts dismissed"
    if not (folded or hidden or beyond):
        return head
    parts = [f"{lines:,} listed"]
    if folded:
        parts.append(f"{folded:,} more folded into them (the same question asked again)")
    if beyond:
        parts.append(f"{beyond:,} more after them (`--follow-up 0` lists every one)")
    if hidden:
        whose = "its author" if hidden == 1 else "their authors"
        parts.append(f"{hidden:,} not listed: {whose} opted out")
    return f"{head}: {', '.join(parts)}"


def one_line(text: str, limit: int = 300) -> str:
    """Chat text made inert for a terminal or a table cell: no control characters, one line."""
    flat = clean(text, max_chars=limit).replace("\n", " ").replace("\r", " ")
    return flat


def fit(text: str, width: int) -> str:
    """`text` made inert and cut to `width` terminal columns (a CJK character or an emoji
    takes two), between whole characters: never half a flag or an emoji's joiner left dangling."""
    return cut(one_line(text), width)


def pad(text: str, width: int, *, left: bool) -> str:
    """`text` padded with spaces to `width` terminal columns (not characters)."""
    spaces = " " * max(0, width - display_width(text))
    return text + spaces if left else spaces + text


def title_of(report: ShowMetrics) -> str:
    return report.show.title or report.show.name


def trend_name(row: TrendRow) -> str:
    """How `--trend` names a show in every format: its title and the key `stagehand report KEY`
    takes, 'Synth Night (synth)'; the key alone when it has no other title."""
    show = row.show
    return f"{show.title} ({show.name})" if show.title and show.title != show.name else show.name


def trend_cells(row: TrendRow) -> list[str]:
    """One show's cells of the trend table after its name (the same in every format)."""
    m = row.metrics
    return [
        f"{row.show.opened_at:%Y-%m-%d}" + ("" if row.show.closed else " (not closed)"),
        f"{m.comments:,}",
        how_many_people(m, row.counted_twice),
        f"{m.newcomers:,}",
        f"{m.on_topic_questions:,}",
        f"{m.answered_on_topic_questions:,}",
        duration(m.median_seconds_to_answer),
        duration(m.stage_seconds) if m.stage_appearances else DASH,
        percent(m.participation_rate),
    ]


def segment_cells(m: Metrics) -> list[str]:
    """A segment's numbers in the segments table (the same in every format)."""
    return [
        f"{m.comments:,}",
        f"{m.participants:,}",
        f"{m.on_topic_questions:,}",
        f"{m.answered_on_topic_questions:,}",
        duration(m.median_seconds_to_answer),
        duration(m.stage_seconds) if m.stage_appearances else DASH,
        percent(m.participation_rate),
    ]


def platform_cells(m: Metrics) -> list[str]:
    """A platform's numbers in the platforms table (the same in every format): "answered" is
    answered on-topic questions, as in the segments table and the headline."""
    return [
        f"{m.comments:,}",
        f"{m.participants:,}",
        f"{m.on_topic_questions:,}",
        f"{m.answered_on_topic_questions:,}",
        duration(m.median_seconds_to_answer),
        percent(m.participation_rate),
    ]


#: How each kind of highlight is named in a report.
HIGHLIGHT_NAMES = {
    "super_chat": "Super Chat",
    "super_sticker": "Super Sticker",
    "bits": "cheer",
    "channel_points": "highlighted",
    "membership": "membership",
}


def money(amount: float, currency: str) -> str:
    """'USD 12.00', 'JPY 500', '100 bits': an amount as its currency is written."""
    if currency == "bits":
        return f"{amount:,.0f} {plural(amount, 'bit')}"
    digits = currency_digits(currency)
    # The currency is chat data (a transcript or a platform says it): inert like the rest.
    return f"{one_line(currency, 12)} {amount:,.{digits}f}"


def paid_label(paid: PaidMessage) -> str:
    """'$5.00 Super Chat', '100 bits cheer', 'membership': the amount as the platform showed it."""
    name = HIGHLIGHT_NAMES.get(paid.kind, paid.kind)
    amount = paid.shown or (money(paid.amount, paid.currency) if paid.amount else "")
    return one_line(f"{amount} {name}")


def paid_summary(report: ShowMetrics) -> str:
    """'3 Super Chats and highlights: USD 12.00 (2), JPY 500 (1), 100 bits (1)'."""
    totals = ", ".join(f"{money(t.amount, t.currency)} ({t.messages})" for t in report.paid_totals)
    head = count(len(report.paid), "highlighted comment")
    return f"{head}: {totals}" if totals else head
