"""Bounded memory of the show: recent texts (repeats, copypasta) and per-author state.

However long the show runs, these hold at most a configured number of entries: a ring of recent
texts and an LRU of authors, so memory and the cost per comment stay flat.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Generic, TypeVar

from rapidfuzz import fuzz, process

K = TypeVar("K")
V = TypeVar("V")


class LRU(Generic[K, V]):
    """A dict that forgets its least recently used entries beyond `limit`."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._items: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._items.get(key)
        if value is not None:
            self._items.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        items = self._items
        if key in items:
            items.move_to_end(key)
            items[key] = value
            return
        items[key] = value
        if len(items) > self.limit:
            items.popitem(last=False)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)


@dataclass(frozen=True, slots=True)
class RepeatMatch:
    same_author: bool
    similarity: float
    times: int
    """How many remembered texts it matched at or above the cutoff (at most a handful)."""
    other_text: str = ""
    """The closest matching text someone else wrote ("" when only the author's own matched)."""
    other_first: tuple[str, str] | None = None
    """The comment (platform, id) that first posted that text, when it was remembered so."""


class RecentTexts:
    """A ring of the last N normalized texts with their authors, for near-duplicate checks."""

    def __init__(self, size: int, cutoff: float) -> None:
        self.size = size
        self.cutoff = cutoff
        self._texts: list[str] = []
        self._authors: list[str] = []
        self._firsts: list[tuple[str, str] | None] = []
        self._next = 0

    def find(self, text: str, author: str) -> RepeatMatch | None:
        """The closest remembered text at or above the cutoff, preferring the same author's."""
        if not text or not self._texts:
            return None
        found = process.extract(
            text, self._texts, scorer=fuzz.ratio, score_cutoff=self.cutoff, limit=5
        )
        if not found:
            return None
        same = [hit for hit in found if self._authors[hit[2]] == author]
        best = same[0] if same else found[0]
        other = next((hit for hit in found if self._authors[hit[2]] != author), None)
        return RepeatMatch(
            same_author=bool(same),
            similarity=best[1],
            times=len(found),
            other_text=other[0] if other is not None else "",
            other_first=self._firsts[other[2]] if other is not None else None,
        )

    def remember(self, text: str, author: str, first: tuple[str, str] | None = None) -> None:
        """Remember `text`; `first`: the comment that first posted it (for a wave of pastes)."""
        if not text:
            return
        if len(self._texts) < self.size:
            self._texts.append(text)
            self._authors.append(author)
            self._firsts.append(first)
        else:
            self._texts[self._next] = text
            self._authors[self._next] = author
            self._firsts[self._next] = first
        self._next = (self._next + 1) % self.size

    def __len__(self) -> int:
        return len(self._texts)


@dataclass(slots=True)
class AuthorState:
    """What the ranker remembers about one author."""

    comments: int = 0
    """Comments this show (for the newcomer signal)."""
    recent: float = 0.0
    """Recent-comment count, decaying with the author window half-life (for floods)."""
    recent_ts: float = 0.0
    topic: float = 0.0
    """Relevance of the author's recent comments, decaying (for threads and follow-ups)."""
    topic_ts: float = 0.0


def decayed(value: float, since: float, now: float, half_life: float) -> float:
    """`value` measured at `since`, halved every `half_life` seconds until `now`."""
    if value == 0.0 or now <= since:
        return value
    return value * 0.5 ** ((now - since) / half_life)
