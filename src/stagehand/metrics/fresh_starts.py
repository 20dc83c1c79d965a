"""How many of a show's names can be the same person twice, after viewers started afresh.

A viewer who asks to be forgotten (`!forget confirm`) or opts out and back in (`!optin`) leaves
their earlier rows anonymous and linked to nobody, by design, and chats on, if at all, as a new
name. Nothing tells which new name is theirs, so the report gives the people as a range. Its
low end must be the fewest people the names can really be: a fresh start makes one person two
names only when the name left behind took part and a new name on the same platform took part
for the first time after it, and each such new name can be one person's second self once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from datetime import datetime

from stagehand.metrics.facts import FreshStart


def names_counted_twice(
    fresh_starts: Iterable[FreshStart],
    first_seen: Mapping[int, datetime],
    platform_of: Mapping[int, str],
    participants: Collection[int],
) -> int:
    """How many of `participants` (names) can be a second name of someone already counted: the
    most fresh starts that can each be paired with a different new name that came after it
    (`first_seen`: when each name first took part; `platform_of`: where)."""
    starts: defaultdict[str, list[datetime]] = defaultdict(list)
    for start in fresh_starts:
        # The name left behind never took part (a `!forget confirm` as their only line): the
        # fresh start doubled nobody. Unknown (its line is gone): it may have.
        if start.author_id is None or start.author_id in participants:
            starts[start.platform].append(start.ts)
    firsts: defaultdict[str, list[datetime]] = defaultdict(list)
    for author_id in participants:
        if author_id in first_seen and author_id in platform_of:
            firsts[platform_of[author_id]].append(first_seen[author_id])
    return sum(_most_pairs(starts[p], firsts[p]) for p in starts)


def _most_pairs(starts: list[datetime], firsts: list[datetime]) -> int:
    """The most (start, first) pairs, each used once, with the first after its start: the
    latest start takes a name first, as every name after it is after the earlier starts too."""
    names = sorted(firsts, reverse=True)
    pairs = after = 0
    for start in sorted(starts, reverse=True):
        while after < len(names) and names[after] > start:
            after += 1
        if after > pairs:
            pairs += 1
    return pairs
