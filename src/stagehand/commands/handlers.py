"""What each command does, registered with everything else about it (`@command`).

Every handler acts for the comment's author only, through the show's controls (the same
methods as the console's keys). It returns `Done(outcome, answer)` at once, or an awaitable of
it when it waits for a platform (`!stage`, `!unstage`); the router runs those one at a time, in
the order they came. Outcomes start with "ok:", "ignored:", "refused:" or "failed:" (the console
and the `commands` table show them as they are); `answer` is what the bot says in chat, if
anything. The order of registration is the order `!help` lists them.
"""

from __future__ import annotations

from collections.abc import Awaitable

from stagehand.commands.context import CommandContext, Done
from stagehand.commands.parse import Target, Topic, parse_target, parse_topic
from stagehand.commands.registry import COMMANDS, command
from stagehand.domain import Author, AuthorKey, Comment, Segment
from stagehand.platform import ActionResult

#: How a moderator's `!topic` that set the topic begins its outcome: the console holds it on
#: its notices line as one of the hosts' steering changes, as `!segment`'s.
TOPIC_SET = "ok: topic set"

# -- audience ---------------------------------------------------------------------------------


@command(
    "ask",
    help="Ask the hosts a question",
    takes_text=True,
    text_required=True,
    text_help="Your question",
)
def ask(ctx: CommandContext) -> Done:
    # The pipeline already made the comment a question (flag "ask"): nothing to send.
    if not ctx.args:
        return Done("ignored: no question after the command")
    if ctx.author.anonymous:  # opted out: their lines are counted, never shown or queued
        return Done("ignored: opted out, so counted anonymously and not queued")
    if not ctx.ranked.kind.may_queue:  # the hosts' and moderators' lines stay in raw chat
        return Done(f"ok: a question from {ctx.ranked.kind.value} (raw chat, not the queue)")
    return Done("ok: in the queue as a question")


@command("hand", help="Raise your hand to come on stage", cooldown_group="hand")
def hand(ctx: CommandContext) -> Done:
    show, key = ctx.show, ctx.author.key
    if show.is_on_stage(key):
        return Done("ignored: already on stage")
    if show.has_hand_up(key):
        return Done(f"ignored: hand already raised, #{_place(show.hands, key)} in the queue")
    show.raise_hand(ctx.author)
    place = _place(show.hands, key)
    answer = f"Hand raised: you are #{place} in the queue." if _confirm(ctx) else None
    return Done(f"ok: hand raised, #{place} in the queue", answer)


@command("lower", help="Lower your raised hand", cooldown_group="hand")
def lower(ctx: CommandContext) -> Done:
    if not ctx.show.has_hand_up(ctx.author.key):
        return Done("ignored: no hand raised")
    ctx.show.lower_hand(ctx.author)
    return Done("ok: hand lowered", "Hand lowered." if _confirm(ctx) else None)


@command(
    "topic",
    help="What the show is talking about right now",
    moderator_usage="topic title | keywords",
)
def topic(ctx: CommandContext) -> Done:
    if ctx.args and ctx.moderator:
        return _set_topic(ctx)
    # A viewer's "!topic what is it?" is a question about the topic, not an attempt to set it.
    ignored = " (text ignored: setting the topic is for moderators)" if ctx.args else ""
    segment = ctx.show.current_segment
    if segment is None:
        return Done(
            f"ok: no topic yet{ignored}",
            "No topic is set yet.",
            unanswered=f"ignored: not told there is no topic yet{ignored}",
        )
    return Done(
        f"ok: told the topic{ignored}",
        f"Now on the show: {_describe(segment)}",
        unanswered=f"ignored: topic not told{ignored}",
    )


@command(
    "optout", help="Stop keeping your name and messages (they are still counted)", privacy=True
)
def optout(ctx: CommandContext) -> Done:
    ctx.show.set_opted_out(ctx.author, True)  # the show's `opted_out` (shared with the router)
    # `!stage @name` must not find them by the comment they wrote under their name before.
    ctx.chatters.forget(ctx.author.key)
    return Done(
        "ok: opted out",
        "Done: from now on your name and messages are not kept (they are still counted, "
        f"anonymously). {ctx.prefix}optin undoes it.",
    )


@command("optin", help="Keep your name and messages again", privacy=True)
def optin(ctx: CommandContext) -> Done:
    ctx.show.set_opted_out(ctx.author, False)
    return Done("ok: opted in", "Done: your name and messages are kept again from now on.")


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
        ctx.show.forget_author(ctx.author)
        ctx.chatters.forget(key)
        return Done(
            "ok: forgotten",
            "Done: your name and messages stored by this show are deleted. "
            f"{ctx.prefix}optout stops keeping new ones.",
        )
    ctx.forget_requests.ask(key, ctx.now)
    return Done(
        "ok: asked to confirm",
        "This deletes your name and messages stored by this show. To go ahead, type "
        f"{ctx.prefix}forget confirm within {ctx.forget_requests.window:.0f} s.",
    )


