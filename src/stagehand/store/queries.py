"""Reads: shows, searching comments, exporting a show as transcript events, a platform's quota
spend, who opted out. (What a resumed show reads back is in store/resume_reads.py.)

These run on their own connection (the CLI's, or a console worker's), never the writer's.
"""

from __future__ import annotations

import bisect
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlite_utils import Database

from stagehand.domain import Author, Comment, RankedComment, Score
from stagehand.pseudonyms import KeyFile, OptedOutViewers, PseudonymKeyError
from stagehand.sanitize import clean
from stagehand.store.database import StoreError
from stagehand.store.rows import (
    COMMENTS_WITH_AUTHORS,
    HOST_ACTIONS_WITH_NAMES,
    comment_from_row,
    host_action_from_row,
    json_dict,
    json_list,
)
from stagehand.times import format_ts, parse_ts
from stagehand.transcript import (
    CommentEvent,
    EndEvent,
    HostEvent,
    SegmentEvent,
    ShowEvent,
    TranscriptEvent,
)


@dataclass(frozen=True, slots=True)
class ShowRow:
    id: int
    name: str
    title: str
    description: str
    started_at: datetime
    ended_at: datetime | None
    last_comment_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SegmentRow:
    position: int
    title: str
    keywords: tuple[str, ...]
    started_at: datetime


