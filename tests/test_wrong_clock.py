"""One comment with a wrong clock (dated 2099) never stalls a replay nor hides what follows it."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fakes.transcripts import write_jsonl
from stagehand.adapters.replay import ReplayAdapter
from stagehand.adapters.timeline import Timeline
from stagehand.config import Settings
from stagehand.session import open_show

START = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)
COMMENTS = 300
WRONG = 8  # the comment whose machine thinks it is 2099


def at(seconds: float) -> str:
    return (START + timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")


def show_with_a_2099_comment(path: Path) -> Path:
    """300 comments over 30 s; 60 answered, 12 guests on stage; comment #8 dated 2099."""
    records: list[dict] = [
        {"kind": "show", "ts": at(0), "title": "Clock test", "description": ""},
        {"kind": "segment", "ts": at(0), "title": "Everything", "keywords": ["synth"]},
    ]
    for index in range(COMMENTS):
        t = index / 10
        records.append(
            {
                "kind": "comment",
                "id": f"c{index}",
                "ts": "2099-01-01T00:00:00Z" if index == WRONG else at(t),
                "platform": "twitch",
                "author_id": f"u{index}",
                "author": f"viewer{index}",
                "text": f"what synth filter is best, take {index}?",
            }
        )
        if index % 5 == 0:
            records.append(
                {"kind": "host", "ts": at(t), "action": "answer", "comment_id": f"c{index}"}
            )
        if index % 25 == 10:
            records.append(
                {"kind": "host", "ts": at(t), "action": "stage_start", "comment_id": f"c{index}"}
            )
        if index % 25 == 20:
            guest = f"u{index - 10}"
            records.append({"kind": "host", "ts": at(t), "action": "stage_end", "author_id": guest})
    return write_jsonl(path, records)


def test_a_2099_comment_does_not_stall_a_speed_replay(tmp_path: Path) -> None:
    transcript = show_with_a_2099_comment(tmp_path / "clock.jsonl")
    db = tmp_path / "clock.db"
    started = time.monotonic()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "stagehand",
            "replay",
            str(transcript),
            "--db",
            str(db),
            "--speed",
            "20",
            "--headless",
        ],
        capture_output=True,
        text=True,
        timeout=30,
    )
    took = time.monotonic() - started
    assert result.returncode == 0, result.stderr
    assert took < 20, f"30 s of show at speed 20 took {took:.0f} s"
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM comments").fetchone()[0] == COMMENTS
    # stored at the show's time (right after the comment before it), never in 2099
    (wrong_ts,) = conn.execute("SELECT ts FROM comments WHERE message_id = 'c8'").fetchone()
    assert wrong_ts == "2026-11-20T19:00:00.700Z"
    assert conn.execute("SELECT max(ts) FROM comments").fetchone()[0] < "2027"
    # and the host heard why, with the line to fix
    assert "clock.jsonl:13: time 2099-01-01T00:00:00.000Z is far off" in result.stderr
    assert "1 event(s) dated far off the show's clock" in result.stdout


async def test_after_a_crash_every_later_host_event_is_still_applied(tmp_path: Path) -> None:
    transcript = show_with_a_2099_comment(tmp_path / "clock.jsonl")
    lines = transcript.read_text().splitlines(keepends=True)
    crashed = tmp_path / "crashed.jsonl"
    crashed.write_text("".join(lines[:40]))  # stored up to a little after the 2099 comment
    db = tmp_path / "clock.db"
    for played in (crashed, transcript):
        live = open_show(
            Settings(),
            db_path=db,
            show_name="clock",
            adapters=[ReplayAdapter(played, instant=True)],
            commands=False,
        )
        await live.run_adapters()
        assert await live.close()
    conn = sqlite3.connect(db)
    answers = conn.execute("SELECT count(*) FROM host_actions WHERE action = 'answer'").fetchone()
    assert answers[0] == 60
    sessions = conn.execute("SELECT count(*), count(ended_at) FROM stage_sessions").fetchone()
    assert sessions == (12, 12)


def test_a_jump_the_following_events_agree_with_is_a_real_break() -> None:
    """A show that really pauses for two hours keeps its times; a lone outlier does not."""
    timeline = Timeline()
    times = [START, START + timedelta(seconds=1), START + timedelta(hours=2)]
    times += [START + timedelta(hours=2, seconds=s) for s in (1, 2)]
    placed = [timeline.place(ts, times[index + 1 : index + 3]) for index, ts in enumerate(times)]
    assert placed == times and timeline.clamped == 0

    timeline = Timeline()
    lonely = [START, START + timedelta(days=365 * 73), START + timedelta(seconds=2)]
    lonely.append(START + timedelta(seconds=3))
    placed = [timeline.place(ts, lonely[index + 1 : index + 3]) for index, ts in enumerate(lonely)]
    assert placed == [START, START, START + timedelta(seconds=2), START + timedelta(seconds=3)]
    assert timeline.clamped == 1
