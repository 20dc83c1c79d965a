"""One question asked by several viewers: acting on its queue row acts for every asker.

The queue shows such a question as one row, "asked by N" (`stagehand.ranking.queue_order`);
a screen hands the row's other comments to the intent (`also=`). Answering or dismissing the row
logs one host action per asker, so the metrics count each asker as answered and an export lists
each; the actions are linked, so one undo takes them all back. A reply goes out once per
platform, threaded to that platform's first asker and naming the others there; bringing the
row on stage invites every asker.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from stagehand.domain import Comment
from stagehand.naming import Namings, named

#: A user name that reads as an @mention on every platform (nothing to escape or misread).
_HANDLE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,38}$")


def askers(comment: Comment, also: Iterable[Comment]) -> list[Comment]:
    """The row's comments, the shown one first, each comment once."""
    seen = {(comment.platform, comment.id)}
    out = [comment]
    for other in also:
        key = (other.platform, other.id)
        if key not in seen:
            seen.add(key)
            out.append(other)
    return out


def by_platform(comments: Sequence[Comment]) -> dict[str, list[Comment]]:
    """The askers grouped by platform, in the row's order (the first asker first)."""
    grouped: dict[str, list[Comment]] = {}
    for comment in comments:
        grouped.setdefault(comment.platform, []).append(comment)
    return grouped


def naming_the_others(text: str, first: Comment, others: Sequence[Comment]) -> str:
    """The reply with the platform's other askers named in front ("@ben @eve ..."): the reply
    is threaded to the `first` asker, the rest see their names (the first asker's own repeat
    names no one). Names that are not plain handles are left out rather than sent half-right."""
    names = []
    for comment in others:
        if comment.author.key == first.author.key:
            continue
        name = comment.author.name
        if _HANDLE.match(name) and f"@{name}" not in names:
            names.append(f"@{name}")
    return " ".join([*names, text]) if names else text


def who(comments: Sequence[Comment]) -> tuple[str, Namings]:
    """ "fin", or "fin and 2 others who asked the same" (a viewer who asked again counts once),
    and where it names fin (`stagehand.naming`)."""
    first = comments[0].author
    others = len({c.author.key for c in comments} - {first.key})
    if not others:
        return named(first)
    return named(first, f" and {others} other{'s' if others > 1 else ''} who asked the same")
