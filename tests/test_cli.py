"""The real `stagehand` command, run as a subprocess the way a user runs it."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import unicodedata
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
    assert "Stored show 'synth-night': 5 chat lines" in result.stdout

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
    assert "Resumed show 'synth-night': 0 chat lines" in again.stdout
    assert "already stored to the end of the transcript" in again.stdout
    assert sqlite3.connect(db).execute("SELECT count(*) FROM shows").fetchone()[0] == 1


def test_replay_reads_null_as_absent_for_every_optional_key(tmp_path: Path) -> None:
    """`"display_name": null` skipped the line ('missing "display_name" (line skipped)') and
    lost the comment, though the key is optional and `"reply_to": null` was read: every
    optional key of docs/transcript-format.md written as null reads as left out."""
    lines = [
        {"kind": "show", "ts": "2026-11-20T19:00:00Z", "title": None, "description": None},
        {"kind": "segment", "ts": "2026-11-20T19:00:00Z", "title": "Oscillators", "keywords": None},
        {
            "kind": "comment",
            "id": "c1",
            "ts": "2026-11-20T19:00:05Z",
            "platform": "twitch",
            "channel": None,
            "author_id": "1001",
            "author": "ana",
            "display_name": None,
            "text": "which vco for bass?",
            "roles": None,
            "reply_to": None,
            "first_message": None,
            "attachments": None,
            "highlight": None,
        },
        {
            "kind": "comment",
            "id": "c2",
            "ts": "2026-11-20T19:00:06Z",
            "platform": None,
            "author_id": None,
            "author": "bo",
            "text": "saw vs square?",
            "highlight": {"kind": "bits", "amount": None, "currency": None, "shown": None},
        },
        {
            "kind": "host",
            "ts": "2026-11-20T19:00:10Z",
            "action": "answer",
            "comment_id": "c1",
            "platform": "twitch",
            "author_id": "1001",
            "text": None,
            "outcome": None,
            "id": None,
            "actor": None,
            "undoes": None,
        },
        {"kind": "delete", "ts": "2026-11-20T19:00:12Z", "platform": None, "comment_id": "c2"},
    ]
    transcript = tmp_path / "nulls.jsonl"
    transcript.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    db = tmp_path / "nulls.db"
    result = stagehand("replay", str(transcript), "--db", str(db), "--instant", "--headless")
    assert result.returncode == 0, result.stderr
    assert "line skipped" not in result.stdout + result.stderr, result.stdout + result.stderr
    assert "Stored show 'nulls': 2 chat lines" in result.stdout, result.stdout
    stored = sqlite3.connect(db).execute(
        "SELECT comments.message_id, authors.platform, authors.platform_user_id, authors.name,"
        " authors.display_name, comments.deleted_at IS NOT NULL FROM comments"
        " JOIN authors ON authors.id = comments.author_id ORDER BY comments.message_id"
    )
    assert stored.fetchall() == [
        ("c1", "twitch", "1001", "ana", "ana", 0),
        ("c2", "replay", "bo", "bo", "bo", 1),
    ]
    answered = sqlite3.connect(db).execute("SELECT count(*) FROM host_actions").fetchone()[0]
    assert answered == 1


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
    # The summary counts every chat line it stored and says so; `shows` (and the report) count
    # the viewers' comments, fewer: neither number passes for the other.
    [summary] = [line for line in result.stdout.splitlines() if line.startswith("Stored show")]
    assert f": {comments} chat lines (commands and the hosts' own included; " in summary
    listed = stagehand("shows", "--db", str(db))
    [row] = listed.stdout.splitlines()[1:]
    counted = int(row.split()[5])  # SHOW, STARTED (date, time), LENGTH ("25 m"), COMMENTS
    assert counted < comments and f"{counted} comments" not in summary


def test_an_interrupted_demo_says_how_to_resume_it_and_that_resumes_it(tmp_path: Path) -> None:
    """Each demo is a new show: "the same command again" would start another, not resume."""
    db = tmp_path / "demo.db"
    command = [sys.executable, "-m", "stagehand", "demo", "--headless", "--db", str(db)]
    process = subprocess.Popen(
        [*command, "--speed", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline().startswith("Show server:")
        deadline = time.monotonic() + 30
        while not _count(db, "comments") and time.monotonic() < deadline:
            time.sleep(0.2)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 130, err
    [stopped] = [line for line in out.splitlines() if line.startswith("Stopped before the end")]
    name = sqlite3.connect(db).execute("SELECT name FROM shows").fetchone()[0]
    assert stopped.endswith(f"; run the same command with --show {name} to resume where it stopped")
    # The report and `shows` say it alike: the same command again would start another demo.
    report = stagehand("report", "--db", str(db))
    assert report.returncode == 0, report.stderr
    assert "the same command" not in report.stdout
    resume = f"`stagehand demo --show {name} --db {db}` resumes it"
    assert resume in report.stdout.splitlines()[1], report.stdout
    listed = stagehand("shows", "--db", str(db))
    assert "the same command" not in listed.stdout and resume in listed.stdout, listed.stdout

    # The command named, as named (headless here: no terminal), resumes the demo.
    resumed = stagehand(*command[3:], "--show", name, "--speed", "1000", timeout=120)
    assert resumed.returncode == 0, resumed.stderr
    assert f"Resumed show {name!r}: " in resumed.stdout
    assert sqlite3.connect(db).execute("SELECT count(*) FROM shows").fetchone()[0] == 1


def _count(db: Path, table: str) -> int:
    try:
        conn = sqlite3.connect(db)
        try:
            return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


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


def test_shows_and_a_missing_show_keep_a_hostile_show_name_inert(
    tmp_path: Path, small_show: Path
) -> None:
    """A show's name can be a received transcript's file name: no escape or bidi override from
    it reaches the terminal."""
    hostile = tmp_path / "ev\x1b[31mil\u202eshow.jsonl"
    hostile.write_bytes(small_show.read_bytes())
    db = tmp_path / "cli.db"
    played = stagehand("replay", str(hostile), "--db", str(db), "--instant", "--headless")
    assert played.returncode == 0, played.stderr
    listing = stagehand("shows", "--db", str(db))
    assert listing.returncode == 0, listing.stderr
    assert "evilshow" in listing.stdout
    assert "\x1b" not in listing.stdout and "\u202e" not in listing.stdout


def columns(text: str) -> int:
    """Terminal columns: two for a wide or full-width character (CJK, most emoji)."""
    return sum(2 if unicodedata.east_asian_width(char) in ("W", "F") else 1 for char in text)


def test_shows_aligns_its_columns_under_wide_names(tmp_path: Path, small_show: Path) -> None:
    db = tmp_path / "cli.db"
    for name in ("日本のシンセ", "plain"):
        played = stagehand(
            "replay", str(small_show), "--show", name, "--db", str(db), "--instant", "--headless"
        )
        assert played.returncode == 0, played.stderr
    header, *rows = stagehand("shows", "--db", str(db)).stdout.splitlines()
    started = columns(header[: header.index("STARTED")])
    assert [columns(row[: row.index("2026-")]) for row in rows] == [started, started]


@pytest.mark.parametrize("value", ["nan", "NaN"])
def test_a_speed_that_is_not_a_number_is_a_usage_error(value: str) -> None:
    """click's FloatRange alone lets NaN through (every comparison with NaN is false)."""
    from click.testing import CliRunner

    from stagehand.cli.options import speed_option

    @click.command()
    @speed_option(default=1.0, most=100000)
    def play(speed: float) -> None:
        click.echo(f"playing at {speed}")

    result = CliRunner().invoke(play, ["--speed", value])
    assert result.exit_code == 2
    assert f"Invalid value for '--speed': {value} is not a number in the range" in result.output
    assert "playing" not in result.output


