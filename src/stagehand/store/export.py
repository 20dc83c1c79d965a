"""A stored show as transcript events: what `stagehand export` writes (docs/transcript-format.md).

Runs on its own connection (the CLI's), never the writer's.
"""

from __future__ import annotations

import bisect
import dataclasses
import json
from collections.abc import Iterator
from dataclasses import dataclass

from sqlite_utils import Database

from stagehand.domain import (
    Author,
    Comment,
    CommentKind,
    HostAction,
    HostActionKind,
    ModerationKind,
    Role,
)
from stagehand.platform import done_on_platform
from stagehand.store.queries import ShowRow
from stagehand.store.rows import (
    COMMENTS_WITH_AUTHORS,
    HOST_ACTIONS_WITH_NAMES,
    action_author_from_row,
    comment_from_row,
    host_action_from_row,
)
from stagehand.times import format_ts, parse_ts
from stagehand.transcript import (
    CommentEvent,
    DeleteEvent,
    EndEvent,
    HostEvent,
    OffStageEvent,
    OffStreamEvent,
    SegmentEvent,
    ShowEvent,
    TopicEvent,
    TranscriptEvent,
)


def export_events(db: Database, show: ShowRow) -> Iterator[TranscriptEvent]:
    """A stored show as transcript events (what `stagehand export` writes): in time order, in
    the order the show applied them, closing with when it ended.

    Replay plays a transcript in file order and puts each comment in the segment live when it
    comes, so each comment is written after its own segment's line and before the next one's
    (`_ExportOrder`): at a segment's start time, the comments the show had before it (a `!segment`
    command among them) come first. Each segment begins with the topic it opened with, and each
    topic edit in it (or its undo) follows at its time (`_topic_changes`). What changed the show
    without a host action comes after the host actions of its moment: a comment the platform
    deleted (`DeleteEvent`), a comment that left the stream by itself (`OffStreamEvent`), a guest
    whose appearance a crash ended (`OffStageEvent`: a stage end with no host action). The end
    (`EndEvent`) carries the show's close: a replay's clock runs to it, so what was on stream or on
    stage at the close stays there as long. Of a viewer who opted out or was forgotten, only
    their comments are written, with no text and the role their kind needs (`_as_judged`).
    """
    yield ShowEvent(ts=show.started_at, title=show.title, description=show.description)
    segments = [
        _StoredSegment(
            row["id"],
            row["position"],
            row["started_at"],
            (row["title"], tuple(json.loads(row["keywords"]))),
            None
            if row["opening_title"] is None
            else (row["opening_title"], tuple(json.loads(row["opening_keywords"] or "[]"))),
        )
        for row in db.query(
            "SELECT id, position, title, keywords, started_at, opening_title, opening_keywords"
            " FROM segments WHERE show_id = ? ORDER BY position",
            [show.id],
        )
    ]
    order = _ExportOrder([(segment.id, segment.started_at) for segment in segments])
    actions = [
        (row["id"], host_action_from_row(row), _named_viewer(row))
        for row in db.query(
            HOST_ACTIONS_WITH_NAMES + " WHERE host_actions.show_id = ? ORDER BY host_actions.id",
            [show.id],
        )
    ]
    topics = _topic_changes(segments, order, [(row_id, action) for row_id, action, _ in actions])
    timeline: list[tuple[tuple[str, int, int, int], TranscriptEvent]] = []
    for number, segment in enumerate(segments, start=1):
        title, keywords = (
            segment.opening if segment.id in topics and segment.opening else (segment.current)
        )
        event = SegmentEvent(parse_ts(segment.started_at), title, keywords)
        timeline.append(((segment.started_at, number, _SEGMENT, segment.id), event))
    for row in db.query(
        COMMENTS_WITH_AUTHORS + " WHERE comments.show_id = ? AND NOT (comments.anonymized"
        # Nothing of an opted-out or forgotten viewer's chat command (or bot line) is left to
        # replay, and it is no comment: written with no text, it would be replayed as one.
        f" AND comments.kind IN ({', '.join('?' * len(_NOT_COMMENTS))}))",
        [show.id, *_NOT_COMMENTS],
    ):
        # Export writes the text as received (`comment.text`); replay cleans it again.
        place = order.comment(row["ts"], row["segment_id"])
        comment = comment_from_row(row)
        if row["anonymized"]:
            comment = _as_judged(comment, CommentKind(row["kind"]))
        timeline.append(((*place, _COMMENT, row["id"]), CommentEvent(comment)))
    for row_id, action, about in actions:
        place = order.at(format_ts(action.ts))
        timeline.append(((*place, _HOST, row_id), HostEvent(action, about)))
    for changes in topics.values():
        for row_id, topic in changes:
            timeline.append(((*order.at(format_ts(topic.ts)), _AFTER, row_id), topic))
    for row in db.query(
        "SELECT comments.id, comments.platform, comments.message_id, comments.deleted_at"
        " FROM comments WHERE comments.show_id = ? AND comments.deleted_at IS NOT NULL"
        # A host's deletion is its `moderate` host event, which deletes it when replayed.
        " AND NOT EXISTS (SELECT 1 FROM host_actions WHERE host_actions.show_id = ?"
        " AND host_actions.comment_id = comments.id AND action = 'moderate' AND text = ?"
        " AND outcome NOT LIKE 'failed%')",
        [show.id, show.id, ModerationKind.DELETE.value],
    ):
        deleted = DeleteEvent(parse_ts(row["deleted_at"]), row["platform"], row["message_id"])
        timeline.append(((*order.at(row["deleted_at"]), _AFTER, row["id"]), deleted))
    ended_at = format_ts(show.ended_at) if show.ended_at else None
    for row in db.query(
        "SELECT id, key, ended_at FROM on_stream WHERE show_id = ? AND ended_at IS NOT NULL",
        [show.id],
    ):
        if row["ended_at"] != ended_at:  # else the show's end takes it off, at its time
            left = OffStreamEvent(parse_ts(row["ended_at"]), row["key"])
            timeline.append(((*order.at(row["ended_at"]), _LAST, row["id"]), left))
    for row in db.query(
        "SELECT stage_sessions.id, stage_sessions.ended_at, authors.platform,"
        " authors.platform_user_id FROM stage_sessions"
        " JOIN authors ON authors.id = stage_sessions.author_id"
        " WHERE stage_sessions.show_id = ? AND stage_sessions.ended_at IS NOT NULL",
        [show.id],
    ):
        if row["ended_at"] != ended_at:  # else the show's end takes them off, at its time
            guest = (row["platform"], row["platform_user_id"])
            off = OffStageEvent(parse_ts(row["ended_at"]), *guest)
            timeline.append(((*order.at(row["ended_at"]), _LAST, row["id"]), off))
    timeline.sort(key=lambda item: item[0])
    for _, timed in timeline:
        yield timed
    if show.ended_at is not None:
        yield EndEvent(show.ended_at)


