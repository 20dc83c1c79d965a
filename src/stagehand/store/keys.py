"""A comment's key in the database: one integer for (platform, message id), collisions handled.

The database is the ground truth for "stored once": it refuses a second copy of a platform
message. A unique index over the message id's text (random UUIDs on Twitch) made that cost
about 18 µs per comment on a long show, every new row landing on a random page of a wide index;
an integer key makes the index a third of the size and the check a few microseconds.

`message_key` is the first 8 bytes of a BLAKE2b digest of platform and id, as a signed 64-bit
integer (SQLite's INTEGER). Two different messages of one show share a key about once in 37
million shows of a million comments; when it happens, the later one is stored with `msg_key` NULL and
the partial unique index `comments_collided` on (show, platform, message id) refuses its second
copy instead. A message's row never moves, and comments are never deleted one by one, so the
rule holds for good: a message is stored under its key, or, only if another message holds that
key, under NULL. `find_comment` looks in that order.
"""

from __future__ import annotations

import sqlite3
from hashlib import blake2b


def message_key(platform: str, message_id: str) -> int:
    """The integer key of a platform message (stable across runs and machines)."""
    digest = blake2b(f"{platform}\x00{message_id}".encode(errors="surrogatepass"), digest_size=8)
    return int.from_bytes(digest.digest(), "big", signed=True)


_BY_KEY = (
    "SELECT id, author_id FROM comments"
    " WHERE show_id = ? AND msg_key = ? AND platform = ? AND message_id = ?"
)
_COLLIDED = (
    "SELECT id, author_id FROM comments"
    " WHERE show_id = ? AND msg_key IS NULL AND platform = ? AND message_id = ?"
)


def find_comment(
    conn: sqlite3.Connection, show_id: int, platform: str, message_id: str
) -> tuple[int, int] | None:
    """(row id, author row id) of a stored comment: by its key, then among the collided."""
    row = conn.execute(
        _BY_KEY, (show_id, message_key(platform, message_id), platform, message_id)
    ).fetchone()
    if row is None:
        row = conn.execute(_COLLIDED, (show_id, platform, message_id)).fetchone()
    return (row[0], row[1]) if row else None


def install_message_key(conn: sqlite3.Connection) -> None:
    """`stagehand_message_key(platform, message_id)` in SQL on this connection (migrations)."""
    conn.create_function("stagehand_message_key", 2, message_key, deterministic=True)
