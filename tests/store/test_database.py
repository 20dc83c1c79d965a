"""The store: a real SQLite file any tool can open, idempotent inserts, search, and safe failure."""

from __future__ import annotations

import os
import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from stagehand.domain import Author, Comment, RankedComment, Score, Segment
from stagehand.events import CommentDeleted, CommentEdited, CommentRanked, SegmentChanged
from stagehand.metrics import ShowCounts, show_counts
from stagehand.show.pipeline import sanitized
from stagehand.store import StoreError, open_database
from stagehand.store.queries import (
    forget_unaired_session,
    list_shows,
    open_show,
    search_comments,
)
from stagehand.store.schema import migrations
from stagehand.store.writer import StoreWriter

T0 = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)


def ranked(message_id: str, text: str, *, seconds: int = 0, author: str = "ana") -> RankedComment:
    comment = sanitized(
        Comment(
            id=message_id,
            platform="twitch",
            channel="synthnight",
            author=Author("twitch", f"id-{author}", author, author.title()),
            text=text,
            ts=T0 + timedelta(seconds=seconds),
        )
    )
    return RankedComment(comment, Score(1.0, 1.0, {"topic": 1.0}, frozenset({"question"})), 1)


@pytest.fixture
def show_db(tmp_path: Path) -> tuple[Path, int]:
    path = tmp_path / "show.db"
    db = open_database(path)
    show, resumed = open_show(
        db, "synth", title="Synth Night", description="", source="test", started_at=T0
    )
    assert not resumed
    db.conn.close()
    return path, show.id


def write_all(path: Path, show_id: int, events: list) -> StoreWriter:
    writer = StoreWriter(path, show_id=show_id).start()
    for event in events:
        writer.record(event)
    assert writer.flush(5)
    writer.close()
    return writer


def test_schema_opens_in_plain_sqlite_with_wal_and_foreign_keys(show_db) -> None:
    path, _ = show_db
    conn = sqlite3.connect(path)
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {
        "shows",
        "segments",
        "authors",
        "comments",
        "host_actions",
        "stage_sessions",
        "commands",
        "comments_fts",
    } <= tables
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    fks = conn.execute("PRAGMA foreign_key_list(comments)").fetchall()
    assert {fk[2] for fk in fks} == {"shows", "segments", "authors"}
    indexes = {row[1] for row in conn.execute("PRAGMA index_list(comments)")}
    assert "comments_show_ts" in indexes


def test_migrations_run_once(show_db) -> None:
    path, _ = show_db
    open_database(path).conn.close()
    conn = sqlite3.connect(path)
    # Opened twice, each migration is recorded once.
    names = [row[0] for row in conn.execute("SELECT name FROM _sqlite_migrations")]
    assert len(names) == len(set(names)) == len(migrations._migrations)


def test_a_redelivered_message_is_stored_once(show_db) -> None:
    path, show_id = show_db
    event = CommentRanked(ranked("msg-1", "hello"))
    segment = SegmentChanged(Segment(1, "Oscillators", ("vco",), T0))
    write_all(path, show_id, [segment, event, event, event])
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT count(*) FROM comments").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM authors").fetchone()[0] == 1
    row = conn.execute(
        "SELECT segments.title FROM comments JOIN segments ON segments.id = comments.segment_id"
    ).fetchone()
    assert row == ("Oscillators",)


def test_original_text_is_kept_beside_the_clean_text(show_db) -> None:
    path, show_id = show_db
    write_all(path, show_id, [CommentRanked(ranked("m", "\x1b[2Jhi\u202e there"))])
    text, original, flags = (
        sqlite3.connect(path).execute("SELECT text, original_text, flags FROM comments").fetchone()
    )
    assert text == "hi there"
    assert original == "\x1b[2Jhi\u202e there"
    assert flags == "question"


def test_search_finds_words_and_prefixes(show_db) -> None:
    path, show_id = show_db
    write_all(
        path,
        show_id,
        [
            CommentRanked(ranked("1", "the resonance is screaming", seconds=1)),
            CommentRanked(ranked("2", "love the oscillators", seconds=2, author="ben")),
        ],
    )
    db = open_database(path)
    hits = search_comments(db, show_id, "oscill")
    assert [(h.message_id, h.author) for h in hits] == [("2", "Ben")]
    assert search_comments(db, show_id, '"') == []
    assert [h.message_id for h in search_comments(db, show_id, "RESONANCE")] == ["1"]


