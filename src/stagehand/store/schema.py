"""The database schema, as sqlite-utils migrations (docs/schema.md describes every table).

Migrations are append-only: never edit one that has shipped; add the next.
Timestamps are ISO 8601 UTC text ("2026-11-20T19:00:05.250Z"): sortable, and readable in any SQLite tool.
"""

from __future__ import annotations

import logging
import re
import sqlite3

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("stagehand")

#: `PRAGMA application_id` of a stagehand database ("STGH"), so a file can be told apart from
#: another program's SQLite database (`file stagehand.db` shows it too). docs/schema.md.
APPLICATION_ID = 0x53544748


def schema_version() -> int:
    """The `PRAGMA user_version` this stagehand writes: how many migrations it knows.

    Migrations are append-only, so a database stamped higher was written by a newer stagehand.
    Counted when asked, so a migration added anywhere in this file counts.
    """
    return len(migrations._migrations)


@migrations()
def m001_initial(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE shows (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            title TEXT NOT NULL DEFAULT '',
            description TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            started_at TEXT NOT NULL,
            ended_at TEXT
        )
        """
    )
    db.execute(
        """
        CREATE TABLE segments (
            id INTEGER PRIMARY KEY,
            show_id INTEGER NOT NULL REFERENCES shows(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            title TEXT NOT NULL,
            keywords TEXT NOT NULL DEFAULT '[]',
            started_at TEXT NOT NULL,
            UNIQUE (show_id, position)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE authors (
            id INTEGER PRIMARY KEY,
            platform TEXT NOT NULL,
            platform_user_id TEXT NOT NULL,
            name TEXT NOT NULL,
            display_name TEXT NOT NULL DEFAULT '',
            roles TEXT NOT NULL DEFAULT '[]',
            first_seen_at TEXT NOT NULL,
            opted_out INTEGER NOT NULL DEFAULT 0,
            UNIQUE (platform, platform_user_id)
        )
        """
    )
    db.execute(
        """
        CREATE TABLE comments (
            id INTEGER PRIMARY KEY,
            show_id INTEGER NOT NULL REFERENCES shows(id) ON DELETE CASCADE,
            segment_id INTEGER REFERENCES segments(id),
            author_id INTEGER NOT NULL REFERENCES authors(id),
            platform TEXT NOT NULL,
            message_id TEXT NOT NULL,
            channel TEXT NOT NULL DEFAULT '',
            ts TEXT NOT NULL,
            text TEXT NOT NULL,
            original_text TEXT NOT NULL,
            reply_to TEXT,
            first_message INTEGER NOT NULL DEFAULT 0,
            attachments TEXT NOT NULL DEFAULT '[]',
            truncated INTEGER NOT NULL DEFAULT 0,
            score REAL NOT NULL DEFAULT 0,
            rank_key REAL NOT NULL DEFAULT 0,
            reasons TEXT NOT NULL DEFAULT '{}',
            flags TEXT NOT NULL DEFAULT '',
            is_question INTEGER NOT NULL DEFAULT 0,
            on_topic INTEGER NOT NULL DEFAULT 0,
            side_chatter INTEGER NOT NULL DEFAULT 0,
            anonymized INTEGER NOT NULL DEFAULT 0,
            edited_at TEXT,
            deleted_at TEXT,
            UNIQUE (show_id, platform, message_id)
        )
        """
    )
    db.execute("CREATE INDEX comments_show_ts ON comments (show_id, ts)")
    db.execute("CREATE INDEX comments_author ON comments (author_id)")
    db.execute("CREATE INDEX comments_segment ON comments (segment_id)")
    db.execute(
        """
        CREATE TABLE comment_edits (
            id INTEGER PRIMARY KEY,
            comment_id INTEGER NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
            ts TEXT NOT NULL,
            previous_text TEXT NOT NULL,
            text TEXT NOT NULL
        )
        """
    )
    db.execute(
        """
        CREATE TABLE host_actions (
            id INTEGER PRIMARY KEY,
            show_id INTEGER NOT NULL REFERENCES shows(id) ON DELETE CASCADE,
            ts TEXT NOT NULL,
            action TEXT NOT NULL,
            comment_id INTEGER REFERENCES comments(id) ON DELETE SET NULL,
            author_id INTEGER REFERENCES authors(id) ON DELETE SET NULL,
            text TEXT NOT NULL DEFAULT '',
            outcome TEXT NOT NULL DEFAULT ''
        )
        """
    )
    db.execute("CREATE INDEX host_actions_show_ts ON host_actions (show_id, ts)")
    db.execute("CREATE INDEX host_actions_comment ON host_actions (comment_id)")
    db.execute(
        """
        CREATE TABLE stage_sessions (
            id INTEGER PRIMARY KEY,
            show_id INTEGER NOT NULL REFERENCES shows(id) ON DELETE CASCADE,
            author_id INTEGER NOT NULL REFERENCES authors(id) ON DELETE CASCADE,
            comment_id INTEGER REFERENCES comments(id) ON DELETE SET NULL,
            started_at TEXT NOT NULL,
            ended_at TEXT
        )
        """
    )
    db.execute("CREATE INDEX stage_sessions_show ON stage_sessions (show_id, started_at)")
    db.execute(
        """
        CREATE TABLE commands (
            id INTEGER PRIMARY KEY,
            show_id INTEGER NOT NULL REFERENCES shows(id) ON DELETE CASCADE,
            comment_id INTEGER REFERENCES comments(id) ON DELETE SET NULL,
            author_id INTEGER REFERENCES authors(id) ON DELETE CASCADE,
            ts TEXT NOT NULL,
            name TEXT NOT NULL,
            args TEXT NOT NULL DEFAULT '',
            outcome TEXT NOT NULL DEFAULT ''
        )
        """
    )
    db.execute("CREATE INDEX commands_show ON commands (show_id, ts)")
    # Full-text search over the sanitized text (the console's `/`), kept in step by triggers.
    db.table("comments").enable_fts(["text"], tokenize="porter", create_triggers=True)


@migrations()
def m002_host_action_keys(db: Database) -> None:
    """Host actions get a key unique within their show (exactly once, however often a show is
    resumed or replayed) and, for `undo` actions, the key of the action they take back."""
    db.execute("ALTER TABLE host_actions ADD COLUMN key TEXT")
    db.execute("ALTER TABLE host_actions ADD COLUMN undoes TEXT")
    db.execute("UPDATE host_actions SET key = 'legacy-' || id")
    db.execute("CREATE UNIQUE INDEX host_actions_key ON host_actions (show_id, key)")


@migrations()
def m030_golive_pseudonyms(db: Database) -> None:
    """Opted-out authors keep a pseudonym (a keyed hash, `stagehand.pseudonyms`) instead of
    their platform id; `pseudonym_keys` names, by fingerprint, every key that made one here."""
    db.execute(
        """
        CREATE TABLE pseudonym_keys (
            fingerprint TEXT PRIMARY KEY,
            first_used_at TEXT NOT NULL
        )
        """
    )
    # Opt-outs recorded before pseudonyms existed get theirs now (the key is made only if so).
    from stagehand.pseudonyms import PseudonymKeyError
    from stagehand.store.pseudonymize import Pseudonymizer

    try:
        Pseudonymizer(db.conn).hide_opted_out()
    except PseudonymKeyError as exc:  # anonymized already; the next opt-out catches up
        logging.getLogger(__name__).warning("%s: opted-out viewers keep their ids for now", exc)


@migrations()
def m010_queue_comment_kinds(db: Database) -> None:
    """Each comment's kind (comment, command, host, moderator, bot: `stagehand.show.kinds`), which
    decides what may enter the queue and what the metrics count, and `to_chat`: said to other
    viewers (a reply to or @mention of a viewer, a question put to the chat), not to the show.

    Older rows are classified here as the pipeline would with the default settings (prefix `!`,
    the default bot list, no `[show] hosts` accounts); `to_chat` from replies and leading @s.
    """
    db.execute("ALTER TABLE comments ADD COLUMN kind TEXT NOT NULL DEFAULT 'comment'")
    db.execute("ALTER TABLE comments ADD COLUMN to_chat INTEGER NOT NULL DEFAULT 0")
    bots = ",".join(
        f"'{name}'"
        for name in (
            "nightbot",
            "streamelements",
            "moobot",
            "fossabot",
            "streamlabs",
            "wizebot",
            "botisimo",
            "sery_bot",
            "soundalerts",
        )
    )
    db.execute(
        f"""UPDATE comments SET kind = CASE
              WHEN author_id IN (SELECT id FROM authors WHERE lower(name) IN ({bots})) THEN 'bot'
              WHEN ltrim(original_text) GLOB '![A-Za-z]*'
                   AND NOT (lower(ltrim(original_text)) LIKE '!ask %'
                            AND trim(substr(ltrim(original_text), 6)) != '') THEN 'command'
              WHEN author_id IN (SELECT id FROM authors WHERE roles LIKE '%"broadcaster"%'
                                 OR roles LIKE '%"host"%') THEN 'host'
              WHEN author_id IN (SELECT id FROM authors WHERE roles LIKE '%"moderator"%')
                   THEN 'moderator'
              ELSE 'comment' END"""
    )
    db.execute(
        """UPDATE comments SET to_chat = 1
           WHERE ltrim(text) LIKE '@%' OR EXISTS (
               SELECT 1 FROM comments AS parent JOIN authors ON authors.id = parent.author_id
               WHERE parent.show_id = comments.show_id AND parent.platform = comments.platform
                 AND parent.message_id = comments.reply_to
                 AND parent.author_id != comments.author_id
                 AND authors.roles NOT LIKE '%"broadcaster"%'
                 AND authors.roles NOT LIKE '%"host"%')"""
    )


@migrations()
def m020_resume_exactly_once(db: Database) -> None:
    """Exactly once, however often a show is resumed: every command and stage appearance gets
    a key unique within its show, and a replay records how far into its transcript the stored
    show goes (written in the same transaction as the rows it stands for)."""
    db.execute("ALTER TABLE commands ADD COLUMN key TEXT")
    db.execute("UPDATE commands SET key = 'legacy-' || id")
    # The first row of each comment gets the comment's key; repeats a resume made keep theirs.
    db.execute(
        """UPDATE commands SET key = (
               SELECT comments.platform || ':' || comments.message_id FROM comments
               WHERE comments.id = commands.comment_id)
           WHERE id IN (SELECT min(id) FROM commands WHERE comment_id IS NOT NULL
                        GROUP BY show_id, comment_id)"""
    )
    db.execute("CREATE UNIQUE INDEX commands_key ON commands (show_id, key)")
    db.execute("ALTER TABLE stage_sessions ADD COLUMN key TEXT")
    db.execute("UPDATE stage_sessions SET key = 'legacy-' || id")
    db.execute("CREATE UNIQUE INDEX stage_sessions_key ON stage_sessions (show_id, key)")
    db.execute(
        """
        CREATE TABLE replay_positions (
            show_id INTEGER PRIMARY KEY REFERENCES shows(id) ON DELETE CASCADE,
            source TEXT NOT NULL,
            offset INTEGER NOT NULL,
            line INTEGER NOT NULL,
            show_ts TEXT,
            digest TEXT NOT NULL
        )
        """
    )


@migrations()
def m040_console_undo_lookup(db: Database) -> None:
    """Finding an action's undo by the key it names: metrics ask it once per answer."""
    db.execute(
        "CREATE INDEX host_actions_undoes ON host_actions (show_id, undoes)"
        " WHERE undoes IS NOT NULL"
    )


@migrations()
def m110_server17_actors_on_stream(db: Database) -> None:
    """Who did each host action (`actor`: the show server token's name; empty for the console
    on the show's machine), and `on_stream`: each time a comment was shown on the stream's
    overlay, from when to when (what the report's "shown on stream" adds up)."""
    db.execute("ALTER TABLE host_actions ADD COLUMN actor TEXT NOT NULL DEFAULT ''")
    db.execute(
        """
        CREATE TABLE on_stream (
            id INTEGER PRIMARY KEY,
            show_id INTEGER NOT NULL REFERENCES shows(id) ON DELETE CASCADE,
            comment_id INTEGER REFERENCES comments(id) ON DELETE SET NULL,
            started_at TEXT NOT NULL,
            ended_at TEXT,
            key TEXT NOT NULL,
            actor TEXT NOT NULL DEFAULT '',
            UNIQUE (show_id, key)
        )
        """
    )


@migrations()
def m180_yt18_quota_calls(db: Database) -> None:
    """Every call stagehand made against a platform's daily API quota (YouTube's 10,000 units),
    with its cost: the governor's memory across restarts on the same quota day, and what
    `stagehand doctor` adds up. `day` is the quota day the call counts against (YouTube's starts
    at midnight Pacific time), so one day's spend is one indexed sum whatever the show."""
    db.execute(
        """
        CREATE TABLE quota_calls (
            id INTEGER PRIMARY KEY,
            show_id INTEGER REFERENCES shows(id) ON DELETE SET NULL,
            platform TEXT NOT NULL,
            day TEXT NOT NULL,
            ts TEXT NOT NULL,
            method TEXT NOT NULL,
            units INTEGER NOT NULL,
            outcome TEXT NOT NULL DEFAULT 'ok'
        )
        """
    )
    db.execute("CREATE INDEX quota_calls_day ON quota_calls (platform, day)")


@migrations()
def m181_yt18_comment_highlights(db: Database) -> None:
    """How the platform made a comment stand out (`domain.Highlight`): a YouTube Super Chat or
    Super Sticker with its amount, a membership, Twitch bits or channel points. NULL kind: an
    ordinary comment. `highlight_shown` is the amount as the platform displayed it ("$5.00")."""
    db.execute("ALTER TABLE comments ADD COLUMN highlight_kind TEXT")
    db.execute("ALTER TABLE comments ADD COLUMN highlight_amount REAL NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE comments ADD COLUMN highlight_currency TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE comments ADD COLUMN highlight_shown TEXT NOT NULL DEFAULT ''")


@migrations(transactional=False)
def m190_perf19_message_keys(db: Database) -> None:
    """Comments are kept unique per show by an integer key (`store.keys.message_key`: 8 bytes of
    a BLAKE2b digest of platform and message id) instead of a unique index over the message id's
    text, and full-text search is filled once per batch by the writer instead of by a trigger
    per row: together about half of what storing a comment cost on a long show.

    The table is rebuilt (SQLite cannot drop a table's UNIQUE clause): same rows, same row ids,
    the search index kept as it is. Foreign keys are off while it runs, or dropping the old table
    would cascade into the edits, commands and host actions that point at its rows; so this runs
    in a transaction of its own. Two stored messages that share a key (about one show in 37
    million of a million comments) keep it on the earlier row; the later gets NULL and the
    partial unique index `comments_collided` keeps that one unique by its text.
    """
    from stagehand.store.keys import install_message_key

    conn = db.conn
    conn.execute("PRAGMA foreign_keys = OFF")
    try:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Read under the write lock: another stagehand may have migrated the file meanwhile,
            # or a crash came between this commit and its record.
            columns = [row[1] for row in conn.execute("PRAGMA table_info(comments)")]
            # A reference already broken before (another tool wrote the file with foreign keys
            # off) is not the rebuild's doing: only what the rebuild would break refuses it.
            before = set(conn.execute("PRAGMA foreign_key_check").fetchall())
            if "msg_key" not in columns:
                _rebuild_comments_with_keys(conn, columns)
            problems = set(conn.execute("PRAGMA foreign_key_check").fetchall()) - before
            if problems:
                raise sqlite3.IntegrityError(
                    f"foreign keys broken by the rebuild: {sorted(problems)[:3]}"
                )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        conn.execute("PRAGMA foreign_keys = ON")
    install_message_key(conn)


#: Comments above which the key migration says it is working (it rebuilds about 110,000 a second).
SAY_REBUILD_FROM = 200_000


def _rebuild_comments_with_keys(conn: sqlite3.Connection, columns: list[str]) -> None:
    from stagehand.store.keys import install_message_key

    install_message_key(conn)
    stored = conn.execute("SELECT max(id) FROM comments").fetchone()[0] or 0
    if stored >= SAY_REBUILD_FROM:  # a long wait on opening an archive should not look like a hang
        logging.getLogger(__name__).warning(
            "upgrading this database once: %s comments get an integer key (about %d s)",
            f"{stored:,}",
            max(1, stored // 110_000),
        )
    sql = conn.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'comments'"
    ).fetchone()[0]
    sql, found = re.subn(r",\s*UNIQUE\s*\(\s*show_id\s*,\s*platform\s*,\s*message_id\s*\)", "", sql)
    if found != 1:
        raise sqlite3.IntegrityError("the comments table does not have the expected unique key")
    sql = re.sub(r"^CREATE TABLE\s+\"?comments\"?", "CREATE TABLE comments_rebuilt", sql)
    end = sql.rstrip().rfind(")")
    conn.execute(sql[:end].rstrip() + ",\n    msg_key INTEGER\n)")
    listed = ", ".join(columns)
    conn.execute(
        f"INSERT INTO comments_rebuilt ({listed}, msg_key)"
        f" SELECT {listed}, stagehand_message_key(platform, message_id) FROM comments ORDER BY id"
    )
    shared = conn.execute(
        "SELECT show_id, msg_key, min(id) FROM comments_rebuilt"
        " GROUP BY show_id, msg_key HAVING count(*) > 1"
    ).fetchall()
    for show_id, key, first in shared:
        conn.execute(
            "UPDATE comments_rebuilt SET msg_key = NULL WHERE show_id = ? AND msg_key = ? AND id != ?",
            (show_id, key, first),
        )
    conn.execute("DROP TABLE comments")  # its triggers go with it; comments_fts stays
    conn.execute("ALTER TABLE comments_rebuilt RENAME TO comments")
    conn.execute("CREATE UNIQUE INDEX comments_key ON comments (show_id, msg_key)")
    conn.execute(
        "CREATE UNIQUE INDEX comments_collided ON comments (show_id, platform, message_id)"
        " WHERE msg_key IS NULL"
    )
    conn.execute("CREATE INDEX comments_show_ts ON comments (show_id, ts)")
    conn.execute("CREATE INDEX comments_author ON comments (author_id)")
    conn.execute("CREATE INDEX comments_segment ON comments (segment_id)")
    # Edits, anonymizing and forgetting keep search in step row by row (rare); new rows are
    # added to search by the writer, once per batch (store/recorder.py).
    conn.execute(
        """CREATE TRIGGER comments_ad AFTER DELETE ON comments BEGIN
             INSERT INTO comments_fts (comments_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
           END"""
    )
    conn.execute(
        """CREATE TRIGGER comments_au AFTER UPDATE OF text ON comments BEGIN
             INSERT INTO comments_fts (comments_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
             INSERT INTO comments_fts (rowid, text) VALUES (new.rowid, new.text);
           END"""
    )


@migrations()
def m200_comment_author_then(db: Database) -> None:
    """Who a comment's author was when they wrote it: their display name and roles then
    (`display_name_then`, `roles_then` as JSON). The authors table keeps only the latest: a
    viewer made a moderator mid-show (or renamed) had their earlier comments exported as if
    written so, and a replay of the export counted their questions as a moderator's lines. NULL:
    a comment stored before this, or one whose author opted out or asked to be forgotten (the
    author's row then says all there is)."""
    db.execute("ALTER TABLE comments ADD COLUMN display_name_then TEXT")
    db.execute("ALTER TABLE comments ADD COLUMN roles_then TEXT")


@migrations()
def m210_comment_same_as(db: Database) -> None:
    """The first asker a comment's queue row merges with (`Score.same_as`, JSON `[platform,
    message id]`): the same question asked again, or a paste of a wave. A resumed show builds
    its queue from the stored rows, "asked by N" as before the restart. NULL: a row of its own,
    or stored before this."""
    db.execute("ALTER TABLE comments ADD COLUMN same_as TEXT")


@migrations()
def m220_segment_opening_topic(db: Database) -> None:
    """The title and keywords a segment began with (`title` and `keywords` hold its latest: a
    topic edit mid-segment overwrites them). An export starts the segment with these and plays
    each topic edit at its time, so a replay ranks each comment by the topic live when it came;
    a resumed show can undo a segment's first topic edit. NULL for rows stored before this (the
    latest topic is all there is)."""
    db.execute("ALTER TABLE segments ADD COLUMN opening_title TEXT")
    db.execute("ALTER TABLE segments ADD COLUMN opening_keywords TEXT")


@migrations()
def m230_privacy_purges(db: Database) -> None:
    """Forgotten words waiting to leave the database file (`store/purge.py`): `!forget confirm`
    and `!optout` empty the columns at once and add a row here in the same transaction; the
    writer rewrites the search index, zeroes free pages and empties the log as the show closes
    (or as the next show starts, after a crash), and deletes the rows in that transaction."""
    db.execute("CREATE TABLE privacy_purges (id INTEGER PRIMARY KEY, requested_at TEXT NOT NULL)")


@migrations()
def m240_text_names(db: Database) -> None:
    """Whom a stored text names, and where (`stagehand.naming`): a moderator's `!stage @ana`
    names ana in its command's `args` and `outcome` and in its line (`comments.text`). When ana
    opts out or is forgotten, exactly those characters are said as every screen says them now
    ("a viewer who opted out", "a forgotten viewer"), and the rows here go (store/names.py)."""
    db.execute(
        """
        CREATE TABLE text_names (
            id INTEGER PRIMARY KEY,
            author_id INTEGER NOT NULL REFERENCES authors(id) ON DELETE CASCADE,
            command_id INTEGER REFERENCES commands(id) ON DELETE CASCADE,
            comment_id INTEGER REFERENCES comments(id) ON DELETE CASCADE,
            field TEXT NOT NULL,
            start INTEGER NOT NULL,
            stop INTEGER NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX text_names_author ON text_names (author_id)")
    db.execute("CREATE INDEX text_names_command ON text_names (command_id)")
    db.execute("CREATE INDEX text_names_comment ON text_names (comment_id)")


@migrations()
def m250_command_answers(db: Database) -> None:
    """What the bot answered in chat to each command (`commands.answer`, "" for nothing, or
    when the send budget dropped it): a host rehearsing with `stagehand replay` reads it there.
    Whom it names is in `text_names` (field `answer`), un-named as the command's other texts."""
    db.execute("ALTER TABLE commands ADD COLUMN answer TEXT NOT NULL DEFAULT ''")


@migrations()
def m260_text_names_in_edits(db: Database) -> None:
    """Whom an edited line's earlier text names (`text_names.edit_id`, field `previous_text`):
    when a moderator edits `!stage @ana`, the places the command recorded move with the old text
    into its `comment_edits` row, and are un-named there when ana leaves (store/names.py)."""
    db.execute(
        "ALTER TABLE text_names ADD COLUMN edit_id INTEGER"
        " REFERENCES comment_edits(id) ON DELETE CASCADE"
    )
    db.execute("CREATE INDEX text_names_edit ON text_names (edit_id)")


@migrations()
def m270_text_names_in_host_actions(db: Database) -> None:
    """Whom a host action's `outcome` names (`text_names.host_action_id`, field `outcome`): a
    live Twitch invitation logs "ok: ana: whispered the guest link", un-named when ana leaves
    as a command's texts are (store/names.py)."""
    db.execute(
        "ALTER TABLE text_names ADD COLUMN host_action_id INTEGER"
        " REFERENCES host_actions(id) ON DELETE CASCADE"
    )
    db.execute("CREATE INDEX text_names_host_action ON text_names (host_action_id)")


@migrations()
def m280_chat_positions(db: Database) -> None:
    """How far each platform's chat of a show was read (YouTube's page token, with the live
    chat it belongs to): a show run again reads on from there instead of the chat's backlog.
    Made only where missing: a build that recorded it as m270_chat_positions made it already."""
    db.execute(
        """
        CREATE TABLE IF NOT EXISTS chat_positions (
            show_id INTEGER NOT NULL REFERENCES shows(id) ON DELETE CASCADE,
            platform TEXT NOT NULL,
            chat_id TEXT NOT NULL,
            position TEXT NOT NULL,
            PRIMARY KEY (show_id, platform)
        )
        """
    )


@migrations()
def m310_chat_echoes_and_actors(db: Database) -> None:
    """What YouTube's chat shows again that the show heard or did before: `chat_positions`
    keeps the last message read (`last_message`, its id, and `last_message_at`, its time as
    YouTube wrote it), so the backlog YouTube sends when it refuses the saved position is read
    on from there, and `awaiting_bans` the accounts stagehand banned whose ban the chat had not
    shown yet (its echo after a restart is stagehand's own ban); `own_posts` keeps the ids of the messages stagehand posted (replies,
    invitations, command answers), so their echo is never a host line, after a restart too.
    From here on the show's own console's host actions are stored with its name, `host`
    (`host_actions.actor`, `on_stream.actor`), as every screen names it, so they say who did
    them after a restart; rows stored before keep it empty (nothing tells them apart)."""
    db.execute("ALTER TABLE chat_positions ADD COLUMN last_message TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE chat_positions ADD COLUMN last_message_at TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE chat_positions ADD COLUMN awaiting_bans TEXT NOT NULL DEFAULT ''")
    db.execute(
        """
        CREATE TABLE own_posts (
            show_id INTEGER NOT NULL REFERENCES shows(id) ON DELETE CASCADE,
            platform TEXT NOT NULL,
            message_id TEXT NOT NULL,
            PRIMARY KEY (show_id, platform, message_id)
        ) WITHOUT ROWID
        """
    )
