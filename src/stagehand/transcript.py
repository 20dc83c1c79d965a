"""Show transcripts: JSON Lines, one event per line (docs/transcript-format.md).

The same format is read by `replay` and `rank` and written by `export`, so a replayed show
exported again gives back its comments (each in its segment), segments and their topic edits, host
actions, what the platform deleted, how long each comment was on stream and the time it ended.
"""

from __future__ import annotations

import hashlib
import json
import logging
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import IO, Any, BinaryIO

from stagehand.domain import (
    Author,
    Comment,
    Highlight,
    HighlightKind,
    HostAction,
    HostActionKind,
)
from stagehand.platform import done_on_platform, only_recorded
from stagehand.sanitize import clean, inert_json
from stagehand.times import OutOfRange, format_ts, parse_ts

log = logging.getLogger(__name__)

#: Longest line read. A chat message is short (Twitch 500 characters, Discord 4,000; JSON
#: escapes make that at most 6 times as many bytes); a longer line is skipped unread, so a
#: hostile or broken file cannot make one line eat the memory.
MAX_LINE_BYTES = 1 << 20
#: A "line" still without a line break after this much is not JSON Lines at all (`/dev/zero`,
#: a disk image): reading stops there instead of discarding bytes forever.
MAX_UNBROKEN_BYTES = 64 << 20
#: Bad lines reported one by one before the rest are only counted (a binary file has millions).
BAD_LINES_LISTED = 20

# JSON may spell a lone UTF-16 surrogate (`"\ud800"`), which no platform sends and SQLite cannot
# store as UTF-8; only a line with such an escape needs the (slower) repair.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


class TranscriptError(ValueError):
    """A line that is not a valid transcript event; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class ShowEvent:
    ts: datetime | None
    title: str
    description: str = ""


@dataclass(frozen=True, slots=True)
class SegmentEvent:
    ts: datetime
    title: str
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CommentEvent:
    comment: Comment


@dataclass(frozen=True, slots=True)
class HostEvent:
    """What the hosts did (`action`). `author`: whom a moderation the platform's own moderators
    made was about, by name, for a viewer no comment of the transcript names (export writes
    `author` and `display_name` on such a line): the replayed show names them as the show did."""

    action: HostAction
    author: Author | None = None


@dataclass(frozen=True, slots=True)
class EndEvent:
    """The show ended (closed) at `ts`: a replay's clock runs to it before the show closes."""

    ts: datetime


@dataclass(frozen=True, slots=True)
class TopicEvent:
    """The live segment's title and keywords from `ts` on (a topic edit mid-segment): its
    comments before keep the topic they came under."""

    ts: datetime
    title: str
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class DeleteEvent:
    """The platform deleted the comment `comment_id` at `ts` (a moderator there, or its author):
    off every queue and off the stream. A host's deletion is its `moderate` host event."""

    ts: datetime
    platform: str
    comment_id: str


@dataclass(frozen=True, slots=True)
class OffStreamEvent:
    """The comment on stream since the host action `shown_by` (its `feature`) left the stream
    by itself at `ts`: its time was up (`[overlay] feature_seconds`), or the show stopped."""

    ts: datetime
    shown_by: str


@dataclass(frozen=True, slots=True)
class OffStageEvent:
    """The guest `author_id` (on `platform`) left the stage at `ts` with no host action: a live
    show killed with them on stage ended the appearance, once resumed, at the last moment it
    was known to run."""

    ts: datetime
    platform: str
    author_id: str


TranscriptEvent = (
    ShowEvent
    | SegmentEvent
    | CommentEvent
    | HostEvent
    | EndEvent
    | TopicEvent
    | DeleteEvent
    | OffStreamEvent
    | OffStageEvent
)


def _optional(record: dict[str, Any], key: str, default: Any) -> Any:
    """An optional key's value; `default` when it is left out or null (null means absent, for
    every optional key: `"display_name": null` as `"reply_to": null`)."""
    value = record.get(key)
    return default if value is None else value


def _text(record: dict[str, Any], key: str, default: str | None = None) -> str:
    """A key's text; `default` (an optional key) when it is left out or null."""
    value = _optional(record, key, default)
    if value is None:
        raise ValueError(f'missing "{key}"')
    if not isinstance(value, str | int):
        raise ValueError(f'"{key}" must be a string')
    return str(value)


#: What a line's time looks like, for the message that says one is not.
TS_EXAMPLE = "2026-11-20T19:00:05Z"