def test_a_nan_ranking_weight_is_refused_before_any_chat_is_stored(
    tmp_path: Path, small_show: Path
) -> None:
    config = tmp_path / "weights.toml"
    config.write_text("[ranking.weights]\ntopic = nan\n", encoding="utf-8")
    db = tmp_path / "w.db"
    result = stagehand(
        "replay", str(small_show), "-c", str(config), "--db", str(db), "--instant", "--headless"
    )
    assert result.returncode == 2, result.stdout
    assert f"{config}: invalid configuration" in result.stderr
    assert "ranking.weights.topic: Input should be a finite number (got nan)" in result.stderr
    assert "Traceback" not in result.stderr and not db.exists()
    doctor = stagehand("doctor", "--offline", "-c", str(config))
    assert doctor.returncode == 1 and "FIX  config:" in doctor.stdout, doctor.stdout
    assert "ranking.weights.topic" in doctor.stdout


def test_a_bad_environment_variable_is_named_by_every_command(
    tmp_path: Path, small_show: Path
) -> None:
    config = tmp_path / "ok.toml"
    config.write_text("[twitch]\nenabled = false\n", encoding="utf-8")
    env = {"STAGEHAND_TWITCH_ENABLED": "maybe"}
    db = tmp_path / "x.db"
    args = ("replay", str(small_show), "-c", str(config), "--db", str(db), "--headless")
    result = stagehand(*args, "--instant", env=env)
    assert result.returncode == 2
    assert "environment variable STAGEHAND_TWITCH_ENABLED (twitch.enabled)" in result.stderr
    assert str(config) not in result.stderr
    doctor = stagehand("doctor", "--offline", "-c", str(config), env=env)
    assert doctor.returncode == 1
    assert "STAGEHAND_TWITCH_ENABLED" in doctor.stdout and "fix the file" not in doctor.stdout
    assert "-> fix or unset the environment variable" in doctor.stdout


