"""The moderators' commands: `!stage`, `!unstage` and `!segment`.

Each is a host action of the moderator's, as a console key is (commands/router.py logs it under
their name). `!stage` and `!unstage` wait for a platform: they return an awaitable of `Done`,
which the router runs one at a time, in the order they came.
"""

from __future__ import annotations

from collections.abc import Awaitable

from stagehand.commands.context import CommandContext, Done
from stagehand.commands.parse import Target, parse_target
from stagehand.commands.registry import command
from stagehand.commands.topics import start_segment
from stagehand.domain import Author, Comment
from stagehand.platform import ActionResult


@command(
    "stage",
    help="Moderators: bring a viewer on stage",
    usage="stage @name",
    moderators_only=True,
    takes_text=True,
    text_help="@username",
)
def stage(ctx: CommandContext) -> Done | Awaitable[Done]:
    comment = ctx.comment
    if ctx.args:
        target = parse_target(ctx.args)
        if target is None:
            return ctx.usage("stage @username")
        found = _find_chatter(ctx, target)
        if found is None:
            # Only a user name goes back to chat, after fixed words: never what was typed.
            who = f"@{target.name}" if target.name else "that @name"
            return Done(
                f"failed: no recent comment from {who} on {comment.platform}",
                f"I can't find a recent comment from {who} here (I look for user names, not display names).",
            )
    elif comment.reply_to is not None:
        found = ctx.show.find_comment(comment.platform, comment.reply_to)
        if found is not None and (found.author.anonymous or found.author.key in ctx.opted_out):
            # As by name: someone who opted out is not brought on stage, and chat is not told
            # that they opted out (nor which line was theirs). The reply's "@login" before
            # `!stage` names them: recorded as about them, so the store un-names it.
            return Done(
                "failed: the comment replied to is by a viewer who opted out",
                "I can't find that comment.",
                about=(found.author.key,),
            )
        if found is None:
            return Done(
                "failed: the comment replied to is not in memory", "I can't find that comment."
            )
    else:
        return ctx.usage("stage @username (or reply to their message with !stage)")
    return _staged(ctx, found)


async def _staged(ctx: CommandContext, target: Comment) -> Done:
    result = await ctx.show.pull_on_stage(target, author=target.author)
    who, said = _handle(target.author), _said(target.author)
    return _from_result(
        result, who, said, ("Invited ", " on stage."), ("Could not bring ", " on stage")
    )


@command(
    "unstage",
    help="Moderators: end a stage appearance",
    usage="unstage",
    moderators_only=True,
    takes_text=True,
    text_help="@username",
)
async def unstage(ctx: CommandContext) -> Done:
    # Decided when its turn comes (after any !stage before it), not when it arrived.
    show = ctx.show
    if not show.on_stage:
        return Done("ignored: nobody is on stage", "Nobody is on stage.")
    author: Author | None = None
    typed = ""  # how the moderator named the guest, if they did
    if ctx.args:
        target = parse_target(ctx.args)
        if target is None:
            return ctx.usage("unstage @username")
        author = _on_stage(ctx, target)
        if author is None:
            # Fixed words first: "{what they typed} is not on stage" let ".ban" start a message.
            if target.name is None:
                return Done("failed: not on stage", "Nobody on stage has that user name.")
            return Done("failed: not on stage", f"Nobody on stage is called @{target.name}.")
        typed = _typed(target)
    elif ctx.comment.reply_to is not None:
        replied = show.find_comment(ctx.comment.platform, ctx.comment.reply_to)
        if replied is not None and show.is_on_stage(replied.author.key):
            author = replied.author
    who = author or show.on_stage[-1].author
    result = await show.end_stage(who)
    # Chat reads the guest as the moderator named them, else as "the guest", whoever it is: a
    # guest who opted out or was forgotten on stage has no name to show, and "the guest" for
    # them alone would tell chat who left.
    return _from_result(
        result,
        _handle(who),
        typed or "the guest",
        ("", " is off stage."),
        ("Could not end ", "'s appearance"),
    )


@command(
    "segment",
    help="Moderators: start a new segment",
    usage="segment title | keywords",
    moderators_only=True,
    takes_text=True,
    text_required=True,
    text_help="Title | keyword, keyword",
)
def segment(ctx: CommandContext) -> Done:
    return start_segment(ctx)


def _find_chatter(ctx: CommandContext, target: Target) -> Comment | None:
    platform = ctx.comment.platform
    if target.user_id is not None:
        return ctx.chatters.by_id(platform, target.user_id)
    if target.name is None:
        return None
    return ctx.chatters.by_name(platform, target.name)


def _on_stage(ctx: CommandContext, target: Target) -> Author | None:
    """The named guest: on the moderator's platform first, then on any (one show, one stage)."""
    platform = ctx.comment.platform
    sessions = sorted(ctx.show.on_stage, key=lambda session: session.author.platform != platform)
    for session in sessions:
        guest = session.author
        if target.user_id is not None and guest.platform == platform and guest.id == target.user_id:
            return guest
        if target.name is not None and guest.name.casefold() == target.name:
            return guest
        if (
            target.name is not None
            and guest.anonymous
            and ctx.chatters.guest_named(guest.platform, target.name) == guest.key
        ):
            return guest  # the name they had when they left it on stage
    return None


def _from_result(
    result: ActionResult,
    who: str,
    said: str,
    done: tuple[str, str],
    failed: tuple[str, str],
) -> Done:
    """The platform's own words go to the log (and the consoles' notices); chat reads a short
    sentence: why a platform refused can tell a viewer's settings ("does not accept whispers
    from strangers") or how the bot's account is set up, and chat is public. `said` (how chat
    names the guest) stands between the two parts of `done` or `failed`; where, is recorded
    when it is their @name (`Done.answer_names`)."""
    before, after = done if result.ok else failed
    if not result.ok:
        after += ": the hosts' console says why."
    names_them = said.startswith(("@", "<@"))
    if not before and not names_them:  # the sentence starts with it: "The guest is off stage."
        said = said[:1].upper() + said[1:]
    answer = before + said + after
    places = ((len(before), len(before) + len(said)),) if names_them else ()
    outcome = f"ok: {who}: {result.message}" if result.ok else f"failed: {who}: {result.message}"
    return Done(outcome, answer, answer_names=places)


def _handle(author: Author) -> str:
    """How the log names a guest: @username, or as screens do when they have no name to show (a
    viewer who opted out or was forgotten)."""
    return f"@{author.name}" if author.name else author.shown_name


def _typed(target: Target) -> str:
    """The guest as the moderator named them, as a platform writes it: `@name`, or a Discord
    mention `<@id>` (sent with mentions off: it pings nobody)."""
    return f"@{target.name}" if target.name is not None else f"<@{target.user_id}>"


def _said(author: Author) -> str:
    """How chat names a guest: @username, or "the guest" when they have no name to show; never
    that they opted out or asked to be forgotten (chat is public)."""
    return f"@{author.name}" if author.name else "the guest"
