"""The report's words say what its numbers count, the same in every format.

The hand-worked show (showdb.py), where of 6 on-topic questions two were answered on air and one
only replied to in chat, plus two viewers asking Cleo's question again (the ranking folds them into
her line: one follow-up "asked by 3"). The real `stagehand report` runs as a subprocess.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from showdb import SYNTH, _c, build
from showdb import synth_report as report

AGAIN = [
    _c("c15", "05:15", "fin", "105", "cutoff vs resonance, which first?"),
    _c("c16", "05:16", "gus", "106", "cutoff or resonance first?"),
]
HEADLINE = "14 comments from 6 people; 8 on-topic questions, 3 answered (2 on air, 1 in chat)"
FOLLOW_UP = (
    "5 on-topic questions never answered, best first, then the 1 the hosts dismissed: 2 listed,"
    " 2 more folded into them (the same question asked again), 1 not listed: its author opted"
    " out"
)


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    synth = sorted([*SYNTH, *AGAIN], key=lambda event: event["ts"])
    path = build(tmp_path_factory.mktemp("wording"), synth)
    with sqlite3.connect(path) as conn:
        conn.execute(
            "UPDATE comments SET is_question = 1, on_topic = 1, score = 4,"
            " same_as = '[\"discord\", \"c11\"]' WHERE message_id IN ('c15', 'c16')"
        )
    return path


def test_the_headline_says_how_the_questions_were_answered_in_every_format(db_path) -> None:
    term, md, page = (report(db_path, fmt) for fmt in ("term", "md", "html"))
    assert term.splitlines()[3].startswith(HEADLINE + ";")
    assert f"**{HEADLINE};" in md
    assert f'<p class="lead">{HEADLINE};' in page
    detail = "3 of 8  (38%: 2 on air, 1 in chat)"
    assert f"On-topic questions answered     {detail}" in term
    assert f"| On-topic questions answered | {detail} |" in md
    assert "on-topic questions answered (2 on air, 1 in chat)" in page
    data = json.loads(report(db_path, "json"))
    assert data["answered_on_topic_questions"] == 3
    assert data["answered_on_topic_questions_on_air"] == 2


def test_the_follow_up_heading_adds_up_in_every_format(db_path) -> None:
    term, md, page = (report(db_path, fmt) for fmt in ("term", "md", "html"))
    assert f"FOLLOW UP: {FOLLOW_UP}\n" in term
    assert f"\n{FOLLOW_UP}:\n" in md
    assert f'<p class="note">{FOLLOW_UP}.</p>' in page
    data = json.loads(report(db_path, "json"))
    listed = data["unanswered_questions"]
    # Cleo's, asked by 3, first; ana's dismissed one after it
    assert [(q["asked_by"], q["dismissed"]) for q in listed] == [(3, False), (1, True)]
    assert data["unanswered_questions_total"] == 5
    assert data["unanswered_questions_hidden_opted_out"] == 1
