"""Frozen, slotted dataclasses made quickly: the values the pipeline makes for every comment.

A frozen dataclass's own `__init__` sets each field with `object.__setattr__(self, name, value)`
(its `__setattr__` refuses), which looks the field's slot up by name on every call: for a
comment's dozen fields that was most of the cost of making one, and the show makes several per
comment (the comment as delivered and as sanitized, its author's key, its score, the ranked
comment; the ranker's worker makes the comment and its author again). `quick_init` gives such a
class an `__init__` with the same parameters, defaults and result that sets each slot through
its descriptor, found once: the objects are the same, still frozen, made in about half the
instructions (docs/performance.md, sixteenth sitting).
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


class _Factory:
    """Stands for "not given" where a field's default is made by a factory (as in dataclasses)."""

    def __repr__(self) -> str:
        return "<factory>"


_NOT_GIVEN: Any = _Factory()


def quick_init(cls: type[T]) -> type[T]:
    """Give the frozen, slotted dataclass `cls` the quick `__init__` (a class decorator, put
    above `@dataclass`). Refuses a class it could not make the same objects for."""
    params = dataclasses.fields(cls) if dataclasses.is_dataclass(cls) else ()
    if (
        not params
        or "__slots__" not in cls.__dict__
        or not cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
        or hasattr(cls, "__post_init__")
        or any(not f.init or f.kw_only for f in params)
    ):
        raise TypeError(f"quick_init: {cls.__name__} is not a plain frozen, slotted dataclass")
    namespace: dict[str, Any] = {"_NOT_GIVEN": _NOT_GIVEN}
    signature: list[str] = []
    body: list[str] = []
    for f in params:
        name = f.name
        namespace[f"_set_{name}"] = cls.__dict__[name].__set__  # the slot's own descriptor
        if f.default is not dataclasses.MISSING:
            namespace[f"_default_{name}"] = f.default
            signature.append(f"{name}=_default_{name}")
        elif f.default_factory is not dataclasses.MISSING:
            namespace[f"_factory_{name}"] = f.default_factory
            signature.append(f"{name}=_NOT_GIVEN")
            body.append(f" if {name} is _NOT_GIVEN: {name} = _factory_{name}()")
        else:
            signature.append(name)
        body.append(f" _set_{name}(self, {name})")
    source = f"def __init__(self, {', '.join(signature)}):\n" + "\n".join(body or [" pass"])
    exec(source, namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init  # type: ignore[method-assign]
    return cls
