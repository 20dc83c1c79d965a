"""Who a text for the hosts names, and where: recorded where the text is made, never guessed.

A notice ("Answered alice on air", "carol's hand is up") keeps the people it names as
`Naming`s: whose name (`AuthorKey`) stands at which characters of its text. When one of them
opts out or asks to be forgotten, exactly those characters are said as every screen says them
now (`OPTED_OUT_NAME`, `FORGOTTEN_NAME`: `unnamed`), whatever their name was: a common word
("hand"), a name inside another ("al" and "alice"), a topic's word, one the console never saw
a line of. Nothing is found by reading the text again.

`named` makes such a text from its parts; `shifted` and `joined` keep the record true as texts
are put together (a prefix, "; " between two results). Someone anonymous already is named by no
`Naming` (no key of theirs is given to a screen by a notice: server/anonymous.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from stagehand.domain import Author, AuthorKey


@dataclass(frozen=True, slots=True)
class Naming:
    """`text[start:end]` is how a text named `author`."""

    author: AuthorKey
    start: int
    end: int


Namings = tuple[Naming, ...]

#: Where a text names someone not known yet (`text[start:end]`): a chat command's words that
#: name whom it may act on (commands/parse.py `target_places`), a `Naming` once it acted.
Place = tuple[int, int]


@dataclass(frozen=True, slots=True)
class As:
    """A part of `named` that names `author` in words of its own (`@name`, `platform:name`)."""

    author: Author
    words: str


def named(*parts: str | Author | As | tuple[str, Namings]) -> tuple[str, Namings]:
    """The text of `parts` (an `Author` reads as their `shown_name`; a text made by `named`
    keeps its names), and where it names whom."""
    text = ""
    names: list[Naming] = []
    for part in parts:
        if isinstance(part, str):
            text += part
            continue
        if isinstance(part, tuple):
            names += shifted(part[1], len(text))
            text += part[0]
            continue
        author, words = (
            (part, part.shown_name) if isinstance(part, Author) else (part.author, part.words)
        )
        if not author.anonymous and words:
            names.append(Naming(author.key, len(text), len(text) + len(words)))
        text += words
    return text, tuple(names)


def shifted(names: Iterable[Naming], by: int) -> Namings:
    """`names` of a text put `by` characters further on (after a prefix)."""
    return tuple(Naming(n.author, n.start + by, n.end + by) for n in names)


def joined(texts: Iterable[tuple[str, Namings]], between: str) -> tuple[str, Namings]:
    """Texts put together with `between`, each one's names where they now stand."""
    text = ""
    names: list[Naming] = []
    for index, (part, part_names) in enumerate(texts):
        if index:
            text += between
        names += shifted(part_names, len(text))
        text += part
    return text, tuple(names)


def within(names: Iterable[Naming], length: int) -> Namings:
    """`names` of a text cut after `length` characters: what of each is left of it."""
    return tuple(Naming(n.author, n.start, min(n.end, length)) for n in names if n.start < length)


def unnamed(text: str, names: Namings, author: AuthorKey, anonymous: str) -> tuple[str, Namings]:
    """`text` with every place it names `author` said as `anonymous` instead; the other names
    moved to where they now stand (one that overlapped a place said so is gone with it)."""
    places: list[tuple[int, int]] = []
    for name in sorted((n for n in names if n.author == author), key=lambda n: n.start):
        start, end = max(0, name.start), min(len(text), name.end)
        if places and start <= places[-1][1]:  # overlapping or touching: one place
            places[-1] = (places[-1][0], max(places[-1][1], end))
        elif start < end:
            places.append((start, end))
    if not places:
        return text, names
    out, at = "", 0
    moved: list[tuple[int, int]] = []  # (where a place ends in `text`, how far what follows moves)
    for start, end in places:
        out += text[at:start] + anonymous
        moved.append((end, len(out) - end))
        at = end
    out += text[at:]
    kept: list[Naming] = []
    for name in names:
        if name.author == author or any(s < name.end and name.start < e for s, e in places):
            continue
        by = next((shift for end, shift in reversed(moved) if end <= name.start), 0)
        kept.append(Naming(name.author, name.start + by, name.end + by))
    return out, tuple(kept)