@command("help", help="The commands you can use", listed=False)
def help_(ctx: CommandContext) -> Done:
    return Done(
        "ok: sent the command list",
        COMMANDS.help_text(ctx.prefix, moderator=ctx.moderator),
        unanswered="ignored: command list not sent",
    )


# -- moderators -------------------------------------------------------------------------------


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
            return _usage(ctx, "stage @username")
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
        if found is None:
            return Done(
                "failed: the comment replied to is not in memory", "I can't find that comment."
            )
    else:
        return _usage(ctx, "stage @username (or reply to their message with !stage)")
    return _staged(ctx, found)


async def _staged(ctx: CommandContext, target: Comment) -> Done:
    result = await ctx.show.pull_on_stage(target, author=target.author)
    who = _handle(target.author)
    return _from_result(result, who, f"Invited {who} on stage.", f"Could not bring {who} on stage")


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
    if ctx.args:
        target = parse_target(ctx.args)
        if target is None:
            return _usage(ctx, "unstage @username")
        author = _on_stage(ctx, target)
        if author is None:
            # Fixed words first: "{what they typed} is not on stage" let ".ban" start a message.
            if target.name is None:
                return Done("failed: not on stage", "Nobody on stage has that user name.")
            return Done("failed: not on stage", f"Nobody on stage is called @{target.name}.")
    elif ctx.comment.reply_to is not None:
        replied = show.find_comment(ctx.comment.platform, ctx.comment.reply_to)
        if replied is not None and show.is_on_stage(replied.author.key):
            author = replied.author
    who = author or show.on_stage[-1].author
    result = await show.end_stage(who)
    name = _handle(who)
    return _from_result(result, name, f"{name} is off stage.", f"Could not end {name}'s appearance")


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
    topic = _topic_in(ctx)
    if not topic.title:
        return _usage(ctx, "segment Title | keyword, keyword")
    ctx.show.new_segment(topic.title, topic.keywords or ())
    started = ctx.show.current_segment
    assert started is not None
    return _topic_done(
        topic,
        f"ok: segment {started.position} started: {started.title}",
        f"Segment {started.position}",
        _describe(started),
    )


def _set_topic(ctx: CommandContext) -> Done:
    show = ctx.show
    topic = _topic_in(ctx)
    title, keywords = topic.title, topic.keywords
    current = show.current_segment
    if keywords is None:  # "!topic New title" keeps the keywords
        keywords = list(current.keywords) if current else []
    if not title and current is not None:
        title = current.title
    if not title:
        return _usage(ctx, "topic Title | keyword, keyword")
    result = show.edit_topic(title, keywords)
    changed = show.current_segment
    assert changed is not None
    described = _describe(changed)
    if result.already:  # the topic as it is: nothing recorded, said as it stands
        return _topic_done(
            topic, f"ignored: topic unchanged: {described}", "Topic unchanged", described
        )
    return _topic_done(topic, f"{TOPIC_SET}: {described}", "Topic", described)


def _topic_in(ctx: CommandContext) -> Topic:
    settings = ctx.settings
    return parse_topic(
        ctx.args,
        max_keywords=settings.max_keywords,
        max_title_chars=settings.max_argument_chars,
        cut=ctx.comment.truncated,
    )


def _topic_done(topic: Topic, outcome: str, answer: str, described: str) -> Done:
    """`outcome`, and `answer` followed by the topic as set (`described`), saying what of the
    moderator's text was left out: in the answer before the topic, which a long one may see
    cut at the end."""
    if not topic.left_out:
        return Done(outcome, f"{answer}: {described}")
    left_out = ", ".join(topic.left_out)
    return Done(f"{outcome}; left out: {left_out}", f"{answer} (left out: {left_out}): {described}")


# -- helpers ----------------------------------------------------------------------------------


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
    return None


def _from_result(result: ActionResult, who: str, done: str, failed: str) -> Done:
    """The platform's own words go to the log (and the consoles' notices); chat reads a short
    sentence: why a platform refused can tell a viewer's settings ("does not accept whispers
    from strangers") or how the bot's account is set up, and chat is public."""
    if result.ok:
        return Done(f"ok: {who}: {result.message}", done)
    return Done(f"failed: {who}: {result.message}", f"{failed}: the hosts' console says why.")


def _handle(author: Author) -> str:
    """How chat names a guest: @username, or as screens do when they have no name to show (a
    viewer who opted out or was forgotten)."""
    return f"@{author.name}" if author.name else author.shown_name


def _usage(ctx: CommandContext, usage: str) -> Done:
    return Done("failed: usage", f"Usage: {ctx.prefix}{usage}")


def _confirm(ctx: CommandContext) -> bool:
    return ctx.settings.confirm_hands


def _place(hands: tuple[Author, ...], key: AuthorKey) -> int:
    return [author.key for author in hands].index(key) + 1


def _describe(segment: Segment) -> str:
    keywords = f" ({', '.join(segment.keywords)})" if segment.keywords else ""
    return f"{segment.title}{keywords}"
