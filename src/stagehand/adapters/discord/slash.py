"""Slash commands: the chat commands (/ask, /hand, /topic, ...) as Discord application commands.

The adapter does not know what the commands do: `stagehand.commands` does, for every platform.
It is given specs (name, description, whether the command takes text), registers them to the
configured guild, and turns each invocation into the chat comment it stands for ("/ask why?" ->
"!ask why?"), delivered like any other comment.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable

import discord
from discord import app_commands

from stagehand.adapters.discord.errors import MISSING_ACCESS, explain
from stagehand.platform import CommandSpec

log = logging.getLogger(__name__)

#: Called with (interaction, command name, text or None) when someone uses a slash command.
Invoked = Callable[[discord.Interaction, str, str | None], Awaitable[None]]

TEXT_OPTION = "text"


def as_specs(specs: Iterable[tuple]) -> list[CommandSpec]:
    """Accept `CommandSpec`s (platform.py) or plain tuples (name, description, takes_text, ...);
    names are lower-cased as Discord requires."""
    out = []
    for spec in specs:
        parsed = CommandSpec(*spec)
        out.append(parsed._replace(name=parsed.name.lower(), description=parsed.description[:100]))
    return out


def build_tree(
    client: discord.Client, specs: Iterable[CommandSpec], guild_id: int, invoked: Invoked
) -> app_commands.CommandTree:
    """A command tree holding one guild command per spec."""
    tree = app_commands.CommandTree(client)
    guild = discord.Object(guild_id)
    for spec in specs:
        tree.add_command(_command(spec, invoked), guild=guild)
    return tree


def _command(spec: CommandSpec, invoked: Invoked) -> app_commands.Command:
    name = spec.name
    if not spec.takes_text:

        async def without_text(interaction: discord.Interaction) -> None:
            await invoked(interaction, name, None)

        return app_commands.Command(name=name, description=spec.description, callback=without_text)

    # discord.py reads the option from the callback's signature: required text has no default.
    async def with_required_text(interaction: discord.Interaction, text: str) -> None:
        await invoked(interaction, name, text)

    async def with_optional_text(interaction: discord.Interaction, text: str | None = None) -> None:
        await invoked(interaction, name, text)

    with_text = with_required_text if spec.text_required else with_optional_text
    described = app_commands.describe(text=spec.text_description[:100])(with_text)
    return app_commands.Command(name=name, description=spec.description, callback=described)


async def register(tree: app_commands.CommandTree, guild_id: int) -> str:
    """Sync the commands to the guild; returns "" on success or why it failed.

    A failure must not stop the show: chat commands typed with the prefix still work.
    """
    try:
        synced = await tree.sync(guild=discord.Object(guild_id))
    except discord.HTTPException as exc:
        if exc.code == MISSING_ACCESS:
            why = (
                "slash commands not registered: invite the bot with the applications.commands "
                "scope (see docs/discord.md)"
            )
        else:
            why = f"slash commands not registered: {explain(exc)}"
        log.warning("discord: %s", why)
        return why
    log.info("discord: %d slash commands registered to guild %s", len(synced), guild_id)
    return ""