def _ts(record: dict[str, Any], key: str = "ts") -> datetime:
    """A key's time (ISO 8601; without a zone: UTC), or ValueError naming the key, what it
    holds (cut short and escaped: a transcript is untrusted) and the form it must have."""
    value = record.get(key)
    if value is None:
        raise ValueError(f'missing "{key}" (the time, such as "{TS_EXAMPLE}")')
    try:
        return parse_ts(value)
    except OutOfRange:
        raise  # a well-formed time, said as one
    except ValueError:
        shown = ascii(value[:40]) if isinstance(value, str) else f"a JSON {_json_type(value)}"
        raise ValueError(
            f'"{key}" must be an ISO 8601 time such as "{TS_EXAMPLE}" (UTC unless it says '
            f"otherwise), not {shown}"
        ) from None


def _json_type(value: object) -> str:
    """What a JSON value is, in JSON's words (a transcript's value is never quoted whole)."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "number"
    return "list" if isinstance(value, list) else "object" if isinstance(value, dict) else "value"


#: The kinds of line this version reads (`event_from_dict`); any other kind is ignored.
EVENT_KINDS = (
    "show",
    "segment",
    "topic",
    "comment",
    "host",
    "delete",
    "off_stream",
    "off_stage",
    "end",
)


def event_from_dict(record: dict[str, Any]) -> TranscriptEvent | None:
    """One decoded line to an event; None for kinds this version does not know (ignored)."""
    kind = record.get("kind")
    if kind == "show":
        ts = record.get("ts")
        return ShowEvent(
            ts=_ts(record) if ts else None,
            title=_text(record, "title", ""),
            description=_text(record, "description", ""),
        )
    if kind == "segment":
        return SegmentEvent(
            ts=_ts(record),
            title=_text(record, "title"),
            keywords=_keywords(record),
        )
    if kind == "topic":
        return TopicEvent(
            ts=_ts(record),
            title=_text(record, "title"),
            keywords=_keywords(record),
        )
    if kind == "delete":
        return DeleteEvent(
            ts=_ts(record),
            platform=_text(record, "platform", "replay"),
            comment_id=_text(record, "comment_id"),
        )
    if kind == "off_stream":
        return OffStreamEvent(ts=_ts(record), shown_by=_text(record, "shown_by"))
    if kind == "off_stage":
        return OffStageEvent(
            ts=_ts(record),
            platform=_text(record, "platform", "replay"),
            author_id=_text(record, "author_id"),
        )
    if kind == "comment":
        return CommentEvent(_comment_from_dict(record))
    if kind == "host":
        action = _host_action_from_dict(record)
        return HostEvent(action, _host_author(record, action))
    if kind == "end":
        return EndEvent(ts=_ts(record))
    return None


def _keywords(record: dict[str, Any]) -> tuple[str, ...]:
    keywords = record.get("keywords") or []
    if not isinstance(keywords, list):
        raise ValueError('"keywords" must be a list of strings')
    return tuple(str(word) for word in keywords)


def _comment_from_dict(record: dict[str, Any]) -> Comment:
    roles = record.get("roles") or []
    if not isinstance(roles, list):
        raise ValueError('"roles" must be a list of strings')
    platform = _text(record, "platform", "replay")
    name = _text(record, "author")
    author = Author(
        platform=platform,
        id=_text(record, "author_id", name),
        name=name,
        display_name=_text(record, "display_name", name),
        roles=frozenset(str(role) for role in roles),
    )
    reply_to = record.get("reply_to")
    attachments = record.get("attachments") or []
    return Comment(
        id=_message_id(record),
        platform=platform,
        channel=_text(record, "channel", ""),
        author=author,
        text=_text(record, "text"),
        ts=_ts(record),
        reply_to=str(reply_to) if reply_to is not None else None,
        first_message=bool(record.get("first_message", False)),
        attachments=tuple(str(item) for item in attachments)
        if isinstance(attachments, list)
        else (),
        highlight=_highlight_from(record.get("highlight")),
    )


def _message_id(record: dict[str, Any]) -> str:
    """The platform's message id: with the platform, the comment's key in the database. A blank
    one would make every other blank-id comment of the show look like this one, stored once."""
    message_id = _text(record, "id")
    if not message_id.strip():
        raise ValueError('"id" is empty: each comment needs the id its platform gave it')
    return message_id


def _highlight_from(value: Any) -> Highlight | None:
    """`{"kind": "super_chat", "amount": 5, "currency": "USD", "shown": "$5.00"}`, or absent."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError('"highlight" must be an object with a "kind"')
    try:
        kind = HighlightKind(str(value.get("kind")))
    except ValueError:
        allowed = "|".join(k.value for k in HighlightKind)
        raise ValueError(f'"highlight.kind" must be one of {allowed}') from None
    amount = _finite_amount(_optional(value, "amount", 0))
    currency, shown = _optional(value, "currency", ""), _optional(value, "shown", "")
    if not isinstance(currency, str) or not isinstance(shown, str):
        raise ValueError('"highlight.currency" and "highlight.shown" must be strings')
    # Both reach screens and reports beside the chat text: as untrusted, and cleaned the same.
    return Highlight(kind, amount, clean(currency)[:12], clean(shown)[:40])


