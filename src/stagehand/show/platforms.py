"""The show's platform connections: running them, their states, and acting through them."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Awaitable, Callable, Mapping

from stagehand.logs import redact
from stagehand.platform import (
    ONLY_RECORDED,
    ActionResult,
    Adapter,
    ConnectionState,
    ReplaySink,
)

log = logging.getLogger(__name__)

#: How platforms are named in what the hosts read.
PLATFORM_NAMES = {"twitch": "Twitch", "discord": "Discord", "youtube": "YouTube"}
#: The platform name of the adapter that plays a transcript (not a live platform).
REPLAY = "replay"


def platform_name(platform: str) -> str:
    """A platform as the hosts read it ("YouTube", not "youtube")."""
    return PLATFORM_NAMES.get(platform, platform)


class Platforms:
    """One adapter per platform, and the last state each connection reported."""

    def __init__(self) -> None:
        self._adapters: dict[str, Adapter[ReplaySink]] = {}
        self._connections: dict[str, tuple[ConnectionState, str]] = {}
        #: The platforms that connected at least once in this session: the show is on air.
        self._connected_once: set[str] = set()

    def add(self, adapter: Adapter[ReplaySink]) -> None:
        self._adapters[adapter.platform] = adapter

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._adapters)

    @property
    def connections(self) -> Mapping[str, tuple[ConnectionState, str]]:
        return dict(self._connections)

    def connection_changed(self, platform: str, state: ConnectionState, detail: str) -> str:
        """Note the new state; returns the detail as it may be shown (secrets masked)."""
        detail = redact(detail)  # a platform's error can quote the request, secrets and all
        self._connections[platform] = (state, detail)
        if state is ConnectionState.CONNECTED:
            self._connected_once.add(platform)
        return detail

    def live(self) -> list[str]:
        """The platforms this show connects to (a replay is not one)."""
        return [name for name in self._adapters if name != REPLAY]

    def aired(self) -> bool:
        """Whether the show went on air: a live platform connected at some point (a replay, or
        a show with no live platform, plays from the start)."""
        live = self.live()
        if not live or REPLAY in self._adapters:
            return True
        return bool(self._connected_once.intersection(live))

    def stopped_short(self) -> bool:
        """A replay that has not played its transcript to the end (stopped, or failed to read
        it): the show stops rather than ends, and the same command resumes it. Its adapter's
        `played_through`, not whether it reported `finished` yet: a stop while its last lines
        are being written is the transcript's end (the replay command says so too)."""
        replay = self._adapters.get(REPLAY)
        return replay is not None and not replay.played_through

    def failed(self) -> dict[str, str]:
        """Live platforms whose connection ended failed, with the reason each gave."""
        return {
            name: detail or "failed"
            for name in self.live()
            for state, detail in [self._connections.get(name, (None, ""))]
            if state is ConnectionState.FAILED
        }

    async def run(self, sink: ReplaySink) -> None:
        """Run every adapter until they finish; one failing never stops the others."""
        await asyncio.gather(*(self._run(adapter, sink) for adapter in self._adapters.values()))

    async def _run(self, adapter: Adapter[ReplaySink], sink: ReplaySink) -> None:
        try:
            await adapter.run(sink)
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("%s adapter stopped", adapter.platform)
            sink.connection_changed(adapter.platform, ConnectionState.FAILED, str(exc))

    async def close(self) -> None:
        for adapter in list(self._adapters.values()):
            with contextlib.suppress(Exception):
                await adapter.close()

    async def act(
        self,
        platform: str,
        call: Callable[[Adapter[ReplaySink]], Awaitable[ActionResult]],
        *,
        what: str = "action",
    ) -> ActionResult:
        """Do `call` through `platform`'s adapter; what it answered, with secrets masked."""
        adapter = self._adapters.get(platform)
        if adapter is None:
            name = PLATFORM_NAMES.get(platform, platform)
            return ActionResult.recorded(f"{what}{ONLY_RECORDED}{name} connection to act through")
        try:
            result = await call(adapter)
        except Exception as exc:  # an adapter bug must not take the console down
            log.exception("%s action failed", platform)
            # Library errors can carry secrets (URLs with tokens): mask before showing.
            return ActionResult.failed(f"{platform}: {type(exc).__name__}: {redact(str(exc))}")
        # What a platform answered reaches the screen and the database (the action's outcome).
        return dataclasses.replace(result, message=redact(result.message), hint=redact(result.hint))
