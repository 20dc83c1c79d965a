"""One question asked by several viewers: acting on its queue row acts for every asker.

The queue shows such a question as one row, "asked by N" (`stagehand.ranking.queue_order`);
a screen hands the row's other comments to the intent (`also=`). Answering or dismissing the row
logs one host action per asker, so the metrics count each asker as answered and an export lists
each; the actions are linked, so one undo takes them all back. A reply goes out once per
platform, threaded to that platform's first asker and naming the others there (a few: a
reply that pings thirty viewers reads as spam, `MAX_MENTIONS`); bringing the row on stage
invites every asker (the console asks first whether all of them or the comment's own author).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from stagehand.domain import Author, Comment
from stagehand.naming import Namings, named

#: A user name that reads as an @mention on every platform (nothing to escape or misread).
_HANDLE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,38}$")
#: The most other askers a reply to a row @-names. With more, it names none of them: it is
#: threaded to the first asker, and the others read it in chat (a reply pinging thirty viewers
#: reads as spam, and naming five of thirty would pick among them).
MAX_MENTIONS = 5
#: The longest message a reply may be on each platform, names and all (Twitch 500, YouTube 200,
#: Discord 2,000; 500 for any other): names that would not fit are left out, never the host's
#: words.
MESSAGE_CHARS = {"twitch": 500, "youtube": 200, "discord": 2000}


def _room(first: Comment) -> int:
    """What a reply to `first` may hold: YouTube's begins with their @handle besides
    (adapters/youtube/actions.py `addressed`), which counts against its 200."""
    room = MESSAGE_CHARS.get(first.platform, 500)
    if first.platform == "youtube":
        room -= len(first.author.name.lstrip("@")) + 2
    return room


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


def naming_the_others(text: str, first: Comment, others: Sequence[Comment]) -> tuple[str, int]:
    """The reply with the platform's other askers named in front ("@ben @eve ..."), and how
    many of them it does not name. The reply is threaded to the `first` asker, the rest see
    their names (the first asker's own repeat names no one): at most `MAX_MENTIONS` of them
    (more: none), none past the platform's `MESSAGE_CHARS`. Names that are not plain handles
    are left out rather than sent half-right."""
    people: set[object] = set()
    names: list[str] = []
    for comment in others:
        if comment.author.key == first.author.key:
            continue
        people.add(comment.author.key)
        name = comment.author.name
        if _HANDLE.match(name) and f"@{name}" not in names:
            names.append(f"@{name}")
    if len(people) > MAX_MENTIONS:
        names = []
    room = _room(first)
    while names and len(" ".join([*names, text])) > room:
        names.pop()
    return (" ".join([*names, text]) if names else text), len(people) - len(names)


def listed(people: Sequence[Author], shown: int = 3) -> tuple[str, Namings]:
    """ "ana, ben, cleo and 28 more" (the first `shown` by name; "ana and ben" for two), and
    where it names whom (`stagehand.naming`)."""
    parts: list[str | Author] = []
    first = list(people[:shown]) if len(people) > shown + 1 else list(people)
    for index, person in enumerate(first):
        if index:
            parts.append(" and " if index == len(people) - 1 else ", ")
        parts.append(person)
    if len(people) > len(first):
        parts.append(f" and {len(people) - len(first)} more")
    return named(*parts)


def who(comments: Sequence[Comment]) -> tuple[str, Namings]:
    """ "fin", or "fin and 2 others who asked the same" (a viewer who asked again counts once),
    and where it names fin (`stagehand.naming`)."""
    first = comments[0].author
    others = len({c.author.key for c in comments} - {first.key})
    if not others:
        return named(first)
    return named(first, f" and {others} other{'s' if others > 1 else ''} who asked the same")
