"""Opted-out authors in the database: found by pseudonym, hidden behind one, let go on `!optin`.

The writer's side of `stagehand.pseudonyms`. An opted-out author's row keeps
`platform_user_id = "pseudonym:..."`; a comment from them is matched to that row by computing
the pseudonym of its author's platform id (only when the database has pseudonymous rows at
all, so most shows never load the key). `pseudonym_keys` lists the fingerprint of every key
that made a pseudonym here, so a missing or different key is noticed.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from datetime import UTC, datetime

from stagehand.domain import AuthorKey
from stagehand.pseudonyms import PREFIX, KeyFile, PseudonymKey, PseudonymKeyError
from stagehand.times import format_ts

log = logging.getLogger(__name__)

#: Tables whose rows point at an author; a merge moves them all.
AUTHOR_REFERENCES = ("comments", "commands", "stage_sessions", "host_actions", "text_names")


class Pseudonymizer:
    """Pseudonym look-ups and changes on one connection (the writer's)."""

    def __init__(self, conn: sqlite3.Connection, key_file: KeyFile | None = None) -> None:
        self.conn = conn
        self.key_file = key_file or KeyFile()
        self._key: PseudonymKey | None = None
        self._key_loaded = False
        self._active: bool | None = None

    def _has_pseudonyms(self) -> bool:
        if self._active is None:
            found = self.conn.execute(
                "SELECT 1 FROM authors WHERE platform_user_id LIKE ? LIMIT 1", (PREFIX + "%",)
            ).fetchone()
            self._active = found is not None
        return self._active

    def key(self) -> PseudonymKey | None:
        """The key if there is one (never made here); a broken key file is logged, not raised."""
        if not self._key_loaded:
            self._key_loaded = True
            try:
                self._key = self.key_file.load()
            except PseudonymKeyError as exc:
                log.error("%s: viewers who opted out cannot be recognised", exc)
        return self._key

    def find(self, authors: Iterable[AuthorKey]) -> dict[AuthorKey, int]:
        """Row ids of the opted-out authors among `authors` (by their pseudonyms)."""
        wanted = list(authors)
        if not wanted or not self._has_pseudonyms() or (key := self.key()) is None:
            return {}
        by_pseudonym = {(a.platform, key.pseudonym(a.platform, a.id)): a for a in wanted}
        found: dict[AuthorKey, int] = {}
        for platform in {a.platform for a in wanted}:
            names = [p for plat, p in by_pseudonym if plat == platform]
            for start in range(0, len(names), 400):
                chunk = names[start : start + 400]
                # (platform, platform_user_id) is the unique index: a lookup, not a scan.
                rows = self.conn.execute(
                    "SELECT id, platform_user_id FROM authors WHERE platform = ?"
                    f" AND platform_user_id IN ({','.join('?' * len(chunk))})",
                    [platform, *chunk],
                ).fetchall()
                for row_id, pseudonym in rows:
                    found[by_pseudonym[(platform, pseudonym)]] = row_id
        return found

    def hide_opted_out(self) -> int:
        """Give every opted-out row still carrying a platform id its pseudonym; returns how many.

        Makes the key if there is none. Raises `PseudonymKeyError` when it cannot (the rows stay
        anonymized, and the next successful call catches up).
        """
        leftovers = self.conn.execute(
            "SELECT id, platform, platform_user_id FROM authors WHERE opted_out"
            " AND platform_user_id NOT LIKE 'pseudonym:%'"
            " AND platform_user_id NOT LIKE 'forgotten:%'"
            " AND platform_user_id NOT LIKE 'opted-in:%'"
        ).fetchall()
        if not leftovers:
            return 0
        if self._key is None:
            self._key = self.key_file.load_or_create()
            self._key_loaded = True
        key = self._key
        self.conn.execute(
            "INSERT OR IGNORE INTO pseudonym_keys (fingerprint, first_used_at) VALUES (?, ?)",
            (key.fingerprint, format_ts(datetime.now(UTC))),
        )
        self._active = True
        for row_id, platform, user_id in leftovers:
            pseudonym = key.pseudonym(platform, user_id)
            existing = self.conn.execute(
                "SELECT id FROM authors WHERE platform = ? AND platform_user_id = ?",
                (platform, pseudonym),
            ).fetchone()
            if existing is not None:
                # Their earlier pseudonymous self (met again while the key was unreadable).
                merge_author(self.conn, row_id, into=existing[0])
            else:
                self.conn.execute(
                    "UPDATE authors SET platform_user_id = ? WHERE id = ?", (pseudonym, row_id)
                )
        return len(leftovers)

    def release(self, row_id: int) -> None:
        """`!optin`: the opted-out history stays anonymous and is cut loose from the person.

        Its pseudonym is replaced by a random id, so nothing links it to who they are; their
        comments from now on start a new row under their own id.
        """
        self.conn.execute(
            "UPDATE authors SET platform_user_id = 'opted-in:' || lower(hex(randomblob(8)))"
            " WHERE id = ? AND platform_user_id LIKE 'pseudonym:%'",
            (row_id,),
        )


def merge_author(conn: sqlite3.Connection, row_id: int, *, into: int) -> None:
    for table in AUTHOR_REFERENCES:
        conn.execute(f"UPDATE {table} SET author_id = ? WHERE author_id = ?", (into, row_id))
    conn.execute("DELETE FROM authors WHERE id = ?", (row_id,))


def pseudonym_key_problem(conn: sqlite3.Connection, key_file: KeyFile | None = None) -> str | None:
    """Why viewers who opted out here would not be recognised, or None when all is well."""
    key_file = key_file or KeyFile()
    try:
        fingerprints = {row[0] for row in conn.execute("SELECT fingerprint FROM pseudonym_keys")}
    except sqlite3.OperationalError:  # an older schema: no pseudonyms yet
        return None
    if not fingerprints:
        return None
    try:
        key = key_file.load()
    except PseudonymKeyError as exc:
        return str(exc)
    if key is None:
        return f"the pseudonym key {key_file.path} is missing"
    if key.fingerprint not in fingerprints:
        return f"the pseudonym key {key_file.path} is not the one this database was made with"
    return None
