"""Host actions carried to Discord: reply, Stage invitations, moderation.

Each returns an `ActionResult` worded for the console: what happened, or why not (see
errors.py). None raises: a refused action must never take the show down.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import discord

from stagehand.adapters.discord import normalize
from stagehand.adapters.discord.client import StagehandClient
from stagehand.adapters.discord.errors import explain
from stagehand.domain import Author, Comment, ModerationKind
from stagehand.naming import As, Namings, named, shifted
from stagehand.platform import ActionResult

log = logging.getLogger(__name__)

MAX_MESSAGE = 2000  # Discord's limit for a message's content
MAX_TIMEOUT = timedelta(days=28)  # Discord's longest timeout
DEFAULT_TIMEOUT_SECONDS = 600
# Replies may ping the author they answer, never @everyone, a role or anyone else.
REPLY_MENTIONS = discord.AllowedMentions(
    everyone=False, users=False, roles=False, replied_user=True
)
NO_MENTIONS = discord.AllowedMentions.none()
#: Where `explain` names the member acted on (`_explained` puts their name there): no name
#: or reason holds it.
_THEM = "\x00"


def fit(text: str) -> tuple[str, str]:
    """The text cut to Discord's limit, and a note for the host when it was cut."""
    if len(text) <= MAX_MESSAGE:
        return text, ""
    return text[: MAX_MESSAGE - 1] + "…", f" (shortened to {MAX_MESSAGE} characters)"


def find_channel(client: StagehandClient, comment: Comment) -> discord.abc.Messageable | None:
    """The channel a comment was posted in: remembered, or found by its label after a restart."""
    guild = client.guild
    if guild is None:
        return None
    channel_id = client.channel_of.get(comment.id)
    if channel_id is not None:
        found = guild.get_channel_or_thread(channel_id)
        if isinstance(found, discord.abc.Messageable):
            return found
    channels: list[discord.TextChannel | discord.Thread | discord.StageChannel] = [
        *guild.text_channels,
        *guild.threads,
        *guild.stage_channels,
    ]
    for channel in channels:
        if normalize.channel_label(channel) == comment.channel:
            return channel
    return None


async def send(client: StagehandClient, text: str) -> ActionResult:
    guild = client.guild
    channel_ids = client.settings.channel_ids
    channel = guild.get_channel(channel_ids[0]) if guild is not None and channel_ids else None
    if not isinstance(channel, discord.abc.Messageable):
        return ActionResult.failed(
            "discord: set [discord] channel_ids: the first one is the show's chat"
        )
    content, note = fit(text)
    try:
        await channel.send(content, allowed_mentions=NO_MENTIONS)
    except (discord.DiscordException, OSError) as exc:
        return ActionResult.failed(f"discord: not sent: {explain(exc, needs='Send Messages')}")
    return ActionResult.done(f"discord: sent to #{normalize.channel_label(channel)}{note}")


async def reply(
    client: StagehandClient, comment: Comment, text: str, interaction: discord.Interaction | None
) -> ActionResult:
    content, note = fit(text)
    who = comment.author.shown_name
    try:
        if interaction is not None and not interaction.is_expired():
            # A slash command has no message to reply to: answer the interaction instead.
            await interaction.followup.send(content, allowed_mentions=NO_MENTIONS)
            return _done("discord: answered ", comment.author, f"'s slash command{note}")
        channel = find_channel(client, comment)
        if channel is None:
            return ActionResult.failed(f"discord: cannot find the channel {comment.channel!r}")
        if interaction is not None:
            await channel.send(
                f"<@{comment.author.id}> {content}"[:MAX_MESSAGE],
                allowed_mentions=discord.AllowedMentions(
                    everyone=False, roles=False, users=[discord.Object(int(comment.author.id))]
                ),
            )
        else:
            target = channel.get_partial_message(int(comment.id))  # type: ignore[attr-defined]
            await target.reply(content, mention_author=True, allowed_mentions=REPLY_MENTIONS)
    except (discord.DiscordException, OSError) as exc:
        return ActionResult.failed(
            f"discord: reply not sent: {explain(exc, who=who, needs='Send Messages')}"
        )
    return _done("discord: replied to ", comment.author, note)


async def member_of(client: StagehandClient, author: Author) -> discord.Member | ActionResult:
    """The guild member behind `author`, or why there is none (naming them where it does)."""
    guild = client.guild
    if guild is None:
        return ActionResult.failed("discord: not connected to the server")
    member = guild.get_member(int(author.id))
    if member is not None:
        return member
    try:
        return await guild.fetch_member(int(author.id))
    except (discord.DiscordException, OSError) as exc:
        return _failed("discord: ", _explained(exc, author, author.shown_name))


async def invite_to_stage(client: StagehandClient, author: Author, guest_link: str) -> ActionResult:
    """Invite to speak when they are in the Stage audience; otherwise DM the guest link."""
    member = await member_of(client, author)
    if isinstance(member, ActionResult):
        return member
    who = member.display_name
    stage_id = client.settings.stage_channel_id
    voice = member.voice
    if (
        stage_id is not None
        and voice is not None
        and voice.channel is not None
        and voice.channel.id == stage_id
    ):  # in the Stage: audience or speaker
        if not voice.suppress:
            return _done("discord: ", As(author, who), " is already speaking on the Stage")
        try:
            await member.edit(suppress=False)
        except (discord.DiscordException, OSError) as exc:
            why = _explained(exc, author, who, needs="Mute Members in the Stage channel")
            return _failed("discord: ", As(author, who), " not invited to speak: ", why)
        return _done(
            "discord: ", As(author, who), " invited to speak on the Stage (they must accept)"
        )
    if not guest_link:
        where = "not in the Stage audience" if stage_id is not None else "no Stage channel is set"
        return _failed(
            "discord: ", As(author, who), f" not invited: {where} and [show] guest_link is empty"
        )
    text = f"You are invited to join the show on stage! Join here: {guest_link}"
    try:
        await member.send(text, allowed_mentions=NO_MENTIONS)
    except (discord.DiscordException, OSError) as exc:
        # As on Twitch: the private link is never posted in the channel instead.
        message, names = named("discord: guest link not sent: ", _explained(exc, author, who))
        hint, hint_names = named(
            "send ",
            As(author, who),
            " the guest link another way (it was not posted in the channel)",
        )
        return ActionResult.failed(
            message, hint, names=names + shifted(hint_names, len(message) + 2)
        )
    return _done("discord: guest link sent to ", As(author, who), " by direct message")


