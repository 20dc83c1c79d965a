"""Every chat command, registered once with all its facts: `@command(...)` on its handler.

A command's name, what it does, who may use it, its cooldown group and whether it takes text
are written once, in its registration (beside its handler: commands/audience.py, privacy.py,
listing.py, moderators.py); what `!help` answers, which commands are for moderators only and
the Discord slash commands are read from here.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass

from stagehand.commands.context import CommandContext, Done
from stagehand.platform import CommandSpec

#: A command's handler: `Done` at once, or an awaitable of it when it waits for a platform.
Handler = Callable[[CommandContext], Done | Awaitable[Done]]


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    help: str
    """What it does, in a few words (a slash command's description)."""
    handler: Handler
    usage: str
    """How `!help` lists it (without the prefix)."""
    moderators_only: bool = False
    cooldown_group: str = ""
    """Commands in one group share a viewer's cooldown (by default its own). Privacy commands
    have none."""
    takes_text: bool = False
    text_required: bool = False
    text_help: str = "What to say"
    moderator_usage: str = ""
    """How `!help` lists it for moderators, when its text does more for them (`!topic`)."""
    listed: bool = True
    """Listed by `!help` (not `!help` itself)."""
    privacy: bool = False
    """What a viewer says about their own data (`!optout`, `!forget`): never under a cooldown,
    and answered even with `[commands] enabled = false`, since ignoring or delaying it would keep
    what they asked not to be kept."""
    never_waits: bool = False
    """Acts at once even during its cooldown group's cooldown (which it starts): taking back
    what you asked for (`!lower`) must always work, or a viewer who changed their mind stays
    in line for the stage."""

    @property
    def spec(self) -> CommandSpec:
        """What a platform registers of it (a Discord slash command)."""
        return CommandSpec(
            self.name, self.help, self.takes_text, self.text_required, self.text_help
        )

    @property
    def cooldown_key(self) -> str:
        return self.cooldown_group or self.name


class Registry:
    """The commands there are, in the order they were registered (the order `!help` lists)."""

    def __init__(self) -> None:
        self._commands: dict[str, Command] = {}

    def command(
        self,
        name: str,
        *,
        help: str,
        usage: str = "",
        moderators_only: bool = False,
        cooldown_group: str = "",
        takes_text: bool = False,
        text_required: bool = False,
        text_help: str = "What to say",
        moderator_usage: str = "",
        listed: bool = True,
        privacy: bool = False,
        never_waits: bool = False,
    ) -> Callable[[Handler], Handler]:
        """Register the decorated function as the handler of `!name`."""

        def register(handler: Handler) -> Handler:
            if name in self._commands:
                raise ValueError(f"the command {name!r} is registered twice")
            self._commands[name] = Command(
                name,
                help,
                handler,
                usage or name,
                moderators_only,
                cooldown_group,
                takes_text,
                text_required,
                text_help,
                moderator_usage,
                listed,
                privacy,
                never_waits,
            )
            return handler

        return register

    def get(self, name: str) -> Command | None:
        return self._commands.get(name)

    def __contains__(self, name: str) -> bool:
        return name in self._commands

    def __iter__(self) -> Iterator[Command]:
        return iter(self._commands.values())

    @property
    def moderator_commands(self) -> frozenset[str]:
        """Commands only moderators, the broadcaster and host accounts may use."""
        return frozenset(c.name for c in self if c.moderators_only)

    def specs(self, *, moderators: bool = False) -> list[CommandSpec]:
        """The audience commands (and the moderators' ones if `moderators`) as platforms
        register them."""
        audience = [c.spec for c in self if not c.moderators_only]
        return audience + ([c.spec for c in self if c.moderators_only] if moderators else [])

    def help_words(self, prefix: str) -> tuple[str, str]:
        """The commands anyone may use ("!ask !hand ..."), and the moderators' ("!stage @name,
        ..."), as `!help` lists them."""
        words = [f"{prefix}{c.usage}" for c in self if c.listed and not c.moderators_only]
        theirs = [f"{prefix}{c.usage}" for c in self if c.moderators_only]
        theirs += [f"{prefix}{c.moderator_usage}" for c in self if c.moderator_usage]
        return " ".join(words), ", ".join(theirs)

    def help_text(self, prefix: str, *, moderator: bool) -> str:
        """One chat line listing the commands this person may use (the default answer)."""
        words, theirs = self.help_words(prefix)
        line = "Commands: " + words
        if moderator:
            line += ". Moderators: " + theirs
        return line + "."


#: The commands stagehand answers (registered by the modules commands/__init__.py imports).
COMMANDS = Registry()
command = COMMANDS.command


def slash_command_specs(*, moderators: bool = False) -> list[CommandSpec]:
    """What the Discord adapter registers as slash commands (audience ones unless `moderators`).

    Moderator slash commands would show in every viewer's command picker; permission is checked
    when they are used either way.
    """
    return COMMANDS.specs(moderators=moderators)
