"""The store's side of the show's events: each event it keeps becomes SQL, on the writer's
connection, inside the writer's transaction.

`KEPT` is what is recorded (comments, host actions, segments, stage appearances, comments shown
on stream, commands, opt-outs, forgetting, the show's end, a replay's place, calls against a
platform's API quota); the rest (notices, connection states,
the derived stage and hands views) is for screens only. Events name things by their natural keys
(platform message ids, author keys, segment positions); the recorder resolves row ids itself,
and knows the one show its events belong to.
"""

from __future__ import annotations

import functools
import json
import logging
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from functools import singledispatchmethod
from itertools import chain
from typing import cast

from sqlite_utils import Database

from stagehand.domain import (
    FORGOTTEN_NAME,
    OPTED_OUT_NAME,
    Author,
    AuthorKey,
    Comment,
    HostActionKind,
    ModerationKind,
    RankedComment,
)
from stagehand.events import (
    AuthorForgotten,
    AuthorOptedIn,
    AuthorOptedOut,
    ChatPositionReached,
    CommandHandled,
    CommentDeleted,
    CommentEdited,
    CommentRanked,
    CoreEvent,
    FeatureEnded,
    FeatureStarted,
    HostActionLogged,
    OwnMessagePosted,
    QuotaSpent,
    ReplayReached,
    SegmentChanged,
    ShowEnded,
    StageEnded,
    StageResumed,
    StageStarted,
)
from stagehand.naming import Naming, Namings
from stagehand.pseudonyms import PseudonymKeyError, is_pseudonym
from stagehand.store import names, purge
from stagehand.store.keys import find_comment, message_key
from stagehand.store.pseudonymize import Pseudonymizer, merge_author
from stagehand.store.reasons import encode_reasons
from stagehand.times import format_ts

log = logging.getLogger(__name__)

ANONYMOUS_TEXT = ""

_UPSERT_AUTHOR = """
INSERT INTO authors (platform, platform_user_id, name, display_name, roles, first_seen_at)
VALUES (?, ?, ?, ?, ?, ?)
ON CONFLICT (platform, platform_user_id) DO UPDATE SET
    name = CASE WHEN opted_out THEN name ELSE excluded.name END,
    display_name = CASE WHEN opted_out THEN display_name ELSE excluded.display_name END,
    roles = excluded.roles
RETURNING id, opted_out
"""

#: How the platform id of the anonymous row a forgotten viewer's rows move to begins: what
#: follows means nothing, and no platform knows it.
FORGOTTEN_ID_PREFIX = "forgotten:"
#: The host actions on a forgotten viewer's comments whose text is a word of stagehand's own,
#: not what someone wrote: the kind of a moderation, the kind of action an undo took back. It
#: stays (undo after a restart needs it); any other text (a reply, a pin's note) is blanked.
_KIND_WORDS = "(action = 'moderate' AND text IN ({}))".format(
    ", ".join(f"'{kind.value}'" for kind in ModerationKind)
) + " OR (action = 'undo' AND text IN ({}))".format(
    ", ".join(f"'{kind.value}'" for kind in HostActionKind)
)

#: Authors whose row ids the writer remembers (`[database] cached_authors`): the least recently
#: seen are forgotten first; one forgotten who speaks again costs one indexed upsert.
CACHED_AUTHORS = 50_000

#: Rows per multi-row INSERT. One statement is one step into SQLite, one GIL hand-off: with
#: executemany every row is a hand-off, and under a flood each costs a switch interval.
ROWS_PER_STATEMENT = 400


