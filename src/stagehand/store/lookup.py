"""Whether the database already has a comment: the pipeline's dedupe, past its memory."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from stagehand.store.keys import find_comment


class StoredComments:
    """A point lookup on a comment's unique key (show, message key: store/keys.py): a few
    microseconds.

    Opened on first use, on a read connection of its own (asked from the event loop while the
    writer thread writes); `close` when the show ends.
    """

    def __init__(self, path: Path, show_id: int) -> None:
        self._path = path
        self._show_id = show_id
        self._conn: sqlite3.Connection | None = None

    def __call__(self, key: tuple[str, str]) -> bool:
        if self._conn is None:
            self._conn = sqlite3.connect(str(self._path), check_same_thread=False)
        return find_comment(self._conn, self._show_id, key[0], key[1]) is not None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
