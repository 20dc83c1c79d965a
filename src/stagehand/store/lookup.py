"""Whether the database already has a comment: the pipeline's dedupe, past its memory."""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from stagehand.store.keys import find_comment

log = logging.getLogger(__name__)


class StoredComments:
    """A point lookup on a comment's unique key (show, message key: store/keys.py): a few
    microseconds.

    On a read-only connection of its own (asked from the event loop while the writer thread
    writes), opened with the show: like the writer's, it holds the file the show opened, so a
    database moved away mid-show is still read there, never made again empty where it was.
    A lookup that fails answers "not stored" (said once in the log): the writer still stores
    a comment only once (`Stored.comments_already_stored`). `close` when the show ends.
    """

    def __init__(self, path: Path, show_id: int) -> None:
        self._path = path
        self._show_id = show_id
        self._failed = False
        self._conn: sqlite3.Connection | None = self._open()

    def __call__(self, key: tuple[str, str]) -> bool:
        if self._conn is None:
            self._conn = self._open()
        try:
            if self._conn is None:
                raise sqlite3.OperationalError(f"unable to open database file {self._path}")
            return find_comment(self._conn, self._show_id, key[0], key[1]) is not None
        except sqlite3.Error as exc:
            if not self._failed:
                self._failed = True
                log.warning(
                    "cannot look up earlier comments in %s (%s): a comment delivered again "
                    "may be shown twice; it is stored once",
                    self._path,
                    exc,
                )
            return False

    def _open(self) -> sqlite3.Connection | None:
        try:
            uri = f"{self._path.expanduser().resolve().as_uri()}?mode=ro"
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            # One read now opens the write-ahead log beside the file while it is there: a
            # connection that first reads after the file moved gets a disk I/O error.
            conn.execute("SELECT 1 FROM comments LIMIT 1").fetchall()
        except sqlite3.Error:
            return None
        return conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
