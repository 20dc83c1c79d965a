"""YouTube `liveChatMessage` resources -> domain values: comments, deletions, bans, the end.

Reads only what the message says; never fetches anything. A message's `snippet.type` decides
what it is (the liveChatMessages reference lists them): text messages, Super Chats and Super
Stickers (their amounts become the comment's `Highlight`), membership messages, deletions
(`messageDeletedEvent`), bans (`userBannedEvent`) and the end of the chat (`chatEndedEvent`).
Polls, mode changes and the like are not comments and are skipped.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from stagehand.domain import (
    Author,
    Comment,
    Highlight,
    HighlightKind,
    ModerationKind,
    Role,
    utcnow,
)
from stagehand.times import parse_ts

log = logging.getLogger(__name__)

PLATFORM = "youtube"
#: What a Super Chat or Super Sticker whose amount YouTube did not give as a number shows.
AMOUNT_NOT_GIVEN = "amount not given"
#: Message types that carry something a viewer said (or paid to say).
TEXT = "textMessageEvent"
SUPER_CHAT = "superChatEvent"
SUPER_STICKER = "superStickerEvent"
MEMBERSHIP_TYPES = frozenset(
    {"newSponsorEvent", "memberMilestoneChatEvent", "membershipGiftingEvent"}
)
DELETED = "messageDeletedEvent"
BANNED = "userBannedEvent"
ENDED = "chatEndedEvent"


class MalformedMessage(ValueError):
    """The message lacks what a comment cannot do without (an id, an author)."""


@dataclass(frozen=True, slots=True)
class ChatInfo:
    """The live chat being read: its id, the video it belongs to, and who is who."""

    live_chat_id: str
    video_id: str
    owner_channel_id: str = ""
    title: str = ""
    #: The authorized account's channel: its own messages come back in the chat.
    own_channel_id: str = ""


@dataclass(frozen=True, slots=True)
class MessageDeleted:
    message_id: str
    ts: datetime


@dataclass(frozen=True, slots=True)
class UserBanned:
    author: Author
    kind: ModerationKind
    seconds: int
    ts: datetime

    @property
    def detail(self) -> str:
        if self.kind is ModerationKind.TIMEOUT:
            return f"was timed out on YouTube for {self.seconds} s (by a moderator there)"
        return "was banned on YouTube (by a moderator there)"


@dataclass(frozen=True, slots=True)
class ChatEnded:
    ts: datetime


ChatEvent = Comment | MessageDeleted | UserBanned | ChatEnded


def event_from_message(item: Any, chat: ChatInfo) -> ChatEvent | None:
    """What one message means for the show; None for what it ignores. Raises
    `MalformedMessage` when a message that should be a comment cannot be one."""
    if not isinstance(item, dict):
        raise MalformedMessage("a chat message that is not an object")
    snippet = _object(item.get("snippet"))
    kind = str(snippet.get("type") or "")
    ts = _published(snippet)
    if kind == DELETED:
        deleted = str(_object(snippet.get("messageDeletedDetails")).get("deletedMessageId") or "")
        return MessageDeleted(deleted, ts) if deleted else None
    if kind == BANNED:
        return _banned(_object(snippet.get("userBannedDetails")), ts)
    if kind == ENDED:
        return ChatEnded(ts)
    if kind not in (TEXT, SUPER_CHAT, SUPER_STICKER) and kind not in MEMBERSHIP_TYPES:
        return None
    return _comment(item, snippet, kind, ts, chat)


def _comment(
    item: dict[str, Any], snippet: dict[str, Any], kind: str, ts: datetime, chat: ChatInfo
) -> Comment:
    message_id = str(item.get("id") or "")
    details = _object(item.get("authorDetails"))
    channel_id = str(details.get("channelId") or snippet.get("authorChannelId") or "")
    if not message_id or not channel_id:
        raise MalformedMessage("a chat message without an id or an author channel")
    text, highlight = _said(snippet, kind)
    if kind == TEXT and not text.strip():
        raise MalformedMessage("a text message without text")
    return Comment(
        id=message_id,
        platform=PLATFORM,
        channel=chat.video_id,
        author=author_of(details, channel_id),
        text=text,
        ts=ts,
        highlight=highlight,
    )


def author_of(details: dict[str, Any], channel_id: str) -> Author:
    """The author as YouTube shows them: their @handle (YouTube's `displayName`) and roles."""
    shown = str(details.get("displayName") or "")
    roles = set()
    if details.get("isChatOwner"):
        roles.add(Role.BROADCASTER)
    if details.get("isChatModerator"):
        roles.add(Role.MODERATOR)
    if details.get("isChatSponsor"):
        roles.add(Role.SUBSCRIBER)  # a channel member
    return Author(
        platform=PLATFORM,
        id=channel_id,
        name=shown.lstrip("@") or channel_id,
        display_name=shown,
        roles=frozenset(roles),
    )


def _said(snippet: dict[str, Any], kind: str) -> tuple[str, Highlight | None]:
    """The text as typed (YouTube's own rendering when there is none) and what was paid."""
    shown = str(snippet.get("displayMessage") or "")
    if kind == TEXT:
        typed = _object(snippet.get("textMessageDetails")).get("messageText")
        return (typed if isinstance(typed, str) and typed.strip() else shown), None
    if kind == SUPER_CHAT:
        details = _object(snippet.get("superChatDetails"))
        return str(details.get("userComment") or shown), _paid(HighlightKind.SUPER_CHAT, details)
    if kind == SUPER_STICKER:
        details = _object(snippet.get("superStickerDetails"))
        sticker = _object(details.get("superStickerMetadata")).get("altText")
        text = shown or (f"(Super Sticker: {sticker})" if sticker else "(Super Sticker)")
        return text, _paid(HighlightKind.SUPER_STICKER, details)
    milestone = _object(snippet.get("memberMilestoneChatDetails")).get("userComment")
    return str(milestone or shown), Highlight(HighlightKind.MEMBERSHIP)


def _paid(kind: HighlightKind, details: dict[str, Any]) -> Highlight:
    """The amount paid. One YouTube did not give as a number counts nothing (it is in no
    total) and shows as YouTube displayed it, else as "amount not given"; said in the log."""
    shown = str(details.get("amountDisplayString") or "")[:40]
    try:
        micros = int(details.get("amountMicros") or 0)
    except (TypeError, ValueError):
        log.warning(
            "A YouTube %s has an amount YouTube did not give as a number (amountMicros): kept "
            "without its amount",
            kind.value.replace("_", " "),
        )
        micros, shown = 0, shown or AMOUNT_NOT_GIVEN
    return Highlight(
        kind,
        amount=max(0, micros) / 1_000_000,
        currency=str(details.get("currency") or "")[:8],
        shown=shown,
    )


def _banned(details: dict[str, Any], ts: datetime) -> UserBanned | None:
    who = _object(details.get("bannedUserDetails"))
    channel_id = str(who.get("channelId") or "")
    if not channel_id:
        return None
    temporary = details.get("banType") == "temporary"
    try:
        seconds = int(details.get("banDurationSeconds") or 0)
    except (TypeError, ValueError):
        seconds = 0
    return UserBanned(
        author_of(who, channel_id),
        ModerationKind.TIMEOUT if temporary else ModerationKind.BAN,
        seconds,
        ts,
    )


def _published(snippet: dict[str, Any]) -> datetime:
    try:
        return parse_ts(snippet.get("publishedAt"))
    except ValueError:
        return utcnow()


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