def _finite_amount(amount: Any) -> float:
    """A highlight's amount: a finite number, 0 or more (JSON readers accept `Infinity`, `NaN`
    and `1e400`; a report could not write them back as JSON)."""
    if isinstance(amount, bool) or not isinstance(amount, int | float):
        raise ValueError('"highlight.amount" must be a number, 0 or more')
    try:
        number = float(amount)
    except OverflowError:  # an integer too large for a float
        number = math.inf
    if not math.isfinite(number):
        raise ValueError(f'"highlight.amount" must be a finite number (got {str(amount)[:20]})')
    if number < 0:
        raise ValueError('"highlight.amount" must be a number, 0 or more')
    return number


def _host_action_from_dict(record: dict[str, Any]) -> HostAction:
    action = _text(record, "action")
    try:
        kind = HostActionKind(action)
    except ValueError:
        allowed = "|".join(k.value for k in HostActionKind)
        raise ValueError(f'"action" must be one of {allowed}, got {action!r}') from None
    comment_id = record.get("comment_id")
    author_id = record.get("author_id")
    platform = record.get("platform")
    undoes = record.get("undoes")
    return HostAction(
        kind=kind,
        ts=_ts(record),
        comment_id=str(comment_id) if comment_id is not None else None,
        platform=str(platform) if platform is not None else None,
        author_id=str(author_id) if author_id is not None else None,
        text=_text(record, "text", ""),
        outcome=_text(record, "outcome", ""),
        key=_text(record, "id", "") or host_action_key(record),
        undoes=str(undoes) if undoes is not None else None,
        # Who acted is as untrusted as chat: it reaches screens and reports.
        actor=clean(_text(record, "actor", ""), max_chars=64),
    )


def _host_author(record: dict[str, Any], action: HostAction) -> Author | None:
    """The viewer a host line names by name (`author`, optional `display_name`), when it says
    their `author_id` too; names are as untrusted as chat and cleaned where shown."""
    name = _text(record, "author", "")
    if not name or action.author_id is None:
        return None
    return Author(
        action.platform or "replay",
        action.author_id,
        name,
        _text(record, "display_name", name),
    )


def host_action_key(record: dict[str, Any]) -> str:
    """A stable key for a host event written without an `id`: a digest of what it says.

    Replaying the same transcript twice (or resuming it) then names each action the same way,
    and the database keeps it once.
    """
    fields = {k: record.get(k) for k in ("ts", "action", "comment_id", "platform", "author_id")}
    fields["text"] = record.get("text", "")
    digest = hashlib.sha256(json.dumps(fields, sort_keys=True, default=str).encode())
    return "t-" + digest.hexdigest()[:24]


def iter_events(
    lines: Iterable[str | bytes | None],
    *,
    source: str = "<transcript>",
    on_error: Callable[[TranscriptError], None] | None = None,
    first_line: int = 1,
) -> Iterator[TranscriptEvent]:
    """Decode lines; a bad line raises, or goes to `on_error` and is skipped when one is given.

    Lines may be text, UTF-8 bytes (decoded here, so one bad byte costs one line) or None for
    a line too long to read (see `MAX_LINE_BYTES`). `first_line` is the number of the first
    line given (a resumed replay starts mid-file).
    """
    for number, line in enumerate(lines, start=first_line):
        try:
            event = _event_from_line(line, first=number == 1)
        except (ValueError, TypeError, RecursionError) as exc:
            error = TranscriptError(f"{source}:{number}: {_reason(exc)}")
            if on_error is None:
                raise error from None
            on_error(error)
            continue
        if event is not None:
            yield event


