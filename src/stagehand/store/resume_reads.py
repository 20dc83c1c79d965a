"""What a stopped show reads back when it is run again with the same name (`session.open_show`):
its segments, stage, hands, latest comments, host actions, the comment on stream and how far it
got, and the writes a resume of a live show makes (closing the time on stage and on stream a crash
left open).

Bounded by design: the latest `recent` comments are read (host actions, `!stage @name` and
dedupe find them by id), and only the latest `scored` of them with their stored scores (what a
resumed queue folds); the latest `actions` host actions (the queue's changes, and what undo
needs of the ones it still remembers) and the comments they name.

These run on their own connection (the CLI's), never the writer's.

Someone anonymous (opted out, forgotten) is read back as the live show named them ("a viewer
who opted out", "a forgotten viewer": `as_live`), never by the `anonymous-<n>` their row keeps
for the reports: the same words on every screen before and after a restart. Their key (a
pseudonym, a `forgotten:` id) is what tells two of them apart.
"""

from __future__ import annotations

import dataclasses
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple

from sqlite_utils import Database

from stagehand.domain import (
    FORGOTTEN_NAME,
    OPTED_OUT_NAME,
    Author,
    AuthorKey,
    Comment,
    CommentKind,
    Featured,
    HostAction,
    RankedComment,
    ReplayPosition,
    TranscriptPosition,
)
from stagehand.naming import Naming, Namings
from stagehand.store.queries import SegmentRow, last_alive_at, segments_of
from stagehand.store.recorder import FORGOTTEN_ID_PREFIX
from stagehand.store.rows import (
    COMMENT_COLUMNS,
    COMMENTS_JOIN_AUTHORS,
    HOST_ACTIONS_WITH_NAMES,
    SCORE_COLUMNS,
    action_author_from_row,
    author_from_row,
    comment_from_row,
    host_action_from_row,
    ranked_from_row,
)
from stagehand.times import format_ts, parse_ts


class RecentComment(NamedTuple):
    """A stored comment and what the pipeline judged it (a comment, a command, a bot's line)."""

    comment: Comment
    kind: CommentKind


class StoredAction(NamedTuple):
    """A stored host action, with the author it names (as their row has them now) when it
    names one."""

    action: HostAction
    author: Author | None


@dataclass(frozen=True, slots=True)
class StoredAppearance:
    """One stage appearance as stored: `key` is the host action that began it (if one did)."""

    author: AuthorKey
    started_at: datetime
    ended_at: datetime | None
    comment_id: str | None
    key: str


@dataclass(frozen=True, slots=True)
class ResumedState:
    """What a resumed show already has: its segments, who is still on stage or has a hand up,
    its latest comments (oldest first; the latest of them as they were scored, for the queue)
    and which of them were deleted on their platform, its latest host actions (oldest first)
    and the comments they name that are older than those, its stage appearances (and where each
    guest's hand was in the line when they came on), how often its recent authors spoke, how
    far it got (the time of its last stored comment or host action) and, for a replay, where
    in its transcript."""

    segments: tuple[SegmentRow, ...]
    on_stage: tuple[tuple[Author, datetime, str | None], ...]
    last_comment_at: datetime | None
    recent_comments: tuple[RecentComment, ...]
    author_comments: tuple[tuple[AuthorKey, int], ...]
    raised_hands: tuple[Author, ...]
    replay_position: ReplayPosition | None
    deleted: frozenset[tuple[str, str]] = frozenset()
    #: The latest comments with their stored scores, oldest first (the end of `recent_comments`).
    scored_comments: tuple[RankedComment, ...] = ()
    host_actions: tuple[StoredAction, ...] = ()
    acted_on_earlier: tuple[Comment, ...] = ()
    appearances: tuple[StoredAppearance, ...] = ()
    #: Where each guest's raised hand was in the line (0: first) when the stage appearance
    #: `key` began; absent when their hand was not up.
    hand_was_at: dict[str, int] = field(default_factory=dict)
    #: The comment still on stream (a replay's: a live show's time on stream is ended first,
    #: `session.open_show`), to go on until the transcript takes it off.
    on_stream: Featured | None = None
    #: The keys of the show's times on stream (each the host action that put a card on: a
    #: feature, an answer shown with it, an undo that put one back).
    on_stream_keys: frozenset[str] = frozenset()
    #: Whom the text of each of `recent_comments` names, and where, by (platform, message id),
    #: as the show recorded it (`text_names`: a moderator's `!stage @ana`).
    recent_names: dict[tuple[str, str], Namings] = field(default_factory=dict)


