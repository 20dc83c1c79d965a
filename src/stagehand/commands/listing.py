"""`!help`: the commands this person may use, read from the registry."""

from __future__ import annotations

from stagehand.commands.context import CommandContext, Done
from stagehand.commands.registry import COMMANDS, command


@command("help", help="The commands you can use", listed=False)
def help_(ctx: CommandContext) -> Done:
    return Done(
        "ok: sent the command list",
        COMMANDS.help_text(ctx.prefix, moderator=ctx.moderator),
        unanswered="ignored: command list not sent",
    )
