"""Running `stagehand` as a user does, a subprocess on real files, for the tests of a show's
life in its database (test_show_identity.py, test_show_lock.py, test_show_stopped.py,
test_show_file_gone.py) and of the reports and exports of a show on a fake platform
(tests/adapters/*/test_*_platform_moderation.py)."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path


def stagehand(
    *args: str, timeout: float = 120, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`stagehand *args` run to its end with no terminal (and `env` for its environment, if
    given): its exit code and what it printed."""
    return subprocess.run(
        [sys.executable, "-m", "stagehand", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
        env=env,
    )


def start(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "stagehand", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )


@contextmanager
def started(*args: str) -> Iterator[subprocess.Popen[str]]:
    """`stagehand *args` running, as `start` runs it; killed on the way out if it still runs
    (a test that failed before it ended leaves no show behind)."""
    process = start(*args)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.kill()


def count(db: Path, sql: str) -> int:
    try:
        conn = sqlite3.connect(db)
        try:
            return int(conn.execute(sql).fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


def wait_for_comments(db: Path, at_least: int = 1, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while count(db, "SELECT count(*) FROM comments") < at_least:
        assert time.monotonic() < deadline, "the show stored no chat in time"
        time.sleep(0.1)


def replay_stopped_part_way(
    transcript: Path, db: Path, comments: int = 20
) -> subprocess.CompletedProcess[str]:
    """`stagehand replay TRANSCRIPT --db DB --headless --speed 50` stopped by SIGTERM (as a
    service manager or `kill` stops it) once it has stored `comments` comments: its exit code
    and what it printed."""
    args = ("replay", str(transcript), "--db", str(db), "--headless", "--speed", "50")
    with started(*args) as process:
        wait_for_comments(db, comments)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def next_week(source: Path, target: Path) -> Path:
    """The same show a week later, as a new recording: new message ids, new dates."""
    target.parent.mkdir(parents=True, exist_ok=True)
    lines = []
    for line in source.read_text("utf-8").splitlines():
        record = json.loads(line)
        if "id" in record:
            record["id"] += "-wk2"
        if "ts" in record:
            record["ts"] = record["ts"].replace("2026-11-20", "2026-11-27")
        lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    target.write_text("".join(lines), "utf-8")
    return target


def copy_to(source: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(source.read_bytes())
    return target
