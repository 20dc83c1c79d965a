"""The show's segments: starting one, editing the live one's topic, moving to the next.

The console's `n` and `t` and a moderator's `!segment` / `!topic` in chat are host actions
(logged under whoever acted, so they can be undone); a transcript's segment events change the
segment without one (its own host events are the record).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from stagehand.domain import HostAction, HostActionKind, Segment
from stagehand.platform import ActionResult
from stagehand.sanitize import clean
from stagehand.show.changes import ShowChanges
from stagehand.show.state import topic_keywords

#: What a topic edit that changes nothing answers (the console's `t` says it too).
TOPIC_UNCHANGED = "Topic unchanged"


class SegmentActions(ShowChanges):
    def start_segment(
        self, title: str, keywords: Iterable[str] = (), *, ts: datetime | None = None
    ) -> ActionResult:
        """A new segment is live from now on (or `ts`); the ranking follows its topic at once.

        Starting the segment that is already live (same title) only updates its keywords: a
        replayed show carries both a moderator's `!segment` and the segment it started.
        """
        return _live(self._start_segment(title, keywords, ts=ts))

    def set_topic(self, title: str, keywords: Iterable[str]) -> ActionResult:
        """Edit the live segment's title and keywords (starts one if none is live)."""
        return _live(self._set_topic(title, keywords))

    def planned_next(self) -> tuple[str, tuple[str, ...]] | None:
        """The next planned segment from the config (title, keywords), None when none is."""
        planned = self._settings.show.segments
        index = len(self._state.segments)
        if index < len(planned):
            return planned[index].title, tuple(planned[index].keywords)
        return None

    def next_segment(self, title: str | None = None, keywords: Iterable[str] = ()) -> ActionResult:
        """The hosts move to the next planned segment from the config; with none planned, to
        the one they named (`title`, `keywords`: the console's `n` asks for them), else an
        untitled one (a show-server client that named none).

        Logged as a `segment` host action, so it can be undone.
        """
        planned = self.planned_next()
        if planned is not None:
            return self.new_segment(*planned)
        if title is not None and title.strip():
            return self.new_segment(title.strip(), keywords)
        return self.new_segment(f"Segment {len(self._state.segments) + 1}")

    def new_segment(self, title: str, keywords: Iterable[str] = ()) -> ActionResult:
        """The hosts (or a moderator's `!segment`) start a segment now: a `segment` host action,
        so it can be undone. The live segment's own title only edits its keywords (a `topic`),
        and with its keywords again (or none: they are kept) changes nothing: refused as
        `edit_topic` refuses it ("Topic unchanged"), nothing logged."""
        before = self._state.current_segment
        keywords = list(keywords)
        if before is not None and _same_title(before.title, title):
            return self.edit_topic(before.title, keywords or before.keywords)
        segment = self._start_segment(title, keywords)
        return self._log_segment_action(HostActionKind.SEGMENT, before, segment)

    def edit_topic(self, title: str, keywords: Iterable[str]) -> ActionResult:
        """The hosts (or a moderator's `!topic`) edit the live segment's title and keywords (a
        `topic` host action). Nothing changed (`same_topic`) is no action: nothing logged, nothing
        for an undo, the ranking keeps what it learned of the segment; refused as done already
        ("Topic unchanged", said to whoever asked)."""
        before = self._state.current_segment
        keywords = list(keywords)
        if before is not None and same_topic(before, title, keywords):
            self._notice(TOPIC_UNCHANGED, "ignored")
            return ActionResult.failed(TOPIC_UNCHANGED, already=True)
        segment = self._set_topic(title, keywords)
        kind = HostActionKind.TOPIC if before is not None else HostActionKind.SEGMENT
        return self._log_segment_action(kind, before, segment)

    def _start_segment(
        self, title: str, keywords: Iterable[str] = (), *, ts: datetime | None = None
    ) -> Segment:
        current = self._state.current_segment
        if current is not None and _same_title(current.title, title):
            return self._set_topic(current.title, keywords or current.keywords)
        segment = self._state.add_segment(title, keywords, ts or self._clock.now())
        self._activate(segment)
        return segment

    def _set_topic(self, title: str, keywords: Iterable[str]) -> Segment:
        if self._state.current_segment is None:
            return self._start_segment(title, keywords)
        segment = self._state.edit_segment(title, keywords)
        self._activate(segment)
        return segment

    def _log_segment_action(
        self, kind: HostActionKind, before: Segment | None, after: Segment
    ) -> ActionResult:
        text = after.title if kind is HostActionKind.SEGMENT else _topic_text(after)
        action = self._log_action(
            HostAction(kind, self._clock.now(), text=text, outcome=f"ok: segment {after.position}"),
            before=before,
            after=after,
        )
        return _live(after, key=action.key)


def same_topic(segment: Segment, title: str, keywords: Iterable[str]) -> bool:
    """`title` and `keywords` are `segment`'s already, as the show would keep them (an empty
    title keeps the segment's)."""
    kept_title = clean(title, max_chars=200) or segment.title
    return kept_title == segment.title and topic_keywords(keywords) == segment.keywords


def _live(segment: Segment, *, key: str = "") -> ActionResult:
    return ActionResult(True, f"Segment {segment.position} is live: {segment.title}", key=key)


def _same_title(a: str, b: str) -> bool:
    return " ".join(a.casefold().split()) == " ".join(clean(b, max_chars=200).casefold().split())


def _topic_text(segment: Segment) -> str:
    return f"{segment.title} | {', '.join(segment.keywords)}" if segment.keywords else segment.title
