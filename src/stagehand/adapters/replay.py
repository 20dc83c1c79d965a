"""The replay adapter: plays a recorded show (a transcript) as if it were live.

Comments go down the same road as live chat; segment and host events are applied as the hosts
did them. Pacing follows the transcript's timestamps at `speed`, or as fast as possible with
`instant`; a time far off the show's clock is placed on it instead (adapters/timeline.py).

Replaying a show that is already partly stored resumes it: the replay records, with the rows it
stores, how far into the transcript it got, and picks up right there (docs/architecture.md,
"Resuming"). Whatever is played again (the last moments before a crash, or a whole transcript
that changed since) is applied once: comments by their ids, host actions by their keys,
segments by their start times. The show clock stops when the replay ends.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import closing
from datetime import datetime
from pathlib import Path

from stagehand.adapters.timeline import MAX_JUMP, Timeline, event_ts
from stagehand.domain import AuthorKey
from stagehand.platform import Adapter, ConnectionState, ReplaySink
from stagehand.times import format_ts
from stagehand.transcript import (
    CommentEvent,
    DeleteEvent,
    HostEvent,
    OffStageEvent,
    OffStreamEvent,
    SegmentEvent,
    TopicEvent,
    TranscriptError,
    TranscriptEvent,
)
from stagehand.transcript_resume import (
    Mark,
    TranscriptPosition,
    TranscriptReader,
    position_holds,
)

log = logging.getLogger(__name__)

#: In instant mode, let the event loop breathe (redraws, keys) every this many events; a
#: checkpoint (how far the stored show goes) is recorded at the same moments.
YIELD_EVERY = 200
#: Paced and behind schedule, let the loop breathe after this long (a key waits no longer).
BUSY_SECONDS = 0.004
#: A replay can outrun the database writer; past this many queued changes it waits for the
#: writer to catch up, so memory stays flat however long the transcript. 5,000 changes are a
#: quarter second of the writer's work at full speed (it never runs dry) and about 10 MB; at
#: 20,000, a million-comment replay's show process grew by about 25 MB once the writer fell
#: behind.
MAX_BACKLOG = 5_000
#: Most clock warnings logged one by one (the rest are counted).
CLOCK_WARNINGS = 10


class ReplayAdapter(Adapter[ReplaySink]):
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
        #: Chat lines (comment events) played, and bad lines skipped.
        self.chat_played = 0
        self.skipped = 0
        #: Events placed at the show's time because their own was far off it.
        self.clamped = 0
        #: The transcript line a resumed replay started after (0: from the start).
        self.resumed_after_line = 0
        #: The show held chat (or the hosts' actions on it) before this run: a run that plays
        #: nothing new of it is a show already stored, not a transcript with nothing playable.
        self.stored_before = False
        self.reader: TranscriptReader | None = None
        self.finished = asyncio.Event()
        #: Every event was played: the replay ended with its transcript, not stopped short.
        self.played_through = False
        self._closed = False
        self._breathed = 0.0

    @property
    def label(self) -> str:
        return str(self.source) if isinstance(self.source, Path) else "transcript"

    def _marked_events(self, sink: ReplaySink) -> Iterator[tuple[TranscriptEvent, Mark | None]]:
        if not isinstance(self.source, Path):
            return ((event, None) for event in self.source)
        self.stored_before = sink.last_stored_at is not None
        start = self._resume_point(sink)
        self.resumed_after_line = start.line if start else 0
        self.reader = TranscriptReader(self.source, start=start, on_error=self._bad_line)
        return self.reader.marked()

    def _resume_point(self, sink: ReplaySink) -> TranscriptPosition | None:
        """Where the stored show ends in this transcript, if it is the one it was stored from."""
        stored = sink.replay_position
        if stored is None or not isinstance(self.source, Path):
            return None
        if position_holds(self.source, stored.position):
            return stored.position
        # The same transcript, edited since (one not stored from at all is refused before the
        # show opens: store/show_source.py).
        log.warning(
            "%s has changed since the show was stored from it: playing it from the start; what "
            "is stored already is not stored again",
            self.source,
        )
        return None

    def _bad_line(self, error: TranscriptError) -> None:
        self.skipped += 1
        (self.on_bad_line or _skipped_line)(error)

    @property
    def nothing_playable(self) -> bool:
        """Played to its end with bad lines skipped, not one chat line played and none stored
        before: nothing happened that the transcript meant to happen (an error, not a stored
        show). A resumed run that re-reads a bad last line after the stored ones is not one."""
        return (
            self.played_through
            and self.skipped > 0
            and self.chat_played == 0
            and not self.stored_before
        )

    async def run(self, sink: ReplaySink) -> None:
        sink.connection_changed(self.platform, ConnectionState.CONNECTED, self.label)
        try:
            await self._play(sink)
        except (OSError, TranscriptError) as exc:
            # Reported, not raised: the show so far is kept and the command says it stopped.
            label = self.label
            self.error = f"{label}: {exc.strerror or exc}" if isinstance(exc, OSError) else str(exc)
            sink.connection_changed(self.platform, ConnectionState.FAILED, self.error)
            return
        finally:
            self.finished.set()
        if self.played_through:
            sink.connection_changed(self.platform, ConnectionState.FINISHED, self.label)
        # Else it was stopped before its end: not finished (the show stops, to be resumed).

    async def _play(self, sink: ReplaySink) -> None:
        stored = sink.replay_position
        timeline = Timeline(now=stored.show_ts if stored else None)
        # What the database had already is played at once, however fast the replay.
        stored_until = sink.last_stored_at
        stored_segments = {format_ts(s.started_at) for s in sink.segments if s.started_at}
        wall_start: float | None = None
        show_start: datetime | None = None
        # A paced replay resumed goes on at the transcript's pace from where the stored show
        # stands, as if it had not stopped: its next new line waits out its time from there.
        resumed_at = _latest(stored.show_ts if stored else None, stored_until)
        last: Mark | None = None
        items = self._marked_events(sink)
        for (_event, mark), placed in timeline.play(
            items, lambda item: item[0], on_clamped=self._clock_warning
        ):
            if self._closed:
                break
            ts = event_ts(placed)
            if ts is not None:
                at_once = self.instant or (stored_until is not None and ts <= stored_until)
                if at_once:
                    sink.follow_clock(ts, 0.0)
                else:
                    if wall_start is None and resumed_at is not None and ts >= resumed_at:
                        wall_start, show_start = time.monotonic(), resumed_at
                        sink.follow_clock(resumed_at, self.speed)  # its clock runs meanwhile
                    if wall_start is None or show_start is None or ts < show_start - MAX_JUMP:
                        wall_start, show_start = time.monotonic(), ts
                    if self._delay(wall_start, show_start, ts) > 0 and last is not None:
                        await self._checkpoint(sink, last)  # idle anyway: note how far it got
                    await self._wait_until(wall_start, show_start, ts)
                    sink.follow_clock(ts, self.speed)
            self._apply(sink, placed, stored_segments)
            # A command's platform action (`!stage`) finishes before the next event, at the
            # command's time: a replay plays out the same however the tasks are scheduled.
            await sink.settled()
            self.played += 1
            last = mark or last
            if self.played % YIELD_EVERY == 0:
                await asyncio.sleep(0)
                while sink.backlog > MAX_BACKLOG and not self._closed:
                    await asyncio.sleep(0.02)
                if last is not None:
                    await self._checkpoint(sink, last)
        else:
            self.played_through = True
        if self.reader is not None and not self._closed:
            await sink.settled()
            sink.replay_reached(self.label, self.reader.position())  # to the end of the file
        elif last is not None:
            await self._checkpoint(sink, last)
        if timeline.now is not None:
            sink.follow_clock(timeline.now, 0.0)  # the show is over: its clock stops

    def _apply(self, sink: ReplaySink, event: TranscriptEvent, stored_segments: set[str]) -> None:
        if isinstance(event, SegmentEvent):
            if format_ts(event.ts) not in stored_segments:
                sink.start_segment(event.title, event.keywords, ts=event.ts)
        elif isinstance(event, CommentEvent):
            sink.comment_received(event.comment)
            self.chat_played += 1
        elif isinstance(event, HostEvent):
            sink.host_action_replayed(event.action, event.author)
        elif isinstance(event, TopicEvent):
            sink.set_topic(event.title, event.keywords)
        elif isinstance(event, DeleteEvent):
            sink.comment_deleted(event.platform, event.comment_id, event.ts)
        elif isinstance(event, OffStreamEvent):
            sink.off_stream_replayed(event.shown_by, event.ts)
        elif isinstance(event, OffStageEvent):
            sink.off_stage_replayed(AuthorKey(event.platform, event.author_id), event.ts)

    async def _checkpoint(self, sink: ReplaySink, mark: Mark) -> None:
        """Record how far the show is played, once everything before it is queued."""
        await sink.settled()
        sink.replay_reached(self.label, mark.position())

    def _clock_warning(self, item: tuple[TranscriptEvent, Mark | None], original: datetime) -> None:
        self.clamped += 1
        if self.clamped > CLOCK_WARNINGS:
            return
        mark = item[1]
        where = f"{self.label}:{mark.line}" if mark is not None else self.label
        log.warning(
            "%s: time %s is far off the show's clock; played at the show's time instead",
            where,
            format_ts(original),
        )

    def _delay(self, wall_start: float, show_start: datetime, ts: datetime) -> float:
        due = wall_start + (ts - show_start).total_seconds() / self.speed
        return due - time.monotonic()

    async def _wait_until(self, wall_start: float, show_start: datetime, ts: datetime) -> None:
        delay = self._delay(wall_start, show_start, ts)
        now = time.monotonic()
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


def _latest(*times: datetime | None) -> datetime | None:
    known = [ts for ts in times if ts is not None]
    return max(known) if known else None


def transcript_start(path: Path) -> datetime | None:
    """The transcript's first time on the show's clock (what `stagehand shows` and the reports
    measure a replayed show from); None if it has no timed event near its start."""
    reader = TranscriptReader(path, on_error=lambda error: None)
    with closing(Timeline().play(reader, lambda event: event)) as events:
        for index, (_, placed) in enumerate(events):
            ts = event_ts(placed)
            if ts is not None or index >= 10:
                return ts
    return None


def _skipped_line(error: TranscriptError) -> None:
    log.warning("skipped a bad transcript line: %s", error)
