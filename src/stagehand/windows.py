"""A sliding window of events: at most `limit` in any stretch of `seconds`.

One rule for every limit stagehand keeps on itself: how fast a platform lets it talk (adapters,
on the wall clock) and how many answers the chat commands may send (commands, on the show's
clock, so a replay meets the same limits at the same moments). Time is passed in, whichever
clock it comes from.

A sliding window rather than a token bucket: a bucket of 20 that refills 20 per 30 s lets 40
messages through in some 30 s stretch (a full bucket, then the refill), which is what Twitch's
"20 per 30 seconds" forbids.
"""

from __future__ import annotations

from collections import deque


class SlidingWindow:
    def __init__(self, limit: int, seconds: float) -> None:
        self.limit = limit
        self.seconds = seconds
        self._times: deque[float] = deque()

    def _expire(self, now: float) -> None:
        while self._times and self._times[0] <= now - self.seconds:
            self._times.popleft()

    def delay_for(self, now: float, count: int = 1) -> float:
        """Seconds from `now` until `count` more events fit (0: now; infinite: never)."""
        if count > self.limit:
            return float("inf")
        self._expire(now)
        over = len(self._times) + count - self.limit
        if over <= 0:
            return 0.0
        return max(0.0, self._times[over - 1] + self.seconds - now)

    def take(self, now: float) -> None:
        """Count one event at `now` (the caller checked `delay_for`)."""
        self._times.append(now)

    def try_take(self, now: float) -> bool:
        """Count one event at `now` if the window has room; False (nothing counted) if not."""
        if self.delay_for(now) > 0:
            return False
        self.take(now)
        return True

    def used(self, now: float) -> int:
        self._expire(now)
        return len(self._times)
