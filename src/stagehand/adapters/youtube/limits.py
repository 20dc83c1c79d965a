"""YouTube's sending limits: 200 characters a message, and a pace stagehand keeps itself.

YouTube refuses chat messages over 200 characters. Every message also costs 20 quota units,
so a long reply is cut (with "…") rather than split into several paid messages.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable

MAX_MESSAGE_CHARS = 200
ELLIPSIS = "…"


def fit_message(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """Whitespace collapsed, cut at a word end to `limit` characters (with "…" when cut)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS)]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip() + ELLIPSIS


class SendPace:
    """At most `max_messages` in any `per_seconds` window; refuses (never queues) beyond."""

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
        self._sent: deque[float] = deque()

    def wait_for_slot(self) -> float:
        """Seconds until one more message may go (0: now)."""
        now = self._clock()
        while self._sent and self._sent[0] <= now - self.per_seconds:
            self._sent.popleft()
        if len(self._sent) < self.max_messages:
            return 0.0
        return self._sent[0] + self.per_seconds - now

    def take(self) -> None:
        self._sent.append(self._clock())