def open_show(
    db: Database, name: str, *, title: str, description: str, source: str, started_at: datetime
) -> tuple[ShowRow, bool]:
    """The show called `name`, created if new. Returns (show, resumed)."""
    existing = find_show(db, name)
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
    created (`before` is None) is deleted with everything under it; a show it resumed is put
    back as it was `before` (its title, and where it ended).

    The YouTube quota it spent stays counted for the day (`quota_calls` keeps its rows).
    """
    with db.conn:
        if before is None:
            # Not if anything was stored meanwhile (a second process on the same show name that
            # did go on air): that show is theirs now.
            db.execute(
                "DELETE FROM shows WHERE id = ? AND NOT EXISTS"
                " (SELECT 1 FROM comments WHERE show_id = ?)"
                " AND NOT EXISTS (SELECT 1 FROM host_actions WHERE show_id = ?)",
                (show_id, show_id, show_id),
            )
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
        last_comment_at=parse_ts(row["last_comment_at"]) if row.get("last_comment_at") else None,
    )


# How many comments and people a show had is a metric (`stagehand.metrics.show_counts`),
# defined once there: the store only knows when the show's last comment came.
_SHOW_SUMMARY = """
SELECT shows.*, max(comments.ts) AS last_comment_at
FROM shows LEFT JOIN comments ON comments.show_id = shows.id
"""


def find_show(db: Database, name: str) -> ShowRow | None:
    rows = list(db.query(_SHOW_SUMMARY + " WHERE shows.name = ? GROUP BY shows.id", [name]))
    return _show_from_row(rows[0]) if rows else None


def list_shows(db: Database) -> list[ShowRow]:
    """Every show, most recently created first (a replay of an old transcript counts as the
    newest)."""
    rows = db.query(_SHOW_SUMMARY + " GROUP BY shows.id ORDER BY shows.id DESC")
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


def segments_of(db: Database, show_id: int) -> list[SegmentRow]:
    return [
        SegmentRow(
            position=row["position"],
            title=row["title"],
            keywords=tuple(json.loads(row["keywords"])),
            started_at=parse_ts(row["started_at"]),
        )
        for row in db.query("SELECT * FROM segments WHERE show_id = ? ORDER BY position", [show_id])
    ]


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


def search_comments(db: Database, show_id: int, query: str, *, limit: int = 50) -> list[SearchHit]:
    """Full-text search over a show's comments (words are matched as prefixes); a comment
    deleted on its platform is never found (a moderator took it down)."""
    # Quotes would end the FTS phrase, and SQLite refuses a NUL in a query: both are dropped.
    words = [w for w in (word.replace('"', "").replace("\x00", "") for word in query.split()) if w]
    if not words:
        return []
    match = " ".join(f'"{word}"*' for word in words)
    rows = db.query(
        """SELECT comments.platform, comments.message_id, authors.display_name, authors.name,
                  authors.platform_user_id, authors.roles, comments.channel, comments.reply_to,
                  comments.ts, comments.text, comments.score, comments.rank_key,
                  comments.reasons, comments.flags, segments.position
           FROM comments_fts JOIN comments ON comments.id = comments_fts.rowid
           JOIN authors ON authors.id = comments.author_id
           LEFT JOIN segments ON segments.id = comments.segment_id
           WHERE comments_fts MATCH ? AND comments.show_id = ? AND comments.deleted_at IS NULL
           ORDER BY comments.ts DESC LIMIT ?""",
        [match, show_id, limit],
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


def export_events(db: Database, show: ShowRow) -> Iterator[TranscriptEvent]:
    """A stored show as transcript events (what `stagehand export` writes): in time order, in
    the order the show applied them, closing with when it ended.

    Replay plays a transcript in file order and puts each comment in the segment live when it
    comes, so each comment is written after its own segment's line and before the next one's
    (`_ExportOrder`): at a segment's start time, the comments the show had before it (a `!segment`
    command among them) come first. The end (`EndEvent`) carries the show's close: a replay's
    clock runs to it, so what was on stream or on stage at the close stays there as long.
    """
    yield ShowEvent(ts=show.started_at, title=show.title, description=show.description)
    segments = [
        (row["id"], row["started_at"], _segment_event(row))
        for row in db.query(
            "SELECT id, title, keywords, started_at FROM segments WHERE show_id = ?"
            " ORDER BY position",
            [show.id],
        )
    ]
    order = _ExportOrder([(segment_id, started) for segment_id, started, _ in segments])
    timeline: list[tuple[tuple[str, int, int, int], TranscriptEvent]] = [
        ((started, number, _SEGMENT, segment_id), event)
        for number, (segment_id, started, event) in enumerate(segments, start=1)
    ]
    for row in db.query(COMMENTS_WITH_AUTHORS + " WHERE comments.show_id = ?", [show.id]):
        # Export writes the text as received (`comment.text`); replay cleans it again.
        place = order.comment(row["ts"], row["segment_id"])
        timeline.append(((*place, _COMMENT, row["id"]), CommentEvent(comment_from_row(row))))
    for row in db.query(HOST_ACTIONS_WITH_NAMES + " WHERE host_actions.show_id = ?", [show.id]):
        place = order.at(row["ts"])
        timeline.append(((*place, _HOST, row["id"]), HostEvent(host_action_from_row(row))))
    timeline.sort(key=lambda item: item[0])
    for _, event in timeline:
        yield event
    if show.ended_at is not None:
        yield EndEvent(show.ended_at)


def _segment_event(row: dict) -> SegmentEvent:
    keywords = tuple(json.loads(row["keywords"]))
    return SegmentEvent(parse_ts(row["started_at"]), row["title"], keywords)


# At one time and segment: the segment's line, then comments, then host actions (which act on
# the comments before them); each kind in the order it was stored (its row id).
_SEGMENT, _COMMENT, _HOST = 0, 1, 2


class _ExportOrder:
    """Where an event goes in an export: (time, segment number), compared before its kind.

    A comment is placed in the segment it was stored in: its time, but no earlier than that
    segment's start and no later than the next one's. Times differ from the show's order only
    when a platform's clock did (a comment sent before a segment started but read after it).
    """

    def __init__(self, segments: list[tuple[int, str]]) -> None:
        self.starts = [started for _, started in segments]
        self.number_of = {segment_id: number for number, (segment_id, _) in enumerate(segments, 1)}

    def at(self, ts: str) -> tuple[str, int]:
        """An event with no segment of its own: in the segment live at `ts`."""
        return ts, bisect.bisect_right(self.starts, ts)

    def comment(self, ts: str, segment_id: int | None) -> tuple[str, int]:
        """A comment stored in `segment_id` (None: before any segment was live)."""
        number = self.number_of.get(segment_id, -1) if segment_id is not None else 0
        if number < 0:  # a segment no longer stored: the one live at its time
            number = self.at(ts)[1]
        if number > 0:
            ts = max(ts, self.starts[number - 1])
        if number < len(self.starts):
            ts = min(ts, self.starts[number])
        return ts, number


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
