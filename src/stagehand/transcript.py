"""Show transcripts: JSON Lines, one event per line (docs/transcript-format.md).

The same format is read by `replay` and `rank` and written by `export`, so a replayed show
exported again gives back its comments, segments and host actions.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from stagehand.domain import Author, Comment, HostAction, HostActionKind

log = logging.getLogger(__name__)


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
    action: HostAction


TranscriptEvent = ShowEvent | SegmentEvent | CommentEvent | HostEvent


def parse_ts(value: Any) -> datetime:
    """ISO 8601 to an aware UTC datetime; a time without a zone is taken as UTC."""
    if not isinstance(value, str):
        raise ValueError(f"expected an ISO 8601 timestamp string, got {value!r}")
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def format_ts(value: datetime) -> str:
    """An aware datetime as ISO 8601 UTC with a Z, milliseconds kept."""
    return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _text(record: dict[str, Any], key: str, default: str | None = None) -> str:
    value = record.get(key, default)
    if value is None:
        raise ValueError(f'missing "{key}"')
    if not isinstance(value, str | int):
        raise ValueError(f'"{key}" must be a string')
    return str(value)


def event_from_dict(record: dict[str, Any]) -> TranscriptEvent | None:
    """One decoded line to an event; None for kinds this version does not know (ignored)."""
    kind = record.get("kind")
    if kind == "show":
        ts = record.get("ts")
        return ShowEvent(
            ts=parse_ts(ts) if ts else None,
            title=_text(record, "title", ""),
            description=_text(record, "description", ""),
        )
    if kind == "segment":
        keywords = record.get("keywords") or []
        if not isinstance(keywords, list):
            raise ValueError('"keywords" must be a list of strings')
        return SegmentEvent(
            ts=parse_ts(record.get("ts")),
            title=_text(record, "title"),
            keywords=tuple(str(word) for word in keywords),
        )
    if kind == "comment":
        return CommentEvent(_comment_from_dict(record))
    if kind == "host":
        return HostEvent(_host_action_from_dict(record))
    return None


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
        id=_text(record, "id"),
        platform=platform,
        channel=_text(record, "channel", ""),
        author=author,
        text=_text(record, "text"),
        ts=parse_ts(record.get("ts")),
        reply_to=str(reply_to) if reply_to is not None else None,
        first_message=bool(record.get("first_message", False)),
        attachments=tuple(str(item) for item in attachments)
        if isinstance(attachments, list)
        else (),
    )


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
        ts=parse_ts(record.get("ts")),
        comment_id=str(comment_id) if comment_id is not None else None,
        platform=str(platform) if platform is not None else None,
        author_id=str(author_id) if author_id is not None else None,
        text=_text(record, "text", ""),
        outcome=_text(record, "outcome", ""),
        key=_text(record, "id", "") or host_action_key(record),
        undoes=str(undoes) if undoes is not None else None,
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
    lines: Iterable[str],
    *,
    source: str = "<transcript>",
    on_error: Callable[[TranscriptError], None] | None = None,
    first_line: int = 1,
) -> Iterator[TranscriptEvent]:
    """Decode lines; a bad line raises, or goes to `on_error` and is skipped when one is given.

    `first_line` is the number of the first line given (a resumed replay starts mid-file).
    """
    for number, line in enumerate(lines, start=first_line):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if not isinstance(record, dict):
                raise ValueError("each line must be a JSON object")
            event = event_from_dict(record)
        except (ValueError, TypeError) as exc:
            error = TranscriptError(f"{source}:{number}: {exc}")
            if on_error is None:
                raise error from None
            on_error(error)
            continue
        if event is not None:
            yield event


def read_transcript(path: Path, *, skip_bad_lines: bool = False) -> Iterator[TranscriptEvent]:
    """Events of a transcript file, in file order. Bad lines are logged and skipped on request."""

    def warn(error: TranscriptError) -> None:
        log.warning("skipped a bad transcript line: %s", error)

    with path.open(encoding="utf-8") as handle:
        yield from iter_events(handle, source=str(path), on_error=warn if skip_bad_lines else None)


def event_to_dict(event: TranscriptEvent) -> dict[str, Any]:
    if isinstance(event, ShowEvent):
        record: dict[str, Any] = {"kind": "show"}
        if event.ts is not None:
            record["ts"] = format_ts(event.ts)
        record |= {"title": event.title, "description": event.description}
        return record
    if isinstance(event, SegmentEvent):
        return {
            "kind": "segment",
            "ts": format_ts(event.ts),
            "title": event.title,
            "keywords": list(event.keywords),
        }
    if isinstance(event, CommentEvent):
        return comment_to_dict(event.comment)
    return host_action_to_dict(event.action)


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
    return record


def write_events(events: Iterable[TranscriptEvent], handle: IO[str]) -> int:
    """Write events as JSON Lines; returns how many were written."""
    count = 0
    for event in events:
        handle.write(json.dumps(event_to_dict(event), ensure_ascii=False) + "\n")
        count += 1
    return count
