"""Host actions on Twitch through Helix: chat messages, whispers, moderation, Guest Star.

Each function does one request (or a short series) and returns an `ActionResult` whose
message the console shows as it is. The caller passes the ids; nothing here holds state.
"""

from __future__ import annotations

from dataclasses import dataclass

import twitchio
from twitchio.exceptions import HTTPException
from twitchio.http import Route

from stagehand.adapters.twitch.credentials import AUTH_FIX
from stagehand.adapters.twitch.errors import TwitchTokenRefused, describe_error, twitch_message
from stagehand.domain import Author, ModerationKind
from stagehand.naming import Naming, Namings, named
from stagehand.platform import ActionResult

DEFAULT_TIMEOUT_SECONDS = 600
MAX_TIMEOUT_SECONDS = 1_209_600  # Twitch's limit: two weeks
#: Moderation acts as the broadcaster: without their token there is no one to act as.
_NO_MODERATOR = ActionResult.failed(
    f"Twitch moderation: the broadcaster has not authorized stagehand: {AUTH_FIX}"
)


@dataclass(frozen=True, slots=True)
class ChannelIds:
    """Who is who for this show: the channel, the bot, and who moderates."""

    broadcaster_id: str
    bot_id: str
    moderator_id: str | None  # the broadcaster when they authorized, else None


async def post_chat(
    client: twitchio.Client, ids: ChannelIds, text: str, reply_to: str | None = None
) -> tuple[ActionResult, str]:
    """Send one message (at most 500 characters) as the bot, threaded when `reply_to` is set.

    Also returns the id Twitch gave the message ("" when none was sent): its echo in chat
    carries the same id."""
    channel = client.create_partialuser(ids.broadcaster_id)
    try:
        sent = await channel.send_message(
            text, sender=ids.bot_id, token_for=ids.bot_id, reply_to_message_id=reply_to
        )
    except Exception as exc:  # HTTP, network: the console shows why, never a traceback
        return ActionResult.failed(f"Twitch chat: {describe_error(exc)}"), ""
    if not sent.sent:
        why = sent.dropped_message or sent.dropped_code or "no reason given"
        return ActionResult.failed(f"Twitch dropped the message: {why}"), ""
    return ActionResult.done("sent to Twitch chat"), str(sent.id or "")


async def whisper(client: twitchio.Client, ids: ChannelIds, to: Author, text: str) -> ActionResult:
    """Whisper `text` to `to` as the bot (Helix `POST /whispers`); a refusal says why."""
    bot = client.create_partialuser(ids.bot_id)
    try:
        await bot.send_whisper(to_user=to.id, message=text)
    except TwitchTokenRefused as exc:  # the bot's token: the fix is the host's, not the guest's
        return ActionResult.failed(
            f"guest link not whispered: {exc}",
            hint=f"{exc.fix}; until then, send {to.shown_name} the guest link another way",
        )
    except Exception as exc:  # HTTP, network: the console shows why, never a traceback
        return ActionResult.failed(
            f"guest link not whispered: {whisper_refusal(exc, to.shown_name)}",
            hint=f"send {to.shown_name} the guest link another way (it was not posted in chat)",
        )
    return ActionResult.done("whispered the guest link")


def whisper_refusal(exc: BaseException, who: str) -> str:
    """Twitch's reasons for refusing a whisper (its API reference, Send Whisper), in words."""
    if not isinstance(exc, HTTPException):
        return describe_error(exc)
    said = twitch_message(exc).casefold()
    if exc.status == 401 and "phone" in said:
        return (
            "the bot account has no verified phone number, which Twitch requires for whispers "
            "(Twitch settings -> Security and Privacy -> Phone Number)"
        )
    if exc.status == 400 and "allow whisper" in said:
        return f"{who} does not accept whispers from strangers"
    if exc.status == 400 and "suspended" in said:
        return f"{who}'s account is suspended"
    if exc.status == 403:
        return "the bot account is suspended and may not whisper"
    if exc.status == 404:
        return f"Twitch no longer knows {who}"
    if exc.status == 429:
        return "the bot reached Twitch's whisper limit (40 new people a day, 100 whispers a minute)"
    return describe_error(exc)


