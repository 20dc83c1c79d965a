"""The show clock: real time for live shows, transcript time for replays.

A replay at speed X anchors the clock on each event it plays, so ages, answer delays and stage
times are in show time whatever the playback speed; an instant replay stands still at the last
event played.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from stagehand.domain import utcnow


class ShowClock:
    def __init__(self, wall: Callable[[], datetime] = utcnow) -> None:
        self._wall = wall
        self._anchor: tuple[datetime, datetime | None] | None = None
        self._speed = 1.0
        self._held: datetime | None = None

    def now(self) -> datetime:
        if self._held is not None:
            return self._held
        anchor = self._anchor
        if anchor is None:
            return self._wall()
        show_at, wall_at = anchor
        if wall_at is None:  # stopped: show time stands at the anchor
            return show_at
        return show_at + (self._wall() - wall_at) * self._speed

    def follow(self, show_ts: datetime, speed: float) -> None:
        """Anchor on a replayed event: show time `show_ts` is now; time runs at `speed` (0 stops it)."""
        # Stopped (an instant replay follows every event so), show time needs no wall clock: not
        # read, twice a comment.
        self._anchor = (show_ts, self._wall() if speed else None)
        self._speed = speed

    def hold(self, at: datetime | None) -> datetime | None:
        """`now()` is `at` until held elsewhere or released (`hold(None)`); what was held before
        (hand it back to `hold` to restore it)."""
        before, self._held = self._held, at
        return before

    @property
    def rate(self) -> float:
        """Seconds of show time a real second makes now: 1 live, a replay's speed while it
        plays, 0 while show time stands still (an instant or finished replay, a held time)."""
        if self._held is not None:
            return 0.0
        if self._anchor is None:
            return 1.0
        return self._speed

    def elapsed_since(self, start: datetime) -> timedelta:
        return self.now() - start
