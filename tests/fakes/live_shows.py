"""A live show running its adapters on a fake platform, followed as a console follows it: the
set-up the platform-moderation tests share (tests/adapters/*/test_*_platform_moderation.py).

`running(live)` starts the show's adapters with its queue, a console's state and a list of every
event listening, and closes the show (its adapters ended within 5 s) on the way out, whatever the
test did inside.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from stagehand.console.state import ConsoleState
from stagehand.events import CoreEvent, Notice
from stagehand.show.live import LiveShow
from stagehand.show.queue import ShowQueue


@dataclass
class Watched:
    """A running show and what its listeners have heard so far."""

    live: LiveShow
    queue: ShowQueue
    #: What a console shows (its notices, its connections), from the same events.
    screen: ConsoleState = field(default_factory=ConsoleState)
    #: Every event the show sent, in order.
    seen: list[CoreEvent] = field(default_factory=list)

    def notices(self) -> list[str]:
        """The texts of the notices the show sent, in order."""
        return [e.text for e in self.seen if isinstance(e, Notice)]


@asynccontextmanager
async def running(live: LiveShow) -> AsyncIterator[Watched]:
    """`live` running its adapters, followed from before its first event."""
    watched = Watched(live, ShowQueue(**live.queue_settings.fields()))
    live.add_listener(watched.queue.apply)
    live.add_listener(watched.screen.apply)
    live.add_listener(watched.seen.append)
    runner = asyncio.create_task(live.run_adapters())
    try:
        yield watched
    finally:
        assert await live.close()
        async with asyncio.timeout(5):
            await runner


async def until(predicate: Callable[[], object], timeout: float = 5.0) -> None:
    """Waits until `predicate()` holds (TimeoutError after `timeout` seconds)."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.02)
