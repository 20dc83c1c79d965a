"""Where YouTube's chat was read up to, message by message, for when YouTube sends it again.

A position YouTube refuses (`pageTokenInvalid`, after a long gap or a restart) leaves one way to
read on: from the newest messages, which come with a backlog of recent chat ("a series of
messages containing recent chat history", liveChatMessages.streamList), oldest first. What of
it was read before is not news: a ban heard then would be logged and announced again, the
hosts' own ban or stagehand's own reply would come back as a moderator's or a host's. So the
last message read is kept (its id, and its time as YouTube stamped it, stored with the
position: `chat_positions`), and the backlog is read on from after it: whatever YouTube stamped
up to that time was in the chat then, and was read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from stagehand.times import parse_ts


@dataclass(frozen=True, slots=True)
class LastRead:
    """The last message read: its id and its `publishedAt` as YouTube wrote it."""

    message_id: str
    published_at: str

    @classmethod
    def of(cls, items: Sequence[Any]) -> LastRead | None:
        """The last message of a batch that has an id and a time YouTube stamped."""
        for item in reversed(items):
            message_id, published = _id_and_time(item)
            if message_id and published is not None:
                return cls(message_id, _object(item.get("snippet"))["publishedAt"])
        return None

    def unread(self, items: Sequence[Any]) -> tuple[list[Any], bool]:
        """The messages of a backlog batch not read before (those after this one), and whether
        reading has caught up (a message newer than this one came: the rest is news)."""
        after = _time(self.published_at)
        for index, item in enumerate(items):
            message_id, published = _id_and_time(item)
            if message_id == self.message_id:
                continue
            if after is None or published is None or published > after:
                return list(items[index:]), True
        return [], False


def _id_and_time(item: Any) -> tuple[str, datetime | None]:
    if not isinstance(item, dict):
        return "", None
    message_id = item.get("id")
    published = _time(_object(item.get("snippet")).get("publishedAt"))
    return (message_id if isinstance(message_id, str) else ""), published


def _time(value: Any) -> datetime | None:
    try:
        return parse_ts(value)
    except ValueError:
        return None


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
