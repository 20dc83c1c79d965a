"""How far a headless replay got: its progress line, its time left, and where it stopped.

What counts is what the show *played*, as the replay's checkpoints say (`ReplayReached`), not how
far the transcript's reader got: the reader reads a line or two ahead (a time far off the show's
clock is judged by the lines after it), so its offset said 100 % while the last lines still
waited their turn, and a replay stopped then said "Stopped before the end of the transcript (100%
of it)".

The time left of a replay paced at `--speed` is the transcript time still to play at the rate the
show's clock keeps (the speed, when the replay keeps up): chat comes in bursts, so the share of
the file played says little about the time left (the demo's estimate climbed from 2 to 27 minutes
in its first half minute). An instant replay's time left is the pace of the file so far.
"""

from __future__ import annotations

import asyncio
import json
import math
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from stagehand.times import parse_ts

if TYPE_CHECKING:
    from stagehand.adapters.replay import ReplayAdapter
    from stagehand.domain import TranscriptPosition
    from stagehand.events import CoreEvent
    from stagehand.show.live import LiveShow

#: How much of a transcript's end is read for its last time.
TAIL_BYTES = 64 * 1024
#: Where the share played rounds to 100 %, lines left are counted in at most this many bytes.
COUNT_LINES_IN = 16 * 1024 * 1024
#: A time this far from the one before it is played at the show's time (`adapters.timeline`).
MAX_JUMP_SECONDS = 3600.0


class ReplayWatch:
    """How far a replay's show has played its transcript (a show listener: `hear`)."""

    def __init__(self, replay: ReplayAdapter) -> None:
        self.replay = replay
        self.reached: TranscriptPosition | None = None
        #: What the show told every screen as it closed: whether it stopped short of the
        #: transcript's end (None before it closed).
        self.ended_short: bool | None = None

    def hear(self, event: CoreEvent) -> None:
        from stagehand.events import ReplayReached, ShowEnded

        if isinstance(event, ReplayReached):
            self.reached = event.position
        elif isinstance(event, ShowEnded):
            self.ended_short = event.resumable

    def played_offset(self) -> int:
        """Bytes of the transcript played (and checkpointed): where a resume starts."""
        if self.reached is not None:
            return self.reached.offset
        reader = self.replay.reader
        return reader.start.offset if reader is not None and reader.start is not None else 0

    def share(self) -> float | None:
        """The share of the transcript played (0..1), None before it is open."""
        reader = self.replay.reader
        if reader is None or not reader.size:
            return None
        return min(self.played_offset() / reader.size, 1.0)

    def lines_left(self) -> int | None:
        """Lines with something on them after what was played; None where counting would read
        much of a big file (the share says it then)."""
        reader = self.replay.reader
        if reader is None or not reader.size:
            return None
        offset = self.played_offset()
        if reader.size - offset > COUNT_LINES_IN:
            return None
        return _lines_after(reader.path, offset)

    def played_to_the_end(self) -> bool:
        """Every line of the transcript was played (a stop came as the show was closing): as
        the show said when it closed (`ShowEnded`), so the command and every screen elsewhere
        (told it ended, not that it stopped and may come back) say the same."""
        return self.ended_short is False

    def where_stopped(self) -> str:
        """How much was played, for the stop line: ' (62% of it)', ' (all but its last line)'."""
        share = self.share()
        if share is None:
            return ""
        if round(share * 100) < 100:
            return f" ({share:.0%} of it)"
        left = self.lines_left()
        if left:
            return f" (all but its last {left} lines)" if left > 1 else " (all but its last line)"
        # Never "100%" for a replay that did not play everything.
        return f" ({math.floor(min(share, 0.999) * 1000) / 10:.1f}% of it)"


class PacedTimeLeft:
    """The wall time left of a replay paced at `speed`, from transcript time (`seconds_left`)."""

    def __init__(
        self, end: datetime, speed: float, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.end = end
        self.speed = speed
        self._clock = clock
        self._since: tuple[float, datetime] | None = None

    def seconds_left(self, show_now: datetime) -> float | None:
        """At the show time `show_now` (of a paced replay), the wall seconds left; None until
        there is a second of pace to go by."""
        wall = self._clock()
        if self._since is None or show_now <= self._since[1]:
            # Paced from the first move of the show's clock: not from a start-up's pause (the
            # ranker's process starting, the database opening), which is no pace.
            self._since = (wall, show_now)
            return None
        since_wall, since_show = self._since
        elapsed = wall - since_wall
        if elapsed < 1:
            return None
        # The speed while the replay keeps up; slower when it cannot (a slow disk, a flood).
        rate = min(self.speed, (show_now - since_show).total_seconds() / elapsed)
        if rate <= 0:
            return None
        return max((self.end - show_now).total_seconds(), 0.0) / rate


async def show_replay_progress(live: LiveShow, watch: ReplayWatch | None) -> None:
    """A bar (or, off a terminal, a line now and then) while a long replay plays headless."""
    from stagehand.progress import Progress

    if watch is None:  # a live show
        return
    replay = watch.replay
    progress: Progress | None = None
    try:
        while not replay.finished.is_set():
            reader = replay.reader
            share = watch.share()
            if reader is not None and share is not None:
                if progress is None:
                    start = (
                        reader.start.offset / reader.size if reader.start and reader.size else 0.0
                    )
                    progress = Progress("replay", start=start, time_left=_paced(replay, live))
                progress.update(share, f"{replay.played:,} events played")
            await asyncio.sleep(0.1)
    finally:
        if progress is not None:
            progress.finish()


def _paced(replay: ReplayAdapter, live: LiveShow) -> Callable[[], float | None] | None:
    """The time left of a replay paced by its transcript's clock; None for an instant one (or
    a transcript whose end is unknown), whose time left is the pace of the file so far."""
    end = None if replay.instant or replay.reader is None else transcript_end(replay.reader.path)
    if end is None:
        return None
    paced = PacedTimeLeft(end, replay.speed)
    stored_until = live.last_stored_at

    def seconds_left() -> float | None:
        show_now = live.now()
        # What a resumed show stored already is played at once: no pace to go by yet.
        if stored_until is not None and show_now <= stored_until:
            return None
        return paced.seconds_left(show_now)

    return seconds_left


def transcript_end(path: Path) -> datetime | None:
    """The time of the transcript's last event as a replay plays it (a last time far off the
    ones before it is played at the show's time, so it is not the end); None if unknown."""
    try:
        with path.open("rb") as handle:
            size = handle.seek(0, 2)
            start = max(size - TAIL_BYTES, 0)
            handle.seek(start)
            tail = handle.read()
    except OSError:
        return None
    lines = tail.splitlines()
    if start > 0:
        lines = lines[1:]  # read from mid-line
    times: list[datetime] = []
    for line in lines:
        ts = _line_ts(line)
        if ts is not None:
            times.append(ts)
    while len(times) >= 2 and abs((times[-1] - times[-2]).total_seconds()) > MAX_JUMP_SECONDS:
        times.pop()
    return times[-1] if times else None


def _line_ts(line: bytes) -> datetime | None:
    try:
        record = json.loads(line)
        return parse_ts(record["ts"]) if isinstance(record, dict) and "ts" in record else None
    except (ValueError, TypeError, KeyError, RecursionError):
        return None


def _lines_after(path: Path, offset: int) -> int | None:
    """Lines with something on them in `path` after `offset`; None if it cannot be read."""
    try:
        with path.open("rb") as handle:
            handle.seek(offset)
            return sum(1 for line in handle if line.strip())
    except OSError:
        return None
