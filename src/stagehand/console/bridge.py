"""The bridge between the core and the console: a LiveShow listener that never floods the UI.

The core calls the bridge once per event on the asyncio loop (the same loop Textual runs on).
The bridge folds the event into `ConsoleState` at once (cheap, bounded) and asks the app to
redraw at most `redraw_per_second` times a second, however many comments arrive: one
`ShowUpdated` message is in flight at a time, and the next waits out the interval.
Keys redraw at once through `redrawn()`, so a flood never delays what the host just did.

An attached console whose show restarted (or that missed too much) is handed a fresh snapshot
(`show_reloaded`): the state starts again from it, and the app hears `Reloaded` to redraw at
once and say what became of the selection.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence

from textual.message import Message

from stagehand.console.messages import ShowUpdated
from stagehand.console.state import CommentKey, ConsoleState
from stagehand.events import CoreEvent

#: Why a queued comment left when the show restarted without it (the Selected pane's words).
RESTARTED_WITHOUT = "dropped when the show restarted"
#: ... or when a reconnect's snapshot no longer had it (it was handled while this was away).
RECONNECTED_WITHOUT = "missing from the show's queue after a reconnect"
#: ... or when another show is served on the address now (it was the show before's).
ANOTHER_SHOW = "it was on the show before: another show is served here now"


class ConsoleBridge:
    class Reloaded(Message):
        """The state started again from a fresh snapshot; `gone`: the queued comments the
        show no longer has."""

        def __init__(
            self, gone: frozenset[CommentKey], *, restarted: bool, another_show: bool = False
        ) -> None:
            super().__init__()
            self.gone = gone
            self.restarted = restarted
            #: Another show is served on the address now (not this one restarted).
            self.another_show = another_show

    def __init__(
        self,
        state: ConsoleState,
        post: Callable[[Message], object],
        *,
        redraw_per_second: float,
    ) -> None:
        self.state = state
        self._post = post
        self.interval = 1.0 / redraw_per_second
        self._last_redraw = 0.0
        self._timer: asyncio.TimerHandle | None = None
        self._in_flight = False
        self.events = 0
        self.posted = 0

    def __call__(self, event: CoreEvent) -> None:
        """The LiveShow listener: fold the event in, schedule one redraw."""
        self.events += 1
        self.state.apply(event)
        self._schedule()

    def show_reloaded(
        self, events: Sequence[CoreEvent], *, restarted: bool, another_show: bool = False
    ) -> None:
        """A fresh snapshot (`RemoteShow`): the state is rebuilt from it, and redrawn at once."""
        self.events += 1
        why = (
            ANOTHER_SHOW
            if another_show
            else RESTARTED_WITHOUT
            if restarted
            else RECONNECTED_WITHOUT
        )
        gone = self.state.start_again(
            events, why, restarted=restarted or another_show, another_show=another_show
        )
        self._post(self.Reloaded(frozenset(gone), restarted=restarted, another_show=another_show))

    def _schedule(self) -> None:
        if self._timer is not None or self._in_flight:
            return
        delay = max(0.0, self._last_redraw + self.interval - time.monotonic())
        self._timer = asyncio.get_running_loop().call_later(delay, self._fire)

    def _fire(self) -> None:
        self._timer = None
        self._in_flight = True
        self.posted += 1
        self._post(ShowUpdated())

    def redrawn(self) -> None:
        """The app has drawn the current state (on `ShowUpdated` or after a key)."""
        self._last_redraw = time.monotonic()
        if self._in_flight:
            self._in_flight = False

    def changed_since_redraw(self) -> bool:
        return self._timer is not None or self._in_flight

    def close(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
