"""Kill a 200,000-comment replay again and again: every row exists exactly once in the end.

The replay runs as the real CLI in a subprocess and is killed with SIGKILL at random points
(the seed is printed on failure; STAGEHAND_TEST_SEED=... replays the same points). Each restart
resumes the show: it must pick up where the stored show ends (so the first new row comes within
seconds, not after replaying what is stored) and apply every comment, command, stage appearance
and host action exactly once, however the kills fell between a comment and what it caused.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from fakes.big_show import START, BigShow, write_big_show
from stagehand.adapters.replay import ReplayAdapter
from stagehand.config import Settings
from stagehand.domain import Author, Comment
from stagehand.session import open_show
from stagehand.show import pipeline
from stagehand.show.live import LiveShow
from stagehand.store import lookup

COMMENTS = 200_000
KILLS = 3
#: A resumed replay stores its first new comment within this (replaying what was stored
#: before would take tens of seconds at this size).
FIRST_NEW_ROW_SECONDS = 10.0


def replay(transcript: Path, db: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "stagehand",
            "replay",
            str(transcript),
            "--db",
            str(db),
            "--show",
            "big",
            "--instant",
            "--headless",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
    )


def last_comment_row(db: Path) -> int:
    try:
        conn = sqlite3.connect(db, timeout=5)
        try:
            return conn.execute("SELECT coalesce(max(id), 0) FROM comments").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return 0  # not created yet


def kill_when_stored(transcript: Path, db: Path, rows: int, seed: int) -> float:
    """Run the replay until `rows` comments are stored, SIGKILL it; seconds to the first new row."""
    before = last_comment_row(db)
    process = replay(transcript, db)
    started = time.monotonic()
    first_new: float | None = None
    deadline = started + 120
    while time.monotonic() < deadline and process.poll() is None:
        stored = last_comment_row(db)
        if first_new is None and stored > before:
            first_new = time.monotonic() - started
        if stored >= rows:
            break
        time.sleep(0.02)
    assert process.poll() is None, f"seed {seed}: the replay ended early: {process.communicate()}"
    os.kill(process.pid, signal.SIGKILL)
    process.wait(10)
    process.stdout.close()  # type: ignore[union-attr]
    process.stderr.close()  # type: ignore[union-attr]
    assert first_new is not None, f"seed {seed}: nothing new was stored before {rows} rows"
    return first_new


@pytest.mark.timeout(600)  # ~45 s on a quiet 2-core machine; a loaded one takes minutes
def test_a_big_replay_killed_again_and_again_stores_everything_exactly_once(
    tmp_path: Path,
) -> None:
    seed = int(os.environ.get("STAGEHAND_TEST_SEED", time.time_ns() % 1_000_000))
    rng = random.Random(seed)
    show = write_big_show(tmp_path / "big.jsonl", COMMENTS)
    db = tmp_path / "big.db"

    kill_at = sorted(rng.sample(range(5_000, COMMENTS - 20_000), KILLS))
    waits = [kill_when_stored(show.path, db, rows, seed) for rows in kill_at]
    # Every resume after the first found the stored show's end at once.
    assert all(wait < FIRST_NEW_ROW_SECONDS for wait in waits[1:]), (seed, kill_at, waits)

    final = replay(show.path, db)
    out, err = final.communicate(timeout=300)
    assert final.returncode == 0, f"seed {seed}: {err[-2000:]}"
    assert "Resumed show 'big'" in out and "picked up after line" in out, out

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert_exactly_once(conn, show, seed)


def assert_exactly_once(conn: sqlite3.Connection, show: BigShow, seed: int) -> None:
    where = f"seed {seed}"
    comments, distinct = conn.execute(
        "SELECT count(*), count(DISTINCT message_id) FROM comments"
    ).fetchone()
    assert comments == distinct == show.comments, where
    assert conn.execute("SELECT count(*) FROM segments").fetchone()[0] == show.segments, where

    # Each chat command: one row, for its own comment, none missing.
    rows, commented = conn.execute(
        "SELECT count(*), count(DISTINCT comment_id) FROM commands"
    ).fetchone()
    assert rows == commented == len(show.commands), (where, rows, commented)
    keys = [key for (key,) in conn.execute("SELECT key FROM commands")]
    assert sorted(keys) == sorted(f"twitch:{message_id}" for message_id in show.commands), where
    linked = conn.execute(
        "SELECT count(*) FROM commands JOIN comments ON comments.id = commands.comment_id"
    ).fetchone()[0]
    assert linked == len(show.commands), where

    # Each host action: the transcript's under their ids, and the stage moves `!stage` and
    # `!unstage` made, once each.
    stored_keys = [key for (key,) in conn.execute("SELECT key FROM host_actions")]
    assert len(stored_keys) == len(set(stored_keys)), where
    assert set(show.host_events) <= set(stored_keys), where
    assert len(stored_keys) == len(show.host_events) + show.command_stage_actions, where
    repeated = conn.execute(
        "SELECT action, author_id, ts, count(*) FROM host_actions"
        " GROUP BY action, author_id, ts HAVING count(*) > 1"
    ).fetchall()
    assert repeated == [], (where, repeated)

    # Each stage appearance: once, with the start and end the show gave it.
    appearances = conn.execute(
        "SELECT authors.name, stage_sessions.started_at, stage_sessions.ended_at"
        " FROM stage_sessions JOIN authors ON authors.id = stage_sessions.author_id"
    ).fetchall()
    assert sorted(appearances) == sorted(show.stage), where


# -- the same, in process and smaller: each way a comment can come again -------------------


async def play(db: Path, transcript: Path) -> tuple[LiveShow, ReplayAdapter]:
    """Replay `transcript` into the show "big" of `db` as `stagehand replay --instant` does."""
    replay = ReplayAdapter(transcript, instant=True)
    live = open_show(Settings(), db_path=db, show_name="big", adapters=[replay])
    await live.run_adapters()
    assert await live.close()
    return live, replay


async def test_a_resumed_replay_picks_up_after_the_last_stored_line(tmp_path: Path) -> None:
    show = write_big_show(tmp_path / "big.jsonl", 25_000)
    lines = show.path.read_text().splitlines(keepends=True)
    # What a crash leaves: the show stored up to some line (here, exactly; a kill mid-batch
    # leaves the recorded place a little behind what is stored, which plays again, once).
    cut = 15_003
    prefix = tmp_path / "prefix.jsonl"
    prefix.write_text("".join(lines[:cut]))
    db = tmp_path / "big.db"
    await play(db, prefix)

    _, replay = await play(db, show.path)
    assert_exactly_once(sqlite3.connect(db), show, seed=0)
    assert replay.played == len(lines) - cut  # nothing before the cut was played again
    assert replay.resumed_after_line == cut


async def test_a_transcript_cut_off_mid_line_plays_that_line_once_it_is_complete(
    tmp_path: Path,
) -> None:
    """A recording still being written, or a copy cut short: its last line is half there. The
    replay skips it, says why, and does not count it as played, so replaying the completed file
    plays it (it was lost for good when the stored place went past it)."""
    show = write_big_show(tmp_path / "big.jsonl", 2_000)
    whole = show.path.read_bytes()
    cut = whole.index(b'"kind": "comment"', len(whole) // 2) + 10  # inside a comment's line
    show.path.write_bytes(whole[:cut])
    db = tmp_path / "big.db"
    await play(db, show.path)
    cut_line = whole[:cut].count(b"\n") + 1

    show.path.write_bytes(whole)  # the recording is complete now
    _, second = await play(db, show.path)
    assert_exactly_once(sqlite3.connect(db), show, seed=0)
    assert second.resumed_after_line == cut_line - 1  # the cut line is played this time


async def test_a_transcript_that_changed_is_played_again_and_applied_once(tmp_path: Path) -> None:
    """When the stored place cannot be trusted (the transcript was edited, or the show was
    stored by an older stagehand), the replay starts over: the database's keys keep it once,
    including comments far older than the dedupe window remembers."""
    show = write_big_show(tmp_path / "big.jsonl", 25_000)
    db = tmp_path / "big.db"
    await play(db, show.path)
    edited = show.path.read_text().replace('"title": "Big show"', '"title": "Big show!"', 1)
    show.path.write_text(edited)

    again, _ = await play(db, show.path)
    assert_exactly_once(sqlite3.connect(db), show, seed=0)
    assert again.duplicates == show.comments
    assert again.stored.comments == 0


async def test_a_live_redelivery_older_than_the_window_is_not_run_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A platform redelivers a `!hand` the in-memory window has forgotten: the database knows."""
    monkeypatch.setattr(pipeline, "DEDUPE_WINDOW", 50)
    live = open_show(Settings(), db_path=tmp_path / "live.db", show_name="live", adapters=[])
    chat = [
        Comment(
            id=f"m{index}",
            platform="twitch",
            channel="live",
            author=Author("twitch", f"u{index}", f"viewer{index}"),
            text="!hand" if index == 0 else f"message {index}",
            ts=START + timedelta(seconds=index),
        )
        for index in range(200)
    ]
    for comment in chat:
        live.comment_received(comment)
    assert await asyncio.to_thread(live.flush)
    live.lower_hand(chat[0].author)
    # The same message again, long after, stamped with the time it was sent again (as Twitch
    # stamps a redelivered notification).
    live.comment_received(dataclasses.replace(chat[0], ts=START + timedelta(minutes=10)))
    assert live.duplicates == 1
    assert live.hands == ()  # the old `!hand` did not raise the hand again
    assert await live.close()
    conn = sqlite3.connect(tmp_path / "live.db")
    assert conn.execute("SELECT count(*) FROM commands").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM comments").fetchone()[0] == 200


