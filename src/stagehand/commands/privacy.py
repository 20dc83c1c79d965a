"""A viewer's say over their own data: `!optout`, `!optin` and `!forget`.

Registered `privacy=True`: never under a cooldown, and answered even with
`[commands] enabled = false` (commands/registry.py says why).
"""

from __future__ import annotations

from stagehand.commands.context import CommandContext, Done
from stagehand.commands.registry import command


@command(
    "optout", help="Stop keeping your name and messages (they are still counted)", privacy=True
)
def optout(ctx: CommandContext) -> Done:
    _keep_guest_name(ctx)
    ctx.show.set_opted_out(ctx.author, True)  # the show's `opted_out` (shared with the router)
    # `!stage @name` must not find them by the comment they wrote under their name before.
    ctx.chatters.forget(ctx.author.key)
    return Done(
        "ok: opted out",
        ctx.settings.answers.say("opted_out", prefix=ctx.prefix),
    )


@command("optin", help="Keep your name and messages again", privacy=True)
def optin(ctx: CommandContext) -> Done:
    if not ctx.author.anonymous and ctx.author.key not in ctx.opted_out:
        return Done(
            "ignored: not opted out",
            "Nothing to undo: your name and messages were kept all along.",
        )
    ctx.show.set_opted_out(ctx.author, False)
    return Done("ok: opted in", ctx.settings.answers.say("opted_in"))


@command(
    "forget",
    help="Delete what this show stored about you (asks to confirm)",
    takes_text=True,
    text_help='Type "confirm" to go ahead',
    privacy=True,
)
def forget(ctx: CommandContext) -> Done:
    key = ctx.author.key
    if ctx.args.casefold() == "confirm" and ctx.forget_requests.confirm(key, ctx.now):
        _keep_guest_name(ctx)
        ctx.show.forget_author(ctx.author)
        ctx.chatters.forget(key)
        return Done(
            "ok: forgotten",
            ctx.settings.answers.say("forgotten", prefix=ctx.prefix),
        )
    ctx.forget_requests.ask(key, ctx.now)
    return Done(
        "ok: asked to confirm",
        ctx.settings.answers.say(
            "forget_asked", prefix=ctx.prefix, seconds=f"{ctx.forget_requests.window:.0f}"
        ),
    )


def _keep_guest_name(ctx: CommandContext) -> None:
    """On stage, they stay there under no name: the moderators still end it by the name they
    knew (`!unstage @name`, commands/people.py)."""
    if ctx.show.is_on_stage(ctx.author.key):
        ctx.chatters.keep_guest_name(ctx.author)
