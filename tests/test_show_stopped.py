"""A replay stopped part-way is not `closed`: the command that ran it resumes it."""

from __future__ import annotations

import json
from pathlib import Path

from fakes.show_runs import copy_to, replay_stopped_part_way, stagehand
from stagehand.demo import demo_transcript_path


def test_a_replay_stopped_part_way_is_not_closed_and_resumes(tmp_path: Path) -> None:
    """SIGTERM at a third of the demo: the run said "run the same command again to resume",
    `stagehand shows` said `closed` and the report lost its "not closed" line."""
    transcript = copy_to(demo_transcript_path(), tmp_path / "term.jsonl")
    db = tmp_path / "term.db"
    stopped = replay_stopped_part_way(transcript, db)
    assert stopped.returncode == 143, stopped.stderr
    assert "run the same command again to resume where it stopped" in stopped.stdout
    listed = stagehand("shows", "--db", str(db))
    assert listed.returncode == 0, listed.stderr
    [row] = [line for line in listed.stdout.splitlines() if line.startswith("term ")]
    assert "  not closed  " in row, row
    report = stagehand("report", "--db", str(db))
    # The command that resumes it, named: a replay's, with its database (not the default).
    assert (
        "not closed: stopped part-way, crashed or still running "
        f"(`stagehand replay {transcript} --db {db}` resumes it)" in report.stdout
    )
    as_json = json.loads(stagehand("report", "--db", str(db), "--format", "json").stdout)
    assert as_json["show"]["closed"] is False

    finished = stagehand("replay", str(transcript), "--db", str(db), "--headless", "--instant")
    assert finished.returncode == 0, finished.stderr
    listed = stagehand("shows", "--db", str(db))
    [row] = [line for line in listed.stdout.splitlines() if line.startswith("term ")]
    assert "  closed  " in row, row


def test_a_resumed_replays_clock_goes_on_from_where_it_stopped(tmp_path: Path) -> None:
    """A resumed replay's clock read today's wall clock until its next line: the notice of the
    restart was stamped 19:25 (wall) above the show's 19:02 in the notice history (revB). It
    stands at the show's last known moment now."""
    import asyncio
    import sqlite3
    from datetime import UTC, datetime

    from stagehand.adapters.replay import ReplayAdapter, transcript_start
    from stagehand.config import Settings
    from stagehand.session import open_show

    transcript = copy_to(demo_transcript_path(), tmp_path / "term.jsonl")
    db = tmp_path / "term.db"
    replay_stopped_part_way(transcript, db)
    with sqlite3.connect(db) as conn:
        (latest,) = conn.execute("SELECT max(ts) FROM comments").fetchone()
    last = datetime.fromisoformat(latest.replace("Z", "+00:00"))
    live = open_show(
        Settings(),
        db_path=db,
        show_name="term",
        source=str(transcript),
        transcript=transcript,
        started_at=transcript_start(transcript),
        adapters=[ReplayAdapter(transcript, instant=True)],
    )
    try:
        now = live.now()
        assert abs((now - last).total_seconds()) < 60, (now, last)
        assert abs((datetime.now(UTC) - now).total_seconds()) > 3600
    finally:
        asyncio.run(live.close())
