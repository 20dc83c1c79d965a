"""Many regex alternatives as one alternation that `re` tries quickly at each place.

`re` tries an alternation's alternatives one after another at every place it searches; one
that opens with a plain character it skips after a single comparison, but one that opens with
a group (`(?:can|could) you`) or an optional part (`(?:me|nos)? ?puedes`) it enters first.
`by_first_character` writes the same alternatives grouped by the character they open with
(groups and optional parts spelled out), so at each place `re` compares one character per
group and enters only the group that can match there: for `languages.REQUESTS`, a third of the
instructions of the alternation as written, tried at every word of a fresh comment.

The result finds a match in exactly the texts where one of the alternatives matches (the
match found may be another one of them, or another length): for searches asked yes or no.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: What makes a pattern's next character something other than that character itself.
_SPECIAL = frozenset("\\[](){}.*+?^$|")
#: What, after a character or a group, makes it repeat or optional.
_QUANTIFIERS = frozenset("*+?{")


def by_first_character(alternatives: Iterable[str]) -> str:
    """One alternation of `alternatives` (regex sources, without flags of their own), grouped
    by the character each opens with. An alternative this cannot spell out (opening with a
    class, an escape, a repeat, a capturing group or an assertion) is kept as it is."""
    groups: dict[str, list[str]] = {}
    kept: list[str] = []
    for alternative in alternatives:
        for part in top_level(alternative):
            for spelled in _spelled_out(part):
                if spelled is None:
                    kept.append(part)
                else:
                    groups.setdefault(spelled[0], []).append(spelled[1:])
    branches = [
        re.escape(first) + "(?:" + "|".join(dict.fromkeys(rests)) + ")"
        for first, rests in sorted(groups.items())
    ]
    return "|".join([*branches, *dict.fromkeys(kept)])


def top_level(pattern: str) -> list[str]:
    """The alternatives of `pattern` outside any group or class: "a|(?:b|c)d" -> a, (?:b|c)d."""
    parts: list[str] = []
    start = depth = 0
    index = 0
    in_class = False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if pattern[index + 1 : index + 2] == "]":
                index += 1  # "[]...]": a "]" first is one of the class's characters
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:index])
            start = index + 1
        index += 1
    parts.append(pattern[start:])
    return parts


def _spelled_out(pattern: str) -> list[str | None]:
    """`pattern` as alternatives that each open with a plain character (None: one that does
    not, where the whole `pattern` is kept as it is)."""
    if not pattern:
        return [None]
    if pattern.startswith("(?:"):
        end = _group_end(pattern)
        if end is None:
            return [None]
        rest = pattern[end:]
        optional = rest[:1] == "?"
        if optional:
            rest = rest[1:]
        if rest[:1] in _QUANTIFIERS:
            return [None]  # repeated, or a lazy "??"
        spelled = [
            s for inner in top_level(pattern[3 : end - 1]) for s in _spelled_out(inner + rest)
        ]
        return spelled + (_spelled_out(rest) if optional else [])
    first, after = pattern[0], pattern[1:2]
    if first in _SPECIAL:
        return [None]
    if after == "?" and pattern[2:3] not in _QUANTIFIERS:
        return [first + pattern[2:], *_spelled_out(pattern[2:])]
    if after and after in _QUANTIFIERS:
        return [None]
    return [pattern]


def _group_end(pattern: str) -> int | None:
    """Where the group opening `pattern` ends (just past its ")")."""
    depth = 0
    index = 0
    in_class = False
    while index < len(pattern):
        char = pattern[index]
        if char == "\\":
            index += 2
            continue
        if in_class:
            in_class = char != "]"
        elif char == "[":
            in_class = True
            if pattern[index + 1 : index + 2] == "]":
                index += 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return None