def _event_from_line(line: str | bytes | None, *, first: bool) -> TranscriptEvent | None:
    if line is None:
        raise ValueError(f"line longer than {MAX_LINE_BYTES >> 20} MiB (not a transcript line?)")
    text = line.decode("utf-8") if isinstance(line, bytes) else line
    if first:
        text = text.removeprefix("\ufeff")  # a byte order mark, as Windows editors write
    if not text.strip():
        return None
    record = json.loads(text)
    if not isinstance(record, dict):
        raise ValueError("each line must be a JSON object")
    if "\\u" in text and _SURROGATE_ESCAPE.search(text):
        record = _without_lone_surrogates(record)
    return event_from_dict(record)


#: Python's JSON errors in plain words (what is wrong, and the likely slip).
JSON_PROBLEMS = {
    "Expecting value": "no value where one belongs (a value left out, a comma too many, or no "
    "JSON at all)",
    "Expecting property name enclosed in double quotes": "a key must be in double quotes "
    '("key": value), and no comma follows the last one',
    "Expecting ':' delimiter": 'a key must be followed by ":" and its value',
    "Expecting ',' delimiter": 'a "," is missing between two items, or the line was cut short',
    "Unterminated string starting at": 'a string opened here with " is never closed (a '
    "missing closing quote, or the line was cut short)",
    "Extra data": "more follows the end of the object",
    "Invalid control character at": "a raw control character inside a string (write a line "
    "break as \\n, a tab as \\t)",
    "Invalid \\escape": "a backslash that starts no escape (write a backslash as \\\\)",
    "Invalid \\uXXXX escape": "a \\u escape without four hexadecimal digits after it",
}


def _reason(exc: BaseException) -> str:
    """Why a line is bad, in words that point at the fix."""
    if isinstance(exc, UnicodeDecodeError):
        return (
            f"not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at column {exc.start + 1}); "
            "save the transcript as UTF-8"
        )
    if isinstance(exc, json.JSONDecodeError):
        words = JSON_PROBLEMS.get(exc.msg, exc.msg)
        return f"not valid JSON at column {exc.colno}: {words}"
    if isinstance(exc, RecursionError):
        return "JSON nested too deeply"
    return str(exc)


def _without_lone_surrogates(value: Any) -> Any:
    """`value` with every unpaired surrogate replaced by U+FFFD (JSON pairs the valid ones)."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_lone_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {
            _without_lone_surrogates(key): _without_lone_surrogates(item)
            for key, item in value.items()
        }
    return value


def read_lines(handle: BinaryIO, *, source: str = "<transcript>") -> Iterator[bytes | None]:
    """The lines of a binary file, each at most `MAX_LINE_BYTES`; None for a longer one.

    Raises TranscriptError when no line break comes for `MAX_UNBROKEN_BYTES`: the input is
    not JSON Lines, and reading on would never end (`/dev/zero`) or take very long.
    """
    number = 0
    while line := handle.readline(MAX_LINE_BYTES + 1):
        number += 1
        if len(line) <= MAX_LINE_BYTES or line.endswith(b"\n"):
            yield line
            continue
        unbroken = len(line)
        while (rest := handle.readline(1 << 16)) and not rest.endswith(b"\n"):
            unbroken += len(rest)
            if unbroken > MAX_UNBROKEN_BYTES:
                raise TranscriptError(
                    f"{source}:{number}: no line break in {MAX_UNBROKEN_BYTES >> 20} MiB: "
                    "not a JSON Lines transcript"
                )
        yield None


def read_transcript(
    path: Path,
    *,
    skip_bad_lines: bool = False,
    on_error: Callable[[TranscriptError], None] | None = None,
) -> Iterator[TranscriptEvent]:
    """Events of a transcript file, in file order.

    A bad line raises TranscriptError, unless `on_error` is given (it hears about each bad line,
    which is then skipped) or `skip_bad_lines` (bad lines are logged and skipped). An endless
    line raises either way (see `read_lines`).
    """

    def warn(error: TranscriptError) -> None:
        log.warning("skipped a bad transcript line: %s", error)

    if on_error is None and skip_bad_lines:
        on_error = warn
    with path.open("rb") as handle:
        lines = read_lines(handle, source=str(path))
        yield from iter_events(lines, source=str(path), on_error=on_error)


class BadLines:
    """Hears about skipped lines: reports the first `listed` of them, counts the rest."""

    def __init__(self, report: Callable[[str], None], *, listed: int = BAD_LINES_LISTED) -> None:
        self.report = report
        self.listed = listed
        self.count = 0

    def __call__(self, error: TranscriptError) -> None:
        self.count += 1
        if self.count <= self.listed:
            self.report(f"{error} (line skipped)")

    def summary(self) -> str | None:
        """A closing line when some bad lines were not listed, else None."""
        if self.count <= self.listed:
            return None
        return f"{self.count:,} bad lines skipped in all (the first {self.listed} are listed above)"


def event_to_dict(event: TranscriptEvent) -> dict[str, Any]:
    if isinstance(event, ShowEvent):
        record: dict[str, Any] = {"kind": "show"}
        if event.ts is not None:
            record["ts"] = format_ts(event.ts)
        record |= {"title": event.title, "description": event.description}
        return record
    if isinstance(event, SegmentEvent):
        return _stamped("segment", event.ts, title=event.title, keywords=list(event.keywords))
    if isinstance(event, CommentEvent):
        return comment_to_dict(event.comment)
    if isinstance(event, EndEvent):
        return _stamped("end", event.ts)
    if isinstance(event, TopicEvent):
        return _stamped("topic", event.ts, title=event.title, keywords=list(event.keywords))
    if isinstance(event, DeleteEvent):
        return _stamped("delete", event.ts, platform=event.platform, comment_id=event.comment_id)
    if isinstance(event, OffStreamEvent):
        return _stamped("off_stream", event.ts, shown_by=event.shown_by)
    if isinstance(event, OffStageEvent):
        return _stamped("off_stage", event.ts, platform=event.platform, author_id=event.author_id)
    record = host_action_to_dict(event.action)
    if event.author is not None:
        record["author"] = event.author.name
        if event.author.display_name and event.author.display_name != event.author.name:
            record["display_name"] = event.author.display_name
    return record


def _stamped(kind: str, ts: datetime, **fields: Any) -> dict[str, Any]:
    """A line's record: its kind and its time first (as every line has them), then `fields`."""
    return {"kind": kind, "ts": format_ts(ts), **fields}