async def guest_star_invite(
    client: twitchio.Client, ids: ChannelIds, guest_id: str
) -> ActionResult:
    """Invite `guest_id` into the running Guest Star session (a beta Helix API twitchio lacks)."""
    if ids.moderator_id is None:
        return ActionResult.failed(
            "Guest Star invite not sent: the broadcaster has not authorized stagehand",
            hint=AUTH_FIX,
        )
    who = {"broadcaster_id": ids.broadcaster_id, "moderator_id": ids.moderator_id}
    try:
        session = await client.http.request_json(
            Route("GET", "guest_star/session", params=dict(who), token_for=ids.moderator_id)
        )
        sessions = (session.get("data") or []) if isinstance(session, dict) else []
        if not sessions:
            return ActionResult.failed(
                "Guest Star invite not sent: no session is running",
                hint="start Stream Together on Twitch first",
            )
        params = {**who, "session_id": sessions[0]["id"], "guest_id": guest_id}
        await client.http.request_json(
            Route("POST", "guest_star/invites", params=params, token_for=ids.moderator_id)
        )
    except (KeyError, TypeError):
        return ActionResult.failed(
            "Guest Star invite not sent: Twitch's answer had an unexpected shape (beta API)"
        )
    except Exception as exc:  # HTTP, network: the console shows why, never a traceback
        return ActionResult.failed(f"Guest Star invite not sent: {describe_error(exc)}")
    return ActionResult.done("sent a Guest Star invite")


def combine(guest: Author, results: list[ActionResult]) -> ActionResult:
    """One result for an invitation made of a guest link and/or a Guest Star invite.

    Invited if anything reached the guest; what failed besides is the host's to sort out (a
    hint), while the message stays fit for chat.
    """
    reached = [r for r in results if r.ok]
    missed = [r for r in results if not r.ok]
    if not reached:
        hint = "; ".join(r.hint for r in missed if r.hint)
        text, names = _led_by(guest, "; ".join(r.message for r in missed), hint)
        return ActionResult.failed(text, hint, names=names)
    hint = "; ".join(r.for_host for r in missed)
    text, names = _led_by(guest, "; ".join(r.message for r in reached), hint)
    return ActionResult.done(text, hint, names=names)


def _led_by(guest: Author, said: str, hint: str) -> tuple[str, Namings]:
    """ "ben: whispered the guest link", naming `guest` where it does (their name leads, and
    the `hint` after it may name them too: "send ben the guest link another way")."""
    text, names = named(guest, ": " + said)
    if names and guest.shown_name in said:  # a refusal may name them again: all of it does
        names = (Naming(guest.key, 0, len(text)),)
    if names and guest.shown_name in hint:
        names += (Naming(guest.key, len(text) + 2, len(text) + 2 + len(hint)),)
    return text, names


async def moderate(
    client: twitchio.Client,
    ids: ChannelIds,
    *,
    kind: ModerationKind,
    message_id: str,
    user_id: str,
    duration_seconds: int | None,
    reason: str,
) -> ActionResult:
    if ids.moderator_id is None:
        return _NO_MODERATOR
    channel = client.create_partialuser(ids.broadcaster_id)
    mod = ids.moderator_id
    try:
        if kind is ModerationKind.DELETE:
            await channel.delete_chat_messages(moderator=mod, message_id=message_id)
            return ActionResult.done("message deleted on Twitch")
        if kind is ModerationKind.TIMEOUT:
            seconds = max(1, min(duration_seconds or DEFAULT_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS))
            await channel.timeout_user(
                moderator=mod, user=user_id, duration=seconds, reason=reason[:500] or None
            )
            return ActionResult.done(f"timed out on Twitch for {seconds} s")
        await channel.ban_user(moderator=mod, user=user_id, reason=reason[:500] or None)
        return ActionResult.done("banned on Twitch")
    except Exception as exc:  # HTTP, network: the console shows why, never a traceback
        return ActionResult.failed(f"Twitch moderation: {describe_error(exc)}")


async def unban(
    client: twitchio.Client, ids: ChannelIds, *, user_id: str, kind: ModerationKind
) -> ActionResult:
    """Lift a ban or a timeout: Helix `DELETE /moderation/bans` removes either."""
    if ids.moderator_id is None:
        return _NO_MODERATOR
    channel = client.create_partialuser(ids.broadcaster_id)
    try:
        await channel.unban_user(moderator=ids.moderator_id, user_id=user_id)
    except Exception as exc:  # HTTP, network: the console shows why, never a traceback
        return ActionResult.failed(f"Twitch moderation: {describe_error(exc)}")
    lifted = "timeout lifted" if kind is ModerationKind.TIMEOUT else "unbanned"
    return ActionResult.done(f"{lifted} on Twitch")
