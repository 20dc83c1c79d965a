"""A show that was never closed (it crashed, or it is still running) is reported as such.

The hand-worked show (showdb.py) with `shows.ended_at` cleared, as a killed process leaves it;
the real `stagehand report` and `stagehand shows` run as subprocesses, as a user runs them.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from showdb import build

NOT_CLOSED = "not closed: stopped part-way, crashed or still running ("
UP_TO = "); figures are up to 19:06"


@pytest.fixture(scope="module")
def dbs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    directory = tmp_path_factory.mktemp("unclosed")
    closed = build(directory)
    crashed = directory / "crashed.db"
    shutil.copy(closed, crashed)
    with sqlite3.connect(crashed) as conn:
        conn.execute("UPDATE shows SET ended_at = NULL WHERE name = 'synth'")
    return closed, crashed


def run(*args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "stagehand", *args],
        capture_output=True,
        timeout=60,
        env=os.environ,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout.decode("utf-8")


@pytest.mark.parametrize("fmt", ["term", "md", "html"])
def test_every_readable_format_says_the_show_was_not_closed(dbs, fmt) -> None:
    closed, crashed = dbs
    said = run("report", "synth", "--db", str(crashed), "--format", fmt)
    assert NOT_CLOSED in said and UP_TO in said
    assert "not closed" not in run("report", "synth", "--db", str(closed), "--format", fmt)


def test_json_invents_no_closing_time(dbs) -> None:
    closed, crashed = dbs
    show = json.loads(run("report", "synth", "--db", str(crashed), "--format", "json"))["show"]
    assert show["closed_at"] is None
    assert show["closed"] is False
    assert show["last_known_at"] == "2026-11-20T19:06:00.000Z"
    assert show["duration_seconds"] == 360.0  # up to the last known moment, as before
    show = json.loads(run("report", "synth", "--db", str(closed), "--format", "json"))["show"]
    assert show["closed"] is True and show["closed_at"] == show["last_known_at"]


def test_trend_marks_the_show_not_closed(dbs) -> None:
    _, crashed = dbs
    assert "not closed" in run("report", "--trend", "--db", str(crashed))
    rows = json.loads(run("report", "--trend", "--db", str(crashed), "--format", "json"))
    synth = next(r["show"] for r in rows["shows"] if r["show"]["name"] == "synth")
    assert synth["closed_at"] is None and synth["closed"] is False


def test_shows_has_a_state_column(dbs) -> None:
    _, crashed = dbs
    lines = run("shows", "--db", str(crashed)).splitlines()
    assert "STATE" in lines[0]
    synth = next(line for line in lines if line.startswith("synth"))
    pilot = next(line for line in lines if line.startswith("pilot"))
    assert "not closed" in synth
    assert "closed" in pilot and "not closed" not in pilot


def _resume_said(db: Path, *args: str) -> str:
    when = run("report", "synth", "--db", str(db), *args).splitlines()[1]
    return when.partition(NOT_CLOSED)[2].partition(UP_TO)[0]


def test_the_report_names_the_command_that_resumes_each_kind_of_show(dbs, tmp_path) -> None:
    """Not "the same command resumes it": `stagehand demo` again starts another demo. What the
    database knows of how the show ran names the command (its database too, not the default)."""
    _, crashed = dbs
    transcript = crashed.parent / "synth.jsonl"
    assert _resume_said(crashed) == f"`stagehand replay {transcript} --db {crashed}` resumes it"
    show = json.loads(run("report", "synth", "--db", str(crashed), "--format", "json"))["show"]
    assert show["resume_with"] == f"stagehand replay {transcript} --db {crashed}"
    from stagehand.demo import demo_transcript_path

    kinds = {
        "demo": (str(demo_transcript_path()), "`stagehand demo --show synth --db {db}` resumes it"),
        "live": ("live", "`stagehand run --show synth --db {db}` resumes it, with its config"),
        "other": (
            "/shows/chat.jsonl",
            "`stagehand replay /shows/chat.jsonl --show synth --db {db}` resumes it",
        ),
    }
    for kind, (source, said) in kinds.items():
        db = tmp_path / f"{kind}.db"
        shutil.copy(crashed, db)
        with sqlite3.connect(db) as conn:
            (show_id,) = conn.execute("SELECT id FROM shows WHERE name = 'synth'").fetchone()
            conn.execute(
                "UPDATE shows SET source = ?, ended_at = NULL WHERE id = ?", [source, show_id]
            )
            if source == "live":
                conn.execute("DELETE FROM replay_positions WHERE show_id = ?", [show_id])
            else:
                conn.execute(
                    "UPDATE replay_positions SET source = ? WHERE show_id = ?", [source, show_id]
                )
        assert _resume_said(db) == said.format(db=db), kind
    closed, _ = dbs
    show = json.loads(run("report", "synth", "--db", str(closed), "--format", "json"))["show"]
    assert show["resume_with"] is None  # closed: nothing to resume


def test_the_markdown_report_gives_the_resume_command_as_it_runs(dbs, tmp_path) -> None:
    """Markdown splits "@", "www." and "#37" in chat with an unseen word joiner (no mentions, no
    links); done to the command that resumes the show, the copied command named another
    database and transcript, and ran a new show instead of resuming this one."""
    _, crashed = dbs
    folder = tmp_path / "www.shows"
    folder.mkdir()
    db = folder / "x@y.db"
    shutil.copy(crashed, db)
    with sqlite3.connect(db) as conn:
        (show_id,) = conn.execute("SELECT id FROM shows WHERE name = 'synth'").fetchone()
        conn.execute(
            "UPDATE shows SET source = '/shows/ep#37.jsonl', ended_at = NULL WHERE id = ?",
            [show_id],
        )
        conn.execute(
            "UPDATE replay_positions SET source = '/shows/ep#37.jsonl' WHERE show_id = ?",
            [show_id],
        )
    report = run("report", "synth", "--db", str(db), "--format", "md")
    command = shlex.join(
        ["stagehand", "replay", "/shows/ep#37.jsonl", "--show", "synth", "--db", str(db)]
    )
    assert f"`{command}` resumes it" in report
    assert "\u2060" not in report.split("resumes it")[0].split("·")[-1]
