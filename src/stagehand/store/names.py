"""Whom a stored text names, and where: `text_names` (schema m240), `stagehand.naming` on disk.

A moderator's `!stage @ana` names ana in three stored texts that are not hers: its command's
`args` ("@ana") and `outcome` ("ok: @ana: invited ana"), and the moderator's line itself
(`comments.text`, "!stage @ana"); a live invitation's host action names her in its `outcome`
(Twitch's "ok: ana: whispered the guest link"). The show records where (it knows whom the command acted on:
nothing is found by reading the text again), and when ana opts out or asks to be forgotten,
exactly those characters are said as every screen says them now ("a viewer who opted out", "a
forgotten viewer"), in the writer's transaction, like the rest of what she leaves behind. A
text that names someone already let go of is stored so from the start. An edit of the line
moves its places to the edit's `previous_text`: the new text is the moderator's own new words.

Only what the show recorded as it happened is covered: commands recorded from this version on
(m240 fills in nothing for older rows); and a name a moderator types after the person left is
stored as typed (the show no longer knows whom it names). The screens' chat follows the same
un-naming from the show's memory (`RecentComments.unname`, the `CommentUnnamed` event).

What other people wrote of her in their own words ("@ana welcome on stage!") is theirs and is
kept: stagehand does not guess whom a chat line means (docs/schema.md).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from stagehand.domain import AuthorKey
from stagehand.naming import Naming, Namings, unnamed

#: The texts that may name someone: (table, column) -> the column of `text_names` naming the row.
_TEXTS = {
    ("commands", "args"): "command_id",
    ("commands", "outcome"): "command_id",
    ("commands", "answer"): "command_id",
    ("comments", "text"): "comment_id",
    ("comment_edits", "previous_text"): "edit_id",
    ("host_actions", "outcome"): "host_action_id",
}


@dataclass(frozen=True, slots=True)
class Where:
    """One stored text: `table`'s row `row_id`, column `field`."""

    table: str
    row_id: int
    field: str

    @property
    def _by(self) -> str:
        return _TEXTS[(self.table, self.field)]

    def read(self, conn: sqlite3.Connection) -> str:
        row = conn.execute(
            f"SELECT {self.field} FROM {self.table} WHERE id = ?", (self.row_id,)
        ).fetchone()
        return row[0] if row and row[0] else ""

    def write(self, conn: sqlite3.Connection, text: str) -> None:
        # A comment's original text is its text before it was cleaned: it names them too.
        also = ", original_text = ?" if self.table == "comments" else ""
        values = (text, text) if also else (text,)
        conn.execute(
            f"UPDATE {self.table} SET {self.field} = ?{also} WHERE id = ?", (*values, self.row_id)
        )

    def names(self, conn: sqlite3.Connection) -> Namings:
        rows = conn.execute(
            f"SELECT author_id, start, stop FROM text_names WHERE {self._by} = ? AND field = ?",
            (self.row_id, self.field),
        )
        return tuple(Naming(_row_key(author_id), start, stop) for author_id, start, stop in rows)

    def set_names(self, conn: sqlite3.Connection, names: Iterable[Naming]) -> None:
        conn.execute(
            f"DELETE FROM text_names WHERE {self._by} = ? AND field = ?", (self.row_id, self.field)
        )
        conn.executemany(
            f"INSERT INTO text_names (author_id, {self._by}, field, start, stop)"
            " VALUES (?,?,?,?,?)",
            [(int(n.author.id), self.row_id, self.field, n.start, n.end) for n in names],
        )


def _row_key(author_id: int) -> AuthorKey:
    """An author row as a `Naming`'s key (the store names people by row)."""
    return AuthorKey("", str(author_id))


def record(
    conn: sqlite3.Connection,
    where: Where,
    names: Iterable[tuple[Naming, int | None]],
    gone: dict[AuthorKey, str],
) -> bool:
    """Note whom the text at `where` names (each `Naming` with its author's row, None when they
    have none); those in `gone` (let go of already: said as their value) are un-named at once.
    True when the text was changed."""
    text = where.read(conn)
    named = tuple(
        Naming(
            _row_key(row) if row is not None and naming.author not in gone else naming.author,
            naming.start,
            naming.end,
        )
        for naming, row in names
    )
    changed = False
    for key, shown_as in gone.items():
        before = text
        text, named = unnamed(text, named, key, shown_as)
        changed |= text != before
    if changed:
        where.write(conn, text)
    where.set_names(conn, [n for n in named if n.author.platform == ""])
    return changed


def unname(conn: sqlite3.Connection, author_id: int, shown_as: str) -> bool:
    """Every stored text that names author row `author_id` says `shown_as` there instead; True
    when one was a comment's (its words wait in the search index for the purge)."""
    rows = conn.execute(
        "SELECT DISTINCT command_id, comment_id, edit_id, host_action_id, field FROM text_names"
        " WHERE author_id = ?",
        (author_id,),
    ).fetchall()
    comments = False
    for command_id, comment_id, edit_id, host_action_id, field in rows:
        if command_id is not None:
            table, row_id = "commands", command_id
        elif edit_id is not None:
            table, row_id = "comment_edits", edit_id
        elif host_action_id is not None:
            table, row_id = "host_actions", host_action_id
        else:
            table, row_id = "comments", comment_id
        if (table, field) not in _TEXTS or row_id is None:
            continue
        where = Where(table, row_id, field)
        text, names = unnamed(where.read(conn), where.names(conn), _row_key(author_id), shown_as)
        where.write(conn, text)
        where.set_names(conn, names)
        comments |= table == "comments"
    conn.execute("DELETE FROM text_names WHERE author_id = ?", (author_id,))
    return comments


def edited(conn: sqlite3.Connection, comment_id: int, edit_id: int) -> None:
    """Comment `comment_id` was edited, its text before kept in `comment_edits` row `edit_id`:
    whom that text names goes with it. The new text is the author's own new words: where it
    names anyone is not known (nothing is guessed from the words)."""
    conn.execute(
        "UPDATE text_names SET comment_id = NULL, edit_id = ?, field = 'previous_text'"
        " WHERE comment_id = ? AND field = 'text'",
        (edit_id, comment_id),
    )
