"""The topics a moderator set in chat (`!segment`, `!topic`), for `stagehand rank`.

`replay` plays a transcript through the live show, where a moderator's (or a host's)
`!segment Title | keywords` starts a segment and `!topic Title | keywords` edits the live one.
`rank` judges the transcript offline, by its `segment` and `topic` lines: without this, a
moderator's segments were missing from its preview, and every comment after them judged by the
wrong topic. Here each such command becomes the segment or topic line the show would have made
of it, right after it, as the bot reads it (who may, the parsing, a title the live segment has
already only editing its keywords), so `rank` and `replay` see the same segments.

An export holds both a moderator's `!segment` line and the `segment` line the show stored for
it (docs/transcript-format.md): that line, the live segment's own title, is the same segment,
as replay finds it, never a second one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from stagehand.commands.parse import parse_command, parse_topic
from stagehand.commands.people import host_accounts, may_steer
from stagehand.config import Settings
from stagehand.domain import Comment, CommentKind
from stagehand.sanitize import clean, sanitize
from stagehand.show.kinds import CommentKinds
from stagehand.show.state import topic_keywords
from stagehand.transcript import CommentEvent, SegmentEvent, TopicEvent, TranscriptEvent

_STEERING = frozenset({"segment", "topic"})


def with_chat_topics(
    events: Iterable[TranscriptEvent], settings: Settings, kinds: CommentKinds
) -> list[TranscriptEvent]:
    """`events` with the segment and topic lines a moderator's chat commands make, each right
    after its command."""
    commands = settings.commands
    hosts = host_accounts(settings.show.hosts)
    out: list[TranscriptEvent] = []
    live: tuple[str, tuple[str, ...]] | None = None  # the live topic: title, keywords
    from_chat = False  # the live topic was set by a chat command
    for event in events:
        if isinstance(event, SegmentEvent | TopicEvent):
            topic = (event.title, tuple(event.keywords))
            if from_chat and live is not None and _same_title(live[0], event.title):
                # The export's record of the segment the command began: the same segment.
                if topic != live:
                    out.append(TopicEvent(event.ts, *topic))
                    live = topic
                continue
            live, from_chat = topic, False
            out.append(event)
            continue
        out.append(event)
        if not commands.enabled or not isinstance(event, CommentEvent):
            continue
        comment = event.comment
        if not may_steer(comment.author, hosts):
            continue
        made = _topic_line(event, comment, settings, kinds, live)
        if made is not None:
            out.append(made)
            live, from_chat = (made.title, made.keywords), True
    return out


def _topic_line(
    event: CommentEvent,
    comment: Comment,
    settings: Settings,
    kinds: CommentKinds,
    live: tuple[str, tuple[str, ...]] | None,
) -> SegmentEvent | TopicEvent | None:
    """The segment or topic line a moderator's `!segment`/`!topic` makes; None for any other
    line, and for one that changes nothing."""
    cleaned = sanitize(comment.text)
    comment = replace(comment, clean_text=cleaned.text, truncated=cleaned.truncated)
    if kinds.classify(comment).kind is not CommentKind.COMMAND:
        return None
    commands = settings.commands
    parsed = parse_command(
        comment.clean_text,
        commands.prefix,
        max_args=commands.max_argument_chars,
        is_reply=comment.reply_to is not None,
    )
    if parsed is None or parsed.name not in _STEERING or not parsed.text:
        return None
    topic = parse_topic(
        parsed.text,
        max_keywords=commands.max_keywords,
        max_title_chars=commands.max_argument_chars,
        cut=comment.truncated,
    )
    title, keywords = topic.title, topic.keywords
    if parsed.name == "segment":
        if not title:
            return None
        if live is None or not _same_title(live[0], title):
            return SegmentEvent(comment.ts, title, topic_keywords(keywords or ()))
        keywords = keywords or list(live[1])  # the live segment's title: its keywords edited
    if live is None:
        return SegmentEvent(comment.ts, title, topic_keywords(keywords or ())) if title else None
    title = title or live[0]
    kept = topic_keywords(keywords) if keywords is not None else live[1]
    if (title, kept) == live:
        return None  # "Topic unchanged": nothing recorded
    return TopicEvent(comment.ts, title, kept)


def _same_title(a: str, b: str) -> bool:
    """As the show compares a new segment's title with the live one's (`show.segments`)."""
    return " ".join(a.casefold().split()) == " ".join(clean(b, max_chars=200).casefold().split())
