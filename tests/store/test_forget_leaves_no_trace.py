"""`!forget confirm` (and `!optout`) delete the viewer's words from the database FILE, not only
from its columns: someone who opens stagehand.db in DB Browser, or runs `strings` on it (and on
its -wal file), finds none of them after the show, nor after a crash and the show resumed.

Before, the emptied columns were right but the words stayed readable: in the full-text index
(an FTS5 delete record keeps the tokens it deletes, and the original entry stays until a merge),
in freed pages and in the write-ahead log.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fakes.transcripts import write_jsonl
from stagehand.domain import Author, Comment, RankedComment, Score
from stagehand.events import AuthorForgotten, CommentRanked
from stagehand.show.pipeline import sanitized
from stagehand.store import open_database
from stagehand.store.queries import open_show
from stagehand.store.writer import StoreWriter

START = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)
#: What the viewer typed: a phone number, and words no other viewer uses (nothing in the
#: index shares their first letters, so each is stored whole, never as a shared prefix); then
#: their name and their platform id.
SECRET_LINE = "call me on my yakphone 555-0199 or 5550199, zebrafish"
SECRETS = (b"yakphon", b"555-0199", b"5550199", b"zebrafish", b"yakfan", b"90017731")


def line(index: int, seconds: float, author: str, text: str, user_id: str) -> dict:
    return {
        "kind": "comment",
        "id": f"c{index:05d}",
        "ts": (START + timedelta(seconds=seconds)).isoformat(),
        "platform": "twitch",
        "channel": "privacy",
        "author_id": user_id,
        "author": author,
        "text": text,
        "roles": [],
        "reply_to": None,
    }


def privacy_show(
    path: Path, *, command: str = "forget", after: int = 5, wrap_up: float = 0
) -> Path:
    """Chatter; the viewer types a phone number, then `!forget` and `!forget confirm` (or
    `!optout`); `after` lines of chatter follow. Few: a long chat after it can happen to merge
    the words out of a small index (a big one keeps them for hours). `wrap_up`: a last segment
    begins that many seconds later."""
    records: list[dict] = [
        {"kind": "show", "ts": START.isoformat(), "title": "Privacy", "description": ""},
        {"kind": "segment", "ts": START.isoformat(), "title": "Oscillators", "keywords": ["vco"]},
    ]
    index = 0

    def chat(seconds: float) -> None:
        nonlocal index
        viewer = index % 23
        records.append(
            line(
                index, seconds, f"viewer{viewer}", f"what oscillator for bass {index}?", str(viewer)
            )
        )
        index += 1

    for step in range(400):
        chat(step * 0.005)
    records.append(line(index, 2.0, "yakfan", SECRET_LINE, "90017731"))
    index += 1
    if command == "forget":
        records.append(line(index, 2.1, "yakfan", "!forget", "90017731"))
        records.append(line(index + 1, 2.2, "yakfan", "!forget confirm", "90017731"))
    else:
        records.append(line(index, 2.1, "yakfan", "!optout", "90017731"))
    index += 2
    for step in range(after):
        chat(2.3 + step * 0.01)
    if wrap_up:
        ts = (START + timedelta(seconds=2.3 + wrap_up)).isoformat()
        records.append({"kind": "segment", "ts": ts, "title": "Wrap-up", "keywords": []})
    return write_jsonl(path, records)


def replay(transcript: Path, db: Path, *extra: str) -> subprocess.Popen:
    command = ["replay", str(transcript), "--db", str(db), "--show", "privacy", "--headless"]
    return subprocess.Popen(
        [sys.executable, "-m", "stagehand", *command, *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
    )


def file_bytes(db: Path) -> bytes:
    """Every byte of the database as it lies on disk: the file, its log and its shared memory."""
    found = b""
    for end in ("", "-wal", "-shm", "-journal"):
        path = db.with_name(db.name + end)
        if path.exists():
            found += path.read_bytes()
    return found


def traces(db: Path) -> list[bytes]:
    everything = file_bytes(db).lower()
    return [secret for secret in SECRETS if secret in everything]


def forgotten(db: Path) -> bool:
    try:
        with contextlib.closing(sqlite3.connect(db)) as conn:
            return bool(
                conn.execute(
                    "SELECT count(*) FROM authors WHERE platform_user_id LIKE 'forgotten:%'"
                ).fetchone()[0]
            )
    except sqlite3.OperationalError:
        return False


def test_forget_confirm_leaves_none_of_the_words_in_the_file(tmp_path: Path) -> None:
    transcript = privacy_show(tmp_path / "show.jsonl")
    db = tmp_path / "show.db"
    show = replay(transcript, db, "--instant")
    _, err = show.communicate(timeout=120)
    assert show.returncode == 0, err
    assert forgotten(db)
    assert traces(db) == []
    # Search and the stored rows are whole: only the viewer's words went.
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        conn.execute("INSERT INTO comments_fts (comments_fts) VALUES ('integrity-check')")
        hits = conn.execute(
            "SELECT count(*) FROM comments_fts WHERE comments_fts MATCH 'oscillator'"
        ).fetchone()[0]
        assert hits == 400 + 5
        assert conn.execute("SELECT count(*) FROM comments").fetchone()[0] == 400 + 3 + 5


def test_optout_leaves_none_of_the_words_in_the_file(tmp_path: Path) -> None:
    transcript = privacy_show(tmp_path / "show.jsonl", command="optout")
    db = tmp_path / "show.db"
    show = replay(transcript, db, "--instant")
    _, err = show.communicate(timeout=120)
    assert show.returncode == 0, err
    # Their words, their name and their platform id (a pseudonym stands in for it) are gone.
    assert traces(db) == []


def test_a_crash_after_forget_then_resume_leaves_none_of_the_words(tmp_path: Path) -> None:
    """Killed after `!forget confirm` was stored (waiting for the last segment), with the purge
    of its words not yet done: the next run of the show does it, and then neither the file nor
    its log holds them."""
    transcript = privacy_show(tmp_path / "show.jsonl", after=0, wrap_up=60)
    db = tmp_path / "show.db"
    show = replay(transcript, db, "--speed", "1")
    deadline = time.monotonic() + 60
    while not forgotten(db) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert forgotten(db), "the show never stored the !forget"
    os.kill(show.pid, signal.SIGKILL)
    show.wait(10)
    assert traces(db), "the test means nothing: the words were gone before the crash"

    resumed = replay(transcript, db, "--instant")
    out, err = resumed.communicate(timeout=120)
    assert resumed.returncode == 0, err
    assert "Resumed show 'privacy'" in out
    assert traces(db) == []
    with contextlib.closing(sqlite3.connect(db)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_words_in_pages_freed_before_the_forget_are_zeroed_too(tmp_path: Path) -> None:
    """A file written without `secure_delete` (by an older stagehand, or another tool) keeps
    whatever was on a page it freed: the viewer's words from a merge of the search index, say.
    The purge of a forget overwrites every free page, so none of them is left."""
    path = tmp_path / "show.db"
    db = open_database(path)
    show, _ = open_show(db, "privacy", title="", description="", source="test", started_at=START)
    db.conn.execute("PRAGMA secure_delete = OFF")
    with db.conn:  # a page holding the words, freed the way SQLite frees it by default
        db.conn.execute("CREATE TABLE an_old_merge (words TEXT)")
        db.conn.executemany(
            "INSERT INTO an_old_merge VALUES (?)", [(SECRET_LINE * 40,) for _ in range(8)]
        )
    with db.conn:
        db.conn.execute("DROP TABLE an_old_merge")
    db.conn.close()
    assert traces(path)

    ana = Author("twitch", "90017731", "yakfan", "yakfan")
    writer = StoreWriter(path, show_id=show.id).start()
    comment = sanitized(Comment("m1", "twitch", "privacy", ana, SECRET_LINE, START))
    writer.record(CommentRanked(RankedComment(comment, Score(1.0, 1.0, {"base": 1.0}), 1)))
    writer.record(AuthorForgotten(ana.key))
    assert writer.close()
    assert traces(path) == []


def test_words_left_in_the_log_by_a_busy_reader_leave_it_at_the_next_start(tmp_path: Path) -> None:
    """Another program reading the database as the show closes (a second show on the file, a
    DB Browser left open) keeps the log from being emptied: the words stay in the -wal file for
    now, and the purge is asked again, so the next start empties it."""
    path = tmp_path / "show.db"
    db = open_database(path)
    show, _ = open_show(db, "privacy", title="", description="", source="test", started_at=START)
    db.conn.close()
    ana = Author("twitch", "90017731", "yakfan", "yakfan")
    writer = StoreWriter(path, show_id=show.id).start()
    comment = sanitized(Comment("m1", "twitch", "privacy", ana, SECRET_LINE, START))
    writer.record(CommentRanked(RankedComment(comment, Score(1.0, 1.0, {"base": 1.0}), 1)))
    writer.flush()
    reader = sqlite3.connect(path)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM comments").fetchone()  # a read that holds the log
    writer.record(AuthorForgotten(ana.key))
    writer.close()
    with contextlib.closing(sqlite3.connect(path)) as look:
        assert look.execute("SELECT count(*) FROM privacy_purges").fetchone()[0] >= 1
    reader.rollback()
    reader.close()

    StoreWriter(path, show_id=show.id).start().close()  # the next show's start
    assert traces(path) == []
