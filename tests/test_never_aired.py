"""Runs that never went on air leave no trace in what a show reports.

The real CLI in subprocesses on a real SQLite file: a show killed with a guest on stage, then a
`run` of it that no platform connects to, reports the same stage time as before that run; a
`run` killed before any platform connected leaves an empty show that `shows`, `report` and
`export` skip, and the next run of that name starts it afresh (or takes it back).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from fakes.transcripts import write_jsonl
from fakes.twitch_server import BROADCASTER, FakeTwitch, chat_event, store_credentials
from live_run import twitch_config


def stagehand(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stagehand", *args],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        env=env,
        check=False,
    )


def start(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "stagehand", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
        env=env,
    )


def rows(db: Path, sql: str) -> list[tuple]:
    if not db.exists():
        return []
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            return conn.execute(sql).fetchall()
    except sqlite3.OperationalError:  # not made yet
        return []


def wait_until(predicate, seconds: float = 60) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


def at(second: int) -> str:
    return f"2026-11-20T19:{second // 60:02d}:{second % 60:02d}.000Z"


def stage_seconds(db: Path, show: str) -> float:
    done = stagehand("report", show, "--db", str(db), "--format", "json")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["stage_seconds"]


def test_a_resumed_run_that_never_aired_adds_no_stage_time(tmp_path: Path) -> None:
    """Killed with a guest on stage, then run again with no platform able to connect: the guest's
    appearance is not ended at that run's close (hours later, as the report would say)."""
    transcript = write_jsonl(
        tmp_path / "friday.jsonl",
        [
            {"kind": "show", "ts": at(0), "title": "Synth Night"},
            {"kind": "segment", "ts": at(0), "title": "Filters", "keywords": ["filter"]},
            {"kind": "comment", "id": "c1", "ts": at(5), "platform": "twitch",
             "author_id": "7", "author": "ana", "text": "can I show my filter?"},
            {"kind": "host", "ts": at(6), "action": "stage_start", "comment_id": "c1",
             "author_id": "7", "platform": "twitch"},
            {"kind": "comment", "id": "c2", "ts": at(20), "platform": "twitch",
             "author_id": "8", "author": "ben", "text": "nice filter"},
            {"kind": "comment", "id": "c3", "ts": at(30 * 60), "platform": "twitch",
             "author_id": "8", "author": "ben", "text": "never played: the show is killed"},
        ],
    )  # fmt: skip
    db = tmp_path / "show.db"
    show = start("replay", str(transcript), "--db", str(db), "--speed", "10", "--headless")
    try:
        wait_until(lambda: rows(db, "SELECT count(*) FROM comments") == [(2,)])
    finally:
        show.kill()  # SIGKILL: ana is on stage, her appearance open
        show.communicate(timeout=30)
    assert rows(db, "SELECT ended_at FROM stage_sessions") == [(None,)]
    before = stage_seconds(db, "friday")
    # 19:00:06 to the last moment stored, 19:00:20: c2, or the replay's position stored with it
    # (the show clock a few ms on).
    assert 14.0 <= before < 14.5
    # What a killed live show leaves (the replay made it quickly): `run` refuses to add live chat
    # to a show stored from a transcript (docs/transcript-format.md, "Resuming a replay").
    conn = sqlite3.connect(db)
    with conn:
        conn.execute("UPDATE shows SET source = 'live'")
        conn.execute("DELETE FROM replay_positions")
    conn.close()
    before = stage_seconds(db, "friday")
    assert before == 14.0  # a live show's, to its last comment: 19:00:20

    config = tmp_path / "stagehand.toml"
    config.write_text(
        '[show]\nname = "friday"\n[twitch]\nenabled = true\nchannel = "synthnight"\n'
        'client_id = "abc"\n',
        encoding="utf-8",
    )
    time.sleep(1.5)  # the run comes a while later
    refused = stagehand("run", "-c", str(config), "--db", str(db), "--headless")
    assert refused.returncode == 2 and "no platform could connect" in refused.stderr
    assert stage_seconds(db, "friday") == before
    # A live show's open appearance ends when it was last known to run, not at this run's close.
    assert rows(db, "SELECT ended_at FROM stage_sessions") == [("2026-11-20T19:00:20.000Z",)]
    assert rows(db, "SELECT count(*) FROM host_actions WHERE action = 'stage_end'") == [(0,)]


