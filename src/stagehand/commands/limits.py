"""Cooldowns and send budgets: what keeps a flood of commands from becoming a flood of answers.

Times are show-clock seconds (the show's `now()`), so a replayed show meets the same limits at
the same moments as it did live, whatever the playback speed.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

from stagehand.windows import SlidingWindow

__all__ = ["Cooldowns", "KeyedWindows", "SlidingWindow"]


class KeyedWindows:
    """One `SlidingWindow` per key (a platform, a viewer), the least recently used dropped first."""

    def __init__(self, limit: int, seconds: float, *, max_keys: int = 100_000) -> None:
        self.limit = limit
        self.seconds = seconds
        self.max_keys = max_keys
        self._windows: OrderedDict[Hashable, SlidingWindow] = OrderedDict()

    def try_take(self, key: Hashable, now: float) -> bool:
        window = self._windows.get(key)
        if window is None:
            window = self._windows[key] = SlidingWindow(self.limit, self.seconds)
            if len(self._windows) > self.max_keys:
                self._windows.popitem(last=False)
        else:
            self._windows.move_to_end(key)
        return window.try_take(now)


class Cooldowns:
    """Per (viewer, command) cooldowns: a use starts one; uses during it do not extend it."""

    def __init__(self, seconds: float, *, max_keys: int = 100_000) -> None:
        self.seconds = seconds
        self.max_keys = max_keys
        self._until: OrderedDict[Hashable, float] = OrderedDict()

    def remaining(self, key: Hashable, now: float) -> float:
        """Seconds left on `key`'s cooldown (0 when it may act)."""
        until = self._until.get(key)
        return max(0.0, until - now) if until is not None else 0.0

    def start(self, key: Hashable, now: float) -> None:
        if self.seconds <= 0:
            return
        self._until[key] = now + self.seconds
        self._until.move_to_end(key)
        while len(self._until) > self.max_keys:
            self._until.popitem(last=False)
