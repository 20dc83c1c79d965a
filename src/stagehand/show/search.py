"""Searching a show's comments, and what the host reads when a search cannot be done.

`ShowAPI.search` raises `SearchError` for every failure the host can act on: one line that
says what went wrong and what to do, never a Python class name (the show in this process words
SQLite's errors here; an attached console words the show server's answer the same way).
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path

from stagehand.store.database import connect
from stagehand.store.locks import lock_holders
from stagehand.store.queries import SearchHit, search_comments

log = logging.getLogger(__name__)

#: How long a search waits for another program's lock before it says so.
BUSY_SECONDS = 3.0
#: SQLite's primary codes for a file that is not there (a read-only connection creates none),
#: not a database, damaged, or unreadable.
GONE = frozenset(
    {sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_IOERR}
)


class SearchError(Exception):
    """A search that could not be done, worded for the host (what went wrong, what to do);
    `public`: the same without this machine's paths and programs, for a client elsewhere."""

    def __init__(self, message: str, public: str | None = None) -> None:
        super().__init__(message)
        self.public = message if public is None else public


def search_show(path: Path, show_id: int, query: str, limit: int) -> list[SearchHit]:
    """`show_id`'s comments matching `query`, read on a read-only connection of its own (a
    database that is gone is never created again empty here)."""
    try:
        db = connect(path, busy_timeout=BUSY_SECONDS, read_only=True)
    except sqlite3.Error as exc:
        raise search_error(path, exc) from None
    try:
        return search_comments(db, show_id, query, limit=limit)
    except sqlite3.Error as exc:
        raise search_error(path, exc) from None
    finally:
        db.conn.close()


def search_error(path: Path, exc: sqlite3.Error) -> SearchError:
    """What the host reads when SQLite refused a search (the details go to the log)."""
    log.warning("search failed on %s: %s", path, exc)
    return SearchError(*unreadable(path, exc, cannot="Search cannot read", again="search again"))


def unreadable(path: Path, exc: sqlite3.Error, *, cannot: str, again: str) -> tuple[str, str]:
    """Why the show's database could not be read, for the host and (`public`: without this
    machine's paths and programs) a client elsewhere: `cannot` what ("Search cannot read"),
    then what is wrong, then what to do (`again`: "search again"). Never a class name."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    message = str(exc).lower()
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "locked" in message:
        who = ", ".join(lock_holders(path)) or "another program"
        return (
            f"{cannot} the show's database now: {who} holds it locked ({path}); "
            f"close that program and {again}",
            f"{cannot} the show's database now: another program holds it locked on "
            f"the show's machine; {again} once it is closed",
        )
    if primary in GONE or "no such table" in message or "unable to open" in message:
        return (
            f"{cannot} the show's database: {path} is missing, moved or damaged "
            f"(stagehand doctor checks it); put the file back and {again}",
            f"{cannot} the show's database: the file is missing, moved or damaged on "
            f"the show's machine; {again} once it is back",
        )
    return (
        f"{cannot} the show's database ({exc}; {path}): {again} in a moment",
        f"{cannot} the show's database now (the show's log says why): {again} in a moment",
    )
