"""The real `stagehand` command, run as a subprocess the way a user runs it."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import click
import pytest

from stagehand.cli import cli

README = Path(__file__).resolve().parent.parent / "README.md"


def stagehand(*args: str, env: dict[str, str] | None = None, timeout: float = 60):
    return subprocess.run(
        [sys.executable, "-m", "stagehand", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
        stdin=subprocess.DEVNULL,
    )


def test_every_command_has_help_and_is_in_the_readme() -> None:
    readme = README.read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        assert command.help, f"`stagehand {name}` has no help text"
        assert f"stagehand {name}" in readme, f"`stagehand {name}` is not documented in README.md"
    result = stagehand("--help")
    assert result.returncode == 0
    for name in cli.commands:
        assert name in result.stdout


def test_replay_headless_then_shows_then_export_round_trip(
    tmp_path: Path, small_show: Path
) -> None:
    db = tmp_path / "cli.db"
    result = stagehand("replay", str(small_show), "--db", str(db), "--instant", "--headless")
    assert result.returncode == 0, result.stderr
    assert "Stored show 'synth-night': 5 comments" in result.stdout

    listing = stagehand("shows", "--db", str(db))
    assert listing.returncode == 0
    assert "synth-night" in listing.stdout and "Synth Night" in listing.stdout

    out = tmp_path / "back.jsonl"
    exported = stagehand("export", "synth-night", "--db", str(db), "-o", str(out))
    assert exported.returncode == 0, exported.stderr
    kinds = [json.loads(line)["kind"] for line in out.read_text().splitlines()]
    assert kinds.count("comment") == 5 and kinds.count("segment") == 2 and kinds.count("host") == 4

    again = stagehand("replay", str(small_show), "--db", str(db), "--instant", "--headless")
    assert again.returncode == 0, again.stderr
    assert "Resumed show 'synth-night': 0 comments" in again.stdout
    assert "already stored to the end of the transcript" in again.stdout
    assert sqlite3.connect(db).execute("SELECT count(*) FROM shows").fetchone()[0] == 1


def test_demo_headless_fills_a_database(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    result = stagehand("demo", "--headless", "--speed", "1000", "--db", str(db), timeout=120)
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(db)
    comments, people = conn.execute(
        "SELECT count(*), count(DISTINCT author_id) FROM comments"
    ).fetchone()
    assert comments >= 400 and people >= 30
    assert conn.execute("SELECT count(*) FROM segments").fetchone()[0] >= 3


def test_export_of_an_unknown_show_lists_the_shows(tmp_path: Path, small_show: Path) -> None:
    db = tmp_path / "cli.db"
    stagehand("replay", str(small_show), "--db", str(db), "--instant", "--headless")
    result = stagehand("export", "nope", "--db", str(db))
    assert result.returncode == 2
    assert "no show called 'nope' (shows here: synth-night)" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_missing_database_is_named(tmp_path: Path) -> None:
    result = stagehand("shows", "--db", str(tmp_path / "absent.db"))
    assert result.returncode == 2
    assert f"{tmp_path / 'absent.db'}: no such database" in result.stderr


def test_run_with_a_wrong_config_names_file_and_key(tmp_path: Path) -> None:
    config = tmp_path / "bad.toml"
    config.write_text("[commands]\nprefix = ''\n")
    result = stagehand("run", "-c", str(config))
    assert result.returncode == 2
    assert str(config) in result.stderr
    assert "commands.prefix" in result.stderr
    assert "Traceback" not in result.stderr


def test_run_without_any_platform_says_what_to_enable(tmp_path: Path) -> None:
    config = tmp_path / "stagehand.toml"
    config.write_text("[show]\nname = 'friday'\n")
    result = stagehand("run", "-c", str(config), "--headless")
    assert result.returncode == 2
    assert "no platform is enabled" in result.stderr
    assert "[twitch]" in result.stderr


def test_run_without_a_config_says_where_it_looked(tmp_path: Path) -> None:
    result = stagehand("run", env={"STAGEHAND_CONFIG": str(tmp_path / "missing.toml")})
    assert result.returncode == 2
    assert "looked in:" in result.stderr and "missing.toml" in result.stderr


@pytest.mark.parametrize("args", [["replay", "nowhere.jsonl"], ["replay", "--speed", "0", "x"]])
def test_bad_arguments_are_usage_errors(args: list[str]) -> None:
    result = stagehand(*args)
    assert result.returncode == 2
    assert "Usage:" in result.stderr


def test_config_example_matches_the_committed_file() -> None:
    result = stagehand("config-example")
    example = README.parent / "config.example.toml"
    assert result.stdout == example.read_text(encoding="utf-8"), (
        "config.example.toml is stale: run `stagehand config-example > config.example.toml`"
    )


def test_a_bug_is_one_line_pointing_at_the_log_never_a_traceback(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from stagehand.cli.errors import StagehandCommand
    from stagehand.logs import log_file_path, register_secret

    register_secret("s3cr3t-token-value")

    @click.command(cls=StagehandCommand)
    def broken() -> None:
        raise KeyError("the s3cr3t-token-value was in a dict")

    result = CliRunner().invoke(broken, [])
    assert result.exit_code == 1
    (line,) = result.output.splitlines()
    assert line.startswith("Error: stagehand failed unexpectedly (KeyError: ")
    assert line.endswith(f"this is a bug: the details are in {log_file_path()}")
    logged = log_file_path().read_text()
    assert "Traceback" in logged and "raise KeyError" in logged
    assert "s3cr3t-token-value" not in logged + result.output
