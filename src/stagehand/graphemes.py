"""Where text may be cut for display: between grapheme clusters, what a reader sees as one
character. A flag is two code points (🇵🇱), a family emoji seven (👨‍👩‍👧‍👦), "é" may be two (e and a
combining accent), a Hangul syllable three jamo: cut between them, a report shows half a flag, a
dangling joiner or an accent on nothing. Every place that cuts text to a width (the reports'
columns, the console's names and queue rows, sanitize's length cap) cuts here.

The clusters follow Unicode's extended grapheme cluster rules (UAX #29) as far as Python's
`unicodedata` tells them apart: marks and joiners stay on what they mark, regional indicators
pair into flags, emoji joined by ZWJ stay one, Hangul jamo stay one syllable, an Indic virama
keeps its conjunct. No dependency: the few properties UAX #29 needs beyond `unicodedata` are the
ranges below.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator

ZWJ = "\u200d"
ELLIPSIS = "…"

#: What joins the character before it without being a mark by category: the zero-width
#: non-joiner and joiner, the emoji skin-tone modifiers, the tag characters of subdivision flags
#: (🏴󠁧󠁢󠁳󠁣󠁴󠁿) and the half-width katakana sound marks (ﾞﾟ).
_EXTEND = frozenset(
    [0x200C, 0x200D, *range(0x1F3FB, 0x1F400), *range(0xE0020, 0xE0080), 0xFF9E, 0xFF9F]
)
#: Characters that join the one after them (UAX #29 Prepend): the Arabic number signs and a few
#: others written before the number or letter they belong to.
_PREPEND = frozenset([*range(0x0600, 0x0606), 0x06DD, 0x070F, 0x0890, 0x0891, 0x08E2, 0x110BD])
_MARKS = frozenset({"Mn", "Me", "Mc"})


def _regional(code: int) -> bool:
    return 0x1F1E6 <= code <= 0x1F1FF


def _pictographic(char: str) -> bool:
    """Near enough Extended_Pictographic: the emoji planes and the symbols emoji are made of."""
    code = ord(char)
    return 0x1F000 <= code <= 0x1FAFF or unicodedata.category(char) == "So"


def _hangul(code: int) -> str:
    """The jamo kind of a Hangul code point: L, V, T, LV, LVT, or '' for anything else."""
    if 0x1100 <= code <= 0x115F or 0xA960 <= code <= 0xA97C:
        return "L"
    if 0x1160 <= code <= 0x11A7 or 0xD7B0 <= code <= 0xD7C6:
        return "V"
    if 0x11A8 <= code <= 0x11FF or 0xD7CB <= code <= 0xD7FB:
        return "T"
    if 0xAC00 <= code <= 0xD7A3:
        return "LV" if (code - 0xAC00) % 28 == 0 else "LVT"
    return ""


def _indic(code: int) -> bool:
    return 0x0900 <= code <= 0x0DFF


def _joins(cluster: str, char: str) -> bool:
    """Whether `char` belongs to the cluster before it (`cluster`, not empty)."""
    code, last = ord(char), cluster[-1]
    if last == "\r":
        return char == "\n"
    if unicodedata.category(last) in ("Cc", "Zl", "Zp") or char in "\r\n":
        return False
    if code in _EXTEND or unicodedata.category(char) in _MARKS:
        return True
    if ord(last) in _PREPEND:
        return True
    if last == ZWJ:  # an emoji ZWJ sequence: 👨‍👩‍👧
        return _pictographic(char) and _pictographic(cluster[0])
    if _regional(code):  # flags: regional indicators pair up
        return _regional(ord(cluster[0])) and len(cluster) == 1
    if (before := _hangul(ord(last))) and (now := _hangul(code)):
        return (
            (before == "L" and now in ("L", "V", "LV", "LVT"))
            or (before in ("LV", "V") and now in ("V", "T"))
            or (before in ("LVT", "T") and now == "T")
        )
    # An Indic conjunct: consonant, virama, consonant (क्ष).
    return (
        unicodedata.combining(last) == 9
        and _indic(ord(last))
        and _indic(code)
        and unicodedata.category(char) == "Lo"
    )


def clusters(text: str) -> Iterator[str]:
    """The grapheme clusters of `text`, in order; joined, they are `text`."""
    if text.isascii() and "\r" not in text:
        yield from text
        return
    cluster = ""
    for char in text:
        if cluster and not _joins(cluster, char):
            yield cluster
            cluster = ""
        cluster += char
    if cluster:
        yield cluster


def _char_width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def cluster_width(cluster: str) -> int:
    """Terminal columns one cluster takes, as terminals that join emoji draw it: an emoji
    sequence (a ZWJ family, a skin tone, a flag, a VS16 heart ❤️) two, a Hangul syllable of jamo
    two, otherwise its characters' widths added (an accented letter one)."""
    if len(cluster) == 1:
        return _char_width(cluster)
    first = cluster[0]
    if "\ufe0f" in cluster or _pictographic(first) or _regional(ord(first)):
        return 2
    if _hangul(ord(first)) == "L":
        return 2
    return sum(_char_width(char) for char in cluster)


def display_width(text: str) -> int:
    """Terminal columns `text` takes: two for wide and full-width characters (CJK, most emoji,
    an emoji sequence drawn as one), none for combining marks and format characters (ZWJ,
    variation selectors) on their own, one otherwise."""
    if text.isascii():
        return len(text)
    return sum(cluster_width(cluster) for cluster in clusters(text))


def prefix(text: str, limit: int, measure: Callable[[str], int] = display_width) -> str:
    """The longest start of `text` made of whole clusters whose `measure` (terminal columns,
    unless told: `len` counts code points) adds up to at most `limit`."""
    if measure(text) <= limit:
        return text
    kept, used = [], 0
    for cluster in clusters(text):
        used += measure(cluster)
        if used > limit:
            break
        kept.append(cluster)
    return "".join(kept)


def cut(
    text: str,
    limit: int,
    *,
    measure: Callable[[str], int] = display_width,
    mark: str = ELLIPSIS,
) -> str:
    """`text` in at most `limit` (terminal columns, unless `measure` says otherwise), `mark` at
    the end when some of it was cut; never a cluster cut in two."""
    if measure(text) <= limit:
        return text
    return prefix(text, max(0, limit - measure(mark)), measure) + mark
