"""`stagehand rank --format table` tells people apart as the console and the report do.

The real CLI as a subprocess, over a transcript written as a producer would check one.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


def _c(mid: str, second: int, login: str, uid: str, text: str, **extra: object) -> dict:
    return {
        "kind": "comment",
        "id": mid,
        "ts": f"2026-11-20T19:00:{second:02d}Z",
        "platform": "twitch",
        "author_id": uid,
        "author": login,
        "text": text,
        **extra,
    }


ALIKE = [
    {"kind": "segment", "ts": "2026-11-20T19:00:00Z", "title": "Filters", "keywords": ["filter"]},
    _c("h1", 5, "priya", "100", "welcome, tonight: filters", display_name="Priya",
       roles=["broadcaster"]),
    _c("a1", 10, "ana", "1", "which filter is on the bass?"),
    # A Cyrillic а: drawn as "ana", but someone else.
    _c("a2", 20, "\u0430na", "2", "which filter do you use on the lead?"),
    _c("p1", 30, "sneaky", "3", "what cutoff for the filter on pads?",
       display_name="Priya(host)"),
    _c("s1", 40, "sam_k", "4", "how do you set filter resonance?", display_name="Sam",
       platform="discord"),
    _c("s2", 50, "sam_j", "5", "is the filter a ladder?", display_name="Sam", platform="discord"),
]  # fmt: skip


def rank(transcript: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "stagehand", "rank", str(transcript), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr
    return done


def test_the_rank_table_tells_look_alike_and_borrowed_names_apart(tmp_path: Path) -> None:
    """A producer reading the table must not take "аna" (a Cyrillic а) for ana, "Priya(host)"
    for the host, or one "Sam" for the other: each row names its author as the console and the
    report do (the look-alike mark, the login beside a borrowed or shared name)."""
    transcript = tmp_path / "alike.jsonl"
    transcript.write_text(
        "".join(json.dumps(event, ensure_ascii=False) + "\n" for event in ALIKE), "utf-8"
    )
    table = rank(transcript, "--format", "table").stdout
    text_of = {event["id"]: event["text"] for event in ALIKE if event["kind"] == "comment"}
    rows = {
        mid: next(line for line in table.splitlines() if text in line)
        for mid, text in text_of.items()
        if mid != "h1"
    }
    assert "\u2248 \u0430na" in rows["a2"], rows["a2"]
    assert "\u2248" not in rows["a1"], rows["a1"]
    assert "Priya(host)" in rows["p1"] and "sneaky" in rows["p1"], rows["p1"]
    assert "sam_k" in rows["s1"] and "sam_j" in rows["s2"], (rows["s1"], rows["s2"])
    # Still a table: every author cell as wide on screen, the text column where it was.
    starts = {line.index(text_of[mid]) for mid, line in rows.items() if line.isascii()}
    assert len(starts) == 1, rows

    lines = [json.loads(line) for line in rank(transcript).stdout.splitlines()]
    by_id = {line["id"]: line for line in lines}
    # jsonl keeps the exact name as data, and each author's platform id and login beside it.
    assert by_id["a2"]["author"] == "\u0430na" and by_id["a2"]["author_id"] == "2"
    assert (by_id["s1"]["author_id"], by_id["s2"]["author_id"]) == ("4", "5")
    assert (by_id["p1"]["author"], by_id["p1"]["login"]) == ("Priya(host)", "sneaky")
