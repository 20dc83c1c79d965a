"""discord.py objects -> domain values: authors with roles, comments with mentions resolved.

Role mapping (docs/discord.md explains it to users):
- the server owner, and members of `host_role_ids`: HOST (the Discord owner plays the part of a
  Twitch broadcaster: it is their community);
- anyone whose guild permissions allow managing messages, timing out, kicking or banning
  (administrators included), and members of `moderator_role_ids`: MODERATOR. Administrators are
  not hosts: many servers have several admins who are not on the show;
- server boosters: SUBSCRIBER (they pay to support the community, like a Twitch sub);
- every guild member: MEMBER.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from datetime import UTC, datetime

import discord

from stagehand.command_word import fold_command_word
from stagehand.domain import Author, Comment, Role

PLATFORM = "discord"

# Messages a person typed; joins, pins, boosts and thread-created notices are not comments.
TYPED_MESSAGE_TYPES = frozenset({discord.MessageType.default, discord.MessageType.reply})

_MENTION = re.compile(
    r"<@!?(?P<user>\d+)>"
    r"|<@&(?P<role>\d+)>"
    r"|<#(?P<channel>\d+)>"
    r"|<a?:(?P<emoji>\w+):\d+>"
    r"|</(?P<command>[\w -]+):\d+>"
    r"|<t:(?P<time>-?\d+)(?::[tTdDfFR])?>"
)


def resolve_mentions(
    content: str,
    users: Mapping[int, str],
    roles: Mapping[int, str],
    channels: Mapping[int, str],
    *,
    keep_user_ids: bool = False,
) -> str:
    """Replace Discord's mention markup with the names people saw in their client.

    Unknown ids stay as written: guessing a name would put words in someone's mouth.
    `keep_user_ids`: user mentions stay `<@id>` (a command line, where the mention names whom
    the command acts on by id: a display name is neither unique nor one word).
    """

    def name_for(match: re.Match[str]) -> str:
        if (uid := match["user"]) is not None:
            if keep_user_ids:
                return match[0]
            name = users.get(int(uid))
            return f"@{name}" if name is not None else match[0]
        if (rid := match["role"]) is not None:
            name = roles.get(int(rid))
            return f"@{name}" if name is not None else match[0]
        if (cid := match["channel"]) is not None:
            name = channels.get(int(cid))
            return f"#{name}" if name is not None else match[0]
        if match["emoji"] is not None:
            return f":{match['emoji']}:"
        if match["command"] is not None:
            return f"/{match['command']}"
        try:
            moment = datetime.fromtimestamp(int(match["time"]), UTC)
        except (OverflowError, OSError, ValueError):
            return match[0]
        return moment.strftime("%Y-%m-%d %H:%M UTC")

    return _MENTION.sub(name_for, content)


def roles_of(
    member: discord.Member | discord.User,
    *,
    host_role_ids: Collection[int] = (),
    moderator_role_ids: Collection[int] = (),
) -> frozenset[str]:
    """Domain roles for a guild member (a plain User, outside any guild, has none)."""
    if not isinstance(member, discord.Member):
        return frozenset()
    roles: set[str] = {Role.MEMBER}
    role_ids = {role.id for role in member.roles}
    if member.guild.owner_id == member.id or role_ids & set(host_role_ids):
        roles.add(Role.HOST)
    perms = member.guild_permissions
    if (
        perms.administrator
        or perms.manage_messages
        or perms.moderate_members
        or perms.kick_members
        or perms.ban_members
        or role_ids & set(moderator_role_ids)
    ):
        roles.add(Role.MODERATOR)
    if member.premium_since is not None:
        roles.add(Role.SUBSCRIBER)
    return frozenset(roles)


RoleMapper = Callable[[discord.Member | discord.User], frozenset[str]]


def author_of(user: discord.Member | discord.User, map_roles: RoleMapper) -> Author:
    """The domain author: `name` is the unique username, `display_name` what the server shows."""
    return Author(
        platform=PLATFORM,
        id=str(user.id),
        name=user.name,
        display_name=user.display_name,
        roles=map_roles(user),
    )


def channel_label(channel: object) -> str:
    """A readable channel name; a thread is "parent/thread"."""
    if isinstance(channel, discord.Thread):
        parent = channel.parent.name if channel.parent is not None else str(channel.parent_id)
        return f"{parent}/{channel.name}"
    name = getattr(channel, "name", None)
    return name if isinstance(name, str) and name else str(getattr(channel, "id", ""))


#: The chat commands that act on a person they name (`stagehand.commands.moderators`, whose
#: argument is "@username"): a mention picked from Discord's @ list names them by id.
COMMANDS_NAMING_A_PERSON = frozenset({"stage", "unstage"})


def names_a_person(content: str, command_prefix: str | None) -> bool:
    """Whether the message is a command that reads a user mention as the user's id."""
    text = fold_command_word(content.lstrip())  # `！stage` typed with an input method
    if not command_prefix or not text.startswith(command_prefix):
        return False
    name = text[len(command_prefix) :].split(maxsplit=1)
    return bool(name) and name[0].casefold() in COMMANDS_NAMING_A_PERSON


def message_text(message: discord.Message, command_prefix: str | None = None) -> str:
    """The message's text with user, role and channel mentions shown as names; in a command
    that acts on a person (`!stage <@123>`, `!unstage <@123>`: docs/commands.md) user mentions
    stay `<@id>`, which the command reads as the user's id. Any other line, `!ask <@123> ...`
    too, reaches the queue, the overlay and the follow-ups with the name people saw."""
    users = {user.id: user.display_name for user in message.mentions}
    roles = {role.id: role.name for role in message.role_mentions}
    channels: dict[int, str] = {}
    guild = message.guild
    for cid in message.raw_channel_mentions:
        found = guild.get_channel_or_thread(cid) if guild is not None else None
        if found is not None:
            channels[cid] = found.name
    keep_ids = names_a_person(message.content, command_prefix)
    return resolve_mentions(message.content, users, roles, channels, keep_user_ids=keep_ids)


def attachments_of(message: discord.Message) -> tuple[str, ...]:
    """What came with the text: attachment URLs (the host can open them) and sticker names."""
    noted = [attachment.url for attachment in message.attachments]
    noted += [f"sticker:{sticker.name}" for sticker in message.stickers]
    return tuple(noted)


def reply_target(message: discord.Message) -> str | None:
    """The id of the message this one answers (a forward is not a reply)."""
    reference = message.reference
    if reference is None or reference.message_id is None:
        return None
    if reference.type is not discord.MessageReferenceType.reply:
        return None
    return str(reference.message_id)


def comment_from_message(
    message: discord.Message, map_roles: RoleMapper, command_prefix: str | None = None
) -> Comment:
    return Comment(
        id=str(message.id),
        platform=PLATFORM,
        channel=channel_label(message.channel),
        author=author_of(message.author, map_roles),
        text=message_text(message, command_prefix),
        ts=message.created_at,
        reply_to=reply_target(message),
        attachments=attachments_of(message),
    )


def comment_from_command(
    interaction: discord.Interaction,
    name: str,
    text: str | None,
    prefix: str,
    map_roles: RoleMapper,
) -> Comment:
    """A slash command as the chat command it stands for ("/ask why?" -> "!ask why?"), so the
    one command parser serves every platform."""
    typed = f"{prefix}{name} {text.strip()}" if text and text.strip() else f"{prefix}{name}"
    return Comment(
        id=str(interaction.id),
        platform=PLATFORM,
        channel=channel_label(interaction.channel),
        author=author_of(interaction.user, map_roles),
        text=typed,
        ts=interaction.created_at,
    )
