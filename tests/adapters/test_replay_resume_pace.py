"""A paced replay stopped and resumed goes on at its transcript's pace from where it stopped.

`stagehand replay --speed X` stopped with Ctrl-C and run again resumes the show: the next line
waits out its time from the stored show's moment, as if the replay had never stopped (it
played every line left at once and exited).
"""

from __future__ import annotations

import json
import signal
import time
from pathlib import Path

from fakes.show_runs import count, started


def _line(id: str, second: int, text: str) -> dict:
    minutes, seconds = divmod(second, 60)
    return {
        "kind": "comment",
        "id": id,
        "ts": f"2026-11-20T19:{minutes:02d}:{seconds:02d}Z",
        "platform": "twitch",
        "author_id": id,
        "author": f"viewer_{id}",
        "text": text,
    }


def _comments(db: Path) -> int:
    return count(db, "SELECT count(*) FROM comments")


def test_a_resumed_paced_replay_waits_for_its_next_line_as_if_never_stopped(
    tmp_path: Path,
) -> None:
    records = [{"kind": "show", "ts": "2026-11-20T19:00:00Z", "title": "Paced"}]
    records += [_line(f"c{n}", n, f"question {n} about the filter?") for n in range(4)]
    records.append(_line("late", 63, "one more, a minute later"))  # 6 s away at 10x
    transcript = tmp_path / "paced.jsonl"
    transcript.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    db = tmp_path / "paced.db"
    command = ["replay", str(transcript), "--db", str(db)]
    command += ["--headless", "--speed", "10", "--listen", "127.0.0.1:0"]

    with started(*command) as first:
        deadline = time.monotonic() + 60
        while _comments(db) < 4 and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(0.5)  # waiting for the late line (at 19:01:03, 5.9 s of wall time away)
        first.send_signal(signal.SIGINT)
        out, err = first.communicate(timeout=60)
    assert first.returncode == 130, err
    assert "Stopped before the end of the transcript" in out
    assert _comments(db) == 4

    with started(*command) as resumed:
        assert resumed.stdout is not None
        assert resumed.stdout.readline().startswith("Show server:")  # open, and playing
        resumed_at = time.monotonic()
        out, err = resumed.communicate(timeout=60)
        took = time.monotonic() - resumed_at
    assert resumed.returncode == 0, err
    assert "Resumed show 'paced'" in out
    assert _comments(db) == 5
    # 60 s of show time from the stored show's last moment (19:00:03) at 10x: 6 s.
    assert took >= 4.5, f"the late line was played {took:.1f} s after the resume"
