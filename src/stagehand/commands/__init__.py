"""Chat commands (!ask, !hand, !stage, ...): one parser and one set of handlers for every platform.

Each command is registered once, with everything about it (`@command` beside its handler: the
audience's in commands/audience.py, a viewer's say over their data in privacy.py, `!help` in
listing.py, the moderators' in moderators.py; what their text does to the topic is topics.py);
`!help`, the moderators' commands and the Discord slash commands are read from that registry.
`install_commands(show)` answers them in a show from now on; docs/commands.md describes each
command, who may use it, what it answers and its limits. The Discord adapter registers
`slash_command_specs()` as slash commands, which come back here as "!name text" comments.

Commands act on the show through `ShowControls` (commands/context.py), which `LiveShow`
satisfies as it is: this package never imports the show.
"""

from __future__ import annotations

# Importing a module registers its commands, in this order: the order `!help` and the slash
# commands list them in (kept out of import sorting).
from stagehand.commands import audience, privacy, listing, moderators  # noqa: F401  # isort: skip
from stagehand.commands.context import CommandContext, Done, ShowControls
from stagehand.commands.parse import ParsedCommand, parse_command
from stagehand.commands.registry import COMMANDS, Command, command, slash_command_specs
from stagehand.commands.router import CommandRouter
from stagehand.commands.topics import TOPIC_SET
from stagehand.platform import CommandSpec

__all__ = [
    "COMMANDS",
    "TOPIC_SET",
    "Command",
    "CommandContext",
    "CommandRouter",
    "CommandSpec",
    "Done",
    "ParsedCommand",
    "ShowControls",
    "command",
    "install_commands",
    "parse_command",
    "slash_command_specs",
]


def install_commands(show: ShowControls) -> CommandRouter:
    """Answer chat commands in `show` from now on; returns the router.

    Who opted out (in this show or an earlier one: `show.opted_out`) has their command
    arguments left unkept.
    """
    router = CommandRouter(show, opted_out=show.opted_out)
    for comment in show.recent_comments:  # a resumed show: `!stage @name` finds who spoke
        router.chatters.saw(comment)
    show.use_commands(router.handle, lifts_ask=router.lifts_ask)
    return router
