"""Host actions on YouTube: chat messages, deleting, timing out and banning.

Each function makes one call and returns an `ActionResult` whose message the console shows as
it is; nothing here raises. A failure that trying again may get past (the network, a 5xx,
Google's token endpoint failing while the access token is refreshed) comes back with `retry`; a
refused authorization comes back with its fix. YouTube has no threaded replies and no private
messages: a reply is a chat message that starts with the viewer's @handle, and a stage
invitation is a public message (never the private guest link).
"""

from __future__ import annotations

from stagehand.adapters.youtube.client import NotEnoughQuota, YouTubeClient
from stagehand.adapters.youtube.errors import (
    NETWORK_ERRORS,
    YouTubeApiError,
    YouTubeAuthError,
    describe,
    transient,
)
from stagehand.adapters.youtube.limits import ELLIPSIS, MAX_MESSAGE_CHARS, fit_message
from stagehand.adapters.youtube.oauth import OAuthUnavailable
from stagehand.domain import Author, ModerationKind
from stagehand.platform import ActionResult

#: YouTube's temporary bans: 300 s unless said, at most a day.
DEFAULT_TIMEOUT_SECONDS = 300
MAX_TIMEOUT_SECONDS = 86_400
#: What a call can fail with, short of a bug: YouTube's answer, the token refresh, the network.
CALL_FAILURES = (YouTubeApiError, YouTubeAuthError, OAuthUnavailable, *NETWORK_ERRORS)


def mention(author: Author) -> str:
    """How a YouTube viewer is addressed in chat: their @handle."""
    return "@" + author.name.lstrip("@")


def addressed(author: Author, text: str) -> str:
    """`text` as a reply to `author`: starting with their @handle (once)."""
    handle = mention(author)
    text = text.strip()
    if text.casefold().startswith(handle.casefold()):
        return text
    return f"{handle} {text}"


async def send(client: YouTubeClient, live_chat_id: str, text: str) -> tuple[ActionResult, str]:
    """Post `text` (cut to 200 characters: the result's hint says so); the result and the new
    message's id ("" if none)."""
    whole = " ".join(text.split())
    text = fit_message(text)
    if not text:
        return ActionResult.failed("nothing to send: the message is empty"), ""
    try:
        sent = await client.insert_message(live_chat_id, text)
    except NotEnoughQuota as exc:
        return ActionResult.failed(str(exc), hint="reading stops before the last units"), ""
    except CALL_FAILURES as exc:
        return _failed("YouTube chat", exc), ""
    message_id = str(sent.get("id") or "")
    if len(text) < len(whole):
        left = len(whole) - len(text.removesuffix(ELLIPSIS))
        return ActionResult.done(
            "sent to YouTube chat",
            hint=f"cut to {MAX_MESSAGE_CHARS} characters on YouTube (its limit): the last "
            f"{left:,} did not go out",
        ), message_id
    return ActionResult.done("sent to YouTube chat"), message_id


async def delete(client: YouTubeClient, message_id: str) -> ActionResult:
    try:
        await client.delete_message(message_id)
    except NotEnoughQuota as exc:
        return ActionResult.failed(str(exc))
    except CALL_FAILURES as exc:
        if isinstance(exc, YouTubeApiError) and exc.status == 404:
            return ActionResult.failed("YouTube moderation: the message is already gone")
        return _failed("YouTube moderation", exc)
    return ActionResult.done("message deleted on YouTube")


async def ban(
    client: YouTubeClient, live_chat_id: str, author: Author, seconds: int | None
) -> tuple[ActionResult, str]:
    """A permanent ban (`seconds` None) or a timeout; the result and the ban's id."""
    if seconds is not None:
        seconds = max(1, min(seconds, MAX_TIMEOUT_SECONDS))
    try:
        made = await client.insert_ban(live_chat_id, author.id, seconds)
    except NotEnoughQuota as exc:
        return ActionResult.failed(str(exc)), ""
    except CALL_FAILURES as exc:
        return _failed("YouTube moderation", exc), ""
    done = f"timed out on YouTube for {seconds} s" if seconds else "banned on YouTube"
    return ActionResult.done(done), str(made.get("id") or "")


async def unban(client: YouTubeClient, ban_id: str, kind: ModerationKind) -> ActionResult:
    try:
        await client.delete_ban(ban_id)
    except NotEnoughQuota as exc:
        return ActionResult.failed(str(exc))
    except CALL_FAILURES as exc:
        return _failed("YouTube moderation", exc)
    lifted = "timeout lifted" if kind is ModerationKind.TIMEOUT else "unbanned"
    return ActionResult.done(f"{lifted} on YouTube")


def _failed(what: str, exc: BaseException) -> ActionResult:
    """A failed call in one line; `retry` when trying again may work."""
    return ActionResult(False, f"{what}: {_refusal(exc)}", retry=transient(exc))


def _refusal(exc: BaseException) -> str:
    if isinstance(exc, YouTubeApiError):
        if exc.reason == "insufficientPermissions":
            return (
                "the authorization is read-only or short of youtube.force-ssl: set "
                "[youtube] read_only = false and run `stagehand auth youtube`"
            )
        if exc.reason == "forbidden" or (exc.status == 403 and not exc.quota_exceeded):
            return (
                "YouTube refused (403): the authorized account must own the stream or "
                "moderate its chat"
            )
    return describe(exc)
