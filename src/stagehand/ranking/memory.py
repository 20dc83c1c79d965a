"""Bounded memory of the show: recent texts (repeats, copypasta) and per-author state.

However long the show runs, these hold at most a configured number of entries: a ring of recent
texts and an LRU of authors, so memory and the cost per comment stay flat.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import KeysView
from dataclasses import dataclass
from typing import Generic, TypeVar

from rapidfuzz import fuzz, process

from stagehand.frozen import quick_init

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

    def keys(self) -> KeysView[K]:
        """The keys, live: `in` on it is a dict's, and leaves the recency order as it is."""
        return self._items.keys()

    def __len__(self) -> int:
        return len(self._items)


@quick_init
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
    own_text: str = ""
    """The closest matching text the author wrote themselves ("" when only others' matched)."""


#: Remembered texts a near-duplicate check reports at most.
MATCHES = 5
#: Texts up to this long have a length bucket each; longer ones share buckets, each
#: `_BUCKET_GROWTH` times as long as the one before (the length window is a share of the length).
_EXACT_LENGTHS = 16
_BUCKET_GROWTH = math.log(1.1)
#: How far below the cutoff a length pair may be and still be scanned: rapidfuzz's arithmetic
#: errs by far less, so no pair it would score at the cutoff is ever left out.
_MARGIN = 1e-6


def _bucket_of(length: int) -> int:
    """The length bucket of a text `length` long (never decreasing as the length grows)."""
    if length <= _EXACT_LENGTHS:
        return length
    return _EXACT_LENGTHS + int(math.log(length / _EXACT_LENGTHS) / _BUCKET_GROWTH)


#: `_bucket_of` for the lengths chat has (a logarithm per lookup cost more than the lookup).
_BUCKETS = tuple(_bucket_of(length) for length in range(4096))


def _bucket(length: int) -> int:
    """`_bucket_of(length)`, looked up."""
    return _BUCKETS[length] if length < len(_BUCKETS) else _bucket_of(length)


class RecentTexts:
    """A ring of the last N normalized texts with their authors, for near-duplicate checks.

    The texts are also kept by length (`_by_length`): two texts `l` and `m` long score at most
    `200 * min(l, m) / (l + m)` (rapidfuzz's ratio is `200 * LCS / (l + m)`, and a common
    subsequence is no longer than the shorter text), so with the cutoff at 88 only texts within
    about a fifth of the length can match. The scan reads those (a fifth of the ring in real
    chat) and finds exactly what a scan of the whole ring finds, in the same order.
    """

    def __init__(self, size: int, cutoff: float) -> None:
        self.size = size
        self.cutoff = cutoff
        self._texts: list[str] = []
        self._authors: list[str] = []
        self._firsts: list[tuple[str, str] | None] = []
        self._next = 0
        #: Where in the ring each text is: a wave's exact copies are found without a fuzzy scan.
        self._copies: dict[str, list[int]] = {}
        #: Length bucket -> its texts and their places in the ring, oldest first.
        self._by_length: dict[int, tuple[list[str], list[int]]] = {}
        #: A text's length -> the length buckets its scan reads (`_window`): worked out once a
        #: length, for the lengths `_BUCKETS` holds (so at most that many).
        self._windows: dict[int, range] = {}

    def find(self, text: str, author: str) -> RepeatMatch | None:
        """The closest remembered text at or above the cutoff, preferring the same author's."""
        if not text or not self._texts:
            return None
        copies = self._copies.get(text)
        if copies is not None and len(copies) >= MATCHES:
            # What the scan would answer: only an identical text scores 100, and ties come in
            # ring order.
            found = [(text, 100.0, index) for index in sorted(copies)[:MATCHES]]
        else:
            found = self._scan(text)
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
            own_text=same[0][0] if same else "",
        )

    def _scan(self, text: str) -> list[tuple[str, float, int]]:
        """What `process.extract` over the whole ring answers (text, score, place in the ring;
        best first, ties in ring order), from the texts whose length lets them match."""
        cutoff = self.cutoff - _MARGIN
        if cutoff <= 0:
            return process.extract(
                text, self._texts, scorer=fuzz.ratio, score_cutoff=self.cutoff, limit=MATCHES
            )
        length = len(text)
        window = self._windows.get(length)
        if window is None:
            window = self._window(length, cutoff)
        choices: list[str] = []
        # The buckets' places, joined only for a scan that finds something (most find nothing).
        kept: list[list[int]] = []
        by_length = self._by_length
        for bucket in window:
            texts = by_length.get(bucket)
            if texts is not None:
                choices += texts[0]
                kept.append(texts[1])
        found = process.extract(
            text, choices, scorer=fuzz.ratio, score_cutoff=self.cutoff, limit=None
        )
        if not found:
            return []
        places: list[int] = []
        for bucket_places in kept:
            places += bucket_places
        hits = [(choice, score, places[index]) for choice, score, index in found]
        hits.sort(key=_best_first)
        return hits[:MATCHES]

    def _window(self, length: int, cutoff: float) -> range:
        """The length buckets a text `length` long can match in (at `cutoff`, above 0)."""
        shortest = math.floor(length * cutoff / (200 - cutoff))
        longest = math.ceil(length * (200 - cutoff) / cutoff)
        window = range(_bucket(max(shortest, 1)), _bucket(longest) + 1)
        if length < len(_BUCKETS):
            self._windows[length] = window
        return window

    def remember(self, text: str, author: str, first: tuple[str, str] | None = None) -> None:
        """Remember `text`; `first`: the comment that first posted it (for a wave of pastes)."""
        if not text:
            return
        index = self._next
        if len(self._texts) < self.size:
            self._texts.append(text)
            self._authors.append(author)
            self._firsts.append(first)
        else:
            replaced = self._texts[index]
            places = self._copies[replaced]
            places.remove(index)
            if not places:
                del self._copies[replaced]
            self._forget_length(replaced)
            self._texts[index] = text
            self._authors[index] = author
            self._firsts[index] = first
        # Looked up before anything is made: `setdefault` would make a list (and a bucket's
        # two) for every text, to drop them for the texts already there.
        copies = self._copies.get(text)
        if copies is None:
            self._copies[text] = [index]
        else:
            copies.append(index)
        length = len(text)
        bucket = _BUCKETS[length] if length < len(_BUCKETS) else _bucket_of(length)
        kept = self._by_length.get(bucket)
        if kept is None:
            self._by_length[bucket] = ([text], [index])
        else:
            kept[0].append(text)
            kept[1].append(index)
        self._next = (index + 1) % self.size

    def _forget_length(self, replaced: str) -> None:
        """Drop the ring's oldest text from its length bucket (where it is the oldest too)."""
        bucket = _bucket(len(replaced))
        texts, places = self._by_length[bucket]
        del texts[0]
        del places[0]
        if not texts:
            del self._by_length[bucket]

    def __len__(self) -> int:
        return len(self._texts)


def _best_first(hit: tuple[str, float, int]) -> tuple[float, int]:
    """rapidfuzz's order: the best score first, ties in ring order."""
    return -hit[1], hit[2]


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
