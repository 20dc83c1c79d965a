"""`stagehand rank` applies a moderator's `!segment` and `!topic` in chat as `replay` does: the
preview and the show put every comment in the same segment, under the same topic."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from commands.chat import play, say, segment, write_transcript

MOD = ["moderator"]

RECORDS = [
    segment("La canción del año", ["canción", "guitarra"]),
    say("c1", "ana", "me encanta la guitarra de esta canción", t=1),
    say("c2", "ben", "!segment Producción | micrófono, mezcla", t=2),  # not a moderator
    say("c3", "ines", "!segment Producción | micrófono、mezcla", t=3, roles=MOD),
    say("c4", "cleo", "!ask ¿Qué micrófono usan para grabar la voz?", t=4),
    say("c5", "dev", "!topic Masterización | ecualizador", t=5),  # a viewer asks the topic
    say("c6", "ines", "!topic Mezcla ｜ ecualizador，compresor", t=6, roles=MOD),
    say("c7", "eli", "¿qué compresor usan?", t=7),
    say("c8", "ines", "!segment Mezcla", t=8, roles=MOD),  # the live one's title: no new one
    say("c9", "fer", "¿y el ecualizador?", t=9),
]


def stagehand(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stagehand", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ,
        stdin=subprocess.DEVNULL,
    )


def ranked_segments(transcript: Path) -> dict[str, int]:
    result = stagehand("rank", str(transcript))
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    return {asker: row["segment"] for row in rows for asker in row["askers"]}


async def test_rank_puts_comments_in_the_segments_a_moderator_started_in_chat(tmp_path) -> None:
    transcript = write_transcript(tmp_path / "show.jsonl", RECORDS)
    (tmp_path / "live").mkdir()
    played = await play(tmp_path / "live", RECORDS)
    replayed = dict(
        played.db.execute(
            "SELECT comments.message_id, segments.position FROM comments"
            " JOIN segments ON segments.id = comments.segment_id"
            " WHERE comments.message_id IN ('c1', 'c4', 'c7', 'c9')"
        ).fetchall()
    )
    assert replayed == {"c1": 1, "c4": 2, "c7": 2, "c9": 2}
    assert ranked_segments(transcript) == replayed

    on_topic = dict(played.db.execute("SELECT message_id, on_topic FROM comments").fetchall())
    ranked = {
        json.loads(line)["id"]: json.loads(line)
        for line in stagehand("rank", str(transcript)).stdout.splitlines()
    }
    # Judged by the topic the moderator set: "compresor" and "ecualizador" are its keywords.
    assert on_topic["c7"] == on_topic["c9"] == 1
    assert "topic" in ranked["c7"]["reasons"] and "topic" in ranked["c9"]["reasons"]
    assert "off_topic" not in ranked["c9"]["reasons"]

    # An export holds the `!segment` line and the segment it made: still one segment.
    exported = tmp_path / "export.jsonl"
    result = stagehand("export", "--db", str(tmp_path / "live" / "show.db"), "-o", str(exported))
    assert result.returncode == 0, result.stderr
    assert ranked_segments(exported) == replayed