# At one time and segment: the segment's line, then comments, then host actions (which act on
# the comments before them), then topic edits and deletions, then a comment leaving the stream or
# a guest the stage by itself (whatever else took them off at that moment did first); each in the
# order it was stored.
_SEGMENT, _COMMENT, _HOST, _AFTER, _LAST = 0, 1, 2, 3, 4

_Topic = tuple[str, tuple[str, ...]]

#: The kinds of line that are no comment (docs/metrics.md): left out of an export when their
#: text is not kept, as then nothing of them could be replayed.
_NOT_COMMENTS = (CommentKind.COMMAND.value, CommentKind.BOT.value)
#: The role that makes a replay judge a line as the show did, for a line whose author's roles
#: are not kept (they opted out, or were forgotten): a host's line stays a host's.
_ROLE_OF_KIND = {CommentKind.HOST: Role.HOST.value, CommentKind.MODERATOR: Role.MODERATOR.value}


def _as_judged(comment: Comment, kind: CommentKind) -> Comment:
    """An opted-out or forgotten viewer's line (no text, no roles) with the role its stored
    kind says it was written in, so that a replay counts it as the show did."""
    role = _ROLE_OF_KIND.get(kind)
    if role is None:
        return comment
    author = dataclasses.replace(comment.author, roles=frozenset({role}))
    return dataclasses.replace(comment, author=author)


@dataclass(frozen=True, slots=True)
class _StoredSegment:
    id: int
    position: int
    started_at: str
    #: Its title and keywords now; those it began with (None: stored before they were kept).
    current: _Topic
    opening: _Topic | None