@pytest.mark.parametrize("command", ["replay", "demo"])
def test_a_speed_that_is_not_a_number_is_refused_before_any_show_is_made(
    tmp_path: Path, small_show: Path, command: str
) -> None:
    db = tmp_path / "nan.db"
    source = [str(small_show)] if command == "replay" else []
    done = stagehand(command, *source, "--db", str(db), "--headless", "--speed", "nan")
    assert done.returncode == 2
    assert "Invalid value for '--speed': nan is not a number in the range" in done.stderr
    assert "Traceback" not in done.stderr and not db.exists()


def test_the_reading_commands_read_the_database_the_config_names(
    tmp_path: Path, small_show: Path
) -> None:
    """A show run with `-c show.toml` (its `[database] path` elsewhere) is found by `report`,
    `shows` and `export` given the same `-c`, not looked for in the default database."""
    db = tmp_path / "elsewhere" / "friday.db"
    config = tmp_path / "show.toml"
    config.write_text(f'[database]\npath = "{db}"\n', encoding="utf-8")
    played = stagehand("replay", str(small_show), "-c", str(config), "--instant", "--headless")
    assert played.returncode == 0, played.stderr
    assert db.exists()
    for command in (["report"], ["shows"], ["export"]):
        done = stagehand(*command, "-c", str(config))
        assert done.returncode == 0, done.stderr
        assert "synth" in done.stdout.lower() or "Synth" in done.stdout, (command, done.stdout)
    missing = stagehand("report", "-c", str(tmp_path / "missing.toml"))
    assert missing.returncode == 2 and missing.stderr.startswith("Error: No config file found")


def test_export_then_replay_gives_back_the_same_show_when_a_viewer_changes_mid_show(
    tmp_path: Path,
) -> None:
    """A viewer made a moderator (and renamed) mid-show: their earlier question stays a viewer's
    question in the export, so a replay of the export reports the same show."""
    records = [
        {"kind": "segment", "ts": "2026-11-20T19:00:00Z", "title": "VCO", "keywords": ["vco"]},
        {"kind": "comment", "id": "d1", "ts": "2026-11-20T19:00:01Z", "platform": "twitch",
         "author_id": "42", "author": "kat", "display_name": "OldName", "text": "what is a vco?"},
        {"kind": "comment", "id": "d2", "ts": "2026-11-20T19:00:02Z", "platform": "twitch",
         "author_id": "42", "author": "kat", "display_name": "NewName", "text": "and a vcf?",
         "roles": ["moderator"]},
    ]  # fmt: skip
    transcript = tmp_path / "dn.jsonl"
    transcript.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    first, second = tmp_path / "first.db", tmp_path / "second.db"
    assert (
        stagehand(
            "replay", str(transcript), "--db", str(first), "--instant", "--headless"
        ).returncode
        == 0
    )
    exported = tmp_path / "export.jsonl"
    assert stagehand("export", "--db", str(first), "-o", str(exported)).returncode == 0
    lines = {r["id"]: r for r in map(json.loads, exported.read_text().splitlines()) if r.get("id")}
    assert (lines["d1"]["display_name"], lines["d1"]["roles"]) == ("OldName", [])
    assert (lines["d2"]["display_name"], lines["d2"]["roles"]) == ("NewName", ["moderator"])
    assert (
        stagehand(
            "replay", str(exported), "--db", str(second), "--instant", "--headless"
        ).returncode
        == 0
    )
    kinds = "SELECT message_id, kind FROM comments ORDER BY message_id"
    assert sqlite3.connect(second).execute(kinds).fetchall() == [
        ("d1", "comment"),
        ("d2", "moderator"),
    ]
    assert sqlite3.connect(first).execute(kinds).fetchall() == [
        ("d1", "comment"),
        ("d2", "moderator"),
    ]
    reports = [
        stagehand("report", "--db", str(db), "--format", "json").stdout for db in (first, second)
    ]
    counted = [json.loads(report)["on_topic_questions"] for report in reports]
    assert counted == [1, 1]


