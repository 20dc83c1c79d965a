"""Reads: shows, resuming a show, searching comments, exporting a show as transcript events.

These run on their own connection (the CLI's, or a console worker's), never the writer's.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from sqlite_utils import Database

from stagehand.domain import (
    Author,
    AuthorKey,
    Comment,
    CommentKind,
    Highlight,
    HighlightKind,
    HostAction,
    HostActionKind,
    RankedComment,
    ReplayPosition,
    Score,
    TranscriptPosition,
)
from stagehand.pseudonyms import KeyFile, OptedOutViewers, PseudonymKeyError
from stagehand.sanitize import clean
from stagehand.store.database import StoreError
from stagehand.times import format_ts, parse_ts
from stagehand.transcript import (
    CommentEvent,
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


@dataclass(frozen=True, slots=True)
class ResumedState:
    """What a resumed show already has: its segments, who is still on stage or has a hand up,
    its latest comments as they were scored (oldest first) and which of them were deleted on
    their platform, the host actions that changed its queue (answers, dismissals, moderations,
    pins and their undos, oldest first) and the comments its pins need that are older than
    those, how often its recent authors spoke, how far it got (the time of its last stored
    comment or host action) and, for a replay, where in its transcript."""

    segments: tuple[SegmentRow, ...]
    on_stage: tuple[tuple[Author, datetime, str | None], ...]
    last_comment_at: datetime | None
    recent_comments: tuple[RankedComment, ...]
    author_comments: tuple[tuple[AuthorKey, int], ...]
    raised_hands: tuple[Author, ...]
    replay_position: ReplayPosition | None
    deleted: frozenset[tuple[str, str]] = frozenset()
    queue_actions: tuple[HostAction, ...] = ()
    pinned_earlier: tuple[RankedComment, ...] = ()


#: The host actions that change what the queue holds (and its pins), as a resume reads them.
QUEUE_ACTIONS = ("answer", "dismiss", "moderate", "pin", "unpin", "undo")


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


def resumed_state(
    db: Database,
    show_id: int,
    *,
    recent: int = 20_000,
    authors: int = 20_000,
    actions: int = 20_000,
) -> ResumedState:
    on_stage = tuple(
        (
            Author(row["platform"], row["platform_user_id"], row["name"], row["display_name"]),
            parse_ts(row["started_at"]),
            row["message_id"],
        )
        for row in db.query(
            """SELECT authors.platform, authors.platform_user_id, authors.name,
                      authors.display_name, stage_sessions.started_at, comments.message_id
               FROM stage_sessions JOIN authors ON authors.id = stage_sessions.author_id
               LEFT JOIN comments ON comments.id = stage_sessions.comment_id
               WHERE stage_sessions.show_id = ? AND stage_sessions.ended_at IS NULL""",
            [show_id],
        )
    )
    last = last_alive_at(db, show_id)
    positions = _segment_positions(db, show_id)
    # `+show_id`: walk the rows newest first and stop at `recent`, instead of sorting them all.
    latest: list[RankedComment] = []
    deleted: set[tuple[str, str]] = set()
    row_ids: set[int] = set()
    for row in db.query(
        _COMMENTS_WITH_AUTHORS + " WHERE +comments.show_id = ? ORDER BY comments.id DESC LIMIT ?",
        [show_id, recent],
    ):
        ranked = _ranked_from_row(row, positions)
        latest.append(ranked)
        row_ids.add(row["id"])
        if row["deleted_at"]:
            deleted.add((row["platform"], row["message_id"]))
    latest.reverse()
    queue_actions, pinned_rows = _queue_actions(db, show_id, actions)
    earlier = sorted(set(pinned_rows) - row_ids)
    pinned_earlier = (
        tuple(
            _ranked_from_row(row, positions)
            for row in db.query(
                _COMMENTS_WITH_AUTHORS
                + f" WHERE comments.id IN ({','.join('?' * len(earlier))}) ORDER BY comments.id",
                earlier,
            )
        )
        if earlier
        else ()
    )
    counts = tuple(
        (AuthorKey(row[0], row[1]), row[2])
        for row in db.execute(
            """SELECT authors.platform, authors.platform_user_id, count(*)
               FROM comments JOIN authors ON authors.id = comments.author_id
               WHERE comments.show_id = ? AND comments.kind NOT IN ('command', 'bot')
               GROUP BY comments.author_id ORDER BY max(comments.id) DESC LIMIT ?""",
            [show_id, authors],
        ).fetchall()[::-1]
    )
    return ResumedState(
        segments=tuple(segments_of(db, show_id)),
        on_stage=on_stage,
        last_comment_at=last,
        recent_comments=tuple(latest),
        author_comments=counts,
        raised_hands=_raised_hands(db, show_id),
        replay_position=replay_position(db, show_id),
        deleted=frozenset(deleted),
        queue_actions=queue_actions,
        pinned_earlier=pinned_earlier,
    )


def last_alive_at(db: Database, show_id: int) -> datetime | None:
    """The last moment the database knows the show was running: its latest stored comment or
    host action (None before either)."""
    last = db.execute(
        "SELECT max(ts) FROM (SELECT max(ts) AS ts FROM comments WHERE show_id = ?"
        " UNION ALL SELECT max(ts) FROM host_actions WHERE show_id = ?)",
        [show_id, show_id],
    ).fetchone()[0]
    return parse_ts(last) if last else None


def end_open_on_stream(db: Database, show_id: int, at: datetime) -> list[str]:
    """End the times on stream a stopped show left open (killed while a comment was on the
    overlay) at `at`, the last moment it was known to run (never before they began). Returns
    the names of the comments' authors, to tell the hosts."""
    rows = db.execute(
        """SELECT on_stream.id, coalesce(nullif(authors.display_name, ''), authors.name, '')
           FROM on_stream LEFT JOIN comments ON comments.id = on_stream.comment_id
           LEFT JOIN authors ON authors.id = comments.author_id
           WHERE on_stream.show_id = ? AND on_stream.ended_at IS NULL""",
        [show_id],
    ).fetchall()
    if rows:
        db.execute(
            "UPDATE on_stream SET ended_at = max(started_at, ?)"
            " WHERE show_id = ? AND ended_at IS NULL",
            [format_ts(at), show_id],
        )
        db.conn.commit()
    return [name for _, name in rows]


