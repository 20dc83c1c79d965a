"""A chat command's first word as it is meant: `！hand`, `!ＨＡＮＤ`, `！ask …` typed with a
Japanese or Chinese input method are `!hand` and `!ask …`.

An input method in full-width mode types `！` for `!` and `ＨＡＮＤ` for `HAND`; Unicode's
compatibility folding (NFKC) gives the characters they stand for. Only the first word is
folded (the prefix and the command's name): the arguments keep their text as typed. Every
place that decides "is this a command" reads the line through `fold_command_word`: the bot
(`commands.parse`), the classifier (`show.kinds`), the ranker (`ranking.signals`) and the
Discord adapter's mention reading, so they agree.
"""

from __future__ import annotations

import re
import unicodedata

#: What a command prefix may be made of (`[commands] prefix`; `config.commands` says why these).
PREFIX_CHARACTERS = "!?~$%&+=^-"
#: The characters beyond ASCII that fold to a prefix character: full-width forms (`！`, `？`),
#: small and vertical forms (`﹗`, `︕`), found once in the blocks that hold them.
_WIDE_MARKS = "".join(
    c
    for block in (range(0xFE10, 0xFE20), range(0xFE50, 0xFE70), range(0xFF00, 0xFF5F))
    for c in map(chr, block)
    if (folded := unicodedata.normalize("NFKC", c)) and all(f in PREFIX_CHARACTERS for f in folded)
)
_MARKS = frozenset(PREFIX_CHARACTERS + _WIDE_MARKS)
#: Finds a wide mark anywhere in a line (the classifier's quick test that a line may hold a
#: command, as `"!" in text` is for the ASCII prefix).
_WIDE_MARK = re.compile(f"[{re.escape(_WIDE_MARKS)}]")
#: The longest first word folded: a prefix (3) and a command's name (20), with room.
_LONGEST_WORD = 64


def has_wide_mark(text: str) -> bool:
    """True when `text` holds a full-width or small form of a prefix character (`！`)."""
    return not text.isascii() and _WIDE_MARK.search(text) is not None


def fold_command_word(text: str) -> str:
    """`text` with its first word NFKC-folded when that word starts with a prefix character in
    any width (`！ＨＡＮＤ` -> `!HAND`); any other text is returned as it is. The rest of the
    line, from the first space, is kept as typed."""
    if text[:1] not in _MARKS:
        return text
    space = text.find(" ", 0, _LONGEST_WORD)
    head = text[:space] if space >= 0 else text[:_LONGEST_WORD]
    if head.isascii():
        return text
    return unicodedata.normalize("NFKC", head) + text[len(head) :]