def test_search_never_finds_a_comment_deleted_on_its_platform(show_db) -> None:
    # A moderator took it down: the host's search must not bring it back to the screen.
    path, show_id = show_db
    write_all(
        path,
        show_id,
        [
            CommentRanked(ranked("1", "oscillators are a scam, buy my course", seconds=1)),
            CommentRanked(ranked("2", "which oscillators do you use?", seconds=2, author="ben")),
            CommentDeleted("twitch", "1", T0 + timedelta(seconds=3)),
        ],
    )
    hits = search_comments(open_database(path), show_id, "oscillators")
    assert [h.message_id for h in hits] == ["2"]


def test_shows_are_listed_with_their_counts(show_db) -> None:
    path, show_id = show_db
    write_all(
        path, show_id, [CommentRanked(ranked(str(i), "hi", author=f"u{i % 3}")) for i in range(10)]
    )
    db = open_database(path)
    (row,) = list_shows(db)
    # Counting is a metric, defined once (docs/metrics.md): the listing counts as the report.
    assert (row.name, show_counts(db, row)) == ("synth", ShowCounts(10, 3))


def test_reopening_a_show_by_name_resumes_it(show_db) -> None:
    path, show_id = show_db
    write_all(path, show_id, [CommentRanked(ranked("1", "hi"))])
    db = open_database(path)
    show, resumed = open_show(db, "synth", title="", description="", source="t", started_at=T0)
    assert resumed and show.id == show_id
    assert len(list_shows(db)) == 1


def test_a_show_left_with_nothing_stored_starts_afresh_and_is_not_listed(show_db) -> None:
    """A run killed before anything was stored left its show behind: nothing of it to list or
    resume. Once anything is stored in it, it is a show like any other."""
    path, show_id = show_db
    db = open_database(path)
    assert list_shows(db) == []
    later = T0 + timedelta(hours=2)
    show, resumed = open_show(
        db, "synth", title="New", description="", source="live", started_at=later
    )
    assert not resumed and show.id == show_id
    assert (show.started_at, show.title, show.leftover) == (later, "New", True)
    forget_unaired_session(db, show_id, show)  # that run never went on air either
    assert db.execute("SELECT count(*) FROM shows").fetchone() == (0,)

    show, _ = open_show(db, "synth", title="", description="", source="live", started_at=later)
    write_all(path, show.id, [SegmentChanged(Segment(1, "Intro", (), later))])
    forget_unaired_session(db, show.id, show)  # a host started a segment: never deleted
    assert [row.name for row in list_shows(db)] == ["synth"]


@pytest.fixture
def read_only_db(tmp_path: Path):
    """A database file nobody may write, even root (chattr +i), or skip where that is impossible."""
    path = tmp_path / "ro.db"
    open_database(path).conn.close()
    if os.geteuid() != 0:
        path.chmod(0o444)
        yield path
        return
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip(
            "running as root on a filesystem without chattr +i: cannot make a read-only file"
        )
    yield path
    subprocess.run(["chattr", "-i", str(path)], check=False)


def test_a_read_only_database_is_a_clear_error(read_only_db: Path) -> None:
    path = read_only_db
    problems: list[str] = []
    writer = StoreWriter(path, show_id=1, on_problem=problems.append).start()
    writer.record(SegmentChanged(Segment(1, "x", (), T0)))
    assert not writer.flush(2)
    assert problems and "read-only" in problems[0]


