"""The replay adapter: plays a recorded show (a transcript) as if it were live.

Comments go down the same road as live chat; segment and host events are applied as the hosts
did them. Pacing follows the transcript's timestamps at `speed`, or as fast as possible with
`instant`. Replaying a show that is already partly stored resumes it: what was stored before is
played instantly (and deduplicated), the rest at speed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Protocol

from stagehand.adapters.base import Adapter, AdapterSink, ConnectionState
from stagehand.clock import ShowClock
from stagehand.domain import HostAction, Segment
from stagehand.transcript import (
    CommentEvent,
    HostEvent,
    SegmentEvent,
    TranscriptError,
    TranscriptEvent,
    read_transcript,
)

log = logging.getLogger(__name__)

#: In instant mode, let the event loop breathe (redraws, keys) every this many events.
YIELD_EVERY = 200
#: Paced and behind schedule, let the loop breathe after this long (a key waits no longer).
BUSY_SECONDS = 0.004
#: A replay can outrun the database writer; past this many queued changes it waits for the
#: writer to catch up, so memory stays flat however long the transcript.
MAX_BACKLOG = 20_000


class ReplaySink(AdapterSink, Protocol):
    clock: ShowClock
    segments: list[Segment]
    last_stored_at: datetime | None
    backlog: int

    def start_segment(
        self, title: str, keywords: Iterable[str] = (), *, ts: datetime | None = None
    ) -> Segment: ...

    def host_action_replayed(self, action: HostAction) -> None: ...


class ReplayAdapter(Adapter):
    platform = "replay"

    def __init__(
        self,
        source: Path | Iterable[TranscriptEvent],
        *,
        speed: float = 1.0,
        instant: bool = False,
        on_bad_line: Callable[[TranscriptError], None] | None = None,
    ) -> None:
        if speed <= 0:
            raise ValueError("speed must be above 0")
        self.source = source
        self.speed = speed
        self.instant = instant
        #: Hears about each bad line, which is skipped (default: a logged warning).
        self.on_bad_line = on_bad_line
        #: Why the transcript could not be read to its end (a read error, an endless line).
        self.error: str | None = None
        self.played = 0
        self.finished = asyncio.Event()
        self._closed = False
        self._breathed = 0.0

    def _events(self) -> Iterable[TranscriptEvent]:
        if isinstance(self.source, Path):
            return read_transcript(self.source, skip_bad_lines=True, on_error=self.on_bad_line)
        return self.source

    async def run(self, sink: AdapterSink) -> None:
        assert _is_replay_sink(sink), "the replay adapter needs a LiveShow to play into"
        label = str(self.source) if isinstance(self.source, Path) else "transcript"
        sink.connection_changed(self.platform, ConnectionState.CONNECTED, label)
        resume_at = sink.last_stored_at
        segments_seen = 0
        segments_stored = len(sink.segments)
        wall_start: float | None = None
        show_start: datetime | None = None
        try:
            for event in self._events():
                if self._closed:
                    break
                ts = _event_ts(event)
                catching_up = resume_at is not None and ts is not None and ts <= resume_at
                if ts is not None and not catching_up:
                    if self.instant:
                        sink.clock.follow(ts, 0.0)
                    else:
                        if wall_start is None or show_start is None:
                            wall_start, show_start = time.monotonic(), ts
                        await self._wait_until(wall_start, show_start, ts)
                        sink.clock.follow(ts, self.speed)
                elif ts is not None:
                    sink.clock.follow(ts, 0.0)
                if isinstance(event, SegmentEvent):
                    segments_seen += 1
                    if segments_seen > segments_stored:
                        sink.start_segment(event.title, event.keywords, ts=event.ts)
                elif isinstance(event, CommentEvent):
                    sink.comment_received(event.comment)
                elif isinstance(event, HostEvent) and not catching_up:
                    sink.host_action_replayed(event.action)
                self.played += 1
                if (self.instant or catching_up) and self.played % YIELD_EVERY == 0:
                    await asyncio.sleep(0)
                    while sink.backlog > MAX_BACKLOG and not self._closed:
                        await asyncio.sleep(0.02)
        except (OSError, TranscriptError) as exc:
            # Reported, not raised: the show so far is kept and the command says it stopped.
            self.error = f"{label}: {exc.strerror or exc}" if isinstance(exc, OSError) else str(exc)
            sink.connection_changed(self.platform, ConnectionState.FAILED, self.error)
            return
        finally:
            self.finished.set()
        sink.connection_changed(self.platform, ConnectionState.FINISHED, label)

    async def _wait_until(self, wall_start: float, show_start: datetime, ts: datetime) -> None:
        due = wall_start + (ts - show_start).total_seconds() / self.speed
        now = time.monotonic()
        delay = due - now
        if delay > 0:
            await asyncio.sleep(delay)
        elif now - self._breathed > BUSY_SECONDS:
            # Behind schedule (a redraw, the writer): catch up, but never hold the loop long
            # enough to keep a key waiting (live platforms arrive one message at a time too).
            await asyncio.sleep(0)
        else:
            return
        self._breathed = time.monotonic()

    async def close(self) -> None:
        self._closed = True


def _event_ts(event: TranscriptEvent) -> datetime | None:
    if isinstance(event, CommentEvent):
        return event.comment.ts
    if isinstance(event, HostEvent):
        return event.action.ts
    return getattr(event, "ts", None)


def _is_replay_sink(sink: AdapterSink) -> bool:
    return all(
        hasattr(sink, name)
        for name in ("clock", "segments", "start_segment", "host_action_replayed")
    )