def dead_end_config(path: Path) -> Path:
    """Twitch on a port nothing listens on: the run keeps trying to connect, never on air."""
    path.write_text(
        f"""
[show]
name = "friday"

[twitch]
enabled = true
channel = "{BROADCASTER["login"]}"
helix_url = "http://127.0.0.1:9/helix"
oauth_url = "http://127.0.0.1:9/oauth2"
eventsub_url = "ws://127.0.0.1:9/ws"
""",
        encoding="utf-8",
    )
    return path


def stuck_connecting(config: Path, db: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    """A run waiting for its platform (it said it is connecting), its show in the database."""
    run = start("run", "-c", str(config), "--db", str(db), "--headless", env=env)
    assert run.stderr is not None
    said = run.stderr.readline()  # blocks until the run says something
    assert said.startswith("twitch: connecting"), said + run.stderr.read()
    assert run.poll() is None and rows(db, "SELECT count(*) FROM shows") == [(1,)]
    return run


async def test_a_run_killed_before_going_on_air_leaves_nothing_to_list_or_resume(
    twitch_capture: dict, fake_twitch: FakeTwitch, tmp_path: Path
) -> None:
    token_file = tmp_path / "tokens.json"
    store_credentials(fake_twitch, token_file)
    env = {**os.environ, "STAGEHAND_TOKEN_FILE": str(token_file)}
    db = tmp_path / "live.db"
    nowhere = dead_end_config(tmp_path / "nowhere.toml")

    killed = stuck_connecting(nowhere, db, env)
    killed.kill()  # SIGKILL: no close, so the show row it made stays behind, empty
    killed.communicate(timeout=30)
    [(left_at,)] = rows(db, "SELECT started_at FROM shows")
    listed = stagehand("shows", "--db", str(db))
    assert listed.returncode == 0 and listed.stdout.startswith("No shows yet"), listed.stdout
    for command in ("report", "export"):
        done = stagehand(command, "--db", str(db))
        assert done.returncode == 2 and "has no shows yet" in done.stderr, done.stderr

    # Stopped cleanly, still not on air: the leftover goes with it (nothing was stored in it).
    stopped = stuck_connecting(nowhere, db, env)
    stopped.send_signal(signal.SIGTERM)
    _, stderr = stopped.communicate(timeout=30)
    assert "no show 'friday' was stored" in stderr
    assert rows(db, "SELECT count(*) FROM shows") == [(0,)]

    killed = stuck_connecting(nowhere, db, env)
    killed.kill()
    killed.communicate(timeout=30)
    await asyncio.sleep(1.1)  # the show that airs starts later than the leftover
    aired = start("run", "-c", str(twitch_config(tmp_path / "twitch.toml", fake_twitch)),
                  "--db", str(db), "--headless", env=env)  # fmt: skip
    try:
        await fake_twitch.wait_for_subscriptions(1, timeout=20)
        await fake_twitch.send_chat(chat_event(message_id="tw-1", text="what saw wave?"))
        wait_until(lambda: rows(db, "SELECT count(*) FROM comments") == [(1,)], 20)
    finally:
        aired.send_signal(signal.SIGTERM)
        stdout, stderr = aired.communicate(timeout=30)
    assert aired.returncode == 0, stderr
    # A new show, not the resumption of one that never was: its own start, in the list.
    assert "Stored show 'friday': 1 chat line " in stdout
    [(started_at, ended_at)] = rows(db, "SELECT started_at, ended_at FROM shows")
    assert started_at > left_at and ended_at is not None
    listed = stagehand("shows", "--db", str(db))
    assert "friday" in listed.stdout and "No shows yet" not in listed.stdout
    assert stagehand("report", "--db", str(db)).returncode == 0


async def test_a_run_stopped_before_air_with_its_database_moved_leaves_no_empty_one_behind(
    twitch_capture: dict, fake_twitch: FakeTwitch, tmp_path: Path
) -> None:
    """The database moved away (a producer tidying folders) while the run waits for Twitch: the
    stop takes the unaired show back in the file where it went, and makes no database where it
    was (the next `report` there would say "no shows yet" instead of that the file is gone)."""
    token_file = tmp_path / "tokens.json"
    store_credentials(fake_twitch, token_file)
    env = {**os.environ, "STAGEHAND_TOKEN_FILE": str(token_file)}
    db = tmp_path / "live.db"
    run = stuck_connecting(dead_end_config(tmp_path / "nowhere.toml"), db, env)
    moved = tmp_path / "elsewhere.db"
    db.rename(moved)
    run.send_signal(signal.SIGTERM)
    stdout, stderr = run.communicate(timeout=30)
    assert not db.exists(), "an empty database was made where the moved one was"
    assert run.returncode == 0, stderr
    assert not stdout, stdout  # nothing claims it was stored there
    assert f"{db} was moved to {moved} while the show ran" in stderr, stderr
    assert "No platform connected before the show was stopped" in stderr.splitlines()[-1]
    listed = stagehand("shows", "--db", str(moved))
    assert listed.returncode == 0 and listed.stdout.startswith("No shows yet"), listed.stdout
    assert not db.exists()


async def test_a_resumed_show_whose_database_is_moved_away_keeps_its_chat(
    twitch_capture: dict, fake_twitch: FakeTwitch, tmp_path: Path
) -> None:
    """A resumed show asks the database whether a comment is a redelivery of one stored before
    the restart. The database moved away before the first comment of the resumed run (and put
    back later): that question makes no empty database where it was, no chat line is lost,
    and the redelivery is still told apart."""
    token_file = tmp_path / "tokens.json"
    store_credentials(fake_twitch, token_file)
    env = {**os.environ, "STAGEHAND_TOKEN_FILE": str(token_file)}
    db, moved = tmp_path / "live.db", tmp_path / "elsewhere.db"
    config = twitch_config(tmp_path / "twitch.toml", fake_twitch)

    async def run(runs: int, *message_ids: str) -> subprocess.Popen[str]:
        show = start("run", "-c", str(config), "--db", str(db), "--headless", env=env)
        # This run's chat subscription: each run makes five (chat first; then deleted
        # messages, /clear, bans, unbans).
        await fake_twitch.wait_for_subscriptions(1 + 5 * (runs - 1), timeout=20)
        if runs > 1:
            db.rename(moved)
        for message_id in message_ids:
            await fake_twitch.send_chat(chat_event(message_id=message_id, text=f"{message_id}?"))
        return show

    first = await run(1, "tw-1")
    wait_until(lambda: rows(db, "SELECT count(*) FROM comments") == [(1,)], 20)
    first.send_signal(signal.SIGTERM)
    assert first.wait(timeout=30) == 0
    resumed = await run(2, "tw-1", "tw-2", "tw-3")  # tw-1 again: a redelivery
    try:
        # Written through the log the show's writer keeps beside where the file was.
        wal = Path(f"{db}-wal")
        wait_until(lambda: wal.exists() and b"tw-3?" in wal.read_bytes(), 20)
        assert not db.exists(), "an empty database was made where the moved one was"
        moved.rename(db)
    finally:
        resumed.send_signal(signal.SIGTERM)
        stdout, stderr = resumed.communicate(timeout=30)
    assert resumed.returncode == 0, stderr
    assert "2 chat lines (commands and the hosts' own included; 1 duplicates skipped)" in stdout
    assert "Traceback" not in stderr and "Exception" not in stderr, stderr
    assert rows(db, "SELECT message_id FROM comments ORDER BY id") == [
        ("tw-1",),
        ("tw-2",),
        ("tw-3",),
    ]
