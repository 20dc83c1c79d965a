"""What a moderator's text does to the topic: `!topic title | keywords` and `!segment ...`.

No command is registered here (`!topic` is the audience's, commands/audience.py; `!segment` the
moderators', commands/moderators.py): both read the moderator's text alike and answer with the
topic as it stands.
"""

from __future__ import annotations

from stagehand.commands.context import CommandContext, Done
from stagehand.commands.parse import Topic, parse_topic
from stagehand.domain import Segment

#: How a moderator's `!topic` that set the topic begins its outcome: the console holds it on
#: its notices line as one of the hosts' steering changes, as `!segment`'s.
TOPIC_SET = "ok: topic set"


def start_segment(ctx: CommandContext) -> Done:
    """A moderator's `!segment Title | keywords`: a new segment, logged as their host action."""
    topic = _topic_in(ctx)
    if not topic.title:
        return ctx.usage("segment Title | keyword, keyword")
    result = ctx.show.new_segment(topic.title, topic.keywords or ())
    started = ctx.show.current_segment
    assert started is not None
    if result.already:  # the live segment as it is: nothing recorded, answered as `!topic`
        return _unchanged(topic, describe(started))
    return _topic_done(
        topic,
        f"ok: segment {started.position} started: {started.title}",
        f"Segment {started.position}",
        describe(started),
    )


def set_topic(ctx: CommandContext) -> Done:
    """A moderator's `!topic Title | keywords`: the live segment's, logged as their host action."""
    show = ctx.show
    topic = _topic_in(ctx)
    title, keywords = topic.title, topic.keywords
    current = show.current_segment
    if keywords is None:  # "!topic New title" keeps the keywords
        keywords = list(current.keywords) if current else []
    if not title and current is not None:
        title = current.title
    if not title:
        return ctx.usage("topic Title | keyword, keyword")
    result = show.edit_topic(title, keywords)
    changed = show.current_segment
    assert changed is not None
    described = describe(changed)
    if result.already:  # the topic as it is: nothing recorded, said as it stands
        return _unchanged(topic, described)
    return _topic_done(topic, f"{TOPIC_SET}: {described}", "Topic", described)


def describe(segment: Segment) -> str:
    """The topic as chat reads it: "Title (keyword, keyword)"."""
    keywords = f" ({', '.join(segment.keywords)})" if segment.keywords else ""
    return f"{segment.title}{keywords}"


def _unchanged(topic: Topic, described: str) -> Done:
    return _topic_done(
        topic, f"ignored: topic unchanged: {described}", "Topic unchanged", described
    )


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