def comment_to_dict(comment: Comment) -> dict[str, Any]:
    record: dict[str, Any] = {
        "kind": "comment",
        "id": comment.id,
        "ts": format_ts(comment.ts),
        "platform": comment.platform,
        "channel": comment.channel,
        "author_id": comment.author.id,
        "author": comment.author.name,
        "text": comment.text,
        "roles": sorted(comment.author.roles),
        "reply_to": comment.reply_to,
    }
    if comment.author.display_name and comment.author.display_name != comment.author.name:
        record["display_name"] = comment.author.display_name
    if comment.first_message:
        record["first_message"] = True
    if comment.attachments:
        record["attachments"] = list(comment.attachments)
    if comment.highlight is not None:
        highlight = comment.highlight
        record["highlight"] = {"kind": highlight.kind.value, "amount": highlight.amount}
        if highlight.currency:
            record["highlight"]["currency"] = highlight.currency
        if highlight.shown:
            record["highlight"]["shown"] = highlight.shown
    return record


def host_action_to_dict(action: HostAction) -> dict[str, Any]:
    record: dict[str, Any] = {
        "kind": "host",
        "ts": format_ts(action.ts),
        "action": action.kind.value,
        "comment_id": action.comment_id,
        "author_id": action.author_id,
        "text": action.text,
    }
    if action.platform:
        record["platform"] = action.platform
    if action.key:
        record["id"] = action.key
    if action.undoes:
        record["undoes"] = action.undoes
    if action.actor:
        record["actor"] = action.actor
    # What a replay must not apply as done: a failed action (no reason: it may name people), or
    # one only recorded (its outcome names only the action and the platform).
    if action.outcome.startswith("failed"):
        record["outcome"] = "failed"
    elif only_recorded(action.outcome) or done_on_platform(action.outcome):
        # Or done by the platform's own moderators: stagehand only heard of it.
        record["outcome"] = action.outcome
    return record


def write_events(events: Iterable[TranscriptEvent], handle: IO[str]) -> int:
    """Write events as JSON Lines; returns how many were written.

    Text is written exactly (a transcript is the record), with terminal controls and bidi
    characters as JSON escapes, so `cat` of an export cannot retitle or clear a terminal.
    """
    count = 0
    for event in events:
        handle.write(inert_json(event_to_dict(event)) + "\n")
        count += 1
    return count
