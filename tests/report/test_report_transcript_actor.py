"""Actions a replayed transcript scripted are credited to the transcript, not to "this machine"
(a headless replay has no console that could have taken them); an opted-out viewer's comment
shown on stream has no text, and its line no dangling colon.

The hand-worked show (showdb.py) plus an answer by `alice` (a named token, so the "answered by"
table is there) and a scripted `feature` of dev's question (dev opts out after the show). The real
`stagehand report` runs as a subprocess.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from showdb import SYNTH, _h, build
from showdb import synth_report as report

MORE = [
    _h("03:35", "answer", "c11", "9001", platform="discord", actor="alice"),
    _h("05:12", "feature", "c14", "103"),
]
TRANSCRIPT = "the transcript (replayed)"


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    synth = sorted([*SYNTH, *MORE], key=lambda event: event["ts"])
    return build(tmp_path_factory.mktemp("transcript-actor"), synth)


def test_scripted_actions_are_the_transcripts_in_every_format(db_path) -> None:
    for fmt in ("term", "md", "html", "json"):
        assert "this machine" not in report(db_path, fmt), fmt
    term = report(db_path, "term")
    table = term.split("ANSWERED BY", 1)[1].split("\n\n", 1)[0].splitlines()[2:]
    assert [line.split()[-6:] for line in table] == [
        ["2", "1", "1", "1", "1", "0"],  # the transcript: answered c3 and c9, replied to c5, ...
        ["1", "0", "0", "0", "0", "0"],  # alice answered c11
    ]
    assert table[0].strip().startswith(TRANSCRIPT) and table[1].strip().startswith("alice")
    assert f"| {TRANSCRIPT} | 2 | 1 | 1 | 1 | 1 | 0 |" in report(db_path, "md")
    assert f"<td>{TRANSCRIPT}</td>" in report(db_path, "html")
    data = json.loads(report(db_path, "json"))
    assert [row["name"] for row in data["answered_by"]] == [TRANSCRIPT, "alice"]
    assert [row["by"] for row in data["shown_on_stream"]] == [TRANSCRIPT]


def test_a_forgotten_viewers_comment_on_stream_ends_without_a_colon(db_path) -> None:
    term = report(db_path, "term")
    (line,) = [ln for ln in term.splitlines() if "anonymous-" in ln and " by " in ln]
    assert line.endswith(f"by {TRANSCRIPT}"), line
    md = report(db_path, "md")
    (line,) = [ln for ln in md.splitlines() if "anonymous-" in ln and ", by " in ln]
    assert line.endswith(f"by {TRANSCRIPT}"), line
