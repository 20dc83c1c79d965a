"""The audience's commands: `!ask`, `!hand`, `!lower` and `!topic` (which a moderator's text sets).

Every handler acts for the comment's author only, through the show's controls (the same
methods as the console's keys), and returns `Done(outcome, answer)`: outcomes start with "ok:",
"ignored:", "refused:" or "failed:" (the console and the `commands` table show them as they
are); `answer` is what the bot says in chat, if anything.
"""

from __future__ import annotations

from stagehand.commands.context import CommandContext, Done
from stagehand.commands.registry import command
from stagehand.commands.topics import describe, set_topic
from stagehand.domain import Author, AuthorKey

#: An `!ask` from a viewer who opted out, with or without its cooldown.
ASK_OPTED_OUT = "ignored: opted out, so counted anonymously and not queued"


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
        return Done(ASK_OPTED_OUT)
    if not ctx.ranked.kind.may_queue:  # the hosts' and moderators' lines stay in raw chat
        return Done(f"ok: a question from {ctx.ranked.kind.value} (raw chat, not the queue)")
    if "question" not in ctx.ranked.score.flags:  # emotes or laughter only: nothing to ask
        return Done("ok: not a question (emotes or laughter only), a plain comment")
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
    answer = ctx.settings.answers.say("hand_raised", place=place) if _confirm(ctx) else None
    return Done(f"ok: hand raised, #{place} in the queue", answer)


@command("lower", help="Lower your raised hand", cooldown_group="hand", never_waits=True)
def lower(ctx: CommandContext) -> Done:
    if not ctx.show.has_hand_up(ctx.author.key):
        return Done("ignored: no hand raised")
    ctx.show.lower_hand(ctx.author)
    answer = ctx.settings.answers.say("hand_lowered") if _confirm(ctx) else None
    return Done("ok: hand lowered", answer)


@command(
    "topic",
    help="What the show is talking about right now",
    moderator_usage="topic title | keywords",
)
def topic(ctx: CommandContext) -> Done:
    if ctx.args and ctx.moderator:
        return set_topic(ctx)
    # A viewer's "!topic what is it?" is a question about the topic, not an attempt to set it.
    ignored = " (text ignored: setting the topic is for moderators)" if ctx.args else ""
    segment = ctx.show.current_segment
    if segment is None:
        return Done(
            f"ok: no topic yet{ignored}",
            ctx.settings.answers.say("no_topic"),
            unanswered=f"ignored: not told there is no topic yet{ignored}",
        )
    return Done(
        f"ok: told the topic{ignored}",
        ctx.settings.answers.say("topic", topic=describe(segment)),
        unanswered=f"ignored: topic not told{ignored}",
    )


def _confirm(ctx: CommandContext) -> bool:
    return ctx.settings.confirm_hands


def _place(hands: tuple[Author, ...], key: AuthorKey) -> int:
    return [author.key for author in hands].index(key) + 1
