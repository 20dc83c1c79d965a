"""How screens name people, in plain Python (no Textual): a shown name cut and drawn as wide
as Textual counts it. console/text.py turns names into screen text; `ConsoleState`
(console/state.py) stays free of Textual.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from stagehand.domain import Author, AuthorKey
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


#: Marks the show's own people before their names: the broadcaster and hosts, the moderators.
#: No viewer can wear one: they are taken out of every name a viewer chose.
HOST_MARK = "◆"
MODERATOR_MARK = "◇"
_MARKS = dict.fromkeys(map(ord, HOST_MARK + MODERATOR_MARK))


def name_key(name: str) -> str:
    """What a name says once case, width, accents-as-typed and separators are gone: "Priya",
    "ＰＲＩＹＡ", "priya_", "P.r.i.y.a" and "Priya\u2028" are all "priya" (NFKC, casefold,
    letters and digits only)."""
    return "".join(
        char for char in unicodedata.normalize("NFKC", name).casefold() if char.isalnum()
    )


@dataclass
class StaffNames:
    """The show's own people as the console met them (their lines' kind: host or moderator):
    whom to mark, and which names a viewer may not pass for theirs without their login shown."""

    marks: dict[AuthorKey, str] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)

    def met(self, author: Author, mark: str) -> None:
        """`author` said a line as one of the show's people (`HOST_MARK` or `MODERATOR_MARK`)."""
        if author.anonymous:
            return
        if self.marks.get(author.key) != HOST_MARK:  # a host who moderates stays a host
            self.marks[author.key] = mark
        for name in (author.name, author.display_name):
            if key := name_key(name):
                self.names.add(key)

    def imitates(self, author: Author) -> bool:
        """Whether `author`, not one of the show's people, goes by one of their names."""
        if not self.names or author.key in self.marks:
            return False
        return any(
            key in self.names
            for key in (name_key(author.display_name), name_key(author.name))
            if key
        )


def shows_login(author: Author, staff: StaffNames | None = None) -> bool:
    """Whether the author's login goes beside their display name: on Twitch when the display
    name is more than the login in other capitals (Twitch's own rule), anywhere when they go by
    the name of one of the show's people and are not them (Discord's display names are free)."""
    if author.anonymous or not author.name or not author.display_name:
        return False
    if author.platform == "twitch" and author.display_name.casefold() != author.name.casefold():
        return True
    return staff is not None and staff.imitates(author)


def _cells(text: str) -> int:
    """How many terminal cells `text` takes: wide and fullwidth characters two ("ＳＥＶ")."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _cut(name: str, max_chars: int) -> str:
    """`name` in at most `max_chars` cells, with `…` when cut."""
    if _cells(name) <= max_chars:
        return name
    kept, width = [], 1  # the `…`
    for char in name:
        width += _cells(char)
        if width > max_chars:
            break
        kept.append(char)
    return "".join(kept) + "…"


def name_of(author: Author, *, max_chars: int = 40, staff: StaffNames | None = None) -> str:
    """The author's shown name, cleaned and cut to `max_chars` (with `…` when cut): a mark
    before one of the show's people (`staff`), a viewer's login beside a display name that could
    pass for another's (`shows_login`), kept whole when the display name is cut."""
    name = clean(author.shown_name, max_chars=200) or clean(author.id, max_chars=200) or "?"
    name = apart(name.translate(_MARKS)).strip() or "?"
    # Someone who opted out is nobody in particular: a mark would single out a moderator.
    mark = staff.marks.get(author.key, "") if staff is not None and not author.anonymous else ""
    if mark:
        return _cut(f"{mark} {name}", max_chars)
    if not shows_login(author, staff):
        return _cut(name, max_chars)
    login = apart(clean(author.name, max_chars=60).translate(_MARKS))
    room = max_chars - _cells(login) - 3
    if room < 2:  # too narrow for both: the login, which is who it is
        return _cut(login, max_chars)
    return f"{_cut(name, room)} ({login})"
