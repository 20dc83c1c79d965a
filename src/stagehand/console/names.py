"""How screens name people, in plain Python (no Textual): a shown name cut and drawn as wide
as Textual counts it. console/text.py turns names into screen text; `ConsoleState`
(console/state.py) stays free of Textual.
"""

from __future__ import annotations

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
