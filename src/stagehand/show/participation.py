"""The header's participation numbers: read on a read-only connection of their own, the last
ones kept while the show's database cannot be read, and why said once in one plain line.

A database moved away mid-show is never created again empty where it was (a read-only
connection creates no file); the numbers come back by themselves once it is back.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from stagehand.events import Notice
from stagehand.metrics import Metrics, show_metrics
from stagehand.show.search import BUSY_SECONDS, unreadable
from stagehand.store.database import connect

log = logging.getLogger(__name__)

#: What the host reads once the numbers can be read again after a problem.
READ_AGAIN = "The participation numbers are read again."


class Participation:
    """Reads a show's numbers from `path`; `tell` gets a notice when reading them starts or
    stops failing (from the reading thread: it must be thread-safe)."""

    def __init__(self, path: Path, tell: Callable[[Notice], None]) -> None:
        self._path = path
        self._tell = tell
        self._last: Metrics | None = None
        self._problem = ""  # what the host was told is wrong, until it is read again

    def read(self, show_name: str, now: datetime) -> Metrics | None:
        """`show_name`'s numbers so far; the last ones read (None before any) when they cannot be."""
        try:
            db = connect(self._path, busy_timeout=BUSY_SECONDS, read_only=True)
            try:
                totals = show_metrics(db, show_name, now=now, follow_up_limit=0).totals
            finally:
                db.conn.close()
        except sqlite3.Error as exc:
            self._cannot_read(exc)
            return self._last
        if self._problem:
            self._problem = ""
            self._tell(Notice(READ_AGAIN, "info"))
        self._last = totals
        return totals

    def _cannot_read(self, exc: sqlite3.Error) -> None:
        problem, _ = unreadable(
            self._path,
            exc,
            cannot="The participation numbers cannot be read from",
            again="they are read again by themselves",
        )
        if problem != self._problem:  # said once, not at every refresh
            log.warning("participation numbers not read from %s: %s", self._path, exc)
            self._problem = problem
            self._tell(Notice(problem, "warning"))