def resumed_state(
    db: Database,
    show_id: int,
    *,
    recent: int = 20_000,
    scored: int = 2_000,
    authors: int = 20_000,
    actions: int = 20_000,
) -> ResumedState:
    """The show as it was stored (see `ResumedState`): the latest `recent` comments, `scored`
    of them with their scores, the latest `actions` host actions."""
    on_stage = tuple(
        (
            as_live(
                Author(
                    row["platform"],
                    row["platform_user_id"],
                    row["name"],
                    row["display_name"],
                    # Opted out or forgotten: anonymous, as the live show had them.
                    anonymous=bool(row["opted_out"]),
                )
            ),
            parse_ts(row["started_at"]),
            row["message_id"],
        )
        for row in db.query(
            """SELECT authors.platform, authors.platform_user_id, authors.name,
                      authors.display_name, authors.opted_out, stage_sessions.started_at,
                      comments.message_id
               FROM stage_sessions JOIN authors ON authors.id = stage_sessions.author_id
               LEFT JOIN comments ON comments.id = stage_sessions.comment_id
               WHERE stage_sessions.show_id = ? AND stage_sessions.ended_at IS NULL
               ORDER BY stage_sessions.started_at, stage_sessions.id""",
            [show_id],
        )
    )
    positions = _segment_positions(db, show_id)
    scored_rows, latest, deleted, oldest_read = _latest_comments(
        db, show_id, positions, recent=recent, scored=scored
    )
    host_actions, named_rows = _host_actions(db, show_id, actions)
    earlier = sorted(row_id for row_id in named_rows if row_id < oldest_read)
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
    appearances = _appearances(db, show_id)
    raised, hand_was_at = _hands(db, show_id, appearances)
    return ResumedState(
        segments=tuple(segments_of(db, show_id)),
        on_stage=on_stage,
        last_comment_at=last_alive_at(db, show_id),
        recent_comments=latest,
        author_comments=counts,
        raised_hands=raised,
        replay_position=replay_position(db, show_id),
        deleted=frozenset(deleted),
        scored_comments=scored_rows,
        host_actions=host_actions,
        acted_on_earlier=_comments_by_row_id(db, earlier),
        appearances=appearances,
        hand_was_at=hand_was_at,
        on_stream=_on_stream(db, show_id),
        on_stream_keys=frozenset(
            key
            for (key,) in db.execute("SELECT key FROM on_stream WHERE show_id = ?", [show_id])
            if key
        ),
        recent_names=_names_in_comments(db, show_id, oldest_read),
    )


def _on_stream(db: Database, show_id: int) -> Featured | None:
    """The comment the show left on stream (the time on stream still open), if any."""
    row = db.execute(
        "SELECT comment_id, started_at, key, actor FROM on_stream"
        " WHERE show_id = ? AND ended_at IS NULL AND comment_id IS NOT NULL"
        " ORDER BY id DESC LIMIT 1",
        [show_id],
    ).fetchone()
    comments = _comments_by_row_id(db, [row[0]]) if row else ()
    if not comments:
        return None
    return Featured(comments[0], parse_ts(row[1]), row[2], row[3])


def _latest_comments(
    db: Database, show_id: int, positions: dict[int, int], *, recent: int, scored: int
) -> tuple[tuple[RankedComment, ...], tuple[RecentComment, ...], set[tuple[str, str]], int]:
    """The latest `scored` comments with their scores, the latest `recent` (those included)
    without, oldest first; which of them were deleted; the row id of the oldest read."""
    scored = min(scored, recent)
    # `+show_id`: walk the rows newest first and stop at the limit, instead of sorting them all.
    # Only the rows a queue folds have their scores read and parsed (reasons are JSON).
    newest = list(
        db.query(
            f"SELECT {COMMENT_COLUMNS}, {SCORE_COLUMNS} {COMMENTS_JOIN_AUTHORS}"
            " WHERE +comments.show_id = ? ORDER BY comments.id DESC LIMIT ?",
            [show_id, scored],
        )
    )
    older: list[dict] = []
    if len(newest) == scored and recent > scored:
        older = list(
            db.query(
                f"SELECT {COMMENT_COLUMNS} {COMMENTS_JOIN_AUTHORS}"
                " WHERE +comments.show_id = ? AND comments.id < ?"
                " ORDER BY comments.id DESC LIMIT ?",
                [show_id, newest[-1]["id"], recent - scored],
            )
        )
    ranked = [_ranked_as_live(ranked_from_row(row, positions)) for row in reversed(newest)]
    latest = [RecentComment(_comment_as_live(row), CommentKind(row["kind"])) for row in older]
    latest.reverse()
    latest.extend(RecentComment(r.comment, r.kind) for r in ranked)
    deleted = {
        (row["platform"], row["message_id"]) for row in (*newest, *older) if row["deleted_at"]
    }
    rows = older or newest
    oldest_read = rows[-1]["id"] if rows else 0
    return tuple(ranked), tuple(latest), deleted, oldest_read


