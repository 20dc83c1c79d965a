"""The follow-up list is a producer's to-do list: the questions nobody handled come first (best
first), the ones the hosts dismissed after them, marked, since dismissing was a decision made
already. It was led by ana's dismissed "is a ladder filter hard to build?" (the best score).

The hand-worked show (showdb.py: Cleo's question never handled, ana's dismissed) replayed by the
real replay into a real SQLite file; `stagehand report` run as a subprocess in every format.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from showdb import build, stagehand

CLEO = "cutoff vs resonance"
ANA = "is a ladder filter hard to build?"


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("dismissed"))


def test_never_handled_questions_come_before_dismissed_ones_in_every_format(db: Path) -> None:
    report = stagehand("report", "--db", str(db), "synth")
    follow_up = report[report.index("FOLLOW UP") :].split("\n\n")[0].splitlines()
    # Still adds up: 3 questions, 2 listed (the dismissed one last), 1 hidden (opted out).
    assert follow_up[0] == (
        "FOLLOW UP: 3 on-topic questions never answered, best first, then the 1 the hosts"
        " dismissed: 2 listed, 1 not listed: its author opted out"
    )
    assert CLEO in follow_up[1] and "(dismissed)" not in follow_up[1]
    assert ANA in follow_up[2] and "(dismissed)" in follow_up[2]
    md = stagehand("report", "--db", str(db), "synth", "--format", "md")
    assert "then the 1 the hosts dismissed" in md
    assert md.index(CLEO) < md.index(ANA) and "*(dismissed)*: " + ANA in md
    html = stagehand("report", "--db", str(db), "synth", "--format", "html")
    assert html.index(CLEO) < html.index("ladder filter hard")
    data = json.loads(stagehand("report", "--db", str(db), "synth", "--format", "json"))
    listed = [(q["text"][: len(CLEO)], q["dismissed"]) for q in data["unanswered_questions"]]
    assert listed == [(CLEO, False), (ANA[: len(CLEO)], True)]


def test_a_short_list_keeps_the_questions_nobody_handled(db: Path) -> None:
    """`--follow-up 1`: the one line left is the question nobody handled, not the dismissed one
    that scored higher."""
    report = stagehand("report", "--db", str(db), "synth", "--follow-up", "1")
    follow_up = report[report.index("FOLLOW UP") :].split("\n\n")[0].splitlines()
    assert follow_up[0] == (
        "FOLLOW UP: 3 on-topic questions never answered, best first: 1 listed, 1 more after"
        " them (`--follow-up 0` lists every one), 1 not listed: its author opted out"
    )
    assert len(follow_up) == 2 and CLEO in follow_up[1]