def test_a_failing_write_is_kept_and_retried_until_it_works(show_db) -> None:
    path, show_id = show_db
    problems: list[str] = []
    recovered: list[bool] = []
    blocker = sqlite3.connect(path, timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")  # another program holds the write lock
    writer = StoreWriter(
        path,
        show_id=show_id,
        on_problem=problems.append,
        on_recovered=lambda: recovered.append(True),
    )
    writer.start()
    writer.record(CommentRanked(ranked("late", "still here")))
    assert not writer.flush(4)
    assert problems and "locked" in problems[0]
    blocker.rollback()
    assert writer.flush(15)
    assert recovered == [True]
    writer.close()
    count = sqlite3.connect(path).execute("SELECT count(*) FROM comments").fetchone()[0]
    assert count == 1


def test_a_file_that_is_not_a_database_is_named(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database" * 100)
    with pytest.raises(StoreError, match=rf"not a SQLite database: {path}; pass --db"):
        open_database(path)


def test_a_full_disk_is_described_for_the_host(tmp_path: Path) -> None:
    from stagehand.store.database import describe_sqlite_error

    conn = sqlite3.connect(tmp_path / "tiny.db")
    conn.execute("PRAGMA max_page_count = 2")  # SQLite's own "disk is full", for real
    conn.execute("CREATE TABLE t (x TEXT)")
    try:
        with conn:
            conn.executemany("INSERT INTO t VALUES (?)", [("x" * 1000,)] * 50)
    except sqlite3.OperationalError as exc:
        message = describe_sqlite_error(tmp_path / "tiny.db", exc)
    else:
        pytest.fail("SQLite did not report a full database")
    assert message == (
        f"disk is full: {tmp_path / 'tiny.db'}; chat is kept in memory until there is room again"
    )


def test_a_change_that_cannot_apply_is_skipped_and_the_rest_is_written(show_db) -> None:
    path, show_id = show_db
    problems: list[str] = []
    writer = StoreWriter(path, show_id=show_id, on_problem=problems.append).start()
    writer.record(CommentRanked(ranked("before", "one")))
    # A bug elsewhere (an edit without its time) must not stop writing.
    writer.record(CommentEdited("twitch", "before", "x", "x", None))  # type: ignore[arg-type]
    writer.record(CommentRanked(ranked("after", "two", seconds=1)))
    assert writer.flush(5)
    writer.record(CommentRanked(ranked("later", "three", seconds=2)))
    # ...but the writer does not pretend: closing says not everything could be stored.
    assert not writer.close()
    assert writer.lost == 1
    assert writer.last_error and "1 change(s) could not be stored" in writer.last_error
    ids = [
        r[0] for r in sqlite3.connect(path).execute("SELECT message_id FROM comments ORDER BY ts")
    ]
    assert ids == ["before", "after", "later"]


def test_the_file_says_it_is_stagehands_and_which_schema(show_db, tmp_path: Path) -> None:
    path, _ = show_db
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x53544748  # "STGH"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(migrations._migrations)
    # A database from before the stamp (version 0, migrations recorded) is stamped, not refused.
    conn.execute("PRAGMA user_version = 0")
    conn.execute("PRAGMA application_id = 0")
    conn.close()
    open_database(path).conn.close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(migrations._migrations)
    assert conn.execute("PRAGMA application_id").fetchone()[0] == 0x53544748


def test_a_comment_with_no_reply_highlight_or_wave_stores_nulls_without_adapting_them(
    tmp_path: Path,
) -> None:
    """Most comments bind three Nones (no reply, no highlight, no wave of copies). The sqlite3
    module looks each one up in its adapters, and with none there asks its protocol for
    `__adapt__` (an AttributeError made and dropped: about 6k instructions a comment on the
    writer's thread, which bounds a flood). The store gives None an adapter of its own, and a
    None is still stored as NULL."""
    db = open_database(tmp_path / "nulls.db")
    show, _ = open_show(
        db, "nulls", title="Nulls", description="", source="test", started_at=datetime.now(UTC)
    )
    author = Author("twitch", "u1", "ann", "Ann")
    plain = sanitized(Comment("m1", "twitch", "chan", author, "hello", datetime.now(UTC)))
    writer = StoreWriter(tmp_path / "nulls.db", show_id=show.id).start()
    writer.record(CommentRanked(RankedComment(plain, Score(1.0, 1.0), 0)))
    assert writer.close()
    row = db.execute(
        "SELECT typeof(reply_to), typeof(highlight_kind), typeof(same_as) FROM comments"
    ).fetchone()
    db.conn.close()

    assert row == ("null", "null", "null")
    assert (type(None), sqlite3.PrepareProtocol) in sqlite3.adapters


def test_a_database_whose_chat_positions_came_from_another_build_still_opens(
    show_db,
) -> None:
    """A database made by a build that recorded the chat positions table under another
    migration name (m270_chat_positions) failed to open: "table chat_positions already
    exists". The table is made only where it is missing; what it holds is kept."""
    path, show_id = show_db
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO chat_positions (show_id, platform, chat_id, position) "
        "VALUES (?, 'youtube', 'chat1', 'token1')",
        (show_id,),
    )
    conn.execute(
        "UPDATE _sqlite_migrations SET name = 'm270_chat_positions' "
        "WHERE name = 'm280_chat_positions'"
    )
    conn.execute("PRAGMA user_version = 0")
    conn.commit()
    conn.close()
    open_database(path).conn.close()
    conn = sqlite3.connect(path)
    assert conn.execute("SELECT chat_id, position FROM chat_positions").fetchall() == [
        ("chat1", "token1")
    ]
    assert conn.execute("PRAGMA user_version").fetchone()[0] == len(migrations._migrations)
