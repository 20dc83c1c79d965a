"""A show stopped and resumed ranks what comes next as it would have had it never stopped.

Shows replayed for real (the CLI as a subprocess), killed (SIGKILL) part-way, and run again with
the same command: every comment after the restart is judged as in a run that never stopped. A
resumed show used to warm its ranking up on its recent comments under the last segment only,
without what the hosts' answers and dismissals had taught it, so 27 of the bundled demo's 667
comments came out with other flags (on topic became side chatter, "customs is the real final
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
from datetime import UTC, datetime, timedelta
from pathlib import Path

from stagehand.demo import demo_transcript_path

DEMO = demo_transcript_path()
#: Where the demo is killed (stored comments, of 667): past two segment changes and answers.
KILLED_AFTER = 300


def _replay(transcript: Path, db: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "stagehand", "replay", str(transcript), "--db", str(db), *args]


def _judged(db: Path) -> dict[str, tuple[str, float]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT message_id, flags, score FROM comments").fetchall()
    conn.close()
    return {message_id: (flags, score) for message_id, flags, score in rows}


def _stored(db: Path) -> int:
    try:
        with sqlite3.connect(db) as conn:
            count = conn.execute("SELECT count(*) FROM comments").fetchone()[0]
        conn.close()
        return int(count)
    except sqlite3.OperationalError:
        return 0


def _played_through(transcript: Path, db: Path) -> None:
    subprocess.run(
        _replay(transcript, db, "--instant", "--headless"),
        check=True,
        timeout=300,
        capture_output=True,
        stdin=subprocess.DEVNULL,
    )


def _clean_and_killed(
    tmp_path: Path, transcript: Path, *, speed: str, after: int, total: int
) -> tuple[dict[str, tuple[str, float]], dict[str, tuple[str, float]]]:
    """How each comment was judged in a run that never stopped, and in one killed once `after`
    comments were stored and resumed by the same command."""
    clean, killed = tmp_path / "clean.db", tmp_path / "killed.db"
    _played_through(transcript, clean)
    show = subprocess.Popen(
        _replay(transcript, killed, "--speed", speed, "--headless"),
        env=dict(os.environ),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 240
    while _stored(killed) < after and time.monotonic() < deadline:
        time.sleep(0.05)
    show.send_signal(signal.SIGKILL)
    show.wait(30)
    assert after <= _stored(killed) < total, "the replay was not killed part-way"
    _played_through(transcript, killed)
    before, resumed = _judged(clean), _judged(killed)
    assert before.keys() == resumed.keys()
    return before, resumed


def test_a_killed_and_resumed_show_judges_what_comes_next_as_if_it_never_stopped(
    tmp_path: Path,
) -> None:
    before, after = _clean_and_killed(tmp_path, DEMO, speed="40", after=KILLED_AFTER, total=667)
    other_flags = {m: (before[m][0], after[m][0]) for m in before if before[m][0] != after[m][0]}
    assert other_flags == {}
    # The same points, but for what a topic's decay over the restart's moment moves in the
    # third decimal.
    moved = {m for m in before if abs(before[m][1] - after[m][1]) > 0.05}
    assert moved == set(), {m: (before[m][1], after[m][1]) for m in moved}


def _help_desk(path: Path) -> Path:
    """A channel whose hosts never chat: one answer in its first segment, then a second segment
    of questions and replies, longer than a resumed show warms up on (2,000 comments)."""
    start = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)

    def at(seconds: float) -> str:
        return (start + timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")

    lines: list[dict[str, object]] = [
        {"kind": "show", "ts": at(0), "title": "Help desk"},
        {"kind": "segment", "ts": at(0), "title": "Printers", "keywords": ["printer", "driver"]},
        {
            "kind": "comment",
            "id": "a0",
            "ts": at(1),
            "author_id": "1",
            "author": "asker",
            "text": "my printer driver fails to install, any idea?",
        },
        {"kind": "host", "ts": at(2), "action": "answer", "comment_id": "a0", "author_id": "1"},
        {"kind": "segment", "ts": at(3), "title": "Sound", "keywords": ["alsa", "sound", "audio"]},
    ]
    for n in range(1500):
        who = str(100 + n % 300)
        lines.append(
            {
                "kind": "comment",
                "id": f"q{n}",
                "ts": at(4 + n),
                "author_id": who,
                "author": f"user{who}",
                "text": f"no sound after the alsa update on card {n}?",
            }
        )
        lines.append(
            {
                "kind": "comment",
                "id": f"r{n}",
                "ts": at(4.5 + n),
                "author_id": "7",
                "author": "helper",
                "reply_to": f"q{n}",
                "text": f"user{who}: check alsamixer, the audio channel may be muted",
            }
        )
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def test_a_resumed_show_remembers_its_hosts_answered_before_the_comments_it_warms_up_on(
    tmp_path: Path,
) -> None:
    """The hosts answered once, long before the last 2,000 comments: a resumed show that only
    relearned the answers among those took itself for a channel without hosts (where threads
    count 1.2 times), and the replies after the restart scored higher than in a run that never
    stopped (found by the last read)."""
    transcript = _help_desk(tmp_path / "desk.jsonl")
    before, after = _clean_and_killed(tmp_path, transcript, speed="1000", after=2_300, total=3_001)
    moved = {m for m in before if abs(before[m][1] - after[m][1]) > 0.05}
    assert moved == set(), sorted((m, before[m][1], after[m][1]) for m in moved)[:5]
