"""A show stopped and resumed ranks what comes next as it would have had it never stopped.

The bundled demo replayed for real (the CLI as a subprocess), killed (SIGKILL) part-way, and run
again with the same command: every comment after the restart is judged as in a run that never
stopped. A resumed show used to warm its ranking up on its recent comments under the last
segment only, without what the hosts' answers and dismissals had taught it, so 27 of the demo's
667 comments came out with other flags (on topic became side chatter, "customs is the real final
boss" among them), and the report's on-topic questions and answers changed with the crash.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from stagehand.demo import demo_transcript_path

KILLED_AFTER = 300  # stored comments (of 667): past two segment changes and the first answers


def _replay(db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "stagehand", "replay", str(TRANSCRIPT), "--db", str(db), *args]


TRANSCRIPT = demo_transcript_path()


def _judged(db: Path) -> dict[str, tuple[str, float, dict[str, float]]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT message_id, flags, score, reasons FROM comments").fetchall()
    conn.close()
    return {m: (flags, score, json.loads(reasons)) for m, flags, score, reasons in rows}


def _stored(db: Path) -> int:
    try:
        with sqlite3.connect(db) as conn:
            count = conn.execute("SELECT count(*) FROM comments").fetchone()[0]
        conn.close()
        return int(count)
    except sqlite3.OperationalError:
        return 0


def test_a_killed_and_resumed_show_judges_what_comes_next_as_if_it_never_stopped(
    tmp_path: Path,
) -> None:
    env = dict(os.environ)
    clean = tmp_path / "clean.db"
    subprocess.run(
        _replay(clean, "--instant", "--headless"),
        check=True,
        env=env,
        timeout=300,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )
    killed = tmp_path / "killed.db"
    show = subprocess.Popen(
        _replay(killed, "--speed", "40", "--headless"),
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 240
    while _stored(killed) < KILLED_AFTER and time.monotonic() < deadline:
        time.sleep(0.1)
    show.send_signal(signal.SIGKILL)
    show.wait(30)
    assert KILLED_AFTER <= _stored(killed) < 667, "the replay was not killed part-way"
    subprocess.run(
        _replay(killed, "--instant", "--headless"),
        check=True,
        env=env,
        timeout=300,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )

    before, after = _judged(clean), _judged(killed)
    assert before.keys() == after.keys()
    other_flags = {m: (before[m][0], after[m][0]) for m in before if before[m][0] != after[m][0]}
    assert other_flags == {}
    # The same points, but for what a topic's decay over the restart's moment moves in the
    # third decimal.
    moved = {m for m in before if abs(before[m][1] - after[m][1]) > 0.05}
    assert moved == set(), {m: (before[m][1], after[m][1]) for m in moved}