def test_rank_lists_no_row_for_a_comment_with_no_text_to_show(tmp_path: Path) -> None:
    """As in the console's queue: a comment that is only escapes, zero-width and bidi characters
    (nothing left after cleaning), or an opted-out viewer's empty line, is no row; stderr says
    how many were left out and which, so a jsonl reader's stream stays all queue rows."""
    records = [
        {"kind": "segment", "ts": "2026-11-20T19:00:00Z", "title": "VCO", "keywords": ["vco"]},
        {"kind": "comment", "id": "q1", "ts": "2026-11-20T19:00:01Z", "platform": "twitch",
         "author_id": "1", "author": "alice", "text": "how do you tune the vco?"},
        {"kind": "comment", "id": "z1", "ts": "2026-11-20T19:00:02Z", "platform": "twitch",
         "author_id": "2", "author": "bob", "text": "\u200b\u202e\x1b[2J\u2066"},
        {"kind": "comment", "id": "o1", "ts": "2026-11-20T19:00:03Z", "platform": "twitch",
         "author_id": "3", "author": "carol", "text": ""},
        # A joiner and a variation selector with nothing to join: invisible too.
        {"kind": "comment", "id": "j1", "ts": "2026-11-20T19:00:04Z", "platform": "twitch",
         "author_id": "4", "author": "dave", "text": "\u200b\u202e\x1b[2J\u200d\ufe0f"},
    ]  # fmt: skip
    transcript = tmp_path / "blank.jsonl"
    transcript.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    table = stagehand("rank", str(transcript), "--format", "table")
    assert table.returncode == 0, table.stderr
    rows = [line for line in table.stdout.splitlines() if line[:3].strip().isdigit()]
    assert len(rows) == 1 and "alice" in rows[0]
    assert not {"bob", "carol", "dave"} & set(table.stdout.split())
    jsonl = stagehand("rank", str(transcript))
    assert jsonl.returncode == 0, jsonl.stderr
    assert [json.loads(line)["id"] for line in jsonl.stdout.splitlines()] == ["q1"]
    for done in (table, jsonl):
        assert done.stderr.startswith("3 comments are not listed: no text to show"), done.stderr
        assert set(done.stderr.rstrip().rpartition(": ")[2].split(", ")) == {"z1", "o1", "j1"}


def test_rank_lists_a_held_back_line_as_held_with_its_blocked_term(tmp_path: Path) -> None:
    """A producer checking a transcript tells a line held back for a blocked term from one
    lost: every format lists it after the ranked rows, as held, with the term that held it (as
    the console's `w` says it), and stderr counts them."""
    records = [
        {"kind": "segment", "ts": "2026-11-20T19:00:00Z", "title": "VCO", "keywords": ["vco"]},
        {"kind": "comment", "id": "q1", "ts": "2026-11-20T19:00:01Z", "platform": "twitch",
         "author_id": "1", "author": "alice", "text": "how do you tune the vco?"},
        {"kind": "comment", "id": "h1", "ts": "2026-11-20T19:00:02Z", "platform": "twitch",
         "author_id": "2", "author": "bob", "text": "how do you tune the vco you cunt"},
        {"kind": "segment", "ts": "2026-11-20T19:10:00Z", "title": "Filters", "keywords": []},
        {"kind": "comment", "id": "h2", "ts": "2026-11-20T19:10:01Z", "platform": "twitch",
         "author_id": "3", "author": "carol", "text": "spoilers ahead: the vco dies"},
    ]  # fmt: skip
    transcript = tmp_path / "held.jsonl"
    transcript.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    config = tmp_path / "stagehand.toml"
    config.write_text('[ranking]\nblocked_terms = ["spoiler*"]\n', "utf-8")
    jsonl = stagehand("rank", "-c", str(config), str(transcript))
    assert jsonl.returncode == 0, jsonl.stderr
    lines = [json.loads(line) for line in jsonl.stdout.splitlines()]
    assert [(line["id"], line["held"]) for line in lines] == [
        ("q1", False),
        ("h1", True),
        ("h2", True),
    ]
    assert [(line["segment"], line["blocked_term"]) for line in lines[1:]] == [
        (1, "cunt"),
        (2, "spoiler*"),
    ]
    assert lines[1]["author"] == "bob" and lines[1]["text"] == "how do you tune the vco you cunt"
    table = stagehand("rank", "-c", str(config), str(transcript), "--format", "table")
    assert table.returncode == 0, table.stderr
    ranked, _, held = table.stdout.partition("== held back from the queue")
    assert "alice" in ranked and "bob" not in ranked and "carol" not in ranked
    assert held.splitlines()[0].endswith(": 2")
    bob = next(line for line in held.splitlines() if "bob" in line)
    assert "how do you tune the vco you cunt" in bob and 'blocked term "cunt"' in bob
    assert 'blocked term "spoiler*"' in next(line for line in held.splitlines() if "carol" in line)
    for done in (table, jsonl):
        assert done.stderr.startswith("2 comments are held back from the queue for a blocked term")


