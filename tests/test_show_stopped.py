"""A replay stopped part-way is not `closed`: the command that ran it resumes it."""

from __future__ import annotations

import json
import signal
from pathlib import Path

from fakes.show_runs import copy_to, stagehand, start, wait_for_comments
from stagehand.demo import demo_transcript_path


def test_a_replay_stopped_part_way_is_not_closed_and_resumes(tmp_path: Path) -> None:
    """SIGTERM at a third of the demo: the run said "run the same command again to resume",
    `stagehand shows` said `closed` and the report lost its "not closed" line."""
    transcript = copy_to(demo_transcript_path(), tmp_path / "term.jsonl")
    db = tmp_path / "term.db"
    process = start("replay", str(transcript), "--db", str(db), "--headless", "--speed", "50")
    try:
        wait_for_comments(db, 20)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 143, err
    assert "run the same command again to resume where it stopped" in out
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
