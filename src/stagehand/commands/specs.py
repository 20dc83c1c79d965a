"""The commands there are, who may use them, and how they read in !help and as slash commands.

`CommandSpec` has the shape of the Discord adapter's `SlashCommandSpec` (name, description,
takes_text, text_required, text_description), so `slash_command_specs()` can be registered as
it is; whether a command is for moderators is kept beside it, in `MODERATOR_COMMANDS`.
"""

from __future__ import annotations

from typing import NamedTuple


class CommandSpec(NamedTuple):
    name: str
    description: str
    takes_text: bool = False
    text_required: bool = False
    text_description: str = "What to say"


AUDIENCE_SPECS: tuple[CommandSpec, ...] = (
    CommandSpec("ask", "Ask the hosts a question", True, True, "Your question"),
    CommandSpec("hand", "Raise your hand to come on stage"),
    CommandSpec("lower", "Lower your raised hand"),
    CommandSpec("topic", "What the show is talking about right now"),
    CommandSpec("optout", "Stop keeping your name and messages (they are still counted)"),
    CommandSpec("optin", "Keep your name and messages again"),
    CommandSpec(
        "forget",
        "Delete what this show stored about you (asks to confirm)",
        True,
        False,
        'Type "confirm" to go ahead',
    ),
    CommandSpec("help", "The commands you can use"),
)

MODERATOR_SPECS: tuple[CommandSpec, ...] = (
    CommandSpec("stage", "Moderators: bring a viewer on stage", True, False, "@username"),
    CommandSpec("unstage", "Moderators: end a stage appearance", True, False, "@username"),
    CommandSpec(
        "segment", "Moderators: start a new segment", True, True, "Title | keyword, keyword"
    ),
)

#: Commands only moderators, the broadcaster and host accounts may use. `!topic` with text
#: sets the topic for them; for anyone else it only asks what the topic is.
MODERATOR_COMMANDS = frozenset(spec.name for spec in MODERATOR_SPECS)
AUDIENCE_COMMANDS = frozenset(spec.name for spec in AUDIENCE_SPECS)
KNOWN_COMMANDS = MODERATOR_COMMANDS | AUDIENCE_COMMANDS


def slash_command_specs(*, moderators: bool = False) -> list[CommandSpec]:
    """What the Discord adapter registers as slash commands (audience ones unless `moderators`).

    Moderator slash commands would show in every viewer's command picker; permission is checked
    when they are used either way.
    """
    return [*AUDIENCE_SPECS, *(MODERATOR_SPECS if moderators else ())]


def help_text(prefix: str, *, moderator: bool) -> str:
    """One chat line listing the commands this person may use."""
    words = [f"{prefix}{spec.name}" for spec in AUDIENCE_SPECS if spec.name != "help"]
    line = "Commands: " + " ".join(words)
    if moderator:
        mod = [
            f"{prefix}stage @name",
            f"{prefix}unstage",
            f"{prefix}segment title | keywords",
            f"{prefix}topic title | keywords",
        ]
        line += ". Moderators: " + ", ".join(mod)
    return line + "."
