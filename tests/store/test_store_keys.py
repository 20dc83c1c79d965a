"""Comments are stored once by an integer key, and a database made before the key migrates.

The database is the ground truth for "stored once" (a resumed show, a redelivery): it must
refuse a second copy of a platform message whatever the key, including two messages whose keys
happen to be the same, and full-text search must find every stored comment.
"""

from __future__ import annotations

import logging
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from stagehand.domain import Author, Comment, RankedComment, Score
from stagehand.events import CommentEdited, CommentRanked
from stagehand.show.pipeline import sanitized
from stagehand.store import keys, open_database
from stagehand.store.database import connect
from stagehand.store.queries import open_show, search_comments
from stagehand.store.schema import migrations
from stagehand.store.writer import StoreWriter

T0 = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)
KEY_MIGRATION = "m190_perf19_message_keys"


def ranked(message_id: str, text: str, *, seconds: int = 0) -> RankedComment:
    comment = sanitized(
        Comment(
            id=message_id,
            platform="twitch",
            channel="synthnight",
            author=Author("twitch", "id-ana", "ana", "Ana"),
            text=text,
            ts=T0 + timedelta(seconds=seconds),
        )
    )
    return RankedComment(comment, Score(1.0, 1.0), 1)


def new_show(path: Path) -> int:
    db = open_database(path)
    show, _ = open_show(db, "synth", title="Synth", description="", source="test", started_at=T0)
    db.conn.close()
    return show.id


def write(path: Path, show_id: int, *events: object) -> StoreWriter:
    writer = StoreWriter(path, show_id=show_id).start()
    for event in events:
        writer.record(event)  # type: ignore[arg-type]
    assert writer.close()
    return writer


def test_a_second_copy_of_a_message_is_refused_by_the_database(tmp_path: Path) -> None:
    path = tmp_path / "show.db"
    show_id = new_show(path)
    first = write(path, show_id, CommentRanked(ranked("m1", "what synth is that?")))
    again = write(path, show_id, CommentRanked(ranked("m1", "what synth is that?")))

    assert (first.stored.comments, again.stored.comments) == (1, 0)
    assert again.stored.comments_already_stored == 1
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO comments (show_id, author_id, platform, message_id, ts, text,"
            " original_text, msg_key) SELECT show_id, author_id, platform, message_id, ts, text,"
            " original_text, msg_key FROM comments"
        )
    conn.close()


