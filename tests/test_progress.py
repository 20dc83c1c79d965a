"""Long work shows progress: a bar on a terminal, a plain line now and then anywhere else."""

from __future__ import annotations

import io
import os
import pty
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from fakes.big_show import write_big_show
from stagehand import progress
from stagehand.cli import cli
from stagehand.progress import Progress


@pytest.fixture(scope="module")
def long_transcript(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A replay that takes a few seconds even flat out."""
    path = tmp_path_factory.mktemp("progress") / "long.jsonl"
    write_big_show(path, 15_000)
    return path


def replay_command(transcript: Path, db: Path) -> list[str]:
    stagehand = [sys.executable, "-m", "stagehand"]
    return [*stagehand, "replay", str(transcript), "--db", str(db), "--instant", "--headless"]


def test_a_long_headless_replay_writes_progress_lines_to_a_log(
    tmp_path: Path, long_transcript: Path
) -> None:
    result = subprocess.run(
        replay_command(long_transcript, tmp_path / "long.db"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("replay:")]
    assert lines, result.stderr
    assert all(
        re.fullmatch(r"replay: \d+% \([\d,]+ events played(, about .+ left)?\), \d+ s so far", line)
        for line in lines
    ), lines
    assert "\r" not in result.stderr  # a log cannot redraw: no bar there
    assert "Stored show 'long': 15000 chat lines" in result.stdout


def test_on_a_terminal_a_long_replay_draws_one_bar(tmp_path: Path, long_transcript: Path) -> None:
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        replay_command(long_transcript, tmp_path / "long.db"),
        stdout=subprocess.PIPE,
        stderr=terminal,
        stdin=subprocess.DEVNULL,
    )
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        shown += chunk
    os.close(controller)
    out = process.stdout.read().decode()  # type: ignore[union-attr]
    assert process.wait(60) == 0
    screen = shown.decode()
    bars = re.findall(r"replay \[[#.]{24}\]\s+\d+%", screen)
    assert bars, screen
    assert "\n" not in screen.strip("\r\n "), "the bar is redrawn in place, not line by line"
    assert screen.endswith("\r"), "the bar is cleared before the summary"
    assert "Stored show 'long'" in out
    assert sqlite3.connect(tmp_path / "long.db").execute("SELECT count(*) FROM comments").fetchone()


class FakeTime:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_bar_shows_the_share_done_what_is_happening_and_the_time_left() -> None:
    clock = FakeTime()
    screen = io.StringIO()
    bar = Progress("replay", stream=screen, tty=True, clock=clock)
    bar.update(0.1, "1,000 events played")
    assert screen.getvalue() == ""  # nothing in the first second: quick work stays quiet
    clock.now += 10
    bar.update(0.5, "50,000 events played")
    drawn = screen.getvalue()
    assert drawn.startswith("\rreplay [############............]  50%  50,000 events played")
    assert "about 10 s left" in drawn
    bar.finish()
    assert screen.getvalue().endswith("\r")
    assert screen.getvalue().split("\r")[-2].strip() == ""  # the line is wiped


def test_a_long_report_says_what_it_is_doing(
    tmp_path: Path, small_show: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "report.db"
    runner = CliRunner()
    played = runner.invoke(
        cli, ["replay", str(small_show), "--db", str(db), "--instant", "--headless"]
    )
    assert played.exit_code == 0, played.output
    # As if reading took long: every step shows.
    monkeypatch.setattr(progress, "DELAY", 0.0)
    monkeypatch.setattr(progress, "LINE_EVERY", 0.0)
    result = runner.invoke(cli, ["report", "--db", str(db), "synth-night", "--format", "md"])
    assert result.exit_code == 0, result.output
    assert "report: (reading show synth-night)" in result.stderr
    assert "report: (writing the md report)" in result.stderr
    assert result.stdout.startswith("#")
