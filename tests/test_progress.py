"""Long work shows progress: a bar on a terminal, a plain line now and then anywhere else."""

from __future__ import annotations

import io
import json
import os
import pty
import re
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
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


def _bursty_transcript(path: Path) -> Path:
    """1,500 comments in the show's first 2 seconds, then one every 5 seconds for 100 more:
    nearly all of the file is played at once, nearly all of the time is still to come."""
    start = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)
    lines = [{"kind": "segment", "ts": start.isoformat(), "title": "VCO", "keywords": ["vco"]}]
    times = [i * 2 / 1500 for i in range(1500)] + [2 + 5 * i for i in range(1, 21)]
    for number, second in enumerate(times):
        ts = (start + timedelta(seconds=second)).isoformat()
        lines.append(
            {"kind": "comment", "id": f"b{number}", "ts": ts, "platform": "twitch",
             "author_id": str(number % 50), "author": f"viewer{number % 50}",
             "text": f"comment {number}: how does the vco track the keyboard?"}
        )  # fmt: skip
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


def test_a_paced_replay_says_the_time_left_by_the_transcript_clock(tmp_path: Path) -> None:
    """The time left of a replay at --speed is its transcript's time still to play over the
    speed: the share of the file played said 'about 0 s' while 10 s were to come, and the demo's
    estimate climbed from 2 to 27 minutes in its first half minute. Every estimate shown, added to
    the time so far, is the replay's length (102 s of show at 10x), and none climbs."""
    transcript = _bursty_transcript(tmp_path / "bursty.jsonl")
    command = [sys.executable, "-m", "stagehand", "replay", str(transcript)]
    result = subprocess.run(
        [*command, "--db", str(tmp_path / "b.db"), "--speed", "10", "--headless"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    estimates = [
        (int(so_far), _seconds(left))
        for left, so_far in re.findall(r"about (.+?) left\), (\d+) s so far", result.stderr)
    ]
    late = [(so_far, left) for so_far, left in estimates if so_far >= 5]
    assert late, result.stderr
    for so_far, left in late:
        assert abs(so_far + left - 10.2) <= 2.5, (estimates, result.stderr)
    lefts = [left for _, left in estimates]
    assert lefts == sorted(lefts, reverse=True), estimates


def _seconds(duration: str) -> int:
    """'about 1 min 05 s left' -> 65."""
    numbers = [int(n) for n in re.findall(r"\d+", duration)]
    return numbers[0] * 60 + numbers[1] if "min" in duration else numbers[0]