async def end_stage(client: StagehandClient, author: Author) -> ActionResult:
    """Move a speaker back to the Stage audience; elsewhere there is nothing to undo."""
    stage_id = client.settings.stage_channel_id
    guild = client.guild
    member = guild.get_member(int(author.id)) if guild is not None else None
    voice = member.voice if member is not None else None
    if member is None or stage_id is None or voice is None or voice.channel is None:
        return _done("discord: ", author, " is off stage")
    if voice.channel.id != stage_id:
        return _done(
            "discord: ", As(author, member.display_name), " is no longer in the Stage channel"
        )
    # Also when still suppressed: that withdraws an invitation they have not accepted yet.
    try:
        await member.edit(suppress=True)
    except (discord.DiscordException, OSError) as exc:
        why = explain(exc, who=member.display_name, needs="Mute Members in the Stage channel")
        return ActionResult.failed(f"discord: {member.display_name} still on the Stage: {why}")
    return _done("discord: ", As(author, member.display_name), " moved back to the Stage audience")


async def moderate(
    client: StagehandClient,
    comment: Comment,
    kind: ModerationKind,
    duration_seconds: int | None,
    reason: str,
) -> ActionResult:
    who = comment.author.shown_name
    guild = client.guild
    if guild is None:
        return ActionResult.failed("discord: not connected to the server")
    audit_reason = reason or None
    try:
        if kind is ModerationKind.DELETE:
            channel = find_channel(client, comment)
            if channel is None:
                return ActionResult.failed(f"discord: cannot find the channel {comment.channel!r}")
            target = channel.get_partial_message(int(comment.id))  # type: ignore[attr-defined]
            await target.delete()
            return _done("discord: deleted ", comment.author, "'s message")
        if kind is ModerationKind.TIMEOUT:
            length = timedelta(seconds=duration_seconds or DEFAULT_TIMEOUT_SECONDS)
            length = min(length, MAX_TIMEOUT)
            member = await guild.fetch_member(int(comment.author.id))
            await member.timeout(length, reason=audit_reason)
            return _done("discord: ", comment.author, f" timed out for {_duration(length)}")
        await guild.ban(
            discord.Object(int(comment.author.id)), reason=audit_reason, delete_message_seconds=0
        )
        return _done("discord: ", comment.author, " banned from the server")
    except (discord.DiscordException, OSError) as exc:
        needs = {
            ModerationKind.DELETE: "Manage Messages",
            ModerationKind.TIMEOUT: "Moderate Members",
            ModerationKind.BAN: "Ban Members",
        }[kind]
        return ActionResult.failed(
            f"discord: {kind.value} failed: {explain(exc, who=who, needs=needs)}"
        )


async def unban(client: StagehandClient, author: Author, kind: ModerationKind) -> ActionResult:
    """Lift a ban (guild ban removal) or a timeout (the member's timeout cleared)."""
    who = author.shown_name
    guild = client.guild
    if guild is None:
        return ActionResult.failed("discord: not connected to the server")
    try:
        if kind is ModerationKind.TIMEOUT:
            member = await guild.fetch_member(int(author.id))
            await member.timeout(None)
            return _done("discord: ", author, "'s timeout lifted")
        await guild.unban(discord.Object(int(author.id)))
        return _done("discord: ", author, " unbanned")
    except (discord.DiscordException, OSError) as exc:
        needs = "Moderate Members" if kind is ModerationKind.TIMEOUT else "Ban Members"
        lifting = "lifting the timeout" if kind is ModerationKind.TIMEOUT else "unban"
        return ActionResult.failed(
            f"discord: {lifting} failed: {explain(exc, who=who, needs=needs)}"
        )


def _duration(length: timedelta) -> str:
    seconds = int(length.total_seconds())
    if seconds % 86400 == 0:
        return f"{seconds // 86400} d"
    if seconds % 3600 == 0:
        return f"{seconds // 3600} h"
    if seconds % 60 == 0:
        return f"{seconds // 60} min"
    return f"{seconds} s"


def _explained(exc: Exception, author: Author, who: str, *, needs: str = "") -> tuple[str, Namings]:
    """Why an action on `author` failed (`explain`), naming them (as `who`) where its words do:
    a guest who leaves is un-named there, and the rest of the reason stays."""
    parts = explain(exc, who=_THEM, needs=needs).split(_THEM)
    pieces: list[str | As] = [parts[0]]
    for part in parts[1:]:
        pieces += [As(author, who), part]
    return named(*pieces)


def _failed(*parts: str | Author | As | tuple[str, Namings]) -> ActionResult:
    """Failed, saying `parts` (whom they name, and where)."""
    text, names = named(*parts)
    return ActionResult.failed(text, names=names)


def _done(*parts: str | Author | As) -> ActionResult:
    """Done, saying `parts` (whom they name, and where: `stagehand.naming.named`)."""
    text, names = named(*parts)
    return ActionResult.done(text, names=names)
