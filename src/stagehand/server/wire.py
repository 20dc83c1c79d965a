"""The show's events and values as JSON, both ways: what the events WebSocket carries.

Events are plain frozen dataclasses of domain values (`stagehand.events`), so one generic codec
serves them all: a dataclass becomes an object of its fields (an event gets `"type"`, its class
name), times ISO 8601 with microseconds (nothing is rounded away: keys compare equal after a
round trip), tuples and sets lists, enums their values. Decoding follows the field types, so
what comes back is the same value a listener in the show's own process heard.

Text is sent as the show holds it (cleaned chat text, and the original for the record): every
screen renders it as plain text, never markup. So are names: an author carries its raw `name`
and `display_name`, and beside them `shown_name`, the name cleaned as every screen shows it.
An anonymous author (`Author.anonymous`) is sent under a pseudonym, never their platform id
(server/anonymous.py).
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import json
import sys
import types
import typing
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from stagehand import domain, events
from stagehand.events import CoreEvent

#: The header of a `POST /api/actions` answer the show itself gave (done, or refused in its own
#: words as done already, 409): the last event it published answering, its notice among them.
#: A client that has seen that event has been told what came of it.
SEQ_HEADER = "Stagehand-Seq"

#: Every event class by name (the `"type"` of an encoded event).
EVENT_TYPES: dict[str, type] = {cls.__name__: cls for cls in typing.get_args(CoreEvent)}


class WireError(ValueError):
    """A message that is not what the show sends (a different version, or not stagehand)."""


# -- encoding ---------------------------------------------------------------------------------


#: What an anonymous person's platform id is sent as: (platform, user id) -> a pseudonym.
Pseudonym = Callable[[str, str], str]


def _no_id(platform: str, user_id: str) -> str:
    return ""


def encode(value: Any, *, pseudonym: Pseudonym = _no_id) -> Any:
    """A JSON-ready form of a domain value or event (see the module docstring). An anonymous
    author (`Author.anonymous`) is sent with `pseudonym` of their id, never the id itself
    (server/anonymous.py); with no `pseudonym`, with no id at all."""
    if value is None or isinstance(value, str | bool | int | float):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        if isinstance(value, domain.Author) and value.anonymous:
            value = dataclasses.replace(value, id=pseudonym(value.platform, value.id))
        fields = {
            f.name: encode(getattr(value, f.name), pseudonym=pseudonym)
            for f in dataclasses.fields(value)
        }
        if isinstance(value, domain.Author):
            # The name every screen shows, cleaned as chat text is, beside the raw `name` and
            # `display_name` (kept as they were: clients read them). Decoding ignores it.
            fields["shown_name"] = value.shown_name
        return fields
    if isinstance(value, Mapping):
        return {str(k): encode(v, pseudonym=pseudonym) for k, v in value.items()}
    if isinstance(value, tuple | list | frozenset | set):
        items = sorted(value) if isinstance(value, frozenset | set) else value
        return [encode(item, pseudonym=pseudonym) for item in items]
    raise TypeError(f"cannot send {type(value).__name__} over the wire")


def encode_event(event: CoreEvent, seq: int, *, pseudonym: Pseudonym = _no_id) -> dict[str, Any]:
    """An event as the events WebSocket sends it: its type, its place in the show, its fields."""
    return {"type": type(event).__name__, "seq": seq, **encode(event, pseudonym=pseudonym)}


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


# -- decoding ---------------------------------------------------------------------------------


def decode_event(data: Any) -> CoreEvent:
    """An encoded event back to the event (WireError for anything else)."""
    if not isinstance(data, dict):
        raise WireError("an event must be a JSON object")
    cls = EVENT_TYPES.get(str(data.get("type")))
    if cls is None:
        raise WireError(f"unknown event type {data.get('type')!r}")
    fields = {k: v for k, v in data.items() if k not in ("type", "seq")}
    return typing.cast(CoreEvent, decode(cls, fields))


def decode(kind: Any, data: Any) -> Any:
    """`data` (decoded JSON) as a value of type `kind` (WireError when it cannot be)."""
    try:
        return _decoder(kind)(data)
    except WireError:
        raise
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise WireError(f"not a {getattr(kind, '__name__', kind)}: {exc}") from None


Decoder = Callable[[Any], Any]


@functools.cache
def _decoder(kind: Any) -> Decoder:
    """A function that decodes JSON into `kind`, built once per type: an attached console
    decodes every event of a flood, so the type is read once, not per value."""
    origin = typing.get_origin(kind)
    if kind is Any:
        return lambda data: data
    if origin in (typing.Union, types.UnionType):
        return _union([arg for arg in typing.get_args(kind) if arg is not type(None)])
    if origin is tuple:
        args = typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            item = _decoder(args[0])
            return lambda data: tuple(item(value) for value in _list(data))
        items = [_decoder(arg) for arg in args]
        return lambda data: tuple(one(value) for one, value in zip(items, _list(data), strict=True))
    if origin in (frozenset, set):
        (arg,) = typing.get_args(kind)
        member = _decoder(arg)
        return lambda data: frozenset(member(value) for value in _list(data))
    if origin in (dict, Mapping) or kind in (dict, Mapping):
        key_type, value_type = typing.get_args(kind) or (str, Any)
        keys, values = _decoder(key_type), _decoder(value_type)
        return lambda data: {keys(k): values(v) for k, v in _object(data).items()}
    if not isinstance(kind, type):
        raise WireError(f"cannot decode {kind}")
    if dataclasses.is_dataclass(kind):
        return _dataclass(kind)
    if issubclass(kind, enum.Enum):
        return kind
    if kind is datetime:
        return lambda data: datetime.fromisoformat(_typed(str, data))
    if kind is float:
        return _float
    if kind in (str, int, bool):
        return lambda data: _typed(kind, data)
    raise WireError(f"cannot decode {kind.__name__}")


def _dataclass(kind: type) -> Decoder:
    hints = _hints(kind)
    fields = [(f.name, _decoder(hints[f.name])) for f in dataclasses.fields(kind)]

    def build(data: Any) -> Any:
        values = _object(data)
        return kind(**{name: one(values[name]) for name, one in fields if name in values})

    return build


def _union(options: list[Any]) -> Decoder:
    decoders = [_decoder(option) for option in options]

    def first_that_fits(data: Any) -> Any:
        if data is None:
            return None
        for one in decoders:  # e.g. `str | int`: the first that takes it
            try:
                return one(data)
            except (TypeError, ValueError, KeyError, WireError):
                continue
        raise WireError(f"{data!r} fits none of {options}")

    return first_that_fits


def _typed(kind: type, data: Any) -> Any:
    if type(data) is not kind:
        raise WireError(f"expected {kind.__name__}, got {type(data).__name__}")
    return data


def _float(data: Any) -> float:
    if isinstance(data, int | float) and not isinstance(data, bool):
        return float(data)
    raise WireError(f"expected a number, got {type(data).__name__}")


def _object(data: Any) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise WireError("expected an object")
    return data


def _list(data: Any) -> list[Any]:
    if not isinstance(data, list):
        raise WireError("expected a list")
    return data


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    # Resolved in the module each value lives in (their annotations are strings).
    module = sys.modules[cls.__module__]
    namespace = {**vars(domain), **vars(events), **vars(module), "datetime": datetime}
    return typing.get_type_hints(cls, globalns=namespace)
