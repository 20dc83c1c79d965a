"""Reads: shows, searching comments, a platform's quota spend, who opted out. (What a resumed show
reads back is in store/resume_reads.py; a show exported as transcript events, store/export.py.)

These run on their own connection (the CLI's, or a console worker's), never the writer's.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime

from sqlite_utils import Database

from stagehand.domain import Author, Comment, RankedComment, Score
from stagehand.platform import ChatPosition
from stagehand.pseudonyms import KeyFile, OptedOutViewers, PseudonymKeyError
from stagehand.sanitize import clean
from stagehand.store.database import StoreError
from stagehand.store.rows import (
    json_dict,
    json_list,
)
from stagehand.times import format_ts, parse_ts


@dataclass(frozen=True, slots=True)
class ShowRow:
    id: int
    name: str
    title: str
    description: str
    started_at: datetime
    ended_at: datetime | None
    #: Nothing is stored under it and it never ended: left by a run stopped (or still waiting)
    #: before anything was stored (`LEFTOVER`).
    leftover: bool = False


@dataclass(frozen=True, slots=True)
class SegmentRow:
    position: int
    title: str
    keywords: tuple[str, ...]
    started_at: datetime
    #: The title and keywords it began with (`title` and `keywords` are its latest, after any
    #: topic edit); None for a segment stored before those were kept.
    opening: tuple[str, tuple[str, ...]] | None = None


#: True for a show with no rows under it: no comment, host action, segment, stage appearance,
#: command, time on stream or replay position (the quota it spent is the day's, not the show's).
NOTHING_STORED = " AND ".join(
    f"NOT EXISTS (SELECT 1 FROM {table} WHERE {table}.show_id = shows.id)"
    for table in (
        "comments",
        "host_actions",
        "segments",
        "stage_sessions",
        "commands",
        "on_stream",
        "replay_positions",
    )
)
#: True for a show a run left behind before it stored anything (killed before any platform
#: connected, or still waiting for one): it never ended and nothing is stored under it. A show
#: that ran and stored nothing has ended; one that never went on air and closed is deleted.
#: `stagehand shows` does not list it, a report or export does not pick it as the latest, and
#: the next run of its name starts it afresh.
LEFTOVER = f"(shows.ended_at IS NULL AND {NOTHING_STORED})"


def open_show(
    db: Database, name: str, *, title: str, description: str, source: str, started_at: datetime
) -> tuple[ShowRow, bool]:
    """The show called `name`, created if new (or if it is a `leftover`, which starts afresh:
    nothing of it was stored). Returns (show, resumed)."""
    existing = find_show(db, name)
    if existing is not None and existing.leftover:
        db.execute(
            "UPDATE shows SET title = ?, description = ?, source = ?, started_at = ?,"
            " ended_at = NULL WHERE id = ?",
            (title, description, source, format_ts(started_at), existing.id),
        )
        db.conn.commit()
        return find_show(db, name) or existing, False
    if existing is not None:
        if (title and title != existing.title) or (description and not existing.description):
            db.execute(
                "UPDATE shows SET title = ?, description = ?, ended_at = NULL WHERE id = ?",
                (title or existing.title, description or existing.description, existing.id),
            )
        else:
            db.execute("UPDATE shows SET ended_at = NULL WHERE id = ?", (existing.id,))
        db.conn.commit()
        return find_show(db, name) or existing, True
    db.execute(
        "INSERT INTO shows (name, title, description, source, started_at) VALUES (?,?,?,?,?)",
        (name, title, description, source, format_ts(started_at)),
    )
    db.conn.commit()
    created = find_show(db, name)
    assert created is not None
    return created, False


def forget_unaired_session(db: Database, show_id: int, before: ShowRow | None) -> None:
    """Take back a session that never went on air (no platform ever connected): a show it
    created (`before` is None), or a leftover it started afresh, is deleted; a show it resumed
    is put back as it was `before` (its title, and where it ended).

    The YouTube quota it spent stays counted for the day (`quota_calls` keeps its rows).
    """
    with db.conn:
        if before is None or before.leftover:
            # Never if anything is stored under it (a host's action in this session, or a second
            # process on the same show name that did go on air): that show happened.
            db.execute(f"DELETE FROM shows WHERE id = ? AND {NOTHING_STORED}", (show_id,))
        else:
            db.execute(
                "UPDATE shows SET title = ?, description = ?, ended_at = ? WHERE id = ?",
                (
                    before.title,
                    before.description,
                    format_ts(before.ended_at) if before.ended_at else None,
                    show_id,
                ),
            )


def _show_from_row(row: dict) -> ShowRow:
    return ShowRow(
        id=row["id"],
        name=row["name"],
        title=row["title"],
        description=row["description"],
        started_at=parse_ts(row["started_at"]),
        ended_at=parse_ts(row["ended_at"]) if row.get("ended_at") else None,
        leftover=bool(row.get("leftover")),
    )


# How many comments and people a show had is a metric (`stagehand.metrics.show_counts`),
# defined once there; when it began and ended is `show_span`.
_SHOW_SUMMARY = f"SELECT shows.*, {LEFTOVER} AS leftover FROM shows"


def find_show(db: Database, name: str) -> ShowRow | None:
    rows = list(db.query(_SHOW_SUMMARY + " WHERE shows.name = ?", [name]))
    return _show_from_row(rows[0]) if rows else None


def list_shows(db: Database) -> list[ShowRow]:
    """Every show but the leftovers (`LEFTOVER`), most recently created first (a replay of an
    old transcript counts as the newest)."""
    rows = db.query(_SHOW_SUMMARY + f" WHERE NOT {LEFTOVER} ORDER BY shows.id DESC")
    return [_show_from_row(row) for row in rows]


def resolve_show(db: Database, name: str | None) -> ShowRow:
    """The named show, or the latest one; a StoreError that lists what there is otherwise."""
    if name is None:
        shows = list_shows(db)
        if not shows:
            raise StoreError("this database has no shows yet (run `stagehand demo` to make one)")
        return shows[0]
    show = find_show(db, name)
    if show is None:
        known = ", ".join(clean(s.name) for s in list_shows(db)[:10]) or "none"
        raise StoreError(f"no show called {name!r} (shows here: {known})")
    return show


def last_alive_at(db: Database, show_id: int) -> datetime | None:
    """The last moment the database knows the show was running: its latest stored comment or
    host action (None before either)."""
    last = db.execute(
        "SELECT max(ts) FROM (SELECT max(ts) AS ts FROM comments WHERE show_id = ?"
        " UNION ALL SELECT max(ts) FROM host_actions WHERE show_id = ?)",
        [show_id, show_id],
    ).fetchone()[0]
    return parse_ts(last) if last else None


#: Every moment a show's rows are stamped with, in show time: what it was doing and until when.
_MOMENTS = (
    "SELECT max(ts) FROM comments WHERE show_id = :show",
    "SELECT max(ts) FROM host_actions WHERE show_id = :show",
    "SELECT max(coalesce(ended_at, started_at)) FROM on_stream WHERE show_id = :show",
    "SELECT max(coalesce(ended_at, started_at)) FROM stage_sessions WHERE show_id = :show",
    "SELECT max(started_at) FROM segments WHERE show_id = :show",
    "SELECT show_ts FROM replay_positions WHERE show_id = :show",
)


def last_known_at(db: Database, show_id: int) -> datetime | None:
    """The last moment the database knows of the show: its last comment or host action
    (`last_alive_at`), or later, where something went on until later (a comment on stream or a
    guest on stage until the show stopped, a segment begun, how far a replay played)."""
    # max() of the one-column rows: each value is an ISO 8601 UTC text, ordered as its time.
    union = " UNION ALL ".join(f"SELECT ({query}) AS ts" for query in _MOMENTS)
    last = db.execute(f"SELECT max(ts) FROM ({union})", {"show": show_id}).fetchone()[0]
    return parse_ts(last) if last else None


def show_span(db: Database, show: ShowRow) -> tuple[datetime, datetime]:
    """When the show began and ended, as the report and `stagehand shows` both say it.

    It began when it was opened (a replay: its transcript's first event), or earlier where a
    comment, host action or segment is stamped earlier (a replay opened without its
    transcript's time). It ended when it was closed, or later where activity is stamped later;
    a show never closed (a crash, a replay stopped part-way) ended when it was last known to run
    (`last_known_at`: its last comment or host action, or later where a comment stayed on
    stream, a guest on stage, until the stop), not the wall clock of a replay.
    """
    first = db.execute(
        "SELECT min(ts) FROM (SELECT min(ts) AS ts FROM comments WHERE show_id = ?"
        " UNION ALL SELECT min(ts) FROM host_actions WHERE show_id = ?"
        " UNION ALL SELECT min(started_at) FROM segments WHERE show_id = ?)",
        [show.id, show.id, show.id],
    ).fetchone()[0]
    opened = min(show.started_at, parse_ts(first)) if first else show.started_at
    # A closed show's end is its close (or later stamped activity); the replay's clock runs on
    # a little past its last event before the close, and that is no show time.
    last = last_known_at(db, show.id) if show.ended_at is None else last_alive_at(db, show.id)
    ends = [at for at in (last, show.ended_at) if at is not None]
    return opened, max(ends) if ends else show.started_at


def segments_of(db: Database, show_id: int) -> list[SegmentRow]:
    return [
        SegmentRow(
            position=row["position"],
            title=row["title"],
            keywords=tuple(json.loads(row["keywords"])),
            started_at=parse_ts(row["started_at"]),
            opening=None
            if row["opening_title"] is None
            else (row["opening_title"], tuple(json.loads(row["opening_keywords"] or "[]"))),
        )
        for row in db.query("SELECT * FROM segments WHERE show_id = ? ORDER BY position", [show_id])
    ]


def chat_position(db: Database, show_id: int, platform: str) -> ChatPosition | None:
    """Where the show's reading of `platform`'s chat got to, if kept."""
    row = db.execute(
        "SELECT chat_id, position, last_message, last_message_at, awaiting_bans"
        " FROM chat_positions WHERE show_id = ? AND platform = ?",
        [show_id, platform],
    ).fetchone()
    if row is None:
        return None
    chat_id, position, last_message, last_message_at, awaiting = (str(value) for value in row)
    return ChatPosition(chat_id, position, last_message, last_message_at, tuple(awaiting.split()))


def own_posts(db: Database, show_id: int, platform: str) -> frozenset[str]:
    """The ids of the messages the show posted in `platform`'s chat (`own_posts`)."""
    rows = db.execute(
        "SELECT message_id FROM own_posts WHERE show_id = ? AND platform = ?",
        [show_id, platform],
    ).fetchall()
    return frozenset(str(row[0]) for row in rows)


def quota_spent(db: Database, platform: str, day: str) -> int:
    """Units stagehand spent of `platform`'s API quota on the quota day `day`, every show."""
    row = db.execute(
        "SELECT coalesce(sum(units), 0) FROM quota_calls WHERE platform = ? AND day = ?",
        [platform, day],
    ).fetchone()
    return int(row[0])


@dataclass(frozen=True, slots=True)
class SearchHit:
    """A comment found by search, with what it takes to act on it again (`ranked`)."""

    platform: str
    message_id: str
    author: str
    ts: datetime
    text: str
    score: float
    author_id: str = ""
    author_name: str = ""
    display_name: str = ""
    roles: frozenset[str] = frozenset()
    channel: str = ""
    reply_to: str | None = None
    rank_key: float = 0.0
    reasons: dict[str, float] = field(default_factory=dict)
    flags: frozenset[str] = frozenset()
    segment: int = 0

    def ranked(self) -> RankedComment:
        """The comment as the queue knew it: scored when it arrived, in its segment."""
        author = Author(
            self.platform, self.author_id, self.author_name, self.display_name, self.roles
        )
        comment = Comment(
            self.message_id,
            self.platform,
            self.channel,
            author,
            self.text,
            self.ts,
            reply_to=self.reply_to,
            clean_text=self.text,
        )
        score = Score(self.score, self.rank_key, self.reasons, self.flags)
        return RankedComment(comment, score, self.segment)


def search_words(query: str) -> list[str]:
    """The words of a search as FTS5 gets them, each as a phrase (so `AND`, `NEAR(`, `*` or
    `col:` are words, not syntax). Quotes would end the phrase, SQLite refuses a NUL, and a lone
    surrogate cannot be encoded: all are dropped."""
    kept = (
        "".join(ch for ch in word if ch not in '"\x00' and not "\ud800" <= ch <= "\udfff")
        for word in query.split()
    )
    return [word for word in kept if word]


def has_words(query: str) -> bool:
    """The search has something the index holds: a letter or a digit (punctuation, quotes and
    emoji alone are not indexed, so they can find nothing)."""
    return any(ch.isalnum() for word in search_words(query) for ch in word)


#: Scripts written without spaces between words (Chinese, Japanese kana, Thai, Lao, Khmer,
#: Myanmar): the full-text index holds a whole sentence of them as one word, so a word inside
#: it (`煮込み` in `豚骨スープは何時間煮込みますか`) is found by looking in the text itself.
_UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf"
    "\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003134f]"
)
_SEARCH_COLUMNS = """comments.platform, comments.message_id, authors.display_name, authors.name,
                  authors.platform_user_id, authors.roles, comments.channel, comments.reply_to,
                  comments.ts, comments.text, comments.score, comments.rank_key,
                  comments.reasons, comments.flags, segments.position"""


def search_comments(db: Database, show_id: int, query: str, *, limit: int = 50) -> list[SearchHit]:
    """Full-text search over a show's comments (words are matched as prefixes); a comment
    deleted on its platform is never found (a moderator took it down).

    A word in a script written without spaces (`煮込み`) is found anywhere in a comment's text,
    as the index cannot (`_UNSPACED`): those comments are read newest first along the show's
    (show_id, ts) index until `limit` are found, the other words still matched by the index."""
    words = search_words(query)
    if not words:
        return []
    unspaced = [word for word in words if _UNSPACED.search(word)]
    spaced = [word for word in words if word not in unspaced]
    match = " ".join(f'"{word}"*' for word in spaced)
    if not unspaced:
        rows = db.query(
            f"""SELECT {_SEARCH_COLUMNS}
           FROM comments_fts JOIN comments ON comments.id = comments_fts.rowid
           JOIN authors ON authors.id = comments.author_id
           LEFT JOIN segments ON segments.id = comments.segment_id
           WHERE comments_fts MATCH ? AND comments.show_id = ? AND comments.deleted_at IS NULL
           ORDER BY comments.ts DESC LIMIT ?""",
            [match, show_id, limit],
        )
    else:
        inside = " AND ".join("comments.text LIKE ? ESCAPE '\\'" for _ in unspaced)
        indexed = (
            " AND comments.id IN (SELECT rowid FROM comments_fts WHERE comments_fts MATCH ?)"
            if spaced
            else ""
        )
        rows = db.query(
            f"""SELECT {_SEARCH_COLUMNS}
           FROM comments
           JOIN authors ON authors.id = comments.author_id
           LEFT JOIN segments ON segments.id = comments.segment_id
           WHERE comments.show_id = ? AND comments.deleted_at IS NULL AND {inside}{indexed}
           ORDER BY comments.ts DESC LIMIT ?""",
            [show_id, *(f"%{_like_escaped(word)}%" for word in unspaced)]
            + ([match] if spaced else [])
            + [limit],
        )
    return [
        SearchHit(
            platform=row["platform"],
            message_id=row["message_id"],
            author=row["display_name"] or row["name"],
            ts=parse_ts(row["ts"]),
            text=row["text"],
            score=row["score"],
            author_id=row["platform_user_id"],
            author_name=row["name"],
            display_name=row["display_name"],
            roles=frozenset(json_list(row["roles"])),
            channel=row["channel"] or "",
            reply_to=row["reply_to"],
            rank_key=row["rank_key"] or 0.0,
            reasons=json_dict(row["reasons"]),
            flags=frozenset((row["flags"] or "").split()),
            segment=row["position"] or 0,
        )
        for row in rows
    ]


def _like_escaped(word: str) -> str:
    """`word` as a LIKE pattern matches it: its `%`, `_` and the escape itself escaped."""
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def opted_out_viewers(db: Database) -> OptedOutViewers:
    """Who opted out in this database's earlier shows (and has not opted in since), to be
    recognised by their pseudonyms (which need the key file; without it, nobody is)."""
    pseudonyms = opted_out_pseudonyms(db)
    key = None
    if pseudonyms:
        try:
            key = KeyFile().load()
        except PseudonymKeyError:
            key = None  # the show says so when it starts (`pseudonym_key_problem`)
    return OptedOutViewers(pseudonyms, key)


def opted_out_pseudonyms(db: Database) -> set[tuple[str, str]]:
    """(platform, pseudonym) of everyone who opted out and has not opted in since."""
    return {
        (row["platform"], row["platform_user_id"])
        for row in db.query(
            "SELECT platform, platform_user_id FROM authors"
            " WHERE opted_out AND platform_user_id LIKE 'pseudonym:%'"
        )
    }
