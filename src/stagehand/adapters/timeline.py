"""Keeping a replay on the show's clock when a transcript carries a wrong time.

A transcript is in time order, but one comment from a machine with a wrong clock (dated 2099,
or 1970, or hours off by a time-zone slip) must not stall a `--speed` replay that waits for it,
stretch the show over 73 years, or hide the events after it. An event more than `MAX_JUMP` away
from the show time so far is *off the clock* unless the `CONFIRM` events after it agree: after a
jump ahead none of them goes back before it (the show had a break and goes on from there), after
a jump back all of them stay near it. Then the clock follows. An event off the clock is played at the show time so far: its time is replaced, and
`on_clamped` hears about it (the replay logs it with its line).

The decision looks at the next events only, never at the wall clock, so playing a transcript
again (or resuming it) places every event at the same time.
"""

from __future__ import annotations

import dataclasses
from collections import deque
from collections.abc import Callable, Generator, Iterable
from datetime import datetime, timedelta
from itertools import islice
from typing import TypeVar

from stagehand.transcript import CommentEvent, HostEvent, TranscriptEvent

MAX_JUMP = timedelta(hours=1)
#: How many following events must agree before a jump larger than MAX_JUMP is believed.
CONFIRM = 2

T = TypeVar("T")


def event_ts(event: TranscriptEvent) -> datetime | None:
    if isinstance(event, CommentEvent):
        return event.comment.ts
    if isinstance(event, HostEvent):
        return event.action.ts
    return event.ts


def retimed(event: TranscriptEvent, ts: datetime) -> TranscriptEvent:
    """The event, happening at `ts` instead."""
    if isinstance(event, CommentEvent):
        return CommentEvent(dataclasses.replace(event.comment, ts=ts))
    if isinstance(event, HostEvent):
        return HostEvent(dataclasses.replace(event.action, ts=ts))
    return dataclasses.replace(event, ts=ts)


class Timeline:
    """The show time so far (`now`), and where each next event goes on it."""

    def __init__(self, now: datetime | None = None) -> None:
        self.now = now
        self.clamped = 0

    def place(self, ts: datetime, following: Iterable[datetime]) -> datetime:
        """When to play an event dated `ts`, given the times of the events after it."""
        if self.now is not None and abs(ts - self.now) <= MAX_JUMP:
            self.now = max(self.now, ts)
            return ts
        after = list(following)
        if self.now is None:  # the first time: one of the next events must be near it
            believed = not after or any(abs(other - ts) <= MAX_JUMP for other in after)
        elif ts > self.now:  # a break: what follows goes on from there (or later still)
            believed = bool(after) and all(other >= ts - MAX_JUMP for other in after)
        else:  # back in time: only if the show really goes on from there
            believed = bool(after) and all(abs(other - ts) <= MAX_JUMP for other in after)
        if believed:
            self.now = ts
            return ts
        self.clamped += 1
        if self.now is None:
            # The very first timed event is the odd one out: the show starts with the next.
            return after[0]
        return self.now

    def play(
        self,
        items: Iterable[T],
        event_of: Callable[[T], TranscriptEvent],
        *,
        on_clamped: Callable[[T, datetime], None] | None = None,
    ) -> Generator[tuple[T, TranscriptEvent], None, None]:
        """Each item with its event placed on the show clock (looking `CONFIRM` events ahead)."""
        # Each item with its event and the event's time (`event_of` asked once an item).
        ahead: deque[tuple[T, TranscriptEvent, datetime | None]] = deque()
        source = iter(items)
        exhausted = False
        while True:
            while not exhausted and len(ahead) <= CONFIRM:
                item = next(source, None)
                if item is None:
                    exhausted = True
                    break
                event = event_of(item)
                ahead.append((item, event, event_ts(event)))
            if not ahead:
                return
            item, event, ts = ahead.popleft()
            if ts is None:
                yield item, event
                continue
            now = self.now
            if now is not None and abs(ts - now) <= MAX_JUMP:
                # `place`'s usual road, in place (once a comment on a replay): on the clock.
                if ts > now:
                    self.now = ts
                yield item, event
                continue
            following = (other for _, _, other in islice(ahead, CONFIRM) if other is not None)
            placed = self.place(ts, following)
            if placed != ts:
                event = retimed(event, placed)
                if on_clamped is not None:
                    on_clamped(item, ts)
            yield item, event