def _topic_changes(
    segments: list[_StoredSegment], order: _ExportOrder, actions: list[tuple[int, HostAction]]
) -> dict[int, list[tuple[int, TopicEvent]]]:
    """Each segment's topic edits (and their undos) as `TopicEvent`s, with the row id of the
    host action each comes from, by segment id: walked from the topic it opened with, they end
    at its topic now.

    A segment whose opening topic is not stored, or whose edits do not add up to its topic now
    (a keyword update a replayed `segment` line made, which no host action records), has none:
    it is exported with its topic now from its start, as before the opening topic was kept.
    """
    by_number = {number: segment for number, segment in enumerate(segments, start=1)}
    topics = {segment.id: segment.opening for segment in segments if segment.opening}
    changes: dict[int, list[tuple[int, TopicEvent]]] = {segment_id: [] for segment_id in topics}
    before: dict[str, tuple[int, _Topic]] = {}
    for row_id, action in actions:
        ts = format_ts(action.ts)
        segment = by_number.get(order.at(ts)[1])
        if segment is None or segment.id not in topics:
            continue
        if action.kind is HostActionKind.TOPIC and not action.outcome.startswith("failed"):
            edited = segment_position(action.outcome)
            if edited is not None and edited != segment.position:
                continue  # made in a segment taken back since (an undone move)
            topic = topic_of(action.text)
        elif (
            action.kind is HostActionKind.UNDO
            and action.undoes in before
            and not action.outcome.startswith("failed")
        ):
            edited_in, topic = before.pop(action.undoes or "")
            if edited_in != segment.id:
                continue
        else:
            continue
        if action.kind is HostActionKind.TOPIC:
            before[action.key] = (segment.id, topics[segment.id])
        topics[segment.id] = topic
        changes[segment.id].append((row_id, TopicEvent(action.ts, *topic)))
    return {
        segment.id: changes[segment.id]
        for segment in segments
        if segment.id in topics and topics[segment.id] == segment.current
    }


def topic_of(text: str) -> _Topic:
    """A `topic` host action's title and keywords (its text reads `title | a, b`, or the title
    alone when it has no keywords)."""
    if " | " not in text:
        return text, ()
    title, _, keywords = text.rpartition(" | ")
    return title, tuple(word for word in keywords.split(", ") if word)


def segment_position(outcome: str) -> int | None:
    """The segment a move or a topic edit made live (its outcome reads `ok: segment 3`)."""
    word, _, number = outcome.removeprefix("ok: ").partition(" ")
    return int(number) if word == "segment" and number.isdigit() else None


class _ExportOrder:
    """Where an event goes in an export: (time, segment number), compared before its kind.

    A comment is placed in the segment it was stored in: its time, but no earlier than that
    segment's start and no later than the next one's. Times differ from the show's order only
    when a platform's clock did (a comment sent before a segment started but read after it).
    """

    def __init__(self, segments: list[tuple[int, str]]) -> None:
        self.starts = [started for _, started in segments]
        self.number_of = {segment_id: number for number, (segment_id, _) in enumerate(segments, 1)}

    def at(self, ts: str) -> tuple[str, int]:
        """An event with no segment of its own: in the segment live at `ts`."""
        return ts, bisect.bisect_right(self.starts, ts)

    def comment(self, ts: str, segment_id: int | None) -> tuple[str, int]:
        """A comment stored in `segment_id` (None: before any segment was live)."""
        number = self.number_of.get(segment_id, -1) if segment_id is not None else 0
        if number < 0:  # a segment no longer stored: the one live at its time
            number = self.at(ts)[1]
        if number > 0:
            ts = max(ts, self.starts[number - 1])
        if number < len(self.starts):
            ts = min(ts, self.starts[number])
        return ts, number


def _named_viewer(row: dict) -> Author | None:
    """Whom a moderation the platform's own moderators made is about, by name, for its line:
    it acted on no comment, so none may name them in the transcript (a viewer banned before
    they chatted). Never someone anonymous (opted out or forgotten)."""
    if row["comment_id"] is not None or not done_on_platform(row["outcome"] or ""):
        return None
    author = action_author_from_row(row)
    return None if author is None or author.anonymous else author
