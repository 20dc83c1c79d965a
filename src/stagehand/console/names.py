"""How screens name people, in plain Python (no Textual): a shown name cut and drawn as wide
as Textual counts it. console/text.py turns names into screen text; `ConsoleState`
(console/state.py) stays free of Textual.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from stagehand.confusables import LOOK_ALIKE_MARK, LOOK_ALIKES, mixes_scripts
from stagehand.domain import Author, AuthorKey
from stagehand.graphemes import cut, display_width
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
#: `LOOK_ALIKE_MARK` marks a name that mixes look-alike letters of different scripts ("аna" with
#: a Cyrillic а, `confusables.mixes_scripts`): it is not the name it looks like. No viewer can
#: type it into their name either.
_MARKS = dict.fromkeys(map(ord, HOST_MARK + MODERATOR_MARK + LOOK_ALIKE_MARK))


#: A staff name this long (in letters and digits) is found as the first word(s) of a viewer's
#: name ("Priya | host", "Seveas2"); a shorter one only as the whole name ("Al", not "Al Smith").
LEADING_AT_LEAST = 3


def _folded(word: str) -> str:
    """`word` as compared: casefolded, accents off, look-alike letters as the Latin ones."""
    if word.isascii():
        return word.lower()
    folded = unicodedata.normalize("NFKD", word.casefold()).translate(LOOK_ALIKES)
    return "".join(char for char in folded if char.isalnum())


def name_words(name: str) -> list[str]:
    """The words of a name as compared: parted at anything not a letter or digit, where a
    capital follows a small letter ("PriyaHost") and between letters and digits ("Seveas2");
    each casefolded, without accents, with look-alike letters as the Latin ones."""
    words: list[str] = []
    word: list[str] = []
    previous = ""
    for char in unicodedata.normalize("NFKC", name):
        if not char.isalnum():
            previous = ""
            if word:
                words.append("".join(word))
                word = []
            continue
        if word and (
            (previous.islower() and char.isupper()) or previous.isdigit() != char.isdigit()
        ):
            words.append("".join(word))
            word = []
        word.append(char)
        previous = char
    if word:
        words.append("".join(word))
    return [folded for w in words if (folded := _folded(w))]


def name_key(name: str) -> str:
    """What a name says once case, width, accents, look-alike letters and separators are gone:
    "Priya", "ＰＲＩＹＡ", "priya_", "P.r.i.y.a", "Príya", "Рriya" (a Cyrillic Р) and
    "Priya\u2028" are all "priya" (NFKC, casefold, letters and digits only)."""
    return "".join(name_words(name))


def leading_keys(name: str) -> list[str]:
    """The keys of a name's first words, one more word each: "Priya | host" gives "priya" and
    "priyahost" (the last is `name_key`)."""
    keys: list[str] = []
    for word in name_words(name):
        keys.append(keys[-1] + word if keys else word)
    return keys


@dataclass
class StaffNames:
    """The show's own people as the console met them (their lines' kind: host or moderator):
    whom to mark, and which names a viewer may not pass for theirs without their login shown."""

    marks: dict[AuthorKey, str] = field(default_factory=dict)
    names: set[str] = field(default_factory=set)
    #: The show's people known from its config before they speak (`[show] hosts`, the Twitch
    #: channel's broadcaster), as (platform, casefolded login): their names are taken from the
    #: start, and they never pass for themselves.
    accounts: set[tuple[str, str]] = field(default_factory=set)
    #: Goes up whenever someone is marked or a name is added: a screen that keeps lines it drew
    #: draws them again (a viewer who took a host's name before the host spoke gets the login).
    revision: int = 0

    def expect(self, accounts: Iterable[tuple[str, str]]) -> None:
        """The show's configured people, (platform, login): a viewer going by one of their
        names shows their login from the first line on, before the host has said a word."""
        for platform, login in accounts:
            self.accounts.add((platform.casefold(), login.casefold()))
            if (key := name_key(login)) and key not in self.names:
                self.names.add(key)
                self.revision += 1

    def met(self, author: Author, mark: str) -> None:
        """`author` said a line as one of the show's people (`HOST_MARK` or `MODERATOR_MARK`)."""
        if author.anonymous:
            return
        if self.marks.get(author.key) not in (HOST_MARK, mark):  # a host who moderates stays one
            self.marks[author.key] = mark
            self.revision += 1
        for name in (author.name, author.display_name):
            if (key := name_key(name)) and key not in self.names:
                self.names.add(key)
                self.revision += 1

    def imitates(self, author: Author) -> bool:
        """Whether `author`, not one of the show's people, goes by one of their names: their
        login or display name is one, or their shown name begins with one of at least
        `LEADING_AT_LEAST` letters as its first word(s) ("Priya(host)", "Priya | host")."""
        if not self.names or author.key in self.marks:
            return False
        if (author.platform.casefold(), author.name.casefold()) in self.accounts:
            return False
        names = self.names
        if name_key(author.name) in names:
            return True
        shown = leading_keys(author.display_name or author.name)
        if not shown:
            return False
        return shown[-1] in names or any(
            key in names for key in shown[:-1] if len(key) >= LEADING_AT_LEAST
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


def name_of(author: Author, *, staff: StaffNames | None, max_chars: int = 40) -> str:
    """The author's shown name, cleaned and cut to `max_chars` (with `…` when cut): a mark
    before one of the show's people (`staff`), a viewer's login beside a display name that could
    pass for another's (`shows_login`), kept whole when the display name is cut, and
    `LOOK_ALIKE_MARK` before a viewer's name that mixes look-alike scripts."""
    name = clean(author.shown_name, max_chars=200) or clean(author.id, max_chars=200) or "?"
    name = apart(name.translate(_MARKS)).strip() or "?"
    # Someone who opted out is nobody in particular: a mark would single out a moderator.
    mark = staff.marks.get(author.key, "") if staff is not None and not author.anonymous else ""
    if mark:
        return cut(f"{mark} {name}", max_chars)
    if mixes_scripts(author.name) or mixes_scripts(author.shown_name):
        before, max_chars = f"{LOOK_ALIKE_MARK} ", max(max_chars - 2, 1)
    else:
        before = ""
    if not shows_login(author, staff):
        return before + cut(name, max_chars)
    login = apart(clean(author.name, max_chars=60).translate(_MARKS))
    room = max_chars - display_width(login) - 3
    if room < 2:  # too narrow for both: the login, which is who it is
        return before + cut(login, max_chars)
    return f"{before}{cut(name, room)} ({login})"
