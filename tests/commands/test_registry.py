"""A chat command is registered once: `!help`, who may use it and the slash commands follow."""

from __future__ import annotations

from pathlib import Path

from stagehand.commands import COMMANDS, CommandContext, Done, slash_command_specs
from stagehand.commands.registry import Registry
from stagehand.platform import CommandSpec

DOCS = Path(__file__).resolve().parents[2] / "docs" / "commands.md"


def test_help_lists_what_each_person_may_use() -> None:
    assert COMMANDS.help_text("!", moderator=False) == (
        "Commands: !ask !hand !lower !topic !optout !optin !forget."
    )
    assert COMMANDS.help_text("?", moderator=True) == (
        "Commands: ?ask ?hand ?lower ?topic ?optout ?optin ?forget. Moderators: ?stage @name, "
        "?unstage, ?segment title | keywords, ?topic title | keywords."
    )


def test_the_moderators_commands_are_the_ones_registered_so() -> None:
    assert COMMANDS.moderator_commands == {"stage", "unstage", "segment"}
    audience = [spec.name for spec in slash_command_specs()]
    assert audience == ["ask", "hand", "lower", "topic", "optout", "optin", "forget", "help"]
    everyone = [spec.name for spec in slash_command_specs(moderators=True)]
    assert everyone == [*audience, "stage", "unstage", "segment"]


def test_every_command_is_documented() -> None:
    documented = DOCS.read_text("utf-8")
    for command in COMMANDS:
        assert f"`!{command.name}" in documented, command.name


def test_a_new_command_is_written_once_and_found_everywhere() -> None:
    registry = Registry()

    @registry.command("hello", help="Say hello")
    def hello(ctx: CommandContext) -> Done:
        return Done("ok: hello", "Hello!")

    @registry.command(
        "kick",
        help="Moderators: end someone's turn",
        usage="kick @name",
        moderators_only=True,
        takes_text=True,
        text_help="@username",
    )
    def kick(ctx: CommandContext) -> Done:
        return Done("ok: kicked")

    assert registry.help_text("!", moderator=True) == ("Commands: !hello. Moderators: !kick @name.")
    assert registry.moderator_commands == {"kick"}
    assert registry.specs() == [CommandSpec("hello", "Say hello")]
    assert registry.specs(moderators=True)[1] == CommandSpec(
        "kick", "Moderators: end someone's turn", True, False, "@username"
    )
    command = registry.get("kick")
    assert command is not None and command.handler is kick
