"""A crash mid-show loses at most the last moment of chat, and running the show again resumes it."""

from __future__ import annotations

import json
import os
import pty
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from fakes.big_show import write_big_show
from fakes.show_runs import stagehand
from fakes.transcripts import write_jsonl
from test_resume_exactly_once import assert_exactly_once

RATE = 100  # comments per second of show time
SECONDS = 30
START = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)


def dense_show(path: Path) -> Path:
    records: list[dict] = [
        {"kind": "show", "ts": START.isoformat(), "title": "Crash test", "description": ""},
        {"kind": "segment", "ts": START.isoformat(), "title": "Everything", "keywords": ["x"]},
    ]
    for index in range(RATE * SECONDS):
        ts = START + timedelta(seconds=index / RATE)
        records.append(
            {
                "kind": "comment",
                "id": f"c{index:05d}",
                "ts": ts.isoformat(),
                "platform": "twitch",
                "channel": "crash",
                "author_id": str(index % 57),
                "author": f"viewer{index % 57}",
                "text": f"comment number {index} about the show",
                "roles": [],
                "reply_to": None,
            }
        )
    return write_jsonl(path, records)


def stored_ids(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [row[0] for row in conn.execute("SELECT message_id FROM comments ORDER BY ts")]
    except sqlite3.OperationalError:
        return []
    finally:
        conn.close()


def replay(transcript: Path, db: Path, *extra: str) -> subprocess.Popen:
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
            "crashy",
            "--headless",
            *extra,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
    )


def test_sigkill_mid_replay_loses_at_most_a_second_and_the_show_resumes(tmp_path: Path) -> None:
    transcript = dense_show(tmp_path / "dense.jsonl")
    db = tmp_path / "crash.db"
    process = replay(transcript, db, "--speed", "1")
    deadline = time.monotonic() + 30
    while not stored_ids(db) and time.monotonic() < deadline:
        time.sleep(0.05)
    first_seen = time.monotonic()
    assert stored_ids(db), "the replay never stored anything"
    time.sleep(3.0)
    killed_at = time.monotonic()
    os.kill(process.pid, signal.SIGKILL)
    process.wait(10)

    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    conn.close()
    ids = stored_ids(db)
    # what was stored is exactly the start of the show, with no gap
    assert ids == [f"c{index:05d}" for index in range(len(ids))]
    # comments due by the kill (played at speed 1 since the first was seen stored)
    due = int((killed_at - first_seen) * RATE)
    assert len(ids) >= due - RATE, f"lost more than a second: {due} due, {len(ids)} stored"

    resumed = replay(transcript, db, "--instant")
    out, err = resumed.communicate(timeout=60)
    assert resumed.returncode == 0, err
    assert "Resumed show 'crashy'" in out
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM shows").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM segments").fetchone()[0] == 1
    assert conn.execute("SELECT count(*), count(DISTINCT message_id) FROM comments").fetchone() == (
        RATE * SECONDS,
        RATE * SECONDS,
    )


def children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


def ranking_worker(show: subprocess.Popen) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if workers := children(show.pid):
            return workers[0]
        time.sleep(0.05)
    raise AssertionError("the show started no ranking worker")