def test_a_replay_stopped_before_its_last_line_never_says_it_played_100_percent(
    tmp_path: Path,
) -> None:
    """The reader reads ahead of what is played: stopped while the last line waits its turn, a
    replay said "Stopped before the end of the transcript (100% of it)"."""
    records: list[dict[str, object]] = [
        {"kind": "segment", "ts": "2026-11-20T19:00:00Z", "title": "VCO", "keywords": ["vco"]}
    ]
    for number in range(1000):
        records.append(
            {"kind": "comment", "id": f"c{number}", "ts": f"2026-11-20T19:00:{number % 50:02d}Z",
             "platform": "twitch", "author_id": str(number % 40), "author": f"viewer{number % 40}",
             "text": f"comment {number} about the vco"}
        )  # fmt: skip
    records.sort(key=lambda record: str(record["ts"]))
    records.append(
        {"kind": "comment", "id": "last", "ts": "2026-11-20T19:50:00Z", "platform": "twitch",
         "author_id": "1", "author": "viewer1", "text": "one more, much later"}
    )  # fmt: skip
    transcript = tmp_path / "tail.jsonl"
    transcript.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    db = tmp_path / "tail.db"
    command = [sys.executable, "-m", "stagehand", "replay", str(transcript), "--db", str(db)]
    process = subprocess.Popen(
        [*command, "--headless", "--speed", "100"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while _count(db, "comments") < 1000 and time.monotonic() < deadline:
            time.sleep(0.2)
        time.sleep(1)  # well into the 30 s wait for the last line
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 143, err
    [stopped] = [line for line in out.splitlines() if line.startswith("Stopped before the end")]
    assert stopped.startswith("Stopped before the end of the transcript (all but its last line): ")
    assert "100%" not in out + err, out + err


def test_a_database_given_as_a_transcript_is_named_with_the_way_to_get_one(
    tmp_path: Path, small_show: Path
) -> None:
    """`stagehand rank stagehand.db` (rank my show) said "not UTF-8 text ...; fix or delete
    that line"; it says what the file is and that `export` writes a transcript of it."""
    db = tmp_path / "shows.db"
    played = stagehand("replay", str(small_show), "--db", str(db), "--instant", "--headless")
    assert played.returncode == 0, played.stderr
    other = tmp_path / "other.db"
    for args in (["rank", str(db)], ["replay", str(db), "--db", str(other), "--headless"]):
        done = stagehand(*args)
        assert done.returncode == 2, done.stderr
        assert done.stderr == (
            f"Error: {db} is a SQLite database, not a transcript: `stagehand export --db {db} -o "
            "show.jsonl` writes a show stored in it as one\n"
        )
    assert not other.exists()


def test_a_file_that_is_no_transcript_is_not_called_empty_nor_fixable_line_by_line(
    tmp_path: Path,
) -> None:
    """JSON lines of another program (no "kind") were "the file is empty" to `replay` and "only
    blank lines?" to `rank`; a chat log's first line was "fix or delete that line and rank
    again", which only brings up its second."""
    other_json = tmp_path / "captures.jsonl"
    other_json.write_text('{"case": "a", "input": "@badges= PRIVMSG #x :hi"}\n' * 3, "utf-8")
    why = 'none of its lines is a transcript event, a JSON object whose "kind" is "show", '
    replayed = stagehand("replay", str(other_json), "--db", str(tmp_path / "x.db"), "--headless")
    assert replayed.returncode == 2
    assert f"{other_json}: no transcript events in it: {why}" in replayed.stderr
    ranked = stagehand("rank", str(other_json))
    assert ranked.returncode == 2
    assert f"{other_json}: nothing to rank: {why}" in ranked.stderr
    chat_log = tmp_path / "chat.irc.txt"
    chat_log.write_text("@badges=;color= :kat!kat@kat.tmi.twitch.tv PRIVMSG #x :hi\n" * 3)
    ranked = stagehand("rank", str(chat_log))
    assert ranked.returncode == 2
    assert ranked.stderr == (
        f"Error: {chat_log}:1: not valid JSON at column 1: no value where one belongs (a value "
        "left out, a comma too many, or no JSON at all); pass a JSON Lines transcript (see "
        "docs/transcript-format.md)\n"
    )


@pytest.mark.parametrize("command", [["shows"], ["report"], ["replay", "{show}", "--headless"]])
def test_a_device_as_the_database_is_refused_as_what_it_is(
    small_show: Path, command: list[str]
) -> None:
    """`--db /dev/null` was "cannot write the database (disk I/O error): /dev/null; check the
    disk", even for commands that only read."""
    args = [arg.replace("{show}", str(small_show)) for arg in command]
    done = stagehand(*args, "--db", "/dev/null")
    assert done.returncode == 2
    assert done.stderr.splitlines()[-1] == (
        "Error: Invalid value for '--db': /dev/null is not a regular file (a device or a pipe): "
        "pass a database file, such as show.db"
    )


@pytest.mark.parametrize("command", [["shows"], ["report"], ["replay", "{show}", "--headless"]])
def test_a_device_as_the_configs_database_is_refused_naming_the_file_and_key(
    small_show: Path, tmp_path: Path, command: list[str]
) -> None:
    """`[database] path = "/dev/null"` was "cannot write the database (disk I/O error)", while
    `--db /dev/null` was refused as a device: the config's path goes through the same check."""
    config = tmp_path / "stagehand.toml"
    config.write_text('[database]\npath = "/dev/null"\n', encoding="utf-8")
    args = [arg.replace("{show}", str(small_show)) for arg in command]
    done = stagehand(*args, "-c", str(config))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr == (
        f"Error: {config}: invalid configuration\n  database.path: /dev/null is not a regular "
        "file (a device or a pipe); expected a database file (made by the first show if "
        "missing), e.g. show.db\n"
    )


def test_a_database_under_a_file_or_in_a_folder_that_cannot_be_made_is_one_line(
    small_show: Path, tmp_path: Path
) -> None:
    """A path inside a file was "x/show.db: Not a directory"; one in a folder the system will
    not make was "cannot open the database: No such file or directory": neither said which
    folder, nor why."""
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("mine\n", encoding="utf-8")
    inside = not_a_folder / "shows" / "show.db"
    config = tmp_path / "stagehand.toml"
    config.write_text(f'[database]\npath = "{inside}"\n', encoding="utf-8")
    from_config = stagehand("replay", str(small_show), "--headless", "-c", str(config))
    assert from_config.returncode == 2 and "Traceback" not in from_config.stderr
    assert from_config.stderr == (
        f"Error: {config}: invalid configuration\n  database.path: {inside} would be inside "
        f"{not_a_folder}, a file, not a folder; expected a database file (made by the first "
        "show if missing), e.g. show.db\n"
    )
    from_option = stagehand("shows", "--db", str(inside))
    assert from_option.returncode == 2
    assert from_option.stderr.splitlines()[-1] == (
        f"Error: Invalid value for '--db': {inside} would be inside {not_a_folder}, a file, "
        "not a folder: pass a database file, such as show.db"
    )
    assert not_a_folder.read_text(encoding="utf-8") == "mine\n"
    if not Path("/proc/self").is_dir():
        pytest.skip("needs /proc, where no folder can be made")
    unmakeable = Path("/proc/stagehand-no-such-folder/show.db")
    config.write_text(f'[database]\npath = "{unmakeable}"\n', encoding="utf-8")
    refused = stagehand("replay", str(small_show), "--headless", "-c", str(config))
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert refused.stderr.splitlines()[-1].startswith(
        f"Error: cannot make the folder {unmakeable.parent} for the database {unmakeable} ("
    ), refused.stderr
    assert refused.stderr.splitlines()[-1].endswith(
        "): create it, or pass --db PATH in a folder that exists"
    )


def test_rank_reads_the_config_given_with_c(tmp_path: Path) -> None:
    """`rank -c FILE`, as every command that reads a config: its `[show] hosts` co-host's own
    line is the show's (no row), and a viewer's question replying to them is put to the show."""
    config = tmp_path / "cohost.toml"
    config.write_text('[show]\nhosts = ["twitch:cohost"]\n', encoding="utf-8")
    records = [
        {"kind": "segment", "ts": "2026-11-20T19:00:00Z", "title": "Filters",
         "keywords": ["filter", "resonance"]},
        {"kind": "comment", "id": "c1", "ts": "2026-11-20T19:00:01Z", "platform": "twitch",
         "author_id": "9", "author": "cohost", "text": "the resonance knob is the fun one"},
        {"kind": "comment", "id": "q1", "ts": "2026-11-20T19:00:02Z", "platform": "twitch",
         "author_id": "1", "author": "cal", "text": "what filter resonance do you use?",
         "reply_to": "c1"},
    ]  # fmt: skip
    transcript = tmp_path / "cohost.jsonl"
    transcript.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    ranked = stagehand("rank", "-c", str(config), str(transcript))
    assert ranked.returncode == 0, ranked.stderr
    rows = [json.loads(line) for line in ranked.stdout.splitlines()]
    assert [row["id"] for row in rows] == ["q1"]
    assert "to_show" in rows[0]["reasons"]
    missing = stagehand("rank", "-c", str(tmp_path / "nope.toml"), str(transcript))
    assert missing.returncode == 2 and "nope.toml" in missing.stderr


def test_rank_follows_a_topic_edited_mid_segment(tmp_path: Path) -> None:
    """An export writes a segment with the topic it opened with, then a `topic` event for each
    edit: the comments after an edit are ranked by the edited topic, as the live show did."""
    records = [
        {"kind": "segment", "ts": "2026-11-20T19:00:00Z", "title": "Cooking pasta",
         "keywords": ["pasta", "sauce"]},
        {"kind": "comment", "id": "p1", "ts": "2026-11-20T19:00:10Z", "platform": "twitch",
         "author_id": "1", "author": "ana", "text": "how long do you boil the pasta?"},
        {"kind": "topic", "ts": "2026-11-20T19:01:00Z", "title": "Modular synths",
         "keywords": ["oscillator", "filter"]},
        {"kind": "comment", "id": "s1", "ts": "2026-11-20T19:01:10Z", "platform": "twitch",
         "author_id": "2", "author": "ben", "text": "which oscillator and filter do you use?"},
    ]  # fmt: skip
    transcript = tmp_path / "edited.jsonl"
    transcript.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    ranked = stagehand("rank", str(transcript))
    assert ranked.returncode == 0, ranked.stderr
    rows = {row["id"]: row for row in map(json.loads, ranked.stdout.splitlines())}
    assert "topic" in rows["s1"]["reasons"] and "off_topic" not in rows["s1"]["reasons"]
    assert "topic" in rows["p1"]["reasons"]  # judged by the topic before the edit


def test_a_db_path_the_system_cannot_look_at_is_one_error_line(tmp_path: Path) -> None:
    """`--db` with a name too long for the file system (or in a folder not ours to read): the
    check for a device raised before any error handling, a Python traceback."""
    done = stagehand("shows", "--db", str(tmp_path / ("a" * 300)))
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert done.stderr.startswith("Error:") and "File name too long" in done.stderr


@pytest.mark.parametrize("command", ["replay", "demo"])
def test_the_console_without_a_terminal_is_refused_before_any_show_is_made(
    tmp_path: Path, small_show: Path, command: str
) -> None:
    """Under nohup, systemd or a pipe the console wrote its escape codes into the output file
    and no key could reach it: the operator is told to add --headless, and nothing is stored."""
    db = tmp_path / "no-terminal.db"
    source = [str(small_show)] if command == "replay" else []
    done = stagehand(command, *source, "--db", str(db), "--speed", "50")
    assert done.returncode == 2
    assert "the console needs a terminal" in done.stderr
    assert "add --headless" in done.stderr
    assert "\x1b[" not in done.stdout + done.stderr
    assert not db.exists()