def _statement_sizes(rows: int) -> list[int]:
    """How many rows each multi-row statement of a batch of `rows` takes: `ROWS_PER_STATEMENT`
    each, and the rest in powers of two (at most eight more statements).

    Only these few sizes are ever asked, so each one's statement is compiled once and then
    found in the connection's statement cache: a statement of any other size would be parsed
    and compiled anew (a batch's last chunk is a size seldom seen twice, and compiling a
    multi-row INSERT costs about as much as running it: some 30k instructions a comment)."""
    sizes = [ROWS_PER_STATEMENT] * (rows // ROWS_PER_STATEMENT)
    rest = rows % ROWS_PER_STATEMENT
    size = 1 << max(rest.bit_length() - 1, 0)
    while rest:
        if rest >= size:
            sizes.append(size)
            rest -= size
        size >>= 1
    return sizes


@functools.lru_cache(maxsize=256)
def _flag_columns(flags: frozenset[str]) -> tuple[str, int, int, int, int]:
    """A score's flags as their columns: the flags' text, is_question, on_topic, side_chatter
    and to_chat. A few sets come back comment after comment (a frozenset keeps its hash)."""
    return (
        " ".join(sorted(flags)),
        int("question" in flags),
        int("on_topic" in flags),
        int("side_chatter" in flags),
        int("to_chat" in flags),
    )


@functools.lru_cache(maxsize=256)
def _roles_json(roles: frozenset[str]) -> str:
    """An author's roles as stored (sorted JSON): a few sets come back comment after comment."""
    return json.dumps(sorted(roles))


_json_string = json.encoder.encode_basestring_ascii


def _same_as_json(same_as: tuple[str, str]) -> str:
    """`json.dumps(same_as)`: a pair of strings written as `json.dumps` writes them (its own C
    string encoder), without the encoder's set-up each time (a copypasta wave has one each)."""
    if len(same_as) == 2 and type(same_as[0]) is str and type(same_as[1]) is str:
        return "[" + _json_string(same_as[0]) + ", " + _json_string(same_as[1]) + "]"
    return json.dumps(same_as)


@functools.cache
def _insert_comments_sql(rows: int) -> str:
    head, values = _INSERT_COMMENT.split("VALUES")
    return head + "VALUES " + ", ".join([values.strip()] * rows)


@functools.cache
def _upsert_authors_sql(rows: int) -> str:
    """Many authors in one upsert that answers each one's row id: no second lookup (a lookup
    by user id alone cannot use the (platform, user id) index: it scanned the whole table)."""
    head, rest = _UPSERT_AUTHOR.split("VALUES")
    values, conflict = rest.split("ON CONFLICT")
    conflict = conflict.replace(
        "RETURNING id, opted_out", "RETURNING id, opted_out, platform, platform_user_id"
    )
    return head + "VALUES " + ", ".join([values.strip()] * rows) + " ON CONFLICT" + conflict


_INSERT_COMMENT = """
INSERT OR IGNORE INTO comments (
    show_id, segment_id, author_id, platform, message_id, channel, ts, text, original_text,
    reply_to, first_message, attachments, truncated, score, rank_key, reasons, flags,
    is_question, on_topic, side_chatter, anonymized, kind, to_chat,
    highlight_kind, highlight_amount, highlight_currency, highlight_shown, display_name_then,
    roles_then, same_as, msg_key
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
"""

#: Where a comment row (as `_comment_row` builds it) has its platform, message id and key.
_PLATFORM, _MESSAGE_ID, _KEY = 3, 4, -1

#: New rows join full-text search once per batch: a trigger per row cost ~13 µs a comment.
#: Only this show's (another show in the same file has its own writer); `+show_id` keeps SQLite
#: on the row id range: by the (show_id, ts) index it would read the whole show every batch.
_SEARCH_NEW_ROWS = (
    "INSERT INTO comments_fts (rowid, text)"
    " SELECT id, text FROM comments WHERE id > ? AND +show_id = ?"
)


@dataclass(frozen=True, slots=True)
class Stored:
    """What the database confirmed it stored (counted from SQLite's own change counts)."""

    comments: int = 0
    """Comment rows inserted."""
    comments_already_stored: int = 0
    """Comments the database already had (a redelivery, a resumed show): not stored again."""
    segments: int = 0
    """Segment rows inserted, less those deleted (a segment start undone)."""

    def __add__(self, other: Stored) -> Stored:
        return Stored(
            self.comments + other.comments,
            self.comments_already_stored + other.comments_already_stored,
            self.segments + other.segments,
        )


class Recorder:
    """Records one show's events, caching author and segment row ids (the hot path avoids
    lookups)."""

    def __init__(
        self,
        db: Database,
        show_id: int,
        pseudonyms: Pseudonymizer | None = None,
        *,
        cached_authors: int = CACHED_AUTHORS,
    ) -> None:
        self.conn = db.conn
        self.show_id = show_id
        #: What the current transaction stored; the writer adds it up once it commits.
        self.counts = Stored()
        #: (platform, user id) -> (row id, opted out, the identity stored), least recently seen
        #: first: bounded, so a big channel's tens of thousands of new chatters do not grow
        #: memory. Keyed by a plain tuple, not an `AuthorKey`: a tuple is made, hashed and
        #: compared in C, and this is asked two or three times a comment (`_resolve_authors`).
        self._authors: OrderedDict[
            tuple[str, str], tuple[int, bool, tuple[str, str, frozenset[str]]]
        ]
        self._authors = OrderedDict()
        self._cached_authors = max(1, cached_authors)
        self._segments: dict[int, int] = {}
        self.pseudonyms = pseudonyms or Pseudonymizer(self.conn)

    def start_counting(self) -> None:
        self.counts = Stored()

    def forget_cached_ids(self) -> None:
        """After a rolled-back transaction, cached row ids may not exist: drop them."""
        self._authors.clear()
        self._segments.clear()

    @singledispatchmethod
    def record(self, event: CoreEvent) -> None:
        raise TypeError(f"not an event the store keeps: {event!r}")

    def record_all(self, events: list[CoreEvent]) -> None:
        """Record events in order; each run of comments goes in one multi-row INSERT.

        Few calls into SQLite matter more than it seems: each call hands the GIL over, and
        while the event loop is busy with a flood, getting it back costs a switch interval.
        """
        run: list[RankedComment] = []
        for event in events:
            if type(event) is CommentRanked:
                run.append(event.ranked)
                continue
            if run:
                self.comments(run)
                run = []
            self.record(event)
        if run:
            self.comments(run)

    @record.register
    def _comment(self, event: CommentRanked) -> None:
        self.comments([event.ranked])

    def comments(self, ranked: list[RankedComment]) -> None:
        authors = self._resolve_authors([r.comment for r in ranked])
        rows = [self._comment_row(r, author) for r, author in zip(ranked, authors, strict=True)]
        # Row ids only grow (no AUTOINCREMENT, one writer): what is new is above this.
        last_before = self.conn.execute("SELECT coalesce(max(id), 0) FROM comments").fetchone()[0]
        inserted = start = 0
        for size in _statement_sizes(len(rows)):
            chunk = rows[start : start + size]
            start += size
            cursor = self.conn.execute(_insert_comments_sql(size), list(chain.from_iterable(chunk)))
            inserted += cursor.rowcount  # rows SQLite inserted: the ignored repeats do not count
        if inserted < len(rows):
            inserted += self._store_collided(rows)
        if inserted:
            self.conn.execute(_SEARCH_NEW_ROWS, (last_before, self.show_id))
        self.counts = self.counts + Stored(inserted, len(rows) - inserted)

    def _store_collided(self, rows: list[tuple[object, ...]]) -> int:
        """Store the rows refused only because another message holds their key (store/keys.py):
        with no key, where the partial unique index on their text refuses a second copy.
        Asked only when a batch had refusals (a redelivery, a resumed show): almost never."""
        holders: dict[object, tuple[object, object]] = {}
        keys = [row[_KEY] for row in rows]
        for start in range(0, len(keys), ROWS_PER_STATEMENT):
            some = keys[start : start + ROWS_PER_STATEMENT]
            found = self.conn.execute(
                "SELECT msg_key, platform, message_id FROM comments WHERE show_id = ?"
                f" AND msg_key IN ({','.join('?' * len(some))})",
                [self.show_id, *some],
            )
            holders.update((key, (platform, message_id)) for key, platform, message_id in found)
        stored = 0
        for row in rows:
            if holders.get(row[_KEY]) == (row[_PLATFORM], row[_MESSAGE_ID]):
                continue  # stored already (now or before): the key holder is this very message
            log.warning("two messages share a database key; storing %s by its id", row[_MESSAGE_ID])
            cursor = self.conn.execute(_insert_comments_sql(1), (*row[:_KEY], None))
            stored += cursor.rowcount
        return stored

    def _comment_row(self, ranked: RankedComment, author: tuple[int, bool]) -> tuple[object, ...]:
        comment = ranked.comment
        author_id, opted_out = author
        score = ranked.score
        flag_text, question, on_topic, side_chatter, to_chat = _flag_columns(score.flags)
        segment_id = self._segments.get(ranked.segment)  # `segment_id`, asked only the first time
        if segment_id is None:
            segment_id = self.segment_id(ranked.segment)
        text, original = (
            (ANONYMOUS_TEXT, ANONYMOUS_TEXT) if opted_out else (comment.clean_text, comment.text)
        )
        highlight = comment.highlight
        return (
            self.show_id,
            segment_id,
            author_id,
            comment.platform,
            comment.id,
            comment.channel,
            format_ts(comment.ts),
            text,
            original,
            comment.reply_to,
            int(comment.first_message),
            json.dumps(list(comment.attachments)) if comment.attachments else "[]",
            int(comment.truncated),
            score.value,
            score.rank_key,
            encode_reasons(score.reasons),
            flag_text,
            question,
            on_topic,
            side_chatter,
            int(opted_out),
            ranked.kind._value_,  # `.value` is a Python property: a call per comment
            to_chat,
            highlight.kind.value if highlight else None,
            highlight.amount if highlight else 0.0,
            highlight.currency if highlight else "",
            highlight.shown if highlight else "",
            None if opted_out else comment.author.display_name,
            None if opted_out else _roles_json(comment.author.roles),
            _same_as_json(score.same_as) if score.same_as else None,
            message_key(comment.platform, comment.id),
        )

    def _resolve_authors(self, comments: list[Comment]) -> list[tuple[int, bool]]:
        """Insert or refresh the authors of these comments, in bulk: each comment's author's
        (row id, opted out), in the comments' order.

        Linear however many authors the show has: cached ids, then one upsert per 400 new or
        changed authors that answers their ids itself. A batch of authors all cached as they
        are (most batches) is answered from the cache alone.
        """
        found: list[tuple[int, bool] | None] = []
        changed: dict[AuthorKey, tuple[Author, datetime]] = {}
        cache = self._authors
        for comment in comments:
            author = comment.author
            ident = (author.platform, author.id)
            cached = cache.get(ident)
            if cached is not None:
                cache.move_to_end(ident)
                found.append((cached[0], cached[1]))
                if cached[1]:
                    continue  # opted out: the row stays anonymous whatever they call themselves
                if cached[2] == (author.name, author.display_name, author.roles):
                    continue
            else:
                found.append(None)
            key = author.key
            first = changed.get(key)
            changed[key] = (author, first[1] if first else comment.ts)
        if not changed:
            return cast(list[tuple[int, bool]], found)  # every one was cached
        resolved: dict[AuthorKey, tuple[int, bool]] = {}
        # Their user ids, a set of strings: most comments are by someone else, known by their id
        # alone without making their key (a call a comment, in most batches of a growing chat).
        changed_ids = {key.id for key in changed}
        self._store_authors(changed, resolved)
        # An author stored now is answered as stored, in every comment of theirs in the batch.
        answers: list[tuple[int, bool]] = []
        for comment, pair in zip(comments, found, strict=True):
            author = comment.author
            if pair is None or (author.id in changed_ids and author.key in changed):
                answers.append(resolved[author.key])
            else:
                answers.append(pair)
        return answers

    def _store_authors(
        self,
        changed: dict[AuthorKey, tuple[Author, datetime]],
        resolved: dict[AuthorKey, tuple[int, bool]],
    ) -> None:
        """Upsert new or renamed authors (first seen at the time given), adding their ids to
        `resolved`."""
        # Someone who opted out comes back under their pseudonym, never as a new row.
        new = [key for key in changed if (key.platform, key.id) not in self._authors]
        for key, row_id in self.pseudonyms.find(new).items():
            author = changed.pop(key)[0]
            self._recognised(key, row_id)
            self._cache_author(
                key, (row_id, True, (author.name, author.display_name, author.roles))
            )
            resolved[key] = (row_id, True)
        if not changed:
            return
        rows = [
            (a.platform, a.id, a.name, a.display_name, _roles_json(a.roles), format_ts(ts))
            for a, ts in changed.values()
        ]
        start = 0
        for size in _statement_sizes(len(rows)):
            chunk = rows[start : start + size]
            start += size
            found = self.conn.execute(
                _upsert_authors_sql(size), list(chain.from_iterable(chunk))
            ).fetchall()
            for row_id, opted_out, platform, user_id in found:
                key = AuthorKey(platform, user_id)
                author = changed[key][0]
                identity = (author.name, author.display_name, author.roles)
                self._cache_author(key, (row_id, bool(opted_out), identity))
                resolved[key] = (row_id, bool(opted_out))

    def _cache_author(
        self, key: AuthorKey, value: tuple[int, bool, tuple[str, str, frozenset[str]]]
    ) -> None:
        cache = self._authors
        ident = (key.platform, key.id)
        cache[ident] = value
        cache.move_to_end(ident)
        while len(cache) > self._cached_authors:
            cache.popitem(last=False)

    @property
    def cached_authors(self) -> int:
        """How many authors' row ids are remembered now (at most `[database] cached_authors`)."""
        return len(self._authors)

    @record.register
    def _segment(self, event: SegmentChanged) -> None:
        if event.undone is not None:
            self._segment_undone(event.undone)
            return
        segment = event.segment
        if segment is None or segment.started_at is None:
            return
        is_new = self.segment_id(segment.position) is None  # else its title or keywords change
        keywords = json.dumps(list(segment.keywords))
        # A topic edit changes the title and keywords; the opening ones stay as they began.
        row = self.conn.execute(
            "INSERT INTO segments (show_id, position, title, keywords, started_at,"
            " opening_title, opening_keywords) VALUES (?,?,?,?,?,?,?)"
            " ON CONFLICT (show_id, position) DO UPDATE SET title = excluded.title,"
            " keywords = excluded.keywords RETURNING id",
            (
                self.show_id,
                segment.position,
                segment.title,
                keywords,
                format_ts(segment.started_at),
                segment.title,
                keywords,
            ),
        ).fetchone()
        self._segments[segment.position] = row[0]
        if is_new:
            self.counts = self.counts + Stored(segments=1)

    def _segment_undone(self, position: int) -> None:
        """Its comments belong to the segment before; the segment itself is gone."""
        undone = self.segment_id(position)
        if undone is None:
            return
        self.conn.execute(
            "UPDATE comments SET segment_id = ? WHERE segment_id = ?",
            (self.segment_id(position - 1), undone),
        )
        self.conn.execute("DELETE FROM segments WHERE id = ?", (undone,))
        self._segments.pop(position, None)
        self.counts = self.counts + Stored(segments=-1)

    @record.register
    def _host_action(self, event: HostActionLogged) -> None:
        action = event.action
        comment_row = self.comment_row(action.platform, action.comment_id)
        author_id = None
        if comment_row is not None:
            author_id = comment_row[1]
        if action.author_id is not None and action.platform is not None:
            author_id = self.existing_author_id(AuthorKey(action.platform, action.author_id))
        who = event.author
        if author_id is None and who is not None and who.id == action.author_id:
            author_id, _ = self.author_id(who, action.ts)  # never seen in chat: named from now
        # The key makes it exactly once: a resumed show or a replayed transcript logs it again.
        inserted = self.conn.execute(
            "INSERT OR IGNORE INTO host_actions"
            " (show_id, ts, action, comment_id, author_id, text, outcome, key, undoes, actor)"
            " VALUES (?,?,?,?,?,?,?,?,?,?)",
            (
                self.show_id,
                format_ts(action.ts),
                action.kind.value,
                comment_row[0] if comment_row else None,
                author_id,
                action.text,
                action.outcome,
                action.key or None,
                action.undoes,
                action.actor,
            ),
        )
        if inserted.rowcount == 1 and event.outcome_names:
            where = names.Where("host_actions", cast(int, inserted.lastrowid), "outcome")
            if self._record_names(where, event.outcome_names):
                purge.request(self.conn)  # the name left the row: now the file

    @record.register
    def _stage_start(self, event: StageStarted) -> None:
        session = event.session
        author = session.author
        author_id = self.existing_author_id(author.key)
        if author_id is None:
            author_id, _ = self.author_id(
                Author(author.platform, author.id, author.name), session.started_at
            )
        comment_row = self.comment_row(author.platform, session.comment_id)
        self.conn.execute(
            "INSERT OR IGNORE INTO stage_sessions (show_id, author_id, comment_id, started_at, key)"
            " VALUES (?,?,?,?,?)",
            (
                self.show_id,
                author_id,
                comment_row[0] if comment_row else None,
                format_ts(session.started_at),
                event.key,
            ),
        )

    @record.register
    def _stage_end(self, event: StageEnded) -> None:
        session = event.session
        author_id = self.existing_author_id(session.author.key)
        ended_at = session.ended_at or session.started_at
        self.conn.execute(
            "UPDATE stage_sessions SET ended_at = ? WHERE show_id = ? AND author_id = ?"
            " AND ended_at IS NULL",
            (format_ts(ended_at), self.show_id, author_id),
        )

    @record.register
    def _stage_resumed(self, event: StageResumed) -> None:
        author_id = self.existing_author_id(event.session.author.key)
        ended = format_ts(event.ended_at) if event.ended_at else None
        self.conn.execute(
            "UPDATE stage_sessions SET ended_at = NULL WHERE id = (SELECT id FROM stage_sessions"
            " WHERE show_id = ? AND author_id = ? AND ended_at IS ? ORDER BY started_at DESC"
            " LIMIT 1)",
            (self.show_id, author_id, ended),
        )

    @record.register
    def _feature_start(self, event: FeatureStarted) -> None:
        featured = event.featured
        comment_row = self.comment_row(featured.comment.platform, featured.comment.id)
        # The key is the `feature` host action's: stored once, however often the show resumes.
        self.conn.execute(
            "INSERT OR IGNORE INTO on_stream (show_id, comment_id, started_at, key, actor)"
            " VALUES (?,?,?,?,?)",
            (
                self.show_id,
                comment_row[0] if comment_row else None,
                format_ts(featured.since),
                featured.key,
                featured.actor,
            ),
        )

    @record.register
    def _feature_end(self, event: FeatureEnded) -> None:
        self.conn.execute(
            "UPDATE on_stream SET ended_at = ? WHERE show_id = ? AND key = ? AND ended_at IS NULL",
            (format_ts(event.ended_at), self.show_id, event.featured.key),
        )

    @record.register
    def _edit(self, event: CommentEdited) -> None:
        found = find_comment(self.conn, self.show_id, event.platform, event.comment_id)
        row = (
            self.conn.execute(
                "SELECT id, text, anonymized FROM comments WHERE id = ?", (found[0],)
            ).fetchone()
            if found
            else None
        )
        if row is None or row[2]:
            return
        edit = self.conn.execute(
            "INSERT INTO comment_edits (comment_id, ts, previous_text, text) VALUES (?,?,?,?)",
            (row[0], format_ts(event.ts), row[1], event.clean_text),
        )
        names.edited(self.conn, row[0], cast(int, edit.lastrowid))
        self.conn.execute(
            "UPDATE comments SET text = ?, original_text = ?, edited_at = ? WHERE id = ?",
            (event.clean_text, event.original_text, format_ts(event.ts), row[0]),
        )

    @record.register
    def _deletion(self, event: CommentDeleted) -> None:
        found = find_comment(self.conn, self.show_id, event.platform, event.comment_id)
        if found is not None:
            self.conn.execute(
                "UPDATE comments SET deleted_at = ? WHERE id = ?", (format_ts(event.ts), found[0])
            )

    @record.register
    def _command(self, event: CommandHandled) -> None:
        comment = event.comment
        comment_row = self.comment_row(comment.platform, comment.id)
        # One row per comment: a command is applied once, however often its comment arrives.
        inserted = self.conn.execute(
            "INSERT OR IGNORE INTO commands"
            " (show_id, comment_id, author_id, ts, name, args, outcome, key, answer)"
            " VALUES (?,?,?,?,?,?,?,?,?)",
            (
                self.show_id,
                comment_row[0] if comment_row else None,
                self.existing_author_id(comment.author.key),
                format_ts(comment.ts),
                event.command,
                event.args,
                event.outcome,
                event.key,
                event.answer,
            ),
        )
        named_any = event.names or event.args_names or event.line_names or event.answer_names
        if inserted.rowcount != 1 or not named_any:
            return
        command_id = cast(int, inserted.lastrowid)
        texts = [
            (names.Where("commands", command_id, "args"), event.args_names),
            (names.Where("commands", command_id, "outcome"), event.names),
            (names.Where("commands", command_id, "answer"), event.answer_names),
        ]
        if comment_row is not None:
            texts.append((names.Where("comments", comment_row[0], "text"), event.line_names))
        for where, named in texts:
            if named and self._record_names(where, named):
                purge.request(self.conn)  # the name left the row: now the file

    def _record_names(self, where: names.Where, named: Namings) -> bool:
        """Whom a command's text names, by author row; someone let go of already (forgotten:
        no row; opted out) is un-named at once. True when the text was changed."""
        rows: list[tuple[Naming, int | None]] = []
        gone: dict[AuthorKey, str] = {}
        for naming in named:
            row = self.existing_author_id(naming.author)
            rows.append((naming, row))
            if row is None:
                gone[naming.author] = FORGOTTEN_NAME
            elif self.conn.execute("SELECT opted_out FROM authors WHERE id = ?", (row,)).fetchone()[
                0
            ]:
                gone[naming.author] = OPTED_OUT_NAME
        return names.record(self.conn, where, rows, gone)

    @record.register
    def _opted_out(self, event: AuthorOptedOut) -> None:
        self._opt_out(event.author, True)

    @record.register
    def _opted_in(self, event: AuthorOptedIn) -> None:
        self._opt_out(event.author, False)

    def _opt_out(self, key: AuthorKey, opted_out: bool) -> None:
        """`!optout`: anonymous, and known by a pseudonym only. `!optin`: a fresh start.

        Opting in again keeps what was said while opted out anonymous and unlinked (the
        pseudonym is dropped); their comments from then on start a new row under their id.
        """
        author_id = self.existing_author_id(key)
        self._authors.pop((key.platform, key.id), None)
        if author_id is None:
            return
        user_id = self.conn.execute(
            "SELECT platform_user_id FROM authors WHERE id = ?", (author_id,)
        ).fetchone()[0]
        if not opted_out:
            if is_pseudonym(user_id):
                self.pseudonyms.release(author_id)
            else:
                self.conn.execute("UPDATE authors SET opted_out = 0 WHERE id = ?", (author_id,))
            return
        self.conn.execute("UPDATE authors SET opted_out = 1 WHERE id = ?", (author_id,))
        self._drop_awaited_ban(key)
        self._anonymize(author_id)
        try:
            self.pseudonyms.hide_opted_out()
        except PseudonymKeyError as exc:  # anonymized anyway; the next opt-out catches up
            log.error("%s: this viewer's platform id stays in the database for now", exc)

    @record.register
    def _forget(self, event: AuthorForgotten) -> None:
        """Cut every stored trace loose from the person: text goes, counts stay, name goes.

        Their rows move to a fresh anonymous author whose id means nothing, and their own author
        row is deleted, so a later comment starts a new, unconnected row (a newcomer again);
        only an opt-out survives, so a later comment stays anonymous.
        """
        author_id = self.existing_author_id(event.author)
        if author_id is None:
            return
        self._unname_actor(author_id)
        self._drop_awaited_ban(event.author)
        names.unname(self.conn, author_id, FORGOTTEN_NAME)
        anonymous_id = self.conn.execute(
            "INSERT INTO authors (platform, platform_user_id, name, display_name, roles,"
            " first_seen_at, opted_out)"
            " SELECT platform, ? || lower(hex(randomblob(8))), '', '', '[]',"
            " first_seen_at, 1 FROM authors WHERE id = ? RETURNING id",
            (FORGOTTEN_ID_PREFIX, author_id),
        ).fetchone()[0]
        anonymous = f"anonymous-{anonymous_id}"
        self.conn.execute(
            "UPDATE authors SET name = ?, display_name = ? WHERE id = ?",
            (anonymous, anonymous, anonymous_id),
        )
        self.conn.execute(
            "DELETE FROM comment_edits WHERE comment_id IN"
            " (SELECT id FROM comments WHERE author_id = ?)",
            (author_id,),
        )
        self.conn.execute(
            f"UPDATE host_actions SET text = '' WHERE NOT ({_KIND_WORDS}) AND comment_id IN"
            " (SELECT id FROM comments WHERE author_id = ?)",
            (author_id,),
        )
        self.conn.execute(
            "UPDATE comments SET author_id = ?, text = '', original_text = '', anonymized = 1,"
            " display_name_then = NULL, roles_then = NULL WHERE author_id = ?",
            (anonymous_id, author_id),
        )
        self.conn.execute(
            "UPDATE commands SET author_id = ?, args = '' WHERE author_id = ?",
            (anonymous_id, author_id),
        )
        for table in ("stage_sessions", "host_actions"):
            self.conn.execute(
                f"UPDATE {table} SET author_id = ? WHERE author_id = ?", (anonymous_id, author_id)
            )
        # Someone who opted out stays opted out (an empty, anonymous row remembers it);
        # everyone else is simply gone.
        self.conn.execute("DELETE FROM authors WHERE id = ? AND NOT opted_out", (author_id,))
        self._authors.pop((event.author.platform, event.author.id), None)
        purge.request(self.conn)  # the words leave the file itself when the show closes

    @record.register
    def _show_end(self, event: ShowEnded) -> None:
        if event.resumable:
            # A replay stopped before its end is resumed by the same command: not closed (as
            # after a crash, `stagehand shows` and the report say so).
            return
        self.conn.execute(
            "UPDATE shows SET ended_at = ? WHERE id = ?", (format_ts(event.ts), self.show_id)
        )

    @record.register
    def _chat_position(self, event: ChatPositionReached) -> None:
        self.conn.execute(
            "INSERT INTO chat_positions (show_id, platform, chat_id, position, last_message,"
            " last_message_at, awaiting_bans) VALUES (?,?,?,?,?,?,?)"
            " ON CONFLICT (show_id, platform)"
            " DO UPDATE SET chat_id = excluded.chat_id, position = excluded.position,"
            " last_message = excluded.last_message, last_message_at = excluded.last_message_at,"
            " awaiting_bans = excluded.awaiting_bans",
            (
                self.show_id,
                event.platform,
                event.chat_id,
                event.position,
                event.last_message,
                event.last_message_at,
                " ".join(self._may_keep(event.platform, event.awaiting_bans)),
            ),
        )

    def _may_keep(self, platform: str, user_ids: tuple[str, ...]) -> list[str]:
        """The platform ids of these people the file may hold: those of a viewer who opted out
        or was forgotten (even a moment ago, their ban's echo not back yet) are left out."""
        if not user_ids:
            return []
        marks = ",".join("?" * len(user_ids))
        kept = {
            row[0]
            for row in self.conn.execute(
                "SELECT platform_user_id FROM authors WHERE platform = ? AND NOT opted_out"
                f" AND platform_user_id IN ({marks})",
                (platform, *user_ids),
            )
        }
        return [user_id for user_id in user_ids if user_id in kept]

    def _drop_awaited_ban(self, key: AuthorKey) -> None:
        """A ban whose echo has not come back keeps the banned viewer's platform id (so the echo
        is known as ours): once they opt out or are forgotten, it goes."""
        self.conn.execute(
            "UPDATE chat_positions SET awaiting_bans ="
            " trim(replace(' ' || awaiting_bans || ' ', ' ' || ? || ' ', ' '))"
            " WHERE platform = ? AND instr(' ' || awaiting_bans || ' ', ' ' || ? || ' ') > 0",
            (key.id, key.platform, key.id),
        )

    @record.register
    def _own_post(self, event: OwnMessagePosted) -> None:
        self.conn.execute(
            "INSERT OR IGNORE INTO own_posts (show_id, platform, message_id) VALUES (?,?,?)",
            (self.show_id, event.platform, event.message_id),
        )

    @record.register
    def _quota_call(self, event: QuotaSpent) -> None:
        use = event.use
        self.conn.execute(
            "INSERT INTO quota_calls (show_id, platform, day, ts, method, units, outcome)"
            " VALUES (?,?,?,?,?,?,?)",
            (
                self.show_id,
                event.platform,
                use.day,
                format_ts(use.ts),
                use.method,
                use.units,
                use.outcome,
            ),
        )

    @record.register
    def _replay_position(self, event: ReplayReached) -> None:
        position = event.position
        self.conn.execute(
            "INSERT INTO replay_positions (show_id, source, offset, line, show_ts, digest)"
            " VALUES (?,?,?,?,?,?) ON CONFLICT (show_id) DO UPDATE SET source = excluded.source,"
            " offset = excluded.offset, line = excluded.line, show_ts = excluded.show_ts,"
            " digest = excluded.digest",
            (
                self.show_id,
                event.source,
                position.offset,
                position.line,
                format_ts(event.show_ts) if event.show_ts else None,
                position.digest,
            ),
        )

    def _anonymize(self, author_id: int) -> None:
        """Everything stored of what they wrote goes (as for `!forget`); the rows stay, counted.

        Their command arguments too: a `!ask` or `!topic` question is as private as a comment.
        """
        anonymous = f"anonymous-{author_id}"
        self._unname_actor(author_id)
        names.unname(self.conn, author_id, OPTED_OUT_NAME)
        self.conn.execute(
            "UPDATE authors SET name = ?, display_name = ?, roles = '[]' WHERE id = ?",
            (anonymous, anonymous, author_id),
        )
        self.conn.execute(
            "DELETE FROM comment_edits WHERE comment_id IN"
            " (SELECT id FROM comments WHERE author_id = ?)",
            (author_id,),
        )
        # The hosts' replies to them and pin notes may quote them (a moderation's text is
        # only what it did, which its undo reads).
        self.conn.execute(
            "UPDATE host_actions SET text = '' WHERE action IN ('reply', 'pin') AND comment_id IN"
            " (SELECT id FROM comments WHERE author_id = ?)",
            (author_id,),
        )
        self.conn.execute("UPDATE commands SET args = '' WHERE author_id = ?", (author_id,))
        self.conn.execute(
            "UPDATE comments SET text = '', original_text = '', anonymized = 1,"
            " display_name_then = NULL, roles_then = NULL WHERE author_id = ?",
            (author_id,),
        )
        purge.request(self.conn)  # the words leave the file itself when the show closes

    def _unname_actor(self, author_id: int) -> None:
        """A chat moderator's host actions name them (`platform:username`, commands/router.py):
        once they opt out or are forgotten, nothing does."""
        row = self.conn.execute(
            "SELECT platform || ':' || name FROM authors WHERE id = ?", (author_id,)
        ).fetchone()
        if row is None:
            return
        for table in ("host_actions", "on_stream"):
            self.conn.execute(f"UPDATE {table} SET actor = '' WHERE actor = ?", (row[0],))

    # -- id resolution ---------------------------------------------------------------------

    def author_id(self, author: Author, ts: datetime) -> tuple[int, bool]:
        """Row id and opted-out flag for an author, inserting or refreshing the row as needed."""
        identity = (author.name, author.display_name, author.roles)
        cached = self._authors.get((author.platform, author.id))
        if cached is not None and cached[2] == identity:
            return cached[0], cached[1]
        first_seen = format_ts(ts)
        row = self.conn.execute(
            _UPSERT_AUTHOR,
            (
                author.platform,
                author.id,
                author.name,
                author.display_name,
                json.dumps(sorted(author.roles)),
                first_seen,
            ),
        ).fetchone()
        self._cache_author(author.key, (row[0], bool(row[1]), identity))
        return row[0], bool(row[1])

    def existing_author_id(self, key: AuthorKey) -> int | None:
        cached = self._authors.get((key.platform, key.id))
        if cached is not None:
            return cached[0]
        pseudonymous = self.pseudonyms.find([key]).get(key)
        if pseudonymous is not None:
            self._recognised(key, pseudonymous)
            return pseudonymous
        row = self.conn.execute(
            "SELECT id FROM authors WHERE platform = ? AND platform_user_id = ?",
            (key.platform, key.id),
        ).fetchone()
        return row[0] if row else None

    def _recognised(self, key: AuthorKey, pseudonymous: int) -> None:
        """An opted-out author known by their pseudonym again: anything stored under their id
        meanwhile (while the key was missing) becomes anonymous and joins their row."""
        stray = self.conn.execute(
            "SELECT id FROM authors WHERE platform = ? AND platform_user_id = ?",
            (key.platform, key.id),
        ).fetchone()
        if stray is not None:
            self._anonymize(stray[0])
            merge_author(self.conn, stray[0], into=pseudonymous)

    def segment_id(self, position: int) -> int | None:
        if position <= 0:
            return None
        cached = self._segments.get(position)
        if cached is not None:
            return cached
        row = self.conn.execute(
            "SELECT id FROM segments WHERE show_id = ? AND position = ?", (self.show_id, position)
        ).fetchone()
        if row:
            self._segments[position] = row[0]
        return row[0] if row else None

    def comment_row(self, platform: str | None, message_id: str | None) -> tuple[int, int] | None:
        """(comment row id, author row id) for a platform message id in this show."""
        if message_id is None:
            return None
        if platform is not None:
            return find_comment(self.conn, self.show_id, platform, message_id)
        # No platform named (a host action of an older transcript): the show's rows are read.
        row = self.conn.execute(
            "SELECT id, author_id FROM comments WHERE show_id = ? AND message_id = ?",
            (self.show_id, message_id),
        ).fetchone()
        return (row[0], row[1]) if row else None


#: The events the store records (every other event is for screens only): those `record` takes.
KEPT: frozenset[type] = frozenset(
    cls for cls in vars(Recorder)["record"].dispatcher.registry if cls is not object
)
