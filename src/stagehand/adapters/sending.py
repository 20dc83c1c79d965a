"""How fast a platform lets stagehand talk: a sliding window of messages sent.

Every platform limits chat messages per window (Twitch: 20 per 30 s, 100 as a moderator;
YouTube: each message costs quota, so stagehand keeps its own pace). Going over gets a bot
dropped or locked out, or spends the day's quota, so an adapter asks first (`delay_for`) and
refuses early with the wait in words, rather than letting the platform refuse.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from stagehand.windows import SlidingWindow


class SendLimiter:
    """A sliding-window limit on the wall clock: at most `max_messages` in any `per_seconds`."""

    def __init__(
        self,
        max_messages: int,
        per_seconds: float = 30.0,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_messages = max_messages
        self.per_seconds = per_seconds
        self._clock = clock
        self._window = SlidingWindow(max_messages, per_seconds)

    def delay_for(self, count: int = 1) -> float:
        """Seconds until `count` more messages may go out (0 when they may go now)."""
        return self._window.delay_for(self._clock(), count)

    def take(self) -> None:
        """One message goes now (the caller checked `delay_for`)."""
        self._window.take(self._clock())

    async def acquire(self) -> None:
        """Wait for a slot and take it."""
        while (delay := self.delay_for(1)) > 0:
            await asyncio.sleep(delay)
        self.take()