def wait_gone(pid: int, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not alive(pid)


def test_a_killed_show_leaves_no_ranking_worker_behind(tmp_path: Path) -> None:
    transcript = dense_show(tmp_path / "dense.jsonl")
    show = replay(transcript, tmp_path / "crash.db", "--speed", "1")
    worker = ranking_worker(show)
    os.kill(show.pid, signal.SIGKILL)
    show.wait(10)
    # The worker notices its socket closed and leaves: nothing lingers after a crash.
    assert wait_gone(worker)


def test_ctrl_c_stops_the_show_not_its_worker_first(tmp_path: Path) -> None:
    """Ctrl-C in a terminal signals the whole foreground group; the worker is in a session of
    its own, so the show winds down with every comment scored and no traceback on the screen,
    and says the replay stopped short (exit 130), never that the show was stored whole."""
    transcript = dense_show(tmp_path / "dense.jsonl")
    db = tmp_path / "ctrl-c.db"
    command = ["replay", str(transcript), "--db", str(db), "--show", "ctrl-c", "--headless"]
    show = subprocess.Popen(
        [sys.executable, "-m", "stagehand", *command, "--speed", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
        start_new_session=True,  # its own group, as a terminal's foreground job
    )
    worker = ranking_worker(show)
    assert os.getsid(worker) != os.getsid(show.pid)
    deadline = time.monotonic() + 30
    while len(stored_ids(db)) < 50 and time.monotonic() < deadline:
        time.sleep(0.05)
    os.killpg(show.pid, signal.SIGINT)
    stdout, stderr = show.communicate(timeout=30)
    assert "Traceback" not in stderr
    assert wait_gone(worker)
    # Never claimed as the finished show: it says where it stopped, and the status says so too.
    assert show.returncode == 128 + signal.SIGINT
    summary = stdout.rstrip().splitlines()[-1]
    assert summary.startswith("Stopped before the end of the transcript (")
    assert summary.endswith("run the same command again to resume where it stopped")
    with sqlite3.connect(db) as conn:
        unscored = conn.execute(
            "SELECT count(*) FROM comments WHERE kind = 'comment' AND reasons = '{}'"
        ).fetchone()[0]
    assert len(stored_ids(db)) >= 50 and unscored == 0


def test_a_disk_that_fills_mid_replay_is_said_as_it_is_when_the_replay_stops(
    tmp_path: Path,
) -> None:
    """The disk fills while a long replay plays (a real 2 MiB tmpfs): stopped, the replay says
    where it stopped and how to resume, never that the chat is kept in memory (the process is
    about to go)."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root): no honest full disk")
    try:
        transcript = write_big_show(tmp_path / "big.jsonl", 60_000).path
        db = mount / "full.db"
        command = ["replay", str(transcript), "--db", str(db), "--headless", "--instant"]
        show = subprocess.Popen(
            [sys.executable, "-m", "stagehand", *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            stdin=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while shutil.disk_usage(mount).free > 64 * 1024 and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(2)  # the writer meets the full disk, and waits for room
        show.send_signal(signal.SIGINT)
        stdout, stderr = show.communicate(timeout=60)
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)
    assert show.returncode == 2, stderr
    assert "Traceback" not in stderr
    last = stderr.rstrip().splitlines()[-1]
    assert last.startswith(f"Error: disk is full: {db}; free some space")
    assert last.endswith(
        "then run the same command again: the replay resumes where the database stops"
    )
    assert "kept in memory" not in last
    assert stdout.rstrip().splitlines()[-1].startswith("Stopped before the end of the transcript (")


@pytest.mark.timeout(400)
def test_a_headless_replay_on_a_full_disk_stops_by_itself_and_resumes_once_there_is_room(
    tmp_path: Path,
) -> None:
    """The disk is full (a real 2 MiB tmpfs the replay fills): an `--instant` replay with no one
    watching waited for room for ever, its progress line still printing. It stops by itself,
    says what to fix and how to resume (exit 2); once there is room the same command stores the
    rest, everything exactly once."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root): no honest full disk")
    try:
        show = write_big_show(tmp_path / "big.jsonl", 60_000)
        db = mount / "full.db"
        command = [sys.executable, "-m", "stagehand", "replay", str(show.path), "--db", str(db)]
        command += ["--headless", "--instant"]
        full = subprocess.run(
            command, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=120
        )
        assert full.returncode == 2, full.stderr[-2000:]
        assert "Traceback" not in full.stderr
        assert full.stderr.rstrip().splitlines()[-1] == (
            f"Error: disk is full: {db}; free some space, or pass --db PATH on another disk; "
            "then run the same command again: the replay resumes where the database stops"
        )
        stopped = full.stdout.rstrip().splitlines()[-1]
        assert stopped.startswith("Stopped before the end of the transcript (")
        assert 0 < len(stored_ids(db)) < show.comments

        subprocess.run(["mount", "-o", "remount,size=64m", str(mount)], check=True)
        again = subprocess.run(
            command, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=300
        )
        assert again.returncode == 0, again.stderr[-2000:]
        assert "Resumed show 'big'" in again.stdout and "picked up after line" in again.stdout
        conn = sqlite3.connect(db)
        try:
            assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            assert_exactly_once(conn, show, seed=0)
        finally:
            conn.close()
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


SHOW_ARGS = ("--show", "console", "--speed", "1")


@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM])
def test_a_closed_terminal_closes_the_console_show_as_quitting_does(
    tmp_path: Path, signum: int
) -> None:
    """The host closes the terminal window (SIGHUP: the terminal is gone), or the system stops
    the show (SIGTERM), while the console runs in a real terminal: everything received is
    written and the process ends (it was killed mid-batch, comments left unscored; then, with no
    terminal to restore, it hung holding the show server's port)."""
    transcript = dense_show(tmp_path / "dense.jsonl")
    db = tmp_path / "console.db"
    controller, terminal = pty.openpty()
    show = subprocess.Popen(
        [sys.executable, "-m", "stagehand", "replay", str(transcript), "--db", str(db), *SHOW_ARGS],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env={**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"},
        start_new_session=True,
    )
    os.close(terminal)
    screen = b""
    open_terminal = True
    try:
        deadline = time.monotonic() + 60
        while len(stored_ids(db)) < 50 and time.monotonic() < deadline:
            screen += _read_some(controller)
        if signum == signal.SIGHUP:
            os.close(controller)  # the window closes: nothing reads or takes writes any more
            open_terminal = False
        show.send_signal(signum)
        while show.poll() is None and time.monotonic() < deadline + 30:
            screen += _read_some(controller) if open_terminal else time.sleep(0.1) or b""
    finally:
        if open_terminal:
            os.close(controller)
        if show.poll() is None:
            show.kill()
            pytest.fail("the show did not end after the signal")
    assert show.returncode == (128 + signal.SIGHUP if signum == signal.SIGHUP else 0)
    assert b"Traceback" not in screen
    conn = sqlite3.connect(db)
    (ended,) = conn.execute("SELECT ended_at FROM shows WHERE name = 'console'").fetchone()
    unscored = conn.execute(
        "SELECT count(*) FROM comments WHERE kind = 'comment' AND reasons = '{}'"
    ).fetchone()[0]
    conn.close()
    # Everything received was written (scored); a replay stopped before its end is not closed,
    # though: the command that ran it resumes it (`stagehand shows` says `not closed`).
    assert ended is None and unscored == 0
    assert len(stored_ids(db)) >= 50


def test_a_console_replay_stopped_on_a_full_disk_says_what_to_fix_and_how_to_resume(
    tmp_path: Path,
) -> None:
    """The console replays onto a disk that fills (a real 2 MiB tmpfs), and the system stops it
    (SIGTERM, which closes the show as `q` does): its last line promised to keep the chat in
    memory until there was room, as the process ended. It says what to fix and how to resume,
    as a headless replay does."""
    transcript = write_big_show(tmp_path / "big.jsonl", 60_000).path
    mount = tmp_path / "small-disk"
    mount.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(mount)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root): no honest full disk")
    db = mount / "full.db"
    command = ["replay", str(transcript), "--db", str(db), "--speed", "1000"]
    controller, terminal = pty.openpty()
    screen = b""
    show: subprocess.Popen[bytes] | None = None
    try:
        show = subprocess.Popen(
            [sys.executable, "-m", "stagehand", *command],
            stdin=terminal,
            stdout=terminal,
            stderr=terminal,
            env={**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"},
            start_new_session=True,
        )
        os.close(terminal)
        deadline = time.monotonic() + 60
        while shutil.disk_usage(mount).free > 64 * 1024 and time.monotonic() < deadline:
            screen += _read_some(controller)
        waited = time.monotonic() + 2  # the writer meets the full disk, and waits for room
        while time.monotonic() < waited:
            screen += _read_some(controller)
        show.send_signal(signal.SIGTERM)
        while show.poll() is None and time.monotonic() < deadline + 60:
            screen += _read_some(controller)
        screen += _read_some(controller)
    finally:
        os.close(controller)
        if show is not None and show.poll() is None:
            show.kill()
        subprocess.run(["umount", "-l", str(mount)], check=False)
    assert show.returncode == 2
    text = screen.decode(errors="replace")
    assert "Traceback" not in text
    assert text.rstrip().endswith(
        f"Error: disk is full: {db}; free some space, or pass --db PATH on another disk; "
        "then run the same command again: the replay resumes where the database stops"
    ), text[-400:]


def _read_some(fd: int) -> bytes:
    """What the console drew since the last read (a terminal's buffer must be read, or the
    console blocks writing to it)."""
    ready, _, _ = select.select([fd], [], [], 0.1)
    if not ready:
        return b""
    try:
        return os.read(fd, 65536)
    except OSError:  # the console closed its end
        return b""


def _report(db: Path) -> dict:
    done = stagehand("report", "crashy", "--db", str(db), "--format", "json", timeout=60)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_replay_killed_and_resumed_reports_the_stage_and_stream_times_its_transcript_has(
    tmp_path: Path,
) -> None:
    """Killed (SIGKILL) with a guest on stage and a comment on stream, then resumed by the same
    command: a replay has no downtime (it goes on at its transcript's time), so both stay on
    until the transcript takes them off, and the report says what a replay never killed says
    (the comment on stream for 78 s, not the 8 s up to the last line stored before the kill)."""

    def at(second: int) -> str:
        return (START + timedelta(seconds=second)).isoformat()

    def host(second: int, action: str, comment: str, author: str) -> dict:
        return {"kind": "host", "ts": at(second), "action": action, "comment_id": comment,
                "author_id": author, "platform": "twitch"}  # fmt: skip

    def said(id: str, second: int, author: str, author_id: str, text: str) -> dict:
        return {"kind": "comment", "id": id, "ts": at(second), "platform": "twitch",
                "author_id": author_id, "author": author, "text": text}  # fmt: skip

    transcript = write_jsonl(
        tmp_path / "friday.jsonl",
        [
            {"kind": "show", "ts": at(0), "title": "Synth Night"},
            {"kind": "segment", "ts": at(0), "title": "Filters", "keywords": ["filter"]},
            said("c1", 5, "ana", "7", "can I show my filter?"),
            host(6, "stage_start", "c1", "7"),
            said("c2", 10, "ben", "8", "what cutoff do you use for the filter?"),
            host(12, "feature", "c2", "8"),
            said("c3", 20, "cleo", "9", "nice filter"),
            said("c4", 80, "dev", "10", "the resonance is lovely"),  # killed before it
            host(90, "unfeature", "c2", "8"),
            host(100, "stage_end", "c1", "7"),
            said("c5", 110, "eve", "11", "bye"),
        ],
    )
    whole = tmp_path / "whole.db"
    played = replay(transcript, whole, "--instant")
    assert played.wait(60) == 0
    expected = _report(whole)
    assert expected["stage_seconds"] == 94.0
    assert [shown["seconds"] for shown in expected["shown_on_stream"]] == [78.0]

    db = tmp_path / "crash.db"
    process = replay(transcript, db, "--speed", "10")  # c4 comes 6 s after c3
    deadline = time.monotonic() + 30
    while len(stored_ids(db)) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(stored_ids(db)) == 3
    time.sleep(0.3)  # its replay position stored too
    os.kill(process.pid, signal.SIGKILL)
    process.wait(10)
    resumed = replay(transcript, db, "--instant")
    out, err = resumed.communicate(timeout=60)
    assert resumed.returncode == 0, err
    assert "Resumed show 'crashy'" in out and "picked up after line 7" in out, out
    assert "on stream when the show stopped" not in err + out
    report = _report(db)
    for key in ("stage_seconds", "on_stage", "shown_on_stream"):
        assert report[key] == expected[key], key
