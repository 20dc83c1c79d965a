"""Frozen, slotted dataclasses made quickly: the values the pipeline makes for every comment.

A frozen dataclass's own `__init__` sets each field with `object.__setattr__(self, name, value)`
(its `__setattr__` refuses), which looks the field's slot up by name on every call: for a
comment's dozen fields that was most of the cost of making one, and the show makes several per
comment (the comment as delivered and as sanitized, its author's key, its score, the ranked
comment; the ranker's worker makes the comment and its author again). `quick_init` gives such a
class a constructor with the same parameters, defaults and result that is quicker still: the
object is made as one of an open twin class (the same slots, no frozen `__setattr__`), whose
slots Python sets in place as it does any plain object's, and then made a `cls` object (the
same layout, so only its class changes). The objects are the same, still frozen; a comment is
made in under half the instructions of the sixteenth sitting's `__init__`, which set each slot
through its descriptor (docs/performance.md, sixteenth and eighteenth sittings).
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
    """Give the frozen, slotted dataclass `cls` the quick constructor (a class decorator, put
    above `@dataclass`). Refuses a class it could not make the same objects for."""
    params = dataclasses.fields(cls) if dataclasses.is_dataclass(cls) else ()
    if (
        not params
        or "__slots__" not in cls.__dict__
        or not cls.__dataclass_params__.frozen  # type: ignore[attr-defined]
        or hasattr(cls, "__post_init__")
        or any(not f.init or f.kw_only or f.name in ("cls", "self") for f in params)
    ):
        raise TypeError(f"quick_init: {cls.__name__} is not a plain frozen, slotted dataclass")
    # `__new__` makes the object as one of the open twin, sets its slots, and makes it a `cls`;
    # `__init__` is then `object`'s, which does nothing.
    twin = type(f"_Open{cls.__name__}", (), {"__slots__": cls.__slots__})  # type: ignore[attr-defined]
    namespace: dict[str, Any] = {
        "_NOT_GIVEN": _NOT_GIVEN,
        "_new": object.__new__,
        "_twin": twin,
    }
    signature: list[str] = []
    body: list[str] = [" self = _new(_twin)"]
    for f in params:
        name = f.name
        if f.default is not dataclasses.MISSING:
            namespace[f"_default_{name}"] = f.default
            signature.append(f"{name}=_default_{name}")
        elif f.default_factory is not dataclasses.MISSING:
            namespace[f"_factory_{name}"] = f.default_factory
            signature.append(f"{name}=_NOT_GIVEN")
            body.append(f" if {name} is _NOT_GIVEN: {name} = _factory_{name}()")
        else:
            signature.append(name)
        body.append(f" self.{name} = {name}")
    body.append(" self.__class__ = cls")
    body.append(" return self")
    source = f"def __new__(cls, {', '.join(signature)}):\n" + "\n".join(body)
    exec(source, namespace)
    new = namespace["__new__"]
    new.__qualname__ = f"{cls.__qualname__}.__new__"
    new.__module__ = cls.__module__
    new.__doc__ = cls.__init__.__doc__
    cls.__new__ = new  # type: ignore[method-assign]
    cls.__init__ = object.__init__  # type: ignore[method-assign]
    # Pickled and copied as a call with the fields' values (`__new__` takes no empty call).
    names = tuple(f.name for f in params)
    cls.__reduce__ = lambda self: (cls, tuple([getattr(self, name) for name in names]))  # type: ignore[method-assign]
    return cls
