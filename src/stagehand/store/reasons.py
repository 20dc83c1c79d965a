"""A score's reasons as the comments table keeps them: a JSON object, keys sorted, exactly what
`json.dumps(reasons, sort_keys=True)` writes.

Every stored comment has its reasons written, so this runs once a comment on the writer's
thread. Most of `json.dumps`'s time there is writing each float (the shortest form that reads
back the same takes a few thousand instructions), and most reasons come back comment after
comment with the same value: a weight itself, or the same rounded product. So each `"name":
value` part is written once and remembered; a score's reasons are then a few lookups, a sort and
a join (callgrind: about a third of `json.dumps`'s instructions on a typical score).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

_encode_sorted = json.JSONEncoder(sort_keys=True).encode

#: `"name": value` of the (name, value) pairs seen, written as `json.dumps` writes them.
_PARTS: dict[tuple[str, float], str] = {}
#: Enough for the values that recur (weights, common products); the rare ones are written anew.
PARTS_KEPT = 4_096


def encode_reasons(reasons: Mapping[str, float]) -> str:
    """`json.dumps(reasons, sort_keys=True)`, from the parts already written where it can."""
    parts: list[str] = []
    known = _PARTS.get
    for item in reasons.items():
        part = known(item)
        # A float's part only: `("x", 1)` and `("x", True)` are the same key as `("x", 1.0)`.
        if part is None or type(item[1]) is not float:
            part = _written(item)
            if part is None:
                return _encode_sorted(dict(reasons))
        parts.append(part)
    # For names that are plain identifiers, sorting the parts sorts by name: `"` sorts before
    # every letter, digit and underscore, so a name sorts before the longer names it begins.
    parts.sort()
    return "{" + ", ".join(parts) + "}"


def _written(item: tuple[str, float]) -> str | None:
    """The pair's `"name": value` as `json.dumps` writes it, remembered when it may recur; None
    when the name is not a plain identifier (its part would not sort as the name does)."""
    name, value = item
    if not (name.isascii() and name.isidentifier()):
        return None
    if type(value) is float and value - value == 0.0:  # finite: not inf, -inf or NaN
        # What `json.dumps` writes: the name needs no escape, the float is its `repr` (without
        # making an encoder and a dict for it, most of the cost: once in four comments).
        part = f'"{name}": {value!r}'
    else:
        part = _encode_sorted({name: value})[1:-1]
    # Not 0.0 (it is the same key as -0.0, written differently), nor NaN (never found again).
    if type(value) is float and value and value == value and len(_PARTS) < PARTS_KEPT:
        _PARTS[item] = part
    return part
