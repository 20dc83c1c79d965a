"""Moderation done in Twitch's own chat (a moderator's /ban or /timeout), as stagehand hears it.

EventSub `channel.ban` (broadcaster's token, `channel:moderate`) says who was banned or timed out,
by which moderator, and until when. Twitch announces every ban, stagehand's own (Helix
`POST /moderation/bans`, made as the broadcaster) too: those are known to the adapter
(`stagehand.adapters.own_actions`) and not passed on again, as the show logged them when it made
them. twitchio's `ChannelBan` keeps the viewer's login only (not the event's `user_name`): a
viewer banned before they chatted is named by it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from stagehand.adapters.twitch.normalize import PLATFORM
from stagehand.domain import Author, ModerationKind
from stagehand.times import format_ts


@dataclass(frozen=True, slots=True)
class HeardBan:
    """One `channel.ban` notification, in the show's words."""

    author: Author
    kind: ModerationKind
    #: The moderator's login ("" when Twitch did not say).
    by: str
    #: The moderator's Twitch user id ("" when Twitch did not say).
    by_id: str
    #: Names this ban uniquely: a redelivery of the notification has the same.
    key: str
    #: What the hosts are told after the viewer's name (the show adds " by <moderator>",
    #: `by`, as it may say them: `LiveShow.author_banned`).
    detail: str


def heard_ban(payload: Any) -> HeardBan:
    """The ban or timeout a twitchio `ChannelBan` carries. Raises AttributeError, TypeError or
    ValueError on a payload without the keys of the EventSub reference."""
    user, moderator = payload.user, payload.moderator
    user_id = str(user.id)
    if not user_id:
        raise ValueError("a ban of nobody")
    kind = ModerationKind.BAN if payload.permanent else ModerationKind.TIMEOUT
    by = str(getattr(moderator, "name", "") or "")
    by_id = str(getattr(moderator, "id", "") or "") if by else ""
    who = "" if by and by_id else " (by a moderator there)"
    if kind is ModerationKind.TIMEOUT and payload.ends_at is not None:
        seconds = round((payload.ends_at - payload.banned_at).total_seconds())
        detail = f"was timed out on Twitch for {seconds} s{who}"
    else:
        detail = f"was banned on Twitch{who}"
    what = f"twitch ban|{user_id}|{kind.value}|{format_ts(payload.banned_at)}"
    return HeardBan(
        Author(PLATFORM, user_id, str(user.name or ""), str(user.display_name or "")),
        kind,
        by if by_id else "",
        by_id,
        hashlib.sha256(what.encode()).hexdigest()[:32],
        detail,
    )


def heard_unban(payload: Any) -> HeardBan:
    """The lifted ban or timeout a twitchio `ChannelUnban` carries (`kind` is BAN: Twitch does
    not say which was lifted). Raises as `heard_ban` does. The event has no time of its own to
    tell a redelivery from a second unban: its notification's message id does (Twitch delivers
    again with the same one), so `key` is made of it ("" when the notification has none)."""
    user, moderator = payload.user, payload.moderator
    user_id = str(user.id)
    if not user_id:
        raise ValueError("an unban of nobody")
    message_id = notification_id(payload)
    what = f"twitch unban|{user_id}|{message_id}"
    key = hashlib.sha256(what.encode()).hexdigest()[:32] if message_id else ""
    by = str(getattr(moderator, "name", "") or "")
    by_id = str(getattr(moderator, "id", "") or "") if by else ""
    who = "" if by and by_id else " (by a moderator there)"
    return HeardBan(
        Author(PLATFORM, user_id, str(user.name or ""), str(user.display_name or "")),
        ModerationKind.BAN,
        by if by_id else "",
        by_id,
        key,
        f"was unbanned on Twitch{who}",
    )


def notification_id(payload: Any) -> str:
    """The EventSub message id of the notification twitchio made `payload` from ("" when it
    has none): the same for each delivery of one notification."""
    metadata = getattr(payload, "metadata", None)
    return str(getattr(metadata, "message_id", "") or "")