def _segment_positions(db: Database, show_id: int) -> dict[int, int]:
    return {
        row[0]: row[1]
        for row in db.execute("SELECT id, position FROM segments WHERE show_id = ?", [show_id])
    }


def _queue_actions(
    db: Database, show_id: int, limit: int
) -> tuple[tuple[HostAction, ...], list[int]]:
    """The latest `limit` host actions that changed the queue, oldest first, and the comment
    rows their pins point at."""
    found: list[HostAction] = []
    pinned: list[int] = []
    for row in db.query(
        f"""SELECT host_actions.*, comments.message_id, comments.platform AS comment_platform,
                  authors.platform_user_id, authors.platform AS author_platform
           FROM host_actions LEFT JOIN comments ON comments.id = host_actions.comment_id
           LEFT JOIN authors ON authors.id = host_actions.author_id
           WHERE +host_actions.show_id = ?
             AND host_actions.action IN ({",".join("?" * len(QUEUE_ACTIONS))})
           ORDER BY host_actions.id DESC LIMIT ?""",
        [show_id, *QUEUE_ACTIONS, limit],
    ):
        found.append(_host_action_from_row(row))
        if row["action"] == "pin" and row["comment_id"] is not None:
            pinned.append(row["comment_id"])
    found.reverse()
    return tuple(found), pinned


def _host_action_from_row(row: dict) -> HostAction:
    return HostAction(
        kind=HostActionKind(row["action"]),
        ts=parse_ts(row["ts"]),
        comment_id=row["message_id"],
        platform=row["comment_platform"] or row["author_platform"],
        author_id=row["platform_user_id"],
        text=row["text"],
        outcome=row["outcome"],
        key=row["key"] or "",
        undoes=row["undoes"],
        actor=row["actor"],
    )


def replay_position(db: Database, show_id: int) -> ReplayPosition | None:
    """How far into its transcript a replayed show is stored (None for a live show)."""
    row = db.execute(
        "SELECT source, offset, line, digest, show_ts FROM replay_positions WHERE show_id = ?",
        [show_id],
    ).fetchone()
    if row is None:
        return None
    return ReplayPosition(
        row[0], TranscriptPosition(row[1], row[2], row[3]), parse_ts(row[4]) if row[4] else None
    )


def _raised_hands(db: Database, show_id: int) -> tuple[Author, ...]:
    """Hands still up, in the order they went up: the last `!hand`/`!lower` that worked, less
    anyone brought on stage since (coming on stage takes the hand down)."""
    hands: dict[AuthorKey, tuple[Author, str]] = {}
    for row in db.query(
        """SELECT commands.name AS command, commands.ts, authors.platform,
                  authors.platform_user_id, authors.name, authors.display_name, authors.roles
           FROM commands JOIN authors ON authors.id = commands.author_id
           WHERE commands.show_id = ? AND commands.name IN ('hand', 'lower')
             AND commands.outcome LIKE 'ok:%' ORDER BY commands.id""",
        [show_id],
    ):
        author = _author_from_row(row, prefix="")
        hands.pop(author.key, None)
        if row["command"] == "hand":
            hands[author.key] = (author, row["ts"])
    if not hands:
        return ()
    staged = {
        AuthorKey(row[0], row[1]): row[2]
        for row in db.execute(
            """SELECT authors.platform, authors.platform_user_id, max(stage_sessions.started_at)
               FROM stage_sessions JOIN authors ON authors.id = stage_sessions.author_id
               WHERE stage_sessions.show_id = ? GROUP BY stage_sessions.author_id""",
            [show_id],
        ).fetchall()
    }
    return tuple(
        author for key, (author, ts) in hands.items() if not (key in staged and staged[key] >= ts)
    )