def test_two_messages_sharing_a_key_are_both_stored_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A digest collision (about once in 37 million long shows) made to happen every time."""
    monkeypatch.setattr("stagehand.store.recorder.message_key", lambda platform, id_: 42)
    monkeypatch.setattr(keys, "message_key", lambda platform, id_: 42)
    path = tmp_path / "show.db"
    show_id = new_show(path)
    one = write(
        path,
        show_id,
        CommentRanked(ranked("m1", "first message")),
        CommentRanked(ranked("m2", "second message shares the key")),
        CommentRanked(ranked("m3", "third message too")),
    )
    # Delivered again (a resumed show): each is already there, under its key or without one.
    two = write(
        path,
        show_id,
        CommentRanked(ranked("m3", "third message too")),
        CommentRanked(ranked("m2", "second message shares the key")),
        CommentRanked(ranked("m1", "first message")),
        CommentEdited("twitch", "m2", "second message, edited", "second message, edited", T0),
    )

    assert one.stored.comments == 3
    assert (two.stored.comments, two.stored.comments_already_stored) == (0, 3)
    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT message_id, msg_key, text FROM comments ORDER BY id").fetchall()
    assert rows == [
        ("m1", 42, "first message"),
        ("m2", None, "second message, edited"),
        ("m3", None, "third message too"),
    ]
    assert keys.find_comment(conn, show_id, "twitch", "m3") is not None
    conn.close()


def old_database(path: Path) -> int:
    """A database as stagehand made it before comments had an integer key, with a show in it:
    comments (one edited, one a command, one acted on by the host) and their search index."""
    db = connect(path)
    migrations.apply(db, stop_before=KEY_MIGRATION)
    show, _ = open_show(db, "synth", title="Synth", description="", source="test", started_at=T0)
    db.execute(
        "INSERT INTO authors (platform, platform_user_id, name, first_seen_at)"
        " VALUES ('twitch', 'id-ana', 'ana', '2026-11-20T19:00:00.000Z')"
    )
    for number, text in enumerate(["is the filter analog?", "!hand", "more reverb please"]):
        db.execute(
            "INSERT INTO comments (show_id, author_id, platform, message_id, ts, text,"
            " original_text) VALUES (?, 1, 'twitch', ?, ?, ?, ?)",
            (show.id, f"old-{number}", f"2026-11-20T19:00:0{number}.000Z", text, text),
        )
    db.execute(
        "INSERT INTO comment_edits (comment_id, ts, previous_text, text)"
        " VALUES (1, '2026-11-20T19:00:05.000Z', 'is the filter analogue?', 'is the filter analog?')"
    )
    db.execute(
        "INSERT INTO commands (show_id, comment_id, author_id, ts, name, key)"
        " VALUES (?, 2, 1, '2026-11-20T19:00:01.000Z', 'hand', 'twitch:old-1')",
        (show.id,),
    )
    db.execute(
        "INSERT INTO host_actions (show_id, ts, action, comment_id, author_id, key)"
        " VALUES (?, '2026-11-20T19:00:06.000Z', 'answer', 1, 1, 'a1')",
        (show.id,),
    )
    db.conn.commit()
    db.conn.close()
    return show.id


def test_a_database_made_before_the_key_migrates_keeping_every_row(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    show_id = old_database(path)

    db = open_database(path)
    pending = migrations.pending(db)
    applied = [row[0] for row in db.execute("SELECT name FROM _sqlite_migrations")]
    assert KEY_MIGRATION in applied and not pending
    rows = db.execute("SELECT id, message_id, msg_key, text FROM comments ORDER BY id").fetchall()
    assert [(r[0], r[1], r[3]) for r in rows] == [
        (1, "old-0", "is the filter analog?"),
        (2, "old-1", "!hand"),
        (3, "old-2", "more reverb please"),
    ]
    assert [r[2] for r in rows] == [keys.message_key("twitch", f"old-{n}") for n in range(3)]
    # What pointed at the rows still does: nothing cascaded away with the old table.
    assert db.execute("SELECT comment_id FROM comment_edits").fetchall() == [(1,)]
    assert db.execute("SELECT comment_id FROM commands").fetchall() == [(2,)]
    assert db.execute("SELECT comment_id FROM host_actions").fetchall() == [(1,)]
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # Search finds what was stored before and what is stored after.
    assert [hit.message_id for hit in search_comments(db, show_id, "reverb")] == ["old-2"]
    db.conn.close()

    writer = write(
        path,
        show_id,
        CommentRanked(ranked("old-2", "more reverb please")),  # redelivered: refused
        CommentRanked(ranked("new-1", "reverb on the snare?", seconds=9)),
    )
    assert (writer.stored.comments, writer.stored.comments_already_stored) == (1, 1)
    db = open_database(path)
    found = [hit.message_id for hit in search_comments(db, show_id, "reverb")]
    assert sorted(found) == ["new-1", "old-2"]
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # FTS5's own check: the index holds exactly what the comments table says.
    db.execute("INSERT INTO comments_fts (comments_fts) VALUES ('integrity-check')")
    db.conn.close()


def test_search_follows_edits_after_the_migration(tmp_path: Path) -> None:
    path = tmp_path / "show.db"
    show_id = new_show(path)
    write(
        path,
        show_id,
        CommentRanked(ranked("m1", "what synth is that?")),
        CommentEdited("twitch", "m1", "what sampler is that?", "what sampler is that?", T0),
    )
    db = open_database(path)
    assert [h.message_id for h in search_comments(db, show_id, "sampler")] == ["m1"]
    assert search_comments(db, show_id, "synth") == []
    db.execute("INSERT INTO comments_fts (comments_fts) VALUES ('integrity-check')")
    db.conn.close()


def test_a_reference_broken_before_the_migration_does_not_refuse_the_database(
    tmp_path: Path,
) -> None:
    """Another tool wrote the file with foreign keys off and left a command pointing at no
    comment: the rebuild is not to blame, and the file still opens (the old code opened it)."""
    path = tmp_path / "old.db"
    old_database(path)
    conn = sqlite3.connect(path)  # foreign keys are off in a plain sqlite3 connection
    with conn:
        conn.execute(
            "INSERT INTO commands (show_id, comment_id, author_id, ts, name, key)"
            " VALUES (1, 999, 1, '2026-11-20T19:00:07.000Z', 'hand', 'twitch:gone')"
        )
    conn.close()

    db = open_database(path)
    assert "msg_key" in [row[1] for row in db.execute("PRAGMA table_info(comments)")]
    assert db.execute("SELECT count(*) FROM comments").fetchone()[0] == 3
    db.conn.close()


def test_upgrading_a_big_archive_says_so_before_the_wait(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A host opening last year's million-comment archive waits seconds for the rebuild: a line
    says why, so it does not look like a hang (small files upgrade in silence)."""
    path = tmp_path / "old.db"
    show_id = old_database(path)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute(
            "INSERT INTO comments (id, show_id, author_id, platform, message_id, ts, text,"
            " original_text) VALUES (400000, ?, 1, 'twitch', 'late', ?, 'hi', 'hi')",
            (show_id, "2026-11-20T19:10:00.000Z"),
        )
    conn.close()

    with caplog.at_level(logging.WARNING):
        open_database(path).conn.close()
    assert "400,000 comments get an integer key (about 3 s)" in caplog.text
