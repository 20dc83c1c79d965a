"""The follow-up list lists a question once, however many viewers asked it (as the queue has it:
one row "asked by N"), while every asker stays counted: `stagehand replay` into a real SQLite
file, then `stagehand report` on it, both as a user runs them."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

QUESTION = "why does resonance self oscillate?"


def _line(mid: str, second: int, author: str, text: str) -> dict:
    return {
        "kind": "comment",
        "id": mid,
        "ts": f"2026-12-01T20:00:{second:02d}Z",
        "platform": "twitch",
        "author_id": f"id-{author}",
        "author": author,
        "text": text,
    }


SHOW = [
    {"kind": "show", "ts": "2026-12-01T20:00:00Z", "title": "Filters night"},
    {"kind": "segment", "ts": "2026-12-01T20:00:00Z", "title": "Filters",
     "keywords": ["filter", "resonance", "ladder"]},
    *(
        _line(f"q{n}", 10 + 5 * n, name, QUESTION)
        for n, name in enumerate(["ana", "ben", "ana", "cleo", "dev", "eve"])
    ),
    _line("o1", 45, "fin", "is a ladder filter harder to build than a diode filter?"),
]  # fmt: skip


def stagehand(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "stagehand", *args],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("followups")
    transcript = folder / "filters.jsonl"
    transcript.write_text("".join(json.dumps(line) + "\n" for line in SHOW), "utf-8")
    path = folder / "show.db"
    stagehand("replay", str(transcript), "--db", str(path), "--instant", "--headless")
    return path


def test_a_question_five_viewers_asked_is_one_follow_up_asked_by_5(db: Path) -> None:
    """It was one line per comment: the busy show's "why does resonance self oscillate?" more
    than 20 times over."""
    out = stagehand("report", "--db", str(db))
    follow_up = out[out.index("FOLLOW UP") :].split("\n\n")[0].splitlines()
    # It adds up: 2 lines for 7 questions, the other 5 folded into ana's "asked by 5" line.
    assert follow_up[0] == (
        "FOLLOW UP: 7 on-topic questions never answered, best first: 2 listed,"
        " 5 more folded into them (the same question asked again)"
    )
    asked = [line for line in follow_up if QUESTION in line]
    assert len(asked) == 1 and "ana (twitch)  asked by 5: " in asked[0]
    assert len(follow_up) == 3  # the heading, that question, fin's
    markdown = stagehand("report", "--db", str(db), "--format", "md")
    assert markdown.count(QUESTION) == 1 and "(twitch, 20:00, asked by 5):" in markdown
    html = stagehand("report", "--db", str(db), "--format", "html")
    assert html.count(QUESTION) == 1 and "asked by 5" in html


def test_the_json_lists_it_once_and_keeps_every_asker_counted(db: Path) -> None:
    data = json.loads(stagehand("report", "--db", str(db), "--format", "json"))
    listed = data["unanswered_questions"]
    assert [(q["author"], q["text"], q["asked_by"], q["questions"]) for q in listed] == [
        ("fin", "is a ladder filter harder to build than a diode filter?", 1, 1),
        ("ana", QUESTION, 5, 6),
    ]
    assert data["unanswered_questions_total"] == 7  # each comment, as before
    people = csv.DictReader(io.StringIO(stagehand("report", "--db", str(db), "--format", "csv")))
    questions = {row["author"]: int(row["questions"]) for row in people}
    assert questions == {"ana": 2, "ben": 1, "cleo": 1, "dev": 1, "eve": 1, "fin": 1}