def _names_in_comments(
    db: Database, show_id: int, oldest_read: int
) -> dict[tuple[str, str], Namings]:
    """Whom the stored texts of the comments from row `oldest_read` on name, and where."""
    found: dict[tuple[str, str], Namings] = {}
    for row in db.query(
        """SELECT comments.platform, comments.message_id, authors.platform AS named_platform,
                  authors.platform_user_id, text_names.start, text_names.stop
           FROM text_names JOIN comments ON comments.id = text_names.comment_id
           JOIN authors ON authors.id = text_names.author_id
           WHERE text_names.comment_id >= ? AND text_names.field = 'text'
             AND comments.show_id = ?
           ORDER BY text_names.id""",
        [oldest_read, show_id],
    ):
        key = (row["platform"], row["message_id"])
        named = AuthorKey(row["named_platform"], row["platform_user_id"])
        found[key] = (*found.get(key, ()), Naming(named, row["start"], row["stop"]))
    return found


def _host_actions(
    db: Database, show_id: int, limit: int
) -> tuple[tuple[StoredAction, ...], set[int]]:
    """The latest `limit` host actions, oldest first, with the authors they name, and the
    comment rows they name."""
    found: list[StoredAction] = []
    named: set[int] = set()
    for row in db.query(
        HOST_ACTIONS_WITH_NAMES
        + " WHERE +host_actions.show_id = ? ORDER BY host_actions.id DESC LIMIT ?",
        [show_id, limit],
    ):
        author = action_author_from_row(row)
        found.append(StoredAction(host_action_from_row(row), author and as_live(author)))
        if row["comment_id"] is not None:
            named.add(row["comment_id"])
    found.reverse()
    return tuple(found), named


def _comments_by_row_id(db: Database, row_ids: list[int]) -> tuple[Comment, ...]:
    found: list[Comment] = []
    for start in range(0, len(row_ids), 500):
        some = row_ids[start : start + 500]
        found.extend(
            _comment_as_live(row)
            for row in db.query(
                f"SELECT {COMMENT_COLUMNS} {COMMENTS_JOIN_AUTHORS}"
                f" WHERE comments.id IN ({','.join('?' * len(some))}) ORDER BY comments.id",
                some,
            )
        )
    return tuple(found)


def _appearances(db: Database, show_id: int) -> tuple[StoredAppearance, ...]:
    """Every stage appearance of the show, in the order they began (one row each: few)."""
    return tuple(
        StoredAppearance(
            AuthorKey(row[0], row[1]),
            parse_ts(row[2]),
            parse_ts(row[3]) if row[3] else None,
            row[4],
            row[5] or "",
        )
        for row in db.execute(
            """SELECT authors.platform, authors.platform_user_id, stage_sessions.started_at,
                      stage_sessions.ended_at, comments.message_id, stage_sessions.key
               FROM stage_sessions JOIN authors ON authors.id = stage_sessions.author_id
               LEFT JOIN comments ON comments.id = stage_sessions.comment_id
               WHERE stage_sessions.show_id = ? ORDER BY stage_sessions.started_at,
                     stage_sessions.id""",
            [show_id],
        ).fetchall()
    )


def _hands(
    db: Database, show_id: int, appearances: tuple[StoredAppearance, ...]
) -> tuple[tuple[Author, ...], dict[str, int]]:
    """The hands still up, in the order they went up, and where each guest's hand was in the
    line when their appearance began: the `!hand`/`!lower` that worked and the appearances,
    in time order (coming on stage takes the hand down)."""
    line: OrderedDict[AuthorKey, Author] = OrderedDict()
    hand_was_at: dict[str, int] = {}
    changes: list[tuple[datetime, int, Author | StoredAppearance, bool]] = [
        (appearance.started_at, 1, appearance, False) for appearance in appearances
    ]
    for row in db.query(
        """SELECT commands.name AS command, commands.ts, authors.platform,
                  authors.platform_user_id, authors.name, authors.display_name, authors.roles,
                  authors.opted_out
           FROM commands JOIN authors ON authors.id = commands.author_id
           WHERE commands.show_id = ? AND commands.name IN ('hand', 'lower')
             AND commands.outcome LIKE 'ok:%' ORDER BY commands.id""",
        [show_id],
    ):
        author = as_live(author_from_row(row, prefix="", anonymous=bool(row["opted_out"])))
        changes.append((parse_ts(row["ts"]), 0, author, row["command"] == "hand"))
    # A hand raised at the moment a guest came on counts as raised before it (as the
    # comment that raised it was handled before the stage start it caused).
    changes.sort(key=lambda change: (change[0], change[1]))
    for _, _, who, raised in changes:
        if isinstance(who, StoredAppearance):
            if who.author in line:  # the line is walked only for a guest whose hand was up
                hand_was_at[who.key] = list(line).index(who.author)
                del line[who.author]
            continue
        line.pop(who.key, None)
        if raised:
            line[who.key] = who
    return tuple(line.values()), hand_was_at


