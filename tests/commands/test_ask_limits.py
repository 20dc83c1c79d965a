"""`!ask` under a cooldown, and with the chat commands switched off: what the queue, the database
and the report make of it, through `stagehand replay` as a user runs it."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

from commands.chat import say, segment, write_transcript


def replay(tmp_path: Path, records: list[dict[str, Any]], config: str = "") -> sqlite3.Connection:
    transcript = write_transcript(tmp_path / "show.jsonl", records)
    db = tmp_path / "show.db"
    args = ["replay", str(transcript), "--db", str(db), "--instant", "--headless"]
    if config:
        (tmp_path / "stagehand.toml").write_text(config, encoding="utf-8")
        args += ["-c", str(tmp_path / "stagehand.toml")]
    done = subprocess.run(
        [sys.executable, "-m", "stagehand", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    return sqlite3.connect(db)


def stored(db: sqlite3.Connection) -> dict[str, tuple[str, str, list[str], dict[str, float]]]:
    """message id -> (kind, text, flags, reasons)."""
    rows = db.execute("SELECT message_id, kind, text, flags, reasons FROM comments")
    return {m: (kind, text, flags.split(), json.loads(r)) for m, kind, text, flags, r in rows}


def outcomes(db: sqlite3.Connection, command: str) -> list[str]:
    rows = db.execute("SELECT outcome FROM commands WHERE name = ? ORDER BY id", (command,))
    return [outcome for (outcome,) in rows]


def test_an_ask_during_its_cooldown_is_a_plain_comment_without_the_ask_lift(tmp_path) -> None:
    db = replay(
        tmp_path,
        [
            segment("Filters", ["filter", "cutoff"]),
            say("m1", "a1", "!ask what filter cutoff is best for bass?", t=1),
            say("m2", "a1", "!ask how about resonance on a ladder filter?", t=2),
            say("m3", "a1", "!ask third question about filter slopes?", t=3),
            say("m4", "a1", "!ask and the filter envelope, after the cooldown?", t=12),
        ],
    )
    rows = stored(db)
    kind, text, flags, reasons = rows["m2"]
    # Still the viewer's comment (queued, shown as the question), judged as any other.
    assert (kind, text) == ("comment", "how about resonance on a ladder filter?")
    assert "ask" not in flags and "ask" not in reasons
    assert "ask" not in rows["m3"][2]
    assert "ask" in rows["m1"][2] and "ask" in rows["m1"][3]
    assert "ask" in rows["m4"][2]  # the cooldown is over: lifted again
    assert outcomes(db, "ask") == [
        "ok: in the queue as a question",
        "ignored: cooldown, 9 s left (a plain comment: no !ask lift)",
        "ignored: cooldown, 8 s left (a plain comment: no !ask lift)",
        "ok: in the queue as a question",
    ]


def test_with_commands_off_an_ask_is_stored_as_a_command_and_never_queued(tmp_path) -> None:
    db = replay(
        tmp_path,
        [
            segment("Filters", ["filter", "cutoff"]),
            say("m1", "a1", "!ask what filter cutoff is best for bass?", t=1),
            say("m2", "b2", "is the cutoff knob linear?", t=2),
            say("m3", "c3", "!optout", t=3),
        ],
        config="[commands]\nenabled = false\n",
    )
    rows = stored(db)
    kind, text, flags, _ = rows["m1"]
    assert (kind, text, flags) == ("command", "!ask what filter cutoff is best for bass?", [])
    assert rows["m2"][0] == "comment"
    # Nothing of the !ask is logged as handled; the privacy commands still are.
    assert [name for (name,) in db.execute("SELECT name FROM commands")] == ["optout"]
    db_path = str(tmp_path / "show.db")
    report = subprocess.run(
        [sys.executable, "-m", "stagehand", "report", "--db", db_path, "--format", "json"],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert report.returncode == 0, report.stderr
    numbers = json.loads(report.stdout)
    assert (numbers["comments"], numbers["questions"]) == (1, 1)


JSON = ("--format", "json")


def report_of(tmp_path: Path) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "stagehand", "report", "--db", str(tmp_path / "show.db"), *JSON],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_an_ask_is_a_question_for_the_show_even_opened_with_a_name_or_put_to_chat(
    tmp_path,
) -> None:
    # `!ask` is the viewer saying it is for the show: neither an @mention first nor "anyone
    # know" makes it chat between viewers. Emotes alone are no question, !ask or not.
    db = replay(
        tmp_path,
        [
            segment("DVD playback", ["dvd", "vlc", "libdvdcss"]),
            say("m1", "nymnfan", "!ask @xqcow gachiBASS does VLC play dvds? gachiBASS", t=1),
            say("m2", "wren", "!ask @ana is libdvdcss needed for vlc to play dvds?", t=2),
            say("m3", "kit", "!ask anyone know if vlc plays encrypted dvds?", t=3),
            say("m4", "emoter", "!ask gachiBASS gachiBASS", t=4),
        ],
    )
    rows = stored(db)
    for message in ("m1", "m2", "m3"):
        assert "question" in rows[message][2] and "to_chat" not in rows[message][2], rows[message]
    assert "question" not in rows["m4"][2]
    numbers = report_of(tmp_path)
    assert numbers["questions"] == 3
    # On the follow-up list (the three ask alike: one line "asked by 3").
    follow_ups = numbers["unanswered_questions"]
    assert sum(q["questions"] for q in follow_ups) == 3
    assert "gachiBASS gachiBASS" not in json.dumps(follow_ups)
    assert outcomes(db, "ask")[3].startswith("ok: not a question")
