"""Progress of long work (a big replay, a long report) on stderr.

On a terminal, one line redrawn in place: a bar, the share done, what is being done and the
time left. Anywhere else (a pipe, a CI log) a plain line now and then, since a log cannot redraw.
Work that ends within `delay` seconds shows nothing: a quick command stays quiet.
"""

from __future__ import annotations

import math
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

BAR_WIDTH = 24
#: Work done within this many seconds shows no progress at all.
DELAY = 1.0
#: Off a terminal, one line this often.
LINE_EVERY = 5.0
#: On a terminal, the bar is redrawn at most this often.
REDRAW_EVERY = 0.1


class Progress:
    def __init__(
        self,
        label: str,
        *,
        start: float = 0.0,
        stream: TextIO | None = None,
        tty: bool | None = None,
        delay: float | None = None,
        clock: Callable[[], float] = time.monotonic,
        time_left: Callable[[], float | None] | None = None,
    ) -> None:
        """`time_left`: the seconds left (None: not known yet), for work whose pace is not its
        share done per second (a replay paced by its transcript's clock)."""
        self.label = label
        self._time_left = time_left
        self._start_fraction = start
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self._clock = clock
        self._started = clock()
        self._every = REDRAW_EVERY if self.tty else LINE_EVERY
        self._next = self._started + (DELAY if delay is None else delay)
        self._fraction: float | None = None
        self._detail = ""
        self._drawn = False
        self._lock = threading.Lock()

    def update(self, fraction: float | None, detail: str = "") -> None:
        """How far the work is (0..1, or None when unknown) and what it is doing; draws if due."""
        with self._lock:
            self._fraction = None if fraction is None else min(max(fraction, 0.0), 1.0)
            self._detail = detail
        self.tick()

    def tick(self) -> None:
        """Draw the latest state if it is time to."""
        now = self._clock()
        with self._lock:
            if now < self._next:
                return
            self._next = now + self._every
            self._draw(now)

    def finish(self) -> None:
        """The work is done: a terminal's bar line is cleared for what follows."""
        with self._lock:
            if self._drawn and self.tty:
                self.stream.write("\r" + " " * self._width() + "\r")
                self.stream.flush()
            self._next = float("inf")

    @contextmanager
    def ticking(self, every: float = 0.1) -> Iterator[Progress]:
        """Keep the display alive from a thread while the caller is busy (a long SQL query)."""
        stop = threading.Event()

        def run() -> None:
            while not stop.wait(every):
                self.tick()

        thread = threading.Thread(target=run, name="stagehand-progress", daemon=True)
        thread.start()
        try:
            yield self
        finally:
            stop.set()
            thread.join()
            self.finish()

    # -- drawing ---------------------------------------------------------------------------

    def _draw(self, now: float) -> None:
        elapsed = now - self._started
        fraction = self._fraction
        parts = [self._detail] if self._detail else []
        if self._time_left is not None:  # the caller knows better than the pace so far
            seconds = self._time_left()
            left = "" if seconds is None else _left(seconds)
        else:
            left = _time_left(elapsed, fraction, self._start_fraction)
        if left:
            parts.append(left)
        if self.tty:
            if fraction is None:
                bar = f"{self.label} … {_duration(elapsed)}"
            else:
                filled = round(fraction * BAR_WIDTH)
                bar = f"{self.label} [{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {_share(fraction):>4}"
            line = "  ".join([bar, *parts])[: self._width()]
            self.stream.write("\r" + line.ljust(self._width()))
        else:
            share = "" if fraction is None else f" {_share(fraction)}"
            details = f" ({', '.join(parts)})" if parts else ""
            self.stream.write(f"{self.label}:{share}{details}, {_duration(elapsed)} so far\n")
        self.stream.flush()
        self._drawn = True

    def _width(self) -> int:
        return max(20, shutil.get_terminal_size((80, 24)).columns - 1)


def _time_left(elapsed: float, fraction: float | None, start: float) -> str:
    """At the pace so far (from where the work started: a resumed replay starts midway)."""
    if fraction is None or fraction >= 1 or fraction <= start or elapsed < 1:
        return ""
    return _left((1 - fraction) / ((fraction - start) / elapsed))


def _share(fraction: float) -> str:
    """Rounded down: work not done is never "100%"."""
    return f"{math.floor(fraction * 100)}%"


def _left(seconds: float) -> str:
    return f"about {_duration(seconds)} left" if seconds >= 1 else ""


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"
