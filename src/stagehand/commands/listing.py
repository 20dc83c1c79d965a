"""`!help`: the commands this person may use, read from the registry."""

from __future__ import annotations

from stagehand.commands.context import CommandContext, Done
from stagehand.commands.registry import COMMANDS, command


@command("help", help="The commands you can use", listed=False)
def help_(ctx: CommandContext) -> Done:
    audience, moderators = COMMANDS.help_words(ctx.prefix)
    answers = ctx.settings.answers
    return Done(
        "ok: sent the command list",
        answers.say("help_moderators", commands=audience, moderator_commands=moderators)
        if ctx.moderator
        else answers.say("help", commands=audience),
        unanswered="ignored: command list not sent",
    )
