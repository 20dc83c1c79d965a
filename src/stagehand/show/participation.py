"""The header's participation numbers: read on a read-only connection of their own, the last
ones kept while the show's database cannot be read, and why said once in one plain line
(an attached console reads it without this machine's paths; the show's own console and the
log with them).

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
        """Said once per problem. The notice reaches every screen, attached consoles too
        (elsewhere, maybe on stream): they read it without this machine's paths and programs,
        as search's answer to a client elsewhere is; the show's own console and the log read
        where the file is and who holds it (`Notice.here`)."""
        here, public = unreadable(
            self._path,
            exc,
            cannot="The participation numbers cannot be read from",
            again="they are read again by themselves",
        )
        if public != self._problem:  # said once, not at every refresh
            log.warning("%s (%s)", here, exc)
            self._problem = public
            self._tell(Notice(public, "warning", here=here))