def as_live(author: Author) -> Author:
    """`author` as the live show names them: someone anonymous by what they chose (opted out,
    or forgotten: their rows moved to a `forgotten:` id), with no name of their own."""
    if not author.anonymous:
        return author
    forgotten = author.id.startswith(FORGOTTEN_ID_PREFIX)
    shown_as = FORGOTTEN_NAME if forgotten else OPTED_OUT_NAME
    return Author(author.platform, author.id, "", shown_as, anonymous=True)


def _comment_as_live(row: dict) -> Comment:
    comment = comment_from_row(row)
    if not comment.author.anonymous:
        return comment
    return dataclasses.replace(comment, author=as_live(comment.author))


def _ranked_as_live(ranked: RankedComment) -> RankedComment:
    if not ranked.comment.author.anonymous:
        return ranked
    comment = dataclasses.replace(ranked.comment, author=as_live(ranked.comment.author))
    return dataclasses.replace(ranked, comment=comment)


class LeftOpen(NamedTuple):
    """Whose time on stream or on stage a stopped show left open, as stored: `platform` is ""
    when the comment no longer has an author (they asked to be forgotten)."""

    platform: str
    platform_user_id: str
    opted_out: bool
    #: As chat showed them (display name, else user name); not meaningful when `opted_out`
    #: (the store keeps a pseudonym there).
    name: str


_LEFT_OPEN_AUTHOR = """coalesce(authors.platform, ''), coalesce(authors.platform_user_id, ''),
    coalesce(authors.opted_out, 0), coalesce(nullif(authors.display_name, ''), authors.name, '')"""


def _left_open(row: tuple) -> LeftOpen:
    return LeftOpen(str(row[1]), str(row[2]), bool(row[3]), str(row[4]))


def end_open_on_stream(
    db: Database, show_id: int, at: datetime, *, keep_replayed: bool = False
) -> list[LeftOpen]:
    """End the times on stream a stopped show left open (killed while a comment was on the
    overlay) at `at`, the last moment it was known to run (never before they began). Returns
    the comments' authors, to tell the hosts. `keep_replayed`: what a transcript put on stream
    stays on (its host action was replayed: a resumed replay's transcript takes it off)."""
    return _end_left_open(
        db,
        "on_stream",
        """LEFT JOIN comments ON comments.id = on_stream.comment_id
           LEFT JOIN authors ON authors.id = comments.author_id""",
        show_id,
        at,
        also=_NOT_REPLAYED if keep_replayed else "",
    )


#: A time on stream the hosts began (not a transcript's: its `feature` was not replayed).
_NOT_REPLAYED = """ AND NOT EXISTS (SELECT 1 FROM host_actions WHERE host_actions.show_id =
    on_stream.show_id AND host_actions.key = on_stream.key AND host_actions.outcome = 'replayed')"""


def end_open_stage(db: Database, show_id: int, at: datetime) -> list[LeftOpen]:
    """End the appearances a stopped live show left open (killed with a guest on stage) at `at`,
    the last moment it was known to run (never before they began): the show was down after
    that, and nobody was on its stage. Returns the guests, to tell the hosts."""
    return _end_left_open(
        db, "stage_sessions", "JOIN authors ON authors.id = stage_sessions.author_id", show_id, at
    )


def _end_left_open(
    db: Database, table: str, authors_join: str, show_id: int, at: datetime, *, also: str = ""
) -> list[LeftOpen]:
    """End `table`'s rows of the show left open at `at` (and meeting `also`, SQL on `table`'s
    row); whose they were (`authors_join` reaches `authors` from `table`)."""
    rows = db.execute(
        f"""SELECT {table}.id, {_LEFT_OPEN_AUTHOR} FROM {table} {authors_join}
           WHERE {table}.show_id = ? AND {table}.ended_at IS NULL{also}""",
        [show_id],
    ).fetchall()
    if rows:
        db.execute(
            f"UPDATE {table} SET ended_at = max(started_at, ?)"
            f" WHERE id IN ({', '.join('?' * len(rows))})",
            [format_ts(at), *(row[0] for row in rows)],
        )
        db.conn.commit()
    return [_left_open(row) for row in rows]


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


def _segment_positions(db: Database, show_id: int) -> dict[int, int]:
    return {
        row[0]: row[1]
        for row in db.execute("SELECT id, position FROM segments WHERE show_id = ?", [show_id])
    }