async def test_a_long_show_asks_the_database_only_about_ids_it_may_have_seen(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the window, a new comment is not looked up in the database (each lookup cost the
    event loop CPU and a wait for the GIL), yet a forgotten redelivery still is, and refused."""
    monkeypatch.setattr(pipeline, "DEDUPE_WINDOW", 50)
    asked: list[str] = []
    find_comment = lookup.find_comment

    def spy(conn: sqlite3.Connection, show_id: int, platform: str, message_id: str) -> object:
        asked.append(message_id)
        return find_comment(conn, show_id, platform, message_id)

    monkeypatch.setattr(lookup, "find_comment", spy)
    live = open_show(Settings(), db_path=tmp_path / "long.db", show_name="long", adapters=[])
    chat = [
        Comment(
            id=f"m{index}",
            platform="twitch",
            channel="long",
            author=Author("twitch", f"u{index}", f"viewer{index}"),
            text=f"message {index}",
            ts=START + timedelta(seconds=index),
        )
        for index in range(300)
    ]
    for comment in chat:
        live.comment_received(comment)
    assert asked == []

    assert await asyncio.to_thread(live.flush)
    live.comment_received(dataclasses.replace(chat[0], ts=START + timedelta(minutes=10)))
    assert asked == ["m0"]
    assert live.duplicates == 1
    assert await live.close()
    conn = sqlite3.connect(tmp_path / "long.db")
    assert conn.execute("SELECT count(*) FROM comments").fetchone()[0] == 300
