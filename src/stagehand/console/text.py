"""Chat text to screen text: always plain `Content`, never markup.

Everything a viewer can type (comment text, names, topics, search results) goes through
`plain()`: sanitized again (the core already did, but names and titles come from many places),
capped, and wrapped in `Content(...)`, which Textual never parses as markup. So `[b]`,
`[@click=app.quit]x[/]` and a lone `[` are shown as the characters they are.
"""

from __future__ import annotations

from datetime import datetime

from rich.cells import cell_len
from textual.content import Content

from stagehand.console.names import apart
from stagehand.domain import Highlight
from stagehand.graphemes import ELLIPSIS, clusters, prefix
from stagehand.sanitize import clean

#: Longest chat text put on screen in one piece (the detail pane wraps it).
MAX_SHOWN_CHARS = 2000

PLATFORM_TAGS: dict[str, str] = {"twitch": "TW", "discord": "DC", "youtube": "YT", "replay": "RP"}
PLATFORM_STYLES: dict[str, str] = {
    "twitch": "bold #a970ff",
    "discord": "bold #7984f5",
    "youtube": "bold #ff4e45",
}


def plain(text: str, *, max_chars: int = MAX_SHOWN_CHARS, style: str = "") -> Content:
    """Hostile text as inert screen text."""
    return Content.styled(apart(clean(text, max_chars=max_chars)), style)


def cut_to(content: Content, width: int) -> Content:
    """`content` in at most `width` cells, `…` last when some was cut: cut between whole
    characters (a wide one at the edge goes to the cut, never turned into a blank; a flag or an
    accented letter never halved), unlike `Content.truncate`."""
    if content.cell_length <= width:
        return content
    text = prefix(content.plain, max(0, width - 1), cell_len) + ELLIPSIS
    # As `Content.truncate` keeps them: the styles that reach the cut go on over the `…`.
    spans = content._trim_spans(text, content._spans)
    return Content(text, spans, cell_len(text), strip_control_codes=False)


def first_line_end(plain: str, width: int, *, words_from: int = 0) -> int:
    """Where the first of two lines ends in `plain` (an index): after the last space that leaves
    at most a third of the line, and at most half of what follows cell `words_from`, blank;
    else after the last whole character that fits in `width` cells (Japanese or Chinese have no
    spaces to break at). Nothing is lost at the edge: the second line starts where this stops."""
    blank_at_most = min(width // 3, max(0, width - words_from) // 2)
    end = used = word_end = 0
    for cluster in clusters(plain):
        used += cell_len(cluster)
        if used > width:
            return word_end or end
        end += len(cluster)
        if cluster == " " and used > words_from and used >= width - blank_at_most:
            word_end = end
    return end


def platform_tag(platform: str) -> Content:
    tag = PLATFORM_TAGS.get(platform, clean(platform, max_chars=2).upper()[:2] or "??")
    return Content.styled(tag, PLATFORM_STYLES.get(platform, "bold"))


def age(seconds: float) -> str:
    """A short age: `now`, `42s`, `7m`, `2h`."""
    if seconds < 5:
        return "now"
    if seconds < 60:
        return f"{int(seconds)}s"
    if seconds < 3600:
        return f"{int(seconds // 60)}m"
    return f"{int(seconds // 3600)}h"


def clock_time(seconds: float) -> str:
    """`m:ss` under an hour, `h:mm:ss` after."""
    seconds = max(0, int(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def seconds_between(start: datetime | None, end: datetime) -> float:
    return 0.0 if start is None else max(0.0, (end - start).total_seconds())


#: How each highlight is named on screen.
HIGHLIGHT_NAMES = {
    "super_chat": "Super Chat",
    "super_sticker": "Super Sticker",
    "bits": "cheer",
    "channel_points": "highlighted",
    "membership": "member",
}


def highlight_label(highlight: Highlight) -> Content:
    """`$5.00 Super Chat`: what the viewer paid, as the platform showed it (plain text)."""
    name = HIGHLIGHT_NAMES.get(highlight.kind.value, highlight.kind.value)
    amount = highlight.shown or (
        f"{highlight.amount:,.2f} {highlight.currency}" if highlight.amount else ""
    )
    return plain(f"{amount} {name}".strip(), max_chars=40, style="bold $warning")
