"""Who a comment speaks to: the other viewers, the hosts, or a guest on stage.

The hosts' names are learned from their own lines (and `add_host_names`); a guest's names from
`set_guest` while they are on stage. A reply to one of them, an @mention, a "name:" opener or
just their name in the text ("what does dana think of rye?") speaks to the show, not to the
chat: never side chatter, and while a guest is on stage it lifts the comment (`guest`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from stagehand.domain import AuthorKey, Comment
from stagehand.ranking.text import STOPWORDS, Words

#: Host accounts remembered (a show has a handful; the cap only guards memory).
MAX_HOSTS = 1000
#: Parts of a user name that chat uses on their own ("chef_marco" -> "marco"), at least this long.
NAME_PART_MIN = 4
_NAME_PARTS = re.compile(r"[^\W\d_]+")
_CAMEL_PARTS = re.compile(r"[A-Z][a-z]+")


def names_for(*names: str) -> frozenset[str]:
    """What chat may call someone: their names, lower-cased, and the longer parts of them
    ("Dana Whitfield" -> dana whitfield, dana, whitfield; "chef_marco" -> chef_marco, marco;
    "NoorHaddad" -> noorhaddad, noor, haddad)."""
    found: set[str] = set()
    for name in names:
        name = name.strip().lstrip("@")
        if not name:
            continue
        found.add(name.lower())
        # words of the name: "chef_marco" -> marco; "NoorHaddad" -> noor, haddad
        parts = _NAME_PARTS.findall(name) + _CAMEL_PARTS.findall(name)
        for part in parts:
            part = part.lower()
            if len(part) >= NAME_PART_MIN and part not in STOPWORDS:
                found.add(part)
    return frozenset(found)


class Audience:
    """The show's own people: hosts (for the whole show) and guests (while on stage)."""

    def __init__(self) -> None:
        self.host_names: set[str] = set()
        self.host_keys: set[AuthorKey] = set()
        self._guests: dict[AuthorKey, frozenset[str]] = {}
        self._guest_names: frozenset[str] = frozenset()
        #: The hosts answered a comment on air: someone runs a show here.
        self.answered = False

    def learn_host(self, comment: Comment) -> None:
        """A host spoke: replies and mentions to their names are not side chatter."""
        author = comment.author
        if len(self.host_keys) >= MAX_HOSTS:
            return
        # Whole names only: a channel is often a brand ("TwoDevsDeadline"), whose parts
        # ("deadline", "devs") are everyday words of its chat.
        names = (author.name, author.display_name, comment.channel)
        self.host_names.update(n.strip().lstrip("@").lower() for n in names if n.strip())
        self.host_keys.add(author.key)

    def add_host_names(self, names: Iterable[str]) -> None:
        """Names of the hosts known before they speak (`[show] hosts`, the channel)."""
        for name in names:
            if name.strip() and len(self.host_names) < MAX_HOSTS:
                self.host_names.add(name.strip().lstrip("@").lower())

    def set_guest(self, key: AuthorKey, on_stage: bool, names: Iterable[str] = ()) -> None:
        if on_stage:
            self._guests[key] = names_for(*names) | self._guests.get(key, frozenset())
        else:
            self._guests.pop(key, None)
        self._guest_names = frozenset().union(*self._guests.values())

    @property
    def has_hosts(self) -> bool:
        """A show with hosts: one spoke, answered a comment, was named in `[show] hosts`, or a
        guest is on stage. In a channel without them (a help channel replayed) "you" means
        anyone there, not a show."""
        return bool(self.host_names or self.answered or self._guests)

    def is_guest(self, key: AuthorKey) -> bool:
        return key in self._guests

    @property
    def has_guests(self) -> bool:
        return bool(self._guests)

    def is_show_name(self, name: str) -> bool:
        """A host's or an on-stage guest's name."""
        return name in self.host_names or name in self._guest_names

    def is_show_key(self, key: AuthorKey) -> bool:
        return key in self.host_keys or key in self._guests

    def names_in(self, words: Words) -> Iterator[str]:
        """The hosts' and guests' names the comment uses (looked for once asked for)."""
        return (t for t in words.tokens if t in self.host_names or t in self._guest_names)

    def names_a_guest(self, words: Words, addressed: Iterable[str]) -> bool:
        """The comment names a guest on stage: @mention, "name:" or the name in its text."""
        names = self._guest_names
        if not names:
            return False
        return any(n in names for n in addressed) or any(t in names for t in words.tokens)

    def names_a_host(self, words: Words, addressed: Iterable[str]) -> bool:
        """The comment names a host: @mention, "name:" or the name in its text."""
        names = self.host_names
        return any(n in names for n in addressed) or any(t in names for t in words.tokens)
