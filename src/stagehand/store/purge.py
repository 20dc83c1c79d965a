"""Forgotten words leave the database file, not only its columns.

`!forget confirm` and `!optout` empty the viewer's text in the writer's transaction (the rows, at
once: every read, export and report sees them empty from then on). The words stay in the FILE
until this purge: the full-text index keeps them (an FTS5 delete record holds the tokens it
deletes, and the entry it deletes stays until a merge rewrites its segment), pages SQLite freed
keep what was on them, and the write-ahead log keeps old copies of pages.

Emptying is cheap and done at once; with `PRAGMA secure_delete = FAST` (every stagehand
connection, `database.connect`) SQLite zeroes the old cells on the pages it rewrites. Rewriting
the index is not cheap (about 0.6 s for 300,000 comments, 2 s for a million, on the shared 2-core
machine): done mid-show it would hold the writer up that long. So the forget records a row in
`privacy_purges` in its own transaction, and the writer purges when it does not hurt: as the show
closes, and, after a crash, as the next show's writer starts. The purge is one transaction that
deletes those rows, so it is done whole or not at all, and a crash in it leaves them to the next
start. It merges the index into one segment (which drops deleted entries and delete records),
zeroes every free page, and empties the log into the file (`wal_checkpoint(TRUNCATE)`).
"""

from __future__ import annotations

import logging
import sqlite3
import time
from datetime import UTC, datetime

from stagehand.times import format_ts

log = logging.getLogger(__name__)

#: The scratch table that takes every free page (filled with zeros) and gives it back.
_SCRUB_TABLE = "stagehand_scrub"
#: Free pages zeroed per row of the scratch table (a row is built in memory: 1 MB at 4 KiB).
_SCRUB_PAGES_PER_ROW = 256
#: A purge taking longer than this is logged with its time.
_SAY_SLOW_SECONDS = 1.0


def request(conn: sqlite3.Connection) -> None:
    """Note (in the caller's transaction) that forgotten words wait to leave the file."""
    requested = format_ts(datetime.now(UTC))
    conn.execute("INSERT INTO privacy_purges (requested_at) VALUES (?)", (requested,))


def pending(conn: sqlite3.Connection) -> bool:
    return conn.execute("SELECT 1 FROM privacy_purges LIMIT 1").fetchone() is not None


def purge(conn: sqlite3.Connection) -> bool:
    """Purge if a forget asked for it; True if the words are out of the file and its log (False:
    nothing waited, or SQLite failed and the rows wait for the next start, logged)."""
    started = time.monotonic()
    try:
        if not pending(conn):
            return False
        conn.execute("PRAGMA secure_delete = ON")  # every page freed from here on is zeroed
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.execute("INSERT INTO comments_fts (comments_fts) VALUES ('optimize')")
                _zero_free_pages(conn)
                conn.execute("DELETE FROM privacy_purges")
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        finally:
            conn.execute("PRAGMA secure_delete = FAST")
        busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.Error as exc:
        log.error("could not yet purge forgotten viewers' words from the database file: %s", exc)
        return False
    seconds = time.monotonic() - started
    if busy:
        # Another program reads the file, so its log still holds old pages: asked again, the
        # next close or start empties it (and SQLite does as the last connection closes).
        try:
            request(conn)
            conn.commit()
        except sqlite3.Error as exc:
            log.error("could not note that the database's log still holds forgotten words: %s", exc)
        log.warning(
            "forgotten words purged from the database; its log file waits for another program"
            " reading the database to finish (emptied at the next close or start)"
        )
    if seconds >= _SAY_SLOW_SECONDS:
        log.info("purged forgotten viewers' words from the database file in %.1f s", seconds)
    return not busy


def _zero_free_pages(conn: sqlite3.Connection) -> None:
    """Every free page overwritten with zeros: pages freed before (a merge of the index, with
    `secure_delete` only FAST) may hold a forgotten word. A scratch table's zero-filled rows
    take the free list's pages first; dropping it gives them back, zeroed."""
    free = conn.execute("PRAGMA freelist_count").fetchone()[0]
    if not free:
        return
    page = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.execute(f"CREATE TABLE {_SCRUB_TABLE} (zeros BLOB)")
    while free > 0:
        pages = min(free, _SCRUB_PAGES_PER_ROW)
        conn.execute(f"INSERT INTO {_SCRUB_TABLE} VALUES (zeroblob(?))", (pages * (page - 4),))
        free = conn.execute("PRAGMA freelist_count").fetchone()[0]
    conn.execute(f"DROP TABLE {_SCRUB_TABLE}")
