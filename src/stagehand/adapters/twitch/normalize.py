"""A twitchio `ChatMessage` (EventSub channel.chat.message) -> a domain `Comment`.

Reads only what twitchio parsed from the event; never fetches anything. Text is kept as
Twitch sent it: emote names and @mentions are already part of `message.text`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from stagehand.domain import Author, Comment, Highlight, HighlightKind, Role, utcnow

PLATFORM = "twitch"

#: Badge set ids that grant a role (Twitch badge "set_id" values).
BADGE_ROLES: dict[str, Role] = {
    "broadcaster": Role.BROADCASTER,
    "moderator": Role.MODERATOR,
    "lead_moderator": Role.MODERATOR,
    "vip": Role.VIP,
    "subscriber": Role.SUBSCRIBER,
    "founder": Role.SUBSCRIBER,
}

#: Twitch's message_type for a first-time chatter's introduction: the only first-message
#: signal EventSub gives (IRC's `first-msg` tag has no EventSub counterpart).
FIRST_MESSAGE_TYPE = "user_intro"
#: The message_type of a message highlighted with channel points ("Highlight My Message").
HIGHLIGHTED_TYPE = "channel_points_highlighted"


class MalformedChatMessage(ValueError):
    """The event lacks something a comment cannot do without (an id, a chatter)."""


def roles_from_badges(badge_set_ids: Iterable[str]) -> frozenset[str]:
    return frozenset(BADGE_ROLES[s] for s in badge_set_ids if s in BADGE_ROLES)


def comment_from_chat_message(message: Any) -> Comment:
    """Build the domain comment; raises `MalformedChatMessage` when it cannot."""
    message_id = str(getattr(message, "id", "") or "")
    chatter = getattr(message, "chatter", None)
    chatter_id = str(getattr(chatter, "id", "") or "")
    if chatter is None or not message_id or not chatter_id:
        raise MalformedChatMessage("chat message without a message id or chatter id")
    broadcaster = message.broadcaster
    roles = set(roles_from_badges(badge.set_id for badge in message.badges or ()))
    if chatter_id == str(broadcaster.id):
        roles.add(Role.BROADCASTER)
    author = Author(
        platform=PLATFORM,
        id=chatter_id,
        name=str(chatter.name or ""),
        display_name=str(chatter.display_name or chatter.name or ""),
        roles=frozenset(roles),
    )
    reply = getattr(message, "reply", None)
    return Comment(
        id=message_id,
        platform=PLATFORM,
        channel=str(broadcaster.name or broadcaster.id),
        author=author,
        text=str(message.text or ""),
        ts=message.timestamp or utcnow(),
        reply_to=str(reply.parent_message_id) if reply and reply.parent_message_id else None,
        first_message=getattr(message, "type", "") == FIRST_MESSAGE_TYPE,
        highlight=highlight_of(message),
    )


def highlight_of(message: Any) -> Highlight | None:
    """A Bits cheer (the event's `cheer`) or a channel-points highlight, as Twitch marked it."""
    cheer = getattr(message, "cheer", None)
    bits = int(getattr(cheer, "bits", 0) or 0) if cheer is not None else 0
    if bits > 0:
        return Highlight(HighlightKind.BITS, float(bits), "bits", f"{bits} bits")
    if getattr(message, "type", "") == HIGHLIGHTED_TYPE:
        return Highlight(HighlightKind.CHANNEL_POINTS, shown="highlighted with channel points")
    return None
