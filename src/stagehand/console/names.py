"""How screens name people, in plain Python (no Textual): a shown name cut and drawn as wide
as Textual counts it, every way a screen may have named someone, and a notice with a name taken
out. `ConsoleState` (console/state.py) uses them without Textual; console/text.py turns names
into screen text.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from stagehand.domain import Author
from stagehand.sanitize import clean

#: What joins or restyles emoji into one glyph: the zero-width joiner, the variation selectors,
#: the skin-tone modifiers and the tag characters (subdivision flags). Textual counts a joined
#: family or a VS16 heart by its parts; terminals draw them as one glyph, two cells wide: a row
#: then ends short of where Textual thinks, and the next panel's text slides into view (a
#: viewer could blank the hands panel with a line of emoji). Drawn apart, every emoji is as wide
#: on screen as Textual counts it. Only what the console draws: the record keeps the text whole.
_EMOJI_JOINERS = dict.fromkeys(
    [0x200D, 0xFE0E, 0xFE0F, *range(0x1F3FB, 0x1F400), 0xE0001, *range(0xE0020, 0xE0080)]
)


def apart(text: str) -> str:
    """`text` with its emoji drawn apart (see `_EMOJI_JOINERS`)."""
    return text if text.isascii() else text.translate(_EMOJI_JOINERS)


def name_of(author: Author, *, max_chars: int = 40) -> str:
    """The author's shown name, cleaned and cut to `max_chars` (with `…` when cut)."""
    name = clean(author.shown_name, max_chars=200) or clean(author.id, max_chars=200) or "?"
    name = apart(name)
    return name if len(name) <= max_chars else name[: max_chars - 1] + "…"


def names_shown(author: Author) -> set[str]:
    """Every way a screen or a notice may have named `author`: their shown name (whole, and as
    `name_of` cuts it), their user name (a command's `@name`) and `platform:name` (a chat
    moderator as the show logs them)."""
    if author.anonymous:
        return set()
    names = {author.shown_name, name_of(author), author.name}
    if author.name:
        names.add(f"{author.platform}:{author.name}")
    return {name for name in names if name.strip()}


def _named_at(text: str, name: str) -> list[tuple[int, int]]:
    # A whole name: not part of a longer one ("bob" in "bobby", "bob_2" or "bob.x"; a full
    # stop after it ends a sentence).
    pattern = rf"(?<![\w.\-]){re.escape(name)}(?![\w\-]|\.\w)"
    return [match.span() for match in re.finditer(pattern, text)]


def unnamed(text: str, names: Iterable[str], others: Iterable[str], anonymous: str) -> str | None:
    """`text` (a notice) with every whole `names` said as `anonymous` instead; None when it
    cannot be told apart from someone else (a name of `others` where one of `names` is: the
    same name, or a longer one holding it), so it says nothing of anyone."""
    spans: list[tuple[int, int]] = []
    for name in sorted(set(names), key=len, reverse=True):  # twitch:bob before bob
        if name in text:
            taken = [s for s in _named_at(text, name) if not _overlaps(s, spans)]
            spans += taken
    if not spans:
        return text
    for other in set(others):
        if other in text and any(_overlaps(s, spans) for s in _named_at(text, other)):
            return None
    for start, end in sorted(spans, reverse=True):
        text = text[:start] + anonymous + text[end:]
    return text


def _overlaps(span: tuple[int, int], spans: list[tuple[int, int]]) -> bool:
    return any(span[0] < end and start < span[1] for start, end in spans)