#: A comment with its author as they were when they wrote it (their display name and roles
#: then; the author's row for comments stored before those were kept, and anonymous ones).
_COMMENTS_WITH_AUTHORS = """
SELECT comments.*, authors.platform_user_id, authors.name AS author_name,
       coalesce(comments.display_name_then, authors.display_name) AS author_display_name,
       coalesce(comments.roles_then, authors.roles) AS author_roles
FROM comments JOIN authors ON authors.id = comments.author_id"""


def _author_from_row(row: dict, *, prefix: str = "author_") -> Author:
    return Author(
        platform=row["platform"],
        id=row["platform_user_id"],
        name=row[f"{prefix}name"],
        display_name=row[f"{prefix}display_name"],
        roles=frozenset(json.loads(row[f"{prefix}roles"])),
    )


def _comment_from_row(row: dict) -> Comment:
    """A stored comment as the domain knows it: `text` as received, `clean_text` as shown."""
    return Comment(
        id=row["message_id"],
        platform=row["platform"],
        channel=row["channel"],
        author=_author_from_row(row),
        text=row["original_text"],
        ts=parse_ts(row["ts"]),
        reply_to=row["reply_to"],
        first_message=bool(row["first_message"]),
        attachments=tuple(json.loads(row["attachments"])),
        clean_text=row["text"],
        truncated=bool(row["truncated"]),
        highlight=_highlight_from_row(row),
    )


def _ranked_from_row(row: dict, positions: dict[int, int]) -> RankedComment:
    """A stored comment as the queue had it: scored when it arrived, in its segment, its kind."""
    same_as = json.loads(row["same_as"]) if row.get("same_as") else None
    score = Score(
        row["score"],
        row["rank_key"],
        _json_dict(row["reasons"]),
        frozenset((row["flags"] or "").split()),
        (str(same_as[0]), str(same_as[1])) if isinstance(same_as, list) else None,
    )
    return RankedComment(
        _comment_from_row(row),
        score,
        positions.get(row["segment_id"] or 0, 0),
        CommentKind(row["kind"]),
    )


def _highlight_from_row(row: dict) -> Highlight | None:
    kind = row.get("highlight_kind")
    if not kind:
        return None
    try:
        highlight_kind = HighlightKind(kind)
    except ValueError:  # a kind a newer stagehand wrote: the comment stays, plain
        return None
    return Highlight(
        highlight_kind,
        amount=float(row.get("highlight_amount") or 0.0),
        currency=str(row.get("highlight_currency") or ""),
        shown=str(row.get("highlight_shown") or ""),
    )


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
            roles=frozenset(_json_list(row["roles"])),
            channel=row["channel"] or "",
            reply_to=row["reply_to"],
            rank_key=row["rank_key"] or 0.0,
            reasons=_json_dict(row["reasons"]),
            flags=frozenset((row["flags"] or "").split()),
            segment=row["position"] or 0,
        )
        for row in rows
    ]


def _json_list(raw: str | None) -> list[str]:
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


def _json_dict(raw: str | None) -> dict[str, float]:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    return {str(k): float(v) for k, v in value.items() if isinstance(v, int | float)}


def export_events(db: Database, show: ShowRow) -> Iterator[TranscriptEvent]:
    """A stored show as transcript events in time order (what `stagehand export` writes)."""
    yield ShowEvent(ts=show.started_at, title=show.title, description=show.description)
    timeline: list[tuple[str, int, TranscriptEvent]] = []
    for segment in segments_of(db, show.id):
        timeline.append(
            (
                format_ts(segment.started_at),
                0,
                SegmentEvent(segment.started_at, segment.title, segment.keywords),
            )
        )
    for row in db.query(
        _COMMENTS_WITH_AUTHORS + " WHERE comments.show_id = ? ORDER BY comments.ts, comments.id",
        [show.id],
    ):
        # Export writes the text as received (`comment.text`); replay cleans it again.
        timeline.append((row["ts"], 1, CommentEvent(_comment_from_row(row))))
    for row in db.query(
        """SELECT host_actions.*, comments.message_id, comments.platform AS comment_platform,
                  authors.platform_user_id, authors.platform AS author_platform
           FROM host_actions LEFT JOIN comments ON comments.id = host_actions.comment_id
           LEFT JOIN authors ON authors.id = host_actions.author_id
           WHERE host_actions.show_id = ? ORDER BY host_actions.ts, host_actions.id""",
        [show.id],
    ):
        timeline.append((row["ts"], 2, HostEvent(_host_action_from_row(row))))
    timeline.sort(key=lambda item: (item[0], item[1]))
    for _, _, event in timeline:
        yield event


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
