"""Commands typed with a Japanese or Chinese input method (full-width `！`, `ＨＡＮＤ`) are the
commands they look like, for the bot, the queue and `stagehand rank` alike; the arguments keep
their text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from commands.chat import play, say, segment, write_transcript
from stagehand.adapters.discord.normalize import names_a_person
from stagehand.config import Settings
from stagehand.config.commands import CommandSettings


async def test_full_width_commands_raise_hands_and_lift_questions(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            segment("スープの作り方", ["スープ", "豚骨"]),
            say("m1", "ana", "！hand", t=1),
            say("m2", "ben", "!ＨＡＮＤ", t=2),
            say("m3", "cleo", "！ask スープの温度は？", t=3),
            say("m4", "dev", "！topic", t=4),
            say("m5", "eli", "！すごい！", t=5),  # a viewer's exclamation, no command
        ],
    )
    assert played.hands() == ["ana", "ben"]
    assert played.commands() == [
        ("ana", "hand", "", "ok: hand raised, #1 in the queue"),
        ("ben", "hand", "", "ok: hand raised, #2 in the queue"),
        ("cleo", "ask", "スープの温度は？", "ok: in the queue as a question"),
        ("dev", "topic", "", "ok: told the topic"),
    ]
    assert played.answers() == ["Now on the show: スープの作り方 (スープ, 豚骨)"]
    kinds = dict(played.db.execute("SELECT message_id, kind FROM comments").fetchall())
    assert kinds["m1"] == kinds["m2"] == kinds["m4"] == "command"
    assert kinds["m3"] == kinds["m5"] == "comment"


async def test_a_full_width_question_mark_prefix_is_the_question_mark(tmp_path) -> None:
    settings = Settings(commands=CommandSettings(prefix="?"))
    played = await play(tmp_path, [say("m1", "ana", "？hand", t=1)], settings=settings)
    assert played.hands() == ["ana"]


async def test_a_moderator_stages_a_viewer_with_a_full_width_command(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            say("m0", "ana", "こんばんは", t=0),
            say("m1", "mo", "！stage @ana", t=1, roles=["moderator"]),
        ],
    )
    assert played.on_stage() == ["ana"]


def test_a_full_width_stage_reads_a_discord_mention_as_the_id() -> None:
    assert names_a_person("！ｓｔａｇｅ <@123>", "!")
    assert not names_a_person("！ask <@123>", "!")


def test_rank_keeps_full_width_commands_out_and_lifts_a_full_width_ask(tmp_path: Path) -> None:
    transcript = write_transcript(
        tmp_path / "ja.jsonl",
        [
            segment("スープの作り方", ["スープ", "豚骨"]),
            say("m1", "ana", "！hand", t=1),
            say("m2", "ben", "!ＨＡＮＤ", t=2),
            say("m3", "cleo", "！ask スープの温度は？", t=3),
            say("m4", "dev", "！topic", t=4),
        ],
    )
    result = subprocess.run(
        [sys.executable, "-m", "stagehand", "rank", str(transcript)],
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [row["id"] for row in rows] == ["m3"]
    assert "ask" in rows[0]["reasons"]
